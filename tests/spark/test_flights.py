"""Spark (local[2]) against DuckDB on the same simulated state vectors: the same
flights, field by field. Float tolerance: 1e-6 relative; times: 1 ms."""

from __future__ import annotations

import datetime as dt
import json
import math
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pytest
from click.testing import CliRunner

from jetwatch.cli import main
from jetwatch.exodus.analysis import exodus
from jetwatch.flights.build import build
from jetwatch.ingest import ingest_file
from jetwatch.spark import exodus as spark_exodus
from jetwatch.spark import flights as spark_flights
from jetwatch.spark.dialect import to_spark
from jetwatch.store.db import Store


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    s = spark_flights.session(
        "local[2]", **{"spark.ui.enabled": "false", "spark.sql.shuffle.partitions": "4"}
    )
    yield s
    s.stop()


def _plain(v: Any) -> Any:
    if isinstance(v, dt.datetime) and v.tzinfo is not None:
        return v.astimezone(dt.UTC).replace(tzinfo=None)
    return v


def _same(a: Any, b: Any) -> bool:
    a, b = _plain(a), _plain(b)
    if isinstance(a, float) and isinstance(b, float):
        return math.isclose(a, b, rel_tol=1e-6, abs_tol=1e-9)
    if isinstance(a, dt.datetime) and isinstance(b, dt.datetime):
        return abs((a - b).total_seconds()) <= 1e-3
    return bool(a == b)


@pytest.fixture(scope="module")
def built(
    exodus_sim: tuple[Path, Path], spark: Any, tmp_path_factory: pytest.TempPathFactory
) -> tuple[list[dict[str, Any]], Path, Path]:
    """DuckDB's flights of three simulated days, and Spark's (through the CLI) from the
    same files rewritten into OpenSky's hour partitions."""
    out, _ = exodus_sim
    tmp = tmp_path_factory.mktemp("spark")
    days = sorted((out / "opensky").glob("states_*.parquet"))[-3:]
    db = tmp / "duck.duckdb"
    with Store(db) as store:
        for path in days:
            assert ingest_file(store, path).status == "ingested"
        build(store)
        duck = store.con.sql("SELECT * FROM flights ORDER BY id").to_arrow_table().to_pylist()
    hours = tmp / "states"
    files = ", ".join(f"'{p}'" for p in days)
    duckdb.sql(
        f"COPY (SELECT * FROM read_parquet([{files}])) TO '{hours}' "
        "(FORMAT parquet, PARTITION_BY (hour))"
    )
    assert len(list(hours.glob("hour=*"))) > 48
    made = CliRunner().invoke(
        main,
        [
            "flights",
            "build",
            "--engine",
            "spark",
            "--master",
            "local[2]",
            "--input",
            str(hours),
            "--output",
            str(tmp / "flights"),
        ],
    )
    assert made.exit_code == 0, made.output
    assert f"{len(duck):,} flights built on Spark" in made.output
    return duck, tmp / "flights", db


def test_spark_builds_the_flights_duckdb_builds(
    built: tuple[list[dict[str, Any]], Path, Path],
) -> None:
    duck, flights, _ = built
    theirs = (
        duckdb.sql(
            f"SELECT * EXCLUDE (day) FROM read_parquet('{flights}/**/*.parquet', "
            "hive_partitioning = true) ORDER BY id"
        )
        .to_arrow_table()
        .to_pylist()
    )
    assert len(duck) > 300
    crossing = [f for f in duck if f["first_seen"].date() != f["last_seen"].date()]
    assert crossing  # flights across midnight (and so across hour partitions)
    assert [f["id"] for f in theirs] == [f["id"] for f in duck]
    columns = set(duck[0])
    assert set(theirs[0]) == columns
    different = [
        (a["id"], k, a[k], b[k])
        for a, b in zip(duck, theirs, strict=True)
        for k in sorted(columns)
        if not _same(a[k], b[k])
    ]
    assert different == []


def test_attach_loads_them_into_a_store_once(
    built: tuple[list[dict[str, Any]], Path, Path], tmp_path: Path
) -> None:
    duck, flights, db = built
    copy = tmp_path / "attached.duckdb"
    shutil.copy(db, copy)
    with Store(copy) as store:
        store.con.execute("DELETE FROM flights")
    for _ in range(2):  # twice: replaced, not duplicated
        done = CliRunner().invoke(main, ["flights", "attach", str(flights), "--db", str(copy)])
        assert done.exit_code == 0, done.output
    with Store(copy) as store:
        rows = store.con.sql("SELECT * FROM flights ORDER BY id").to_arrow_table().to_pylist()
    assert len(rows) == len(duck)
    assert all(_same(a[k], b[k]) for a, b in zip(duck, rows, strict=True) for k in a)
    empty = CliRunner().invoke(main, ["flights", "attach", str(tmp_path), "--db", str(copy)])
    assert empty.exit_code != 0 and "no Parquet files of flights" in empty.output


def test_the_dialect_keeps_fractions_and_intervals(spark: Any) -> None:
    sql = (
        "SELECT epoch(TIMESTAMP '2023-06-24 10:00:00.250') AS e, "
        "TIMESTAMP '2023-06-24 10:00:00' - to_seconds(1.5) AS t, "
        "regexp_full_match('4b1805', '[0-9a-f]{6}') AS ok, "
        "regexp_full_match('x4b1805', '[0-9a-f]{6}') AS bad"
    )
    duck = duckdb.sql(sql).fetchall()[0]
    ours = spark.sql(to_spark(sql)).collect()[0]
    assert float(ours["e"]) == pytest.approx(duck[0]) and duck[0] % 1 == 0.25
    assert ours["t"].replace(tzinfo=None) == duck[1]
    assert (ours["ok"], ours["bad"]) == (duck[2], duck[3]) == (True, False)


def test_bad_spark_input_is_a_clear_error(spark: Any, tmp_path: Path) -> None:
    args = ["flights", "build", "--engine", "spark", "--master", "local[2]"]
    missing = CliRunner().invoke(
        main, [*args, "--input", str(tmp_path / "none"), "--output", str(tmp_path / "out")]
    )
    assert missing.exit_code != 0 and "Spark failed" in missing.output
    assert str(tmp_path / "none") in missing.output
    usage = CliRunner().invoke(main, [*args, "--input", str(tmp_path)])
    assert usage.exit_code != 0 and "--output" in usage.output


def test_exodus_from_spark_flights_equals_duckdb(
    built: tuple[list[dict[str, Any]], Path, Path], spark: Any
) -> None:
    _, flights, db = built
    with Store(db) as store:
        # every class: this store has no registry (its files were ingested one by one)
        kw: dict[str, Any] = {"area": "moscow", "on": "2023-06-24"}
        ours = exodus(store, **kw, save=False).to_dict()
        theirs = exodus(
            store, **kw, save=False, source=spark_exodus.source(spark, str(flights), store)
        ).to_dict()
    assert ours["observed"] > 10 and ours["flights"]
    assert theirs == ours
    cli = CliRunner().invoke(
        main,
        [
            "exodus",
            "--db",
            str(db),
            "--engine",
            "spark",
            "--flights",
            str(flights),
            "--area",
            "moscow",
            "--on",
            "2023-06-24",
            "--format",
            "json",
        ],
    )
    assert cli.exit_code == 0, cli.output
    assert json.loads(cli.output)["observed"] == ours["observed"]
