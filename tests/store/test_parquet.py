from __future__ import annotations

from pathlib import Path

import duckdb

from jetwatch.ingest import ingest_file
from jetwatch.samples import SAMPLES
from jetwatch.store import parquet
from jetwatch.store.db import Store


def _positions(store: Store) -> list[tuple]:
    return store.con.execute(
        "SELECT p.* EXCLUDE (ingest_id), i.sha256 FROM positions p JOIN ingests i "
        "ON p.ingest_id = i.id ORDER BY ALL"
    ).fetchall()


def test_export_is_partitioned_by_day_and_imports_back_once(tmp_path: Path) -> None:
    with Store(tmp_path / "a.duckdb") as a:
        for sample in SAMPLES[2:]:
            ingest_file(a, sample.path, start=sample.start)
        ingest_file(a, SAMPLES[0].path, start=SAMPLES[0].start)
        parquet.export(a, tmp_path / "out")
        expected = _positions(a)
        rejects = a.counts()["rejects"]
    days = sorted(p.name for p in (tmp_path / "out/positions").iterdir())
    assert days == sorted({f"day={row[0].date()}" for row in expected})
    n = duckdb.sql(
        f"SELECT count(*) FROM read_parquet('{tmp_path}/out/positions/**/*.parquet', "
        "hive_partitioning=true)"
    ).fetchall()[0][0]
    assert n == len(expected)

    with Store(tmp_path / "b.duckdb") as b:
        ingest_file(b, SAMPLES[0].path, start=SAMPLES[0].start)  # already there: skipped
        added = parquet.import_(b, tmp_path / "out")
        assert added["ingests"] == len(SAMPLES) - 2
        assert _positions(b) == expected
        assert b.counts()["rejects"] == rejects
        assert parquet.import_(b, tmp_path / "out") == {"ingests": 0, "positions": 0, "rejects": 0}
        assert _positions(b) == expected
