"""Raw frames and readsb globe_history traces decoded on Spark (local[2]) against
``jetwatch ingest`` of the same files: the same positions and rejects field by field,
the same flights built from them; bad files reported, duplicates skipped."""

from __future__ import annotations

import datetime as dt
import gzip
import json
import os
import shutil
from pathlib import Path
from typing import Any

import duckdb
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jetwatch.flights.build import build
from jetwatch.flights.output import manifest
from jetwatch.ingest import ingest_files
from jetwatch.sim import load, simulate
from jetwatch.spark import submit
from jetwatch.spark.ingest import decode_file
from jetwatch.store.db import Store
from tests.spark.conftest import differences, on_spark

TINY = Path(__file__).resolve().parents[1] / "data" / "sim" / "tiny.toml"
DAY = "2023-06-24"


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[Path], list[str], float]:
    """One simulated day as Beast recordings of two receivers and a globe_history trace
    tree, plus an unreadable file, a truncated gzip and a duplicate under another name."""
    tmp = tmp_path_factory.mktemp("raw")
    sim = tmp / "sim"
    simulate(load(TINY), sim, ("beast", "readsb"))
    entries = json.loads((sim / "manifest.json").read_text())["files"]
    beast = [e for e in entries if e["format"] == "beast" and DAY in e["path"]]
    start = float(beast[0]["start"])
    assert {e["start"] for e in beast} == {start}  # one anchor for both recordings
    bad = sim / "bad"
    bad.mkdir()
    (bad / "noise.bin").write_bytes(bytes(range(256)) * 16)
    first = (sim / beast[0]["path"]).read_bytes()
    (bad / "cut.bin.gz").write_bytes(gzip.compress(first[:300_000])[:-5000])
    shutil.copy(sim / beast[0]["path"], bad / "copy.bin")
    files = sorted(
        [sim / e["path"] for e in beast]
        + list((sim / "readsb" / DAY).glob("**/*.json"))
        + list(bad.iterdir())
    )
    roots = [str(sim / e["path"]) for e in beast] + [str(sim / "readsb" / DAY), str(bad)]
    return files, roots, start  # the files for DuckDB, the same as Spark paths


@pytest.fixture(scope="module")
def both(
    inputs: tuple[list[Path], list[str], float],
    spark: Any,
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[Path, Path, Any]:
    """DuckDB's store of the files, and Spark's ingest output and flights (CLI)."""
    files, roots, start = inputs
    tmp = tmp_path_factory.mktemp("engines")
    db = tmp / "duck.duckdb"
    with Store(db) as store:
        ingest_files(store, files, start=start)
        build(store)
    iso = dt.datetime.fromtimestamp(start, dt.UTC).isoformat()
    decoded = on_spark("ingest", "--start", iso, *roots, "--output", str(tmp / "out"))
    on_spark(
        "flights",
        "build",
        "--input",
        str(tmp / "out" / "positions"),
        "--input-format",
        "positions",
        "--output",
        str(tmp / "flights"),
    )
    return db, tmp, decoded


def _rows(sql: str) -> list[dict[str, Any]]:
    return duckdb.sql(sql).to_arrow_table().to_pylist()


def test_spark_decodes_what_ingest_decodes(both: tuple[Path, Path, Any]) -> None:
    db, tmp, _ = both
    out = tmp / "out"
    with Store(db) as store:
        ours = (
            store.con.sql(
                "SELECT * EXCLUDE (ingest_id) REPLACE (flags::INTEGER AS flags) "
                "FROM positions ORDER BY ALL"
            )
            .to_arrow_table()
            .to_pylist()
        )
        our_rejects = store.con.sql(
            "SELECT reason, count(*) AS n FROM rejects GROUP BY 1 ORDER BY 1"
        ).fetchall()
    theirs = _rows(
        f"SELECT * EXCLUDE (file, day) FROM read_parquet('{out}/positions/**/*.parquet', "
        f"hive_partitioning = true) ORDER BY ALL"
    )
    assert len(ours) > 100_000
    kinds = duckdb.sql(
        f"SELECT DISTINCT regexp_extract(file, '(trace_full|\\.bin)') FROM read_parquet("
        f"'{out}/positions/**/*.parquet')"
    ).fetchall()
    assert sorted(kinds) == [(".bin",), ("trace_full",)]  # decoded frames and traces
    assert differences(ours, theirs, "time") == []
    their_rejects = duckdb.sql(
        f"SELECT reason, count(*) AS n FROM read_parquet('{out}/rejects/*.parquet') "
        "GROUP BY 1 ORDER BY 1"
    ).fetchall()
    assert their_rejects == our_rejects and ("truncated", 1) in our_rejects


def test_bad_and_duplicate_files_are_reported(both: tuple[Path, Path, Any]) -> None:
    _, tmp, decoded = both
    files = {
        r["file"].rsplit("/", 1)[-1]: r
        for r in _rows(f"SELECT * FROM read_parquet('{tmp}/out/files/*.parquet')")
    }
    assert files["noise.bin"]["status"] == "failed"
    assert "not a format jetwatch reads" in files["noise.bin"]["error"]
    assert "noise.bin" in files["noise.bin"]["error"]
    assert files["copy.bin"]["status"] == "decoded"  # first by path: the other is skipped
    assert [r["status"] for r in files.values()].count("skipped") == 1
    assert files["cut.bin.gz"]["stream_error"] and files["cut.bin.gz"]["positions"] > 0
    assert all(len(r["sha256"]) == 64 for r in files.values())
    manifest = json.loads((next((tmp / "out" / "manifest").glob("part-*"))).read_text())
    assert manifest["labels"] and "SIMULATED" in manifest["labels"][0]
    assert "1 duplicates, 1 unreadable" in decoded.output
    assert "cut.bin.gz" in decoded.output and "truncated" in decoded.output


def test_flights_from_spark_decoding_equal_duckdb(both: tuple[Path, Path, Any]) -> None:
    db, tmp, _ = both
    with Store(db) as store:
        ours = store.con.sql("SELECT * FROM flights ORDER BY id").to_arrow_table().to_pylist()
    theirs = _rows(
        f"SELECT * EXCLUDE (day) FROM read_parquet('{tmp}/flights/flights/**/*.parquet', "
        "hive_partitioning = true) ORDER BY id"
    )
    assert len(ours) > 20
    assert [f["id"] for f in theirs] == [f["id"] for f in ours]
    assert differences(ours, theirs, "id") == []
    made = json.loads(next((tmp / "flights" / "manifest").glob("part-*")).read_text())
    assert "SIMULATED" in made["labels"][0]  # carried from the ingest's manifest


@settings(max_examples=60, deadline=None)
@given(content=st.binary(max_size=2000), name=st.sampled_from(["x.bin", "x.gz", "trace.json"]))
def test_any_bytes_give_rows_and_one_summary(content: bytes, name: str) -> None:
    """A task never raises: whatever the bytes, its rows end with the file's summary,
    whose counts are those of the rows before it."""
    batches = list(decode_file(f"s3a://bucket/{name}", content, 1.687e9))
    kinds = [k for b in batches for k in b.column("kind").to_pylist()]
    assert kinds[-1] == "file" and kinds.count("file") == 1
    summary = json.loads(batches[-1].column("summary")[0].as_py())
    assert summary["status"] in ("decoded", "failed")
    assert summary["positions"] == kinds.count("position")
    assert sum(summary["rejected"].values()) == kinds.count("reject")
    if summary["error"]:
        assert f"s3a://bucket/{name}" in summary["error"]  # the file, not a temporary copy


def test_the_spark_submit_entry_decodes_then_builds(spark: Any, tmp_path: Path) -> None:
    """``jetwatch.spark.submit`` as spark-submit runs it (the session already exists).
    AVR without a date is refused, or with ``--start mtime`` dated from the file's
    modification time and labelled, as ingest does."""
    data = Path(__file__).resolve().parents[2] / "src" / "jetwatch" / "data"
    trace, sbs = data / "trace_full_ac671b.json.gz", data / "klm-port30003.sbs.gz"
    avr = tmp_path / "plain.avr.gz"
    shutil.copy(data / "afr34zg-cdg.avr.gz", avr)
    os.utime(avr, (1687600000, 1687600000))
    raw, flights = str(tmp_path / "raw"), str(tmp_path / "flights")
    paths = [str(trace), str(sbs), str(avr)]
    assert submit.main(["ingest", *paths, "--output", raw, "--label", "t"]) == 0
    ingested = json.loads(next(Path(raw, "manifest").glob("*.txt")).read_text())
    assert ingested["failed"] == 1  # the AVR file: no date
    assert submit.main(["ingest", *paths, "--output", raw, "--label", "t", "--start", "mtime"]) == 0
    first = duckdb.sql(
        f"SELECT min(epoch(time)) FROM read_parquet('{raw}/positions/**/*.parquet') "
        "WHERE file LIKE '%plain.avr.gz'"
    ).fetchall()[0][0]
    assert 1687600000 <= first < 1687600000 + 3600
    args = ["--input", f"{raw}/positions", "--input-format", "positions", "--output", flights]
    assert submit.main(args) == 0
    made = manifest(Path(flights))
    assert made.positions == 2500 + 637 + 2897 and made.flights >= 3
    assert made.labels[0] == "t" and made.labels[1].startswith("clock assumed")
