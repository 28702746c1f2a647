"""Flights on Spark: the DuckDB segmentation, transpiled, and the same Python after it.

:func:`build` takes a DataFrame of positions (jetwatch's units: ft, kt, ft/min) and
returns one row per flight, with the columns of the store's ``flights`` table:

1. ``flights.segment.flights_sql``, transpiled to Spark SQL (:mod:`.dialect`). Its
   windows are ``PARTITION BY icao24``, so Spark shuffles each aircraft's positions
   to one task: an input split into hour partitions (OpenSky's layout) gives the
   same flights, including those across partition edges and midnight. The shuffle
   is the only exchange of positions; everything after it is per aircraft.
2. Airport assignment and the final columns run per partition in ``mapInArrow``:
   ``flights.airports.assign`` and ``flights.build.compose``, the functions DuckDB's
   build calls, each on an in-memory DuckDB over the partition's flights (one row
   per flight, a small fraction of the positions).

:func:`read_positions` reads jetwatch's positions Parquet or OpenSky state vectors
(Parquet or CSV, any partitioning such as ``hour=*``), mapped with the OpenSky
reader's own SQL. :func:`write` writes Parquet partitioned by ``day`` that
``jetwatch flights attach`` loads into a store, so reports and the web app work on
Spark results. Out of scope here: readsb traces and raw frames (decode them with
``jetwatch ingest`` and export the positions).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

import duckdb
import pyarrow as pa

from jetwatch.errors import JetwatchError
from jetwatch.flights.airports import AirportSettings, assign
from jetwatch.flights.build import compose
from jetwatch.flights.segment import Settings, flights_sql
from jetwatch.reference.airports import Airports
from jetwatch.sources import opensky
from jetwatch.spark.dialect import to_spark

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

COLUMNS = (
    "icao24",
    "time",
    "lat",
    "lon",
    "altitude",
    "ground_speed",
    "track",
    "vertical_rate",
    "on_ground",
    "callsign",
)
FORMATS = ("opensky", "positions")


class SparkInputError(JetwatchError, ValueError):
    """An input Spark cannot read as positions."""


def session(master: str | None = None, **conf: str) -> SparkSession:
    """A SparkSession with the settings jetwatch needs: UTC, Arrow. ``master`` is
    e.g. ``local[2]``; ``None`` keeps what ``spark-submit`` set. On a cluster the
    executors need jetwatch installed (``docs/spark.md``)."""
    from pyspark.sql import SparkSession

    builder = SparkSession.builder.appName("jetwatch")
    if master:
        builder = builder.master(master)
    settings = {
        "spark.sql.session.timeZone": "UTC",
        "spark.sql.execution.arrow.pyspark.enabled": "true",
        "spark.sql.parquet.datetimeRebaseModeInRead": "CORRECTED",
        # every join of the segmentation is within one aircraft: positions hashed by
        # icao24 once are already co-partitioned for joins on (icao24, run…)
        "spark.sql.requireAllClusterKeysForCoPartition": "false",
        **conf,
    }
    if master and master.startswith("local"):  # workers run this interpreter, with jetwatch
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    for key, value in settings.items():
        builder = builder.config(key, value)
    return builder.getOrCreate()


def read_positions(spark: SparkSession, path: str, fmt: str = "opensky") -> DataFrame:
    """Positions from ``path``: Parquet (a file, a directory with any partitioning, or
    a glob), or OpenSky CSV with a header (a path or glob ending ``.csv``/``.csv.gz``)."""
    if fmt not in FORMATS:
        raise SparkInputError(f"unknown input format; use one of {', '.join(FORMATS)}", value=fmt)
    csv = path.rstrip("/").endswith((".csv", ".csv.gz"))
    raw = (
        spark.read.option("header", "true").option("inferSchema", "true").csv(path)
        if csv
        else spark.read.parquet(path)
    )
    if fmt == "positions":
        return raw.select(*COLUMNS).withColumn("time", raw["time"].cast("timestamp"))
    types = {f.name.lower(): f.dataType.simpleString() for f in raw.schema.fields}
    missing = set(opensky.REQUIRED) - types.keys()
    if missing:
        raise SparkInputError(
            f"not OpenSky state vectors: no {', '.join(sorted(missing))} column", where=path
        )
    duck_types = {
        k: "TIMESTAMP" if v.startswith("timestamp") else v.upper() for k, v in types.items()
    }
    raw.createOrReplaceTempView("jetwatch_states")
    sql = (
        f"SELECT {opensky.select_sql(duck_types)} FROM jetwatch_states "
        f"WHERE lat IS NOT NULL AND lon IS NOT NULL AND {opensky.VALID}"
    )
    return spark.sql(to_spark(sql)).select(*COLUMNS)


def build(
    spark: SparkSession,
    positions: DataFrame,
    settings: Settings | None = None,
    airport_settings: AirportSettings | None = None,
) -> DataFrame:
    """One row per flight, with the store's ``flights`` columns."""
    from pyspark.sql.pandas.types import from_arrow_schema, to_arrow_schema

    s = settings or Settings()
    positions.select(*COLUMNS).createOrReplaceTempView("jetwatch_positions")
    found = spark.sql(to_spark(flights_sql(s, "jetwatch_positions")))
    con = _connect()
    empty = to_arrow_schema(found.schema).empty_table()
    out = compose(con, empty, assign(con, empty, Airports(), airport_settings))
    schema = from_arrow_schema(out.schema)

    def per_partition(batches: Iterable[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        local, airports = _connect(), Airports()
        for batch in batches:
            if batch.num_rows:
                table = pa.Table.from_batches([batch])
                ends = assign(local, table, airports, airport_settings)
                yield from compose(local, table, ends).to_batches()

    return found.mapInArrow(per_partition, schema)


def write(flights: DataFrame, output: str) -> None:
    """Parquet under ``output``, partitioned by the UTC ``day`` of take-off (or of the
    first position)."""
    from pyspark.sql import functions as F

    day = F.to_date(F.coalesce(flights["takeoff"], flights["first_seen"]))
    flights.withColumn("day", day).write.mode("overwrite").partitionBy("day").parquet(output)


def _connect() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    return con
