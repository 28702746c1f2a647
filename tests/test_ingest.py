from __future__ import annotations

import gzip
import hashlib
import os
import shutil
import struct
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from jetwatch import ingest
from jetwatch.decode import DecoderSettings
from jetwatch.ingest import INGEST_MEMORY_MB, MTIME, ingest_file, ingest_files
from jetwatch.samples import SAMPLES
from jetwatch.store.archive import sha256_file
from jetwatch.store.db import Store, _mib
from tests.helpers import opensky_csv, read_file

PARQUET = next(s.path for s in SAMPLES if s.path.suffix == ".parquet")  # OpenSky, real


@pytest.fixture
def store(tmp_path: Path) -> Store:
    with Store(tmp_path / "jw.duckdb") as s:
        yield s


def _rows(store: Store) -> list[tuple]:
    return store.con.execute("SELECT * EXCLUDE (ingest_id) FROM positions ORDER BY ALL").fetchall()


def test_every_bundled_sample_ingests(store: Store) -> None:
    for sample in SAMPLES:
        settings = DecoderSettings(receiver=sample.receiver)
        result = ingest_file(store, sample.path, start=sample.start, settings=settings)
        assert result.status == "ingested", result.error
        assert result.positions > 0
    counts = store.counts()
    assert counts["ingests"] == len(SAMPLES)
    logged = store.con.execute("SELECT sum(positions) FROM ingests").fetchall()[0][0]
    assert logged == counts["positions"]


def test_reingesting_adds_nothing_even_under_another_name(store: Store, tmp_path: Path) -> None:
    src = SAMPLES[0].path
    first = ingest_file(store, src, start=SAMPLES[0].start)
    before = _rows(store)
    again = ingest_file(store, src, start=SAMPLES[0].start)
    copy = tmp_path / "renamed.bin"
    shutil.copyfile(src, copy)
    renamed = ingest_file(store, copy)
    assert again.status == renamed.status == "skipped"
    assert again.ingest_id == renamed.ingest_id == first.ingest_id
    assert _rows(store) == before


def test_input_is_archived_by_content(store: Store) -> None:
    src = SAMPLES[1].path
    result = ingest_file(store, src, start=SAMPLES[1].start)
    archive = Path(
        store.con.execute(
            "SELECT archive FROM ingests WHERE id = ?", [result.ingest_id]
        ).fetchall()[0][0]
    )
    assert archive.read_bytes() == src.read_bytes()
    assert archive.name == hashlib.sha256(src.read_bytes()).hexdigest() == sha256_file(src)


def test_rejects_are_stored_with_place_and_bytes(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "dirty.avr"
    path.write_bytes(
        b"*8D4840D6202CC371C32CE0576098;\nnot a frame\n*8D4840D6202CC371C32CE057609B;\n"
    )
    result = ingest_file(store, path, start=MTIME)
    assert result.status == "ingested"
    assert dict(result.rejected) == {"unparsable": 1, "bad_crc": 1}
    rows = store.con.execute(
        'SELECT line, "offset", reason, data FROM rejects ORDER BY line'
    ).fetchall()
    assert rows == [
        (2, 31, "unparsable", b"not a frame"),
        (3, 43, "bad_crc", bytes.fromhex("8D4840D6202CC371C32CE057609B")),
    ]
    assert result.first_rejects[0].startswith(f"{path}:line 2: unparsable")


def test_truncated_gzip_keeps_its_beginning(store: Store, tmp_path: Path) -> None:
    whole = gzip.decompress(SAMPLES[0].path.read_bytes())
    full = tmp_path / "full.avr"
    full.write_bytes(whole)
    cut = tmp_path / "cut.avr.gz"
    data = gzip.compress(whole)
    cut.write_bytes(data[: len(data) // 2])
    complete = ingest_file(store, full, start=SAMPLES[0].start)
    partial = ingest_file(store, cut, start=SAMPLES[0].start)
    assert partial.status == "ingested"
    assert partial.stream_error and "truncated" in partial.stream_error
    assert partial.rejected["truncated"] == 1
    assert 0 < partial.positions < complete.positions


def test_a_bad_file_does_not_stop_the_others(store: Store, tmp_path: Path) -> None:
    junk = tmp_path / "junk.txt"
    junk.write_text("hello\n")
    empty = tmp_path / "empty"
    empty.write_bytes(b"")
    missing = tmp_path / "missing.bin"
    results = ingest_files(store, [junk, empty, missing, SAMPLES[3].path])
    assert [r.status for r in results] == ["failed", "failed", "failed", "ingested"]
    assert "junk.txt" in results[0].error and "not a format" in results[0].error
    assert "empty" in results[1].error
    assert results[3].positions > 0
    assert store.counts()["ingests"] == 1


def test_second_writer_gets_a_clear_error(tmp_path: Path) -> None:
    import subprocess
    import sys

    db = tmp_path / "locked.duckdb"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            f"from jetwatch.store.db import Store; s = Store({str(db)!r}); input()",
        ],
        stdin=subprocess.PIPE,
    )
    try:
        for _ in range(100):
            if db.exists():
                break
            import time

            time.sleep(0.05)
        from jetwatch.errors import StoreError

        with pytest.raises(StoreError, match="locked.duckdb"):
            Store(db)
    finally:
        holder.communicate(b"\n", timeout=10)


def test_copies_left_by_a_killed_ingest_are_cleaned(store: Store) -> None:
    import os
    import time

    store.archive_dir.mkdir(parents=True, exist_ok=True)
    orphan = store.archive_dir / ".incoming-left-by-kill"
    orphan.write_bytes(b"partial copy")
    old = time.time() - 2 * 3600
    os.utime(orphan, (old, old))
    fresh = store.archive_dir / ".incoming-another-writer"
    fresh.write_bytes(b"in progress")
    assert ingest_file(store, SAMPLES[3].path).status == "ingested"
    assert not orphan.exists()
    assert fresh.exists()
    assert not [p for p in store.archive_dir.glob(".incoming-*") if p != fresh]


def test_an_address_too_long_rejects_its_line_and_every_file_goes_in(
    store: Store, tmp_path: Path
) -> None:
    # a pyModeS-style sample (time, frame, address) whose address cell overflows
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "1457996400,8D406B902015A678D4D220AA4BDA,406B90\n"
        "1457996401,8D406B902015A678D4D220AA4BDA,1406B9000000000000000\n"
        "1457996402,8D406B902015A678D4D220AA4BDA,406B90\n"
    )
    results = ingest_files(store, [bad, SAMPLES[3].path])
    assert [r.status for r in results] == ["ingested", "ingested"]
    assert results[0].records == 3 and results[0].rejected == {"unparsable": 1}
    assert "line 2" in results[0].first_rejects[0]
    assert results[1].positions == 2500


def test_json_with_a_byte_order_mark_is_read(store: Store, tmp_path: Path) -> None:
    trace = gzip.decompress(SAMPLES[3].path.read_bytes())
    path = tmp_path / "trace-bom.json"
    path.write_bytes(b"\xef\xbb\xbf" + trace)
    result = ingest_file(store, path)
    assert result.format == "readsb_trace" and result.positions == 2500, result.error


def test_copies_left_by_a_killed_process_are_removed_by_the_next_writer(
    store: Store,
) -> None:
    import subprocess
    import sys

    from jetwatch.store.archive import HOST

    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    store.archive_dir.mkdir(parents=True, exist_ok=True)
    orphan = store.archive_dir / f".incoming-{HOST}-{gone.pid}-0123abcd"
    orphan.write_bytes(b"partial copy")  # fresh, but its writer is dead
    alive = store.archive_dir / f".incoming-{HOST}-{os.getpid()}-4567ef"
    alive.write_bytes(b"in progress")
    assert ingest_file(store, SAMPLES[3].path).status == "ingested"
    assert not orphan.exists()
    assert alive.exists()


def test_a_file_is_written_under_a_small_memory_limit(store: Store) -> None:
    """DuckDB keeps what it writes resident up to its limit: under the store's own
    (a quarter of the machine) a day of 10^8 state vectors held 3 GB. While a file
    is written the limit is at most INGEST_MEMORY_MB, and afterwards it is back."""
    before = _limit(store)
    seen: list[str] = []

    def progress(done: int, total: int | None) -> None:
        seen.append(_limit(store))

    assert ingest_file(store, PARQUET, progress=progress).status == "ingested"
    assert seen and all(_mib(limit) <= INGEST_MEMORY_MB for limit in seen)
    assert _limit(store) == before


def test_a_store_memory_limit_is_lowered_never_raised(tmp_path: Path) -> None:
    with Store(tmp_path / "small.duckdb", memory_limit="100MB") as small:
        with small.memory(INGEST_MEMORY_MB):
            assert _mib(_limit(small)) <= 100
        with small.memory(50):
            assert 45 <= _mib(_limit(small)) <= 50
        assert 90 <= _mib(_limit(small)) <= 100


def _limit(store: Store) -> str:
    return str(store.con.execute("SELECT current_setting('memory_limit')").fetchall()[0][0])


@pytest.fixture
def sink_calls(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """How each statement of the ingest's position sink ended."""
    calls: list[str] = []
    insert = ingest.Sink.insert

    def spy(
        self: ingest.Sink, con: duckdb.DuckDBPyConnection, select: str, unless: str | None = None
    ) -> int | None:
        try:
            stored = insert(self, con, select, unless)
        except duckdb.Error:
            calls.append("failed")
            raise
        calls.append("undone" if stored is None else "stored")
        return stored

    monkeypatch.setattr(ingest.Sink, "insert", spy)
    return calls


def _states_csv(out: Path, edit: dict[int, dict[str, str]]) -> Path:
    """The bundled OpenSky sample (real) as CSV, with cells of some lines replaced."""
    lines = opensky_csv(PARQUET, out).read_text().splitlines()
    header = lines[0].split(",")
    for line, cells in edit.items():
        row = lines[line - 1].split(",")
        for name, value in cells.items():
            row[header.index(name)] = value
        lines[line - 1] = ",".join(row)
    out.write_text("\n".join(lines) + "\n")
    return out


def _as_streamed(store: Store, path: Path) -> tuple[dict[str, int], int, list[tuple]]:
    """What the reader alone (no sink: every row through Arrow) makes of ``path``."""
    got = read_file(path, "opensky")
    store.con.register("streamed", got.positions)
    rows = store.con.execute("SELECT * FROM streamed ORDER BY ALL").fetchall()
    store.con.unregister("streamed")
    return dict(got.reasons), got.records, rows


def _stored_rejects(store: Store) -> list[tuple[int, str]]:
    return store.con.execute("SELECT line, reason FROM rejects ORDER BY line").fetchall()


@pytest.mark.parametrize("variant", ["plain", "gz", "screened"])
def test_opensky_csv_written_by_the_store_as_if_streamed(
    store: Store, tmp_path: Path, sink_calls: list[str], variant: str
) -> None:
    """A CSV whose rows are all valid (a cell that is not a number and a row without
    a position are not invalid rows) goes into the store in one statement, and the
    store holds what streaming it would have written, row for row. Compressed, or
    with lines the screen leaves out (a NUL, a line of 600 kB), the statement reads
    the screen's plain copy, and lines keep their numbers in the original."""
    path = _states_csv(tmp_path / "states.csv", {11: {"lat": "abc"}, 21: {"lat": "", "lon": ""}})
    want = {"unparsable": 1}
    if variant == "gz":
        path = path.rename(path.with_suffix(".csv.gz"))
        path.write_bytes(gzip.compress(path.read_bytes()))
    if variant == "screened":
        lines = path.read_bytes().split(b"\n")
        lines[5] = b"9" * 600_000
        lines[30] = lines[30][:10] + b"\x00" + lines[30][10:]
        path.write_bytes(b"\n".join(lines))
        want = {"unparsable": 3}
    result = ingest_file(store, path)
    assert sink_calls == ["stored"]
    reasons, records, rows = _as_streamed(store, path)
    assert (dict(result.rejected), result.records) == (reasons, records) == (want, 1396)
    assert result.positions == len(rows) == 1363 - 2 * (variant == "screened")
    assert _rows(store) == rows
    lines = [6, 11, 31] if variant == "screened" else [11]
    assert _stored_rejects(store) == [(n, "unparsable") for n in lines]


def test_an_invalid_opensky_row_sends_its_csv_down_the_streamed_path(
    store: Store, tmp_path: Path, sink_calls: list[str]
) -> None:
    """The one statement stops at a latitude beyond 90 degrees, writing nothing; the
    file is streamed instead, and the row is one located out_of_range reject."""
    path = _states_csv(tmp_path / "states.csv", {11: {"lat": "abc"}, 21: {"lat": "95.5"}})
    result = ingest_file(store, path)
    assert sink_calls == ["failed"]
    reasons, records, rows = _as_streamed(store, path)
    assert dict(result.rejected) == reasons == {"unparsable": 1, "out_of_range": 1}
    assert result.records == records == 1396
    assert result.positions == len(rows) == 1363
    assert _rows(store) == rows
    assert _stored_rejects(store) == [(11, "unparsable"), (21, "out_of_range")]


def test_opensky_parquet_written_by_the_store_as_if_streamed(
    store: Store, sink_calls: list[str]
) -> None:
    result = ingest_file(store, PARQUET)
    assert sink_calls == ["stored"]
    reasons, records, rows = _as_streamed(store, PARQUET)
    assert (dict(result.rejected), result.records) == (reasons, records) == ({}, 1396)
    assert result.positions == len(rows) == 1365
    assert _rows(store) == rows


def test_parquet_statistics_that_lie_do_not_let_a_row_off_the_earth_in(
    store: Store, tmp_path: Path, sink_calls: list[str]
) -> None:
    """A latitude of 95 degrees in a file whose footer says the largest is 85: DuckDB
    believes the footer (its range test, and even ``max(lat)``, answer from it), so
    the one statement writes the row; the check of the stored rows finds it, the
    write is undone, and the streamed path rejects the row."""
    path = tmp_path / "lying.parquet"
    table = pq.read_table(PARQUET)
    lat = table.column("lat").to_pylist()
    lat[20] = 95.0
    table = table.set_column(table.schema.get_field_index("lat"), "lat", pa.array(lat))
    pq.write_table(table, path, compression="none", use_dictionary=False)
    data = path.read_bytes()
    footer = len(data) - 8 - struct.unpack("<I", data[-8:-4])[0]
    lie = data[footer:-8].replace(struct.pack("<d", 95.0), struct.pack("<d", 85.0))
    path.write_bytes(data[:footer] + lie + data[-8:])
    assert duckdb.sql(f"SELECT max(lat) FROM '{path}'").fetchall() == [(85.0,)]
    result = ingest_file(store, path)
    assert sink_calls == ["undone"]
    assert dict(result.rejected) == {"out_of_range": 1}
    assert result.positions == 1364
    assert store.con.execute("SELECT count(*), max(lat) < 90 FROM positions").fetchall() == [
        (1364, True)
    ]
