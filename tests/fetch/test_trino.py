"""OpenSky's Trino history: the query jetwatch writes, and the reading of a result of
pyopensky's shape. No Trino server runs here: the query is run by DuckDB over
OpenSky's own state vectors of EDW24 (xoolive/traffic, MIT; OpenSky terms), laid
out as the table is (``time`` and ``hour`` in unix seconds), and the answer is
turned into what pyopensky returns (tz-aware timestamps)."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import Any

import duckdb
import pytest
from click.testing import CliRunner

from jetwatch.cli import main
from jetwatch.fetch import trino
from jetwatch.fetch.window import parse_bbox
from jetwatch.store.db import Store
from tests.conftest import real_path

MOSCOW = """-- 2023-06-24
SELECT time, icao24, lat, lon, velocity, heading, vertrate, callsign, onground, alert, spi, \
squawk, baroaltitude, geoaltitude, lastposupdate, lastcontact, hour
FROM minio.osky.state_vectors_data4
WHERE hour >= 1687564800 AND hour < 1687651200
  AND time >= 1687564800 AND time < 1687651200
  AND lat >= 54.869232 AND lat <= 56.512168
  AND lon >= 36.297278 AND lon <= 39.114222;
"""


def test_the_query_is_partitioned_by_hour_and_cut_to_the_area() -> None:
    got = CliRunner().invoke(
        main, ["fetch", "opensky-history", "2023-06-24", "--area", "moscow", "--print-query"]
    )
    assert got.exit_code == 0 and got.output == MOSCOW


def test_a_box_across_the_antimeridian_is_two_ranges() -> None:
    sql = trino.history_sql(parse_bbox("50,60,170,-170"), 1_687_566_000.5, 1_687_570_000)
    assert "AND (lon >= 170.000000 OR lon <= -170.000000)" in sql
    assert "hour >= 1687564800 AND hour < 1687570000" in sql  # floored to the hour


def _table(path: Path) -> str:
    return (
        "(SELECT * REPLACE (epoch(time)::BIGINT AS time, epoch(hour)::BIGINT AS hour) "
        f"FROM read_parquet('{path}'))"
    )


def test_a_result_of_pyopenskys_shape_is_ingested_and_cited(tmp_path: Path) -> None:
    source = real_path("traffic/opensky_impala/state_vectors_EDW24_4b1901_20240406.parquet")
    queries: list[str] = []

    def run(sql: str) -> Any:
        queries.append(sql)
        frame = duckdb.sql(sql.replace(trino.TABLE, _table(source))).df()
        for column in ("time", "hour"):  # pyopensky turns unix seconds into timestamps
            frame[column] = frame[column].astype("datetime64[s]").dt.tz_localize("UTC")
        return frame

    box = parse_bbox("47.3,47.6,8.3,8.8")
    db = tmp_path / "s.duckdb"
    day = dt.date(2024, 4, 6)
    with Store(db) as store:
        result = trino.fetch_day(store, day, box, run=run)
        again = trino.fetch_day(store, day, box, run=run)
        (count,) = store.con.execute(
            "SELECT count(*) FROM positions WHERE lat BETWEEN 47.3 AND 47.6 "
            "AND lon BETWEEN 8.3 AND 8.8"
        ).fetchall()[0]
        (total,) = store.con.execute("SELECT count(*) FROM positions").fetchall()[0]
        fetched = store.con.execute("SELECT source, url, assets FROM fetches").fetchall()
    (expected,) = duckdb.sql(
        f"SELECT count(*) FROM read_parquet('{source}') WHERE lat BETWEEN 47.3 AND 47.6 "
        "AND lon BETWEEN 8.3 AND 8.8"
    ).fetchall()[0]
    assert result.status == "fetched" and result.rows == expected > 100
    assert total == count == result.ingest.positions > 0  # type: ignore[union-attr]
    assert again.status == "skipped" and len(queries) == 1
    assert fetched[0][0] == "opensky-trino" and "state_vectors_data4" in fetched[0][1]
    assert f'"rows": {expected}' in fetched[0][2] and "hour >= 1712361600" in fetched[0][2]


def test_without_pyopensky_the_extra_is_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("pyopensky", "pyopensky.trino"):
        monkeypatch.setitem(sys.modules, name, None)  # as if it were not installed
    got = CliRunner().invoke(
        main,
        ["fetch", "opensky-history", "2023-06-24", "--area", "moscow", "--db",
         str(tmp_path / "s.duckdb")],
    )  # fmt: skip
    assert got.exit_code == 1 and "pip install 'jetwatch[opensky]'" in got.output
    assert "Traceback" not in got.output
