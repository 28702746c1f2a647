"""An ingest killed with SIGKILL at any moment, then re-run, gives exactly the rows of
a clean run: no loss, no duplicates, no temporary copies left behind.

The kills land at points the ingest reports, not after a measured fraction of its
time (which a loaded machine makes meaningless): the child prints an event after
each batch it has written and after each file, then waits for the test's go-ahead,
so the SIGKILL arrives exactly there.
"""

from __future__ import annotations

import gzip
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from jetwatch.store.db import Store
from tests.conftest import real_path

CODE = """
import itertools
import sys
from pathlib import Path
from jetwatch.ingest import ingest_file
from jetwatch.store.db import Store

def event(text):
    print(text, flush=True)
    if sys.stdin.readline().strip() != "go":
        sys.exit(3)

with Store(sys.argv[1]) as store:
    for path in sys.argv[3:]:
        batches = itertools.count(1)
        def progress(done, total, name=Path(path).name):
            # the batch's number, not ``done``: how far the reader has read ahead
            # when a batch is written depends on timing
            event(f"batch {name} {next(batches)}")
        ingest_file(store, Path(path), start=float(sys.argv[2]), progress=progress)
        event(f"done {Path(path).name}")
"""


def _inputs(tmp_path: Path) -> tuple[list[Path], float]:
    """A few real inputs, one big enough to be written in several batches."""
    with gzip.open(real_path("rs1090/long_flight.csv.gz")) as fh:
        lines = fh.read().splitlines()
    big = tmp_path / "big.csv"
    big.write_bytes(b"\n".join(lines * max(3, 600_000 // len(lines))) + b"\n")
    files = [
        real_path("traffic/messages/full_flight_short.jsonl.gz"),
        big,
        real_path("traffic/readsb/trace_full_ac671b.json.gz"),
        real_path("traffic/opensky_impala/state_vectors_EDW24_4b1901_20240406.parquet"),
    ]
    return files, 1_700_000_000.0


def _run(db: Path, files: list[Path], start: float, kill_at: int | None = None) -> list[str]:
    """Run the ingest; SIGKILL it when it reports event number ``kill_at``. Returns the
    events it reported."""
    proc = subprocess.Popen(
        [sys.executable, "-c", CODE, str(db), str(start), *map(str, files)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdin is not None and proc.stdout is not None
    events = []
    for line in proc.stdout:
        events.append(line.strip())
        if len(events) == kill_at:
            proc.kill()
            assert proc.wait(timeout=60) == -signal.SIGKILL
            return events
        proc.stdin.write("go\n")
        proc.stdin.flush()
    assert proc.wait(timeout=300) == 0
    return events


def _content(db: Path) -> tuple[int, list[tuple]]:
    with Store(db, read_only=True) as store:
        schema = store.con.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_name = 'position_rows'"
        ).fetchall()[0][0]
        if not schema:  # killed before the store's tables were created
            return 0, []
        rows = store.con.execute(
            "SELECT p.* EXCLUDE (ingest_id), i.sha256 FROM positions p "
            "JOIN ingests i ON p.ingest_id = i.id ORDER BY ALL"
        ).fetchall()
        ingests = store.con.execute(
            "SELECT count(*) FROM ingests WHERE status = 'done'"
        ).fetchall()[0][0]
    return ingests, rows


@pytest.fixture(scope="module")
def clean(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[Path], float, object, list]:
    tmp = tmp_path_factory.mktemp("clean")
    files, start = _inputs(tmp)
    events = _run(tmp / "clean.duckdb", files, start)
    assert sum(e.startswith("batch big.csv") for e in events) >= 3
    return files, start, _content(tmp / "clean.duckdb"), events


@pytest.mark.parametrize("where", [0.0, 0.2, 0.35, 0.5, 0.65, 0.8, 0.99])
def test_kill_9_then_rerun_equals_a_clean_run(tmp_path: Path, clean, where: float) -> None:
    files, start, expected, events = clean
    kill_at = 1 + int(where * (len(events) - 1))  # the event after which the kill lands
    db = tmp_path / "killed.duckdb"
    seen = _run(db, files, start, kill_at)
    assert seen == events[:kill_at]  # killed exactly there
    if db.exists():
        partial = _content(db)
        assert partial[0] < expected[0] or partial == expected
    _run(db, files, start)
    assert _content(db) == expected
    _run(db, files, start)  # and once more: nothing new
    assert _content(db) == expected
    archive = db.parent / f"{db.stem}-archive"
    assert not list(archive.glob(".incoming-*"))  # the killed copy is gone too
