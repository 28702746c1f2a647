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


def test_export_holds_one_day_at_a_time(tmp_path: Path) -> None:
    """3M positions over 30 days leave a 40 MB store memory limit room enough: a
    partitioned sort of the whole table (the export before) ran out of memory here."""
    db = tmp_path / "big.duckdb"
    with Store(db) as s:
        s.con.execute(
            "INSERT INTO ingests (id, status, path, sha256, size, format, compression) "
            "VALUES (1, 'done', 'made.sbs', 'abc', 1, 'sbs', 'none')"
        )
        s.con.execute(  # a shape test: synthetic rows, not data
            "INSERT INTO position_rows SELECT TIMESTAMP '2023-06-01' "
            "+ to_microseconds(i * 850000::BIGINT), printf('%06x', i % 5000), "
            "'CALL' || (i % 100), 50 + (i % 1000) / 1000.0, 30 + (i % 777) / 1000.0, "
            "(i % 40000)::INT, NULL, 300, 90, 0, false, '1000', 'A3', 'adsb', 0, 1 "
            "FROM range(3000000) t(i)"
        )
    with Store(db, memory_limit="40MB") as s:
        counts = parquet.export(s, tmp_path / "out")
    assert counts["positions"] == 3_000_000
    days = sorted(p.name for p in (tmp_path / "out" / "positions").iterdir())
    assert len(days) == 30 and days[0] == "day=2023-06-01"
    with Store(tmp_path / "back.duckdb") as b:
        assert parquet.import_(b, tmp_path / "out")["positions"] == 3_000_000
