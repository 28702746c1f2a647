"""Spark (local[2]) against DuckDB on the same simulated state vectors: the same
flights, field by field (tolerances in ``conftest``), the same exodus."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from jetwatch.cli import main
from jetwatch.exodus.analysis import exodus
from jetwatch.flights.build import build
from jetwatch.flights.output import manifest
from jetwatch.ingest import ingest_file
from jetwatch.sources import opensky
from jetwatch.spark import exodus as spark_exodus
from jetwatch.spark import flights as spark_flights
from jetwatch.spark.dialect import to_spark
from jetwatch.store.db import Store
from jetwatch.store.labels import label
from tests.helpers import read_file
from tests.spark.conftest import differences, on_spark


@pytest.fixture(scope="module")
def built(
    exodus_sim: tuple[Path, Path], spark: Any, tmp_path_factory: pytest.TempPathFactory
) -> tuple[list[dict[str, Any]], Path, Path]:
    """DuckDB's flights of three simulated days, and Spark's (through the CLI) from the
    same files rewritten into OpenSky's hour partitions, with the simulator's manifest
    beside them (so both are labelled simulated)."""
    out, _ = exodus_sim
    tmp = tmp_path_factory.mktemp("spark")
    days = sorted((out / "opensky").glob("states_*.parquet"))[-3:]
    db = tmp / "duck.duckdb"
    shutil.copy(out / "manifest.json", tmp / "manifest.json")
    with Store(db) as store:
        ids = [ingest_file(store, path).ingest_id for path in days]
        assert None not in ids
        store.set_label(ids, label(json.loads((out / "manifest.json").read_text())))
        build(store)
        duck = store.con.sql("SELECT * FROM flights ORDER BY id").to_arrow_table().to_pylist()
    hours = tmp / "states"
    files = ", ".join(f"'{p}'" for p in days)
    duckdb.sql(
        f"COPY (SELECT * FROM read_parquet([{files}])) TO '{hours}' "
        "(FORMAT parquet, PARTITION_BY (hour))"
    )
    assert len(list(hours.glob("hour=*"))) > 48
    made = on_spark("flights", "build", "--input", str(hours), "--output", str(tmp / "flights"))
    duckdb.sql(
        f"COPY (SELECT * FROM read_parquet([{files}])) TO '{tmp / 'csv'}' "
        "(FORMAT csv, HEADER, COMPRESSION gzip, PARTITION_BY (hour))"
    )
    assert f"{len(duck):,} flights from " in made.output and "SIMULATED" in made.output
    return duck, tmp / "flights", db


def test_spark_builds_the_flights_duckdb_builds(
    built: tuple[list[dict[str, Any]], Path, Path],
) -> None:
    duck, flights, db = built
    query = (
        f"SELECT * EXCLUDE (day) FROM read_parquet('{flights}/flights/**/*.parquet', "
        "hive_partitioning = true) ORDER BY id"
    )
    theirs = duckdb.sql(query).to_arrow_table().to_pylist()
    with Store(db) as store:
        types = store.con.sql("DESCRIBE SELECT * FROM flights").fetchall()
    assert [r[:2] for r in duckdb.sql(f"DESCRIBE {query}").fetchall()] == [r[:2] for r in types]
    assert len(duck) > 300
    crossing = [f for f in duck if f["first_seen"].date() != f["last_seen"].date()]
    assert crossing  # flights across midnight (and so across hour partitions)
    assert [f["id"] for f in theirs] == [f["id"] for f in duck]
    columns = set(duck[0])
    assert set(theirs[0]) == columns
    assert differences(duck, theirs, "id") == []


def test_opensky_csv_gives_the_same_flights(
    built: tuple[list[dict[str, Any]], Path, Path], tmp_path: Path
) -> None:
    """The same state vectors as gzipped CSV in hour directories, read as text and
    typed as the OpenSky reader types them."""
    duck, flights, _ = built
    csv = flights.parent / "csv"
    assert list(csv.glob("hour=*/*.csv.gz"))
    args = ("--input", str(csv), "--input-format", "opensky-csv", "--output", str(tmp_path))
    on_spark("flights", "build", *args)
    theirs = duckdb.sql(
        f"SELECT * EXCLUDE (day) FROM read_parquet('{tmp_path}/flights/**/*.parquet', "
        "hive_partitioning = true) ORDER BY id"
    )
    assert differences(duck, theirs.to_arrow_table().to_pylist(), "id") == []


def test_attach_loads_them_into_a_store_once(
    built: tuple[list[dict[str, Any]], Path, Path], tmp_path: Path
) -> None:
    """Flights, activity and label into an empty store, twice: the same exodus as the
    store that ingested the positions."""
    duck, flights, db = built
    fresh = tmp_path / "attached.duckdb"
    for _ in range(2):  # twice: replaced, not duplicated
        done = CliRunner().invoke(main, ["flights", "attach", str(flights), "--db", str(fresh)])
        assert done.exit_code == 0, done.output
        assert "activity rows" in done.output and "SIMULATED" in done.output
    kw: dict[str, Any] = {"area": "moscow", "on": "2023-06-24", "save": False}
    with Store(fresh) as store:
        rows = store.con.sql("SELECT * FROM flights ORDER BY id").to_arrow_table().to_pylist()
        attached = exodus(store, **kw).to_dict()
    assert len(rows) == len(duck)
    assert differences(duck, rows, "id") == []
    with Store(db) as store:
        assert attached == exodus(store, **kw).to_dict()
    assert manifest(flights).positions > 100_000
    empty = CliRunner().invoke(main, ["flights", "attach", str(tmp_path), "--db", str(fresh)])
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


def test_exodus_from_spark_output_equals_duckdb(
    built: tuple[list[dict[str, Any]], Path, Path], spark: Any
) -> None:
    """Departures, coverage and labels from Spark's output: the same document."""
    _, flights, db = built
    with Store(db) as store:
        # every class: this store has no registry (its files were ingested one by one)
        kw: dict[str, Any] = {"area": "moscow", "on": "2023-06-24"}
        ours = exodus(store, **kw, save=False).to_dict()
        source = spark_exodus.SparkSource(spark, str(flights), store)
        theirs = exodus(store, **kw, save=False, source=source).to_dict()
    assert ours["observed"] > 10 and ours["flights"]
    assert [b["coverage"] for b in ours["buckets"]].count(None) < len(ours["buckets"])
    assert ours["labels"] and "SIMULATED" in ours["labels"][0]
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


def test_opensky_text_checks_mean_the_same_on_spark(spark: Any, tmp_path: Path) -> None:
    """Hostile callsigns, squawks and addresses: the rows and text Spark keeps from
    OpenSky state vectors are those jetwatch's own reader keeps (one SQL, two engines)."""
    texts = [" EDW24 ", "\tEDW24", "ÉDW24", "123456789", "a'b\\c", "<b>x</b>", "e\u0301", "\r\n"]
    texts += ["7000", "7778", " 0700 ", "７０００", "", None, "EDW24\xa0", "\u30007000"]
    bad = ["4b190g", "4b19011", "4b190", "~4b1901", "４b1901", "4B19 1", "", None]
    n = len(texts)
    table = pa.table(
        {
            "time": [1_700_000_000 + i for i in range(n)],
            "icao24": [bad[i // 2 % len(bad)] if i % 2 else f"4B19{i:02x}" for i in range(n)],
            "lat": [47.0] * n,
            "lon": [8.0] * n,
            "callsign": texts,
            "squawk": texts[8:] + texts[:8],
        }
    )
    path = tmp_path / "states.parquet"
    pq.write_table(table, path)
    keep = ["time", "icao24", "callsign", "squawk"]
    ours = read_file(path, "opensky").positions.select(keep).to_pylist()
    spark.read.parquet(str(path)).createOrReplaceTempView("hostile_states")
    types = {"time": "BIGINT", "lat": "DOUBLE", "lon": "DOUBLE"}
    types |= {k: "VARCHAR" for k in ("icao24", "callsign", "squawk")}
    sql = opensky.positions_sql(types, "hostile_states")  # read_positions keeps no squawk
    theirs = spark.sql(to_spark(sql)).select(*keep).orderBy("time").collect()
    assert [r.asDict() for r in theirs] == ours
    read = spark_flights.read_positions(spark, str(path)).orderBy("time").collect()
    assert [r.callsign for r in read] == [r["callsign"] for r in ours]
    assert len(ours) == n // 2 and {r["callsign"] for r in ours} >= {"EDW24", "a'b\\c"}
    assert {r["squawk"] for r in ours} >= {"7000", "0700"}
