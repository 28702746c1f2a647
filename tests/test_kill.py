"""An ingest killed with SIGKILL at any moment, then re-run, gives exactly the rows of
a clean run: no loss, no duplicates."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from jetwatch.store.db import Store
from tests.conftest import SHARED

CODE = """
import sys
from pathlib import Path
from jetwatch.ingest import ingest_files
from jetwatch.store.db import Store
with Store(sys.argv[1]) as store:
    ingest_files(store, [Path(p) for p in sys.argv[3:]], start=float(sys.argv[2]))
"""


def _inputs(tmp_path: Path) -> tuple[list[Path], float]:
    """A few real inputs, one big enough that kills land in the middle of it."""
    import gzip

    with gzip.open(SHARED / "rs1090/long_flight.csv.gz") as fh:
        lines = fh.read().splitlines()
    big = tmp_path / "big.csv"
    big.write_bytes(b"\n".join(lines * 3) + b"\n")
    files = [
        SHARED / "traffic/messages/full_flight_short.jsonl.gz",
        big,
        SHARED / "traffic/readsb/trace_full_ac671b.json.gz",
        SHARED / "traffic/opensky_impala/state_vectors_EDW24_4b1901_20240406.parquet",
    ]
    return files, 1_700_000_000.0


def _run(db: Path, files: list[Path], start: float) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", CODE, str(db), str(start), *map(str, files)])


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
        ingests = store.con.execute("SELECT count(*) FROM ingests").fetchall()[0][0]
    return ingests, rows


@pytest.fixture(scope="module")
def clean(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[Path], float, object, float]:
    tmp = tmp_path_factory.mktemp("clean")
    files, start = _inputs(tmp)
    # a first run pays one-time costs (bytecode compilation in a fresh checkout), so the
    # kill times are taken from a second one
    assert _run(tmp / "warm.duckdb", files, start).wait(timeout=300) == 0
    began = time.monotonic()
    assert _run(tmp / "clean.duckdb", files, start).wait(timeout=300) == 0
    took = time.monotonic() - began
    return files, start, _content(tmp / "clean.duckdb"), took


@pytest.mark.parametrize("fraction", [0.1, 0.25, 0.4, 0.55, 0.7])
def test_kill_9_then_rerun_equals_a_clean_run(tmp_path: Path, clean, fraction: float) -> None:
    files, start, expected, took = clean
    db = tmp_path / "killed.duckdb"
    proc = _run(db, files, start)
    time.sleep(took * fraction)
    os.kill(proc.pid, signal.SIGKILL)
    assert proc.wait(timeout=60) == -signal.SIGKILL
    if db.exists():
        partial = _content(db)
        assert partial[0] < expected[0] or partial == expected
    assert _run(db, files, start).wait(timeout=300) == 0
    assert _content(db) == expected
    assert _run(db, files, start).wait(timeout=300) == 0  # and once more: nothing new
    assert _content(db) == expected
