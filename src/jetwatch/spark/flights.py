"""Flights on Spark: the kernel DuckDB's build runs, once per group of aircraft.

:func:`build` takes a DataFrame of positions (jetwatch's units: ft, kt, ft/min) and
returns one row per flight, with the columns and types of the store's ``flights``
table. Positions are grouped by a hash of the address (``groupBy(...)
.applyInArrow``), so Spark shuffles each aircraft's positions to one task: an input
split into hour partitions (OpenSky's layout) gives the same flights, including
those across partition edges and midnight. The shuffle is the only exchange of
positions. Each group is sorted by aircraft and time and goes through the functions
DuckDB's build calls: the segmentation (:func:`jetwatch.flights.batches.flights_of`),
then ``flights.airports.assign`` and ``flights.build.compose`` on an in-memory
DuckDB over the group's flights (one row per flight).

:func:`read_positions` reads jetwatch's positions Parquet or OpenSky state vectors
(Parquet or CSV, any partitioning such as ``hour=*``), mapped with the OpenSky
reader's own SQL. Raw frames and readsb traces are decoded first
(:mod:`.ingest`), into positions Parquet.

:func:`run` does it all and writes the output directory of
:mod:`jetwatch.flights.output`: the flights by day, their activity summary
(:func:`jetwatch.store.activity.summary_sql`, transpiled) and a manifest with the
data's labels (``label``, else the simulator's if the input is its output, else those
of the :mod:`.ingest` output the positions come from). ``jetwatch flights attach``
loads it into a store and ``jetwatch exodus --engine spark`` reads it.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
from typing import TYPE_CHECKING

import duckdb
import pyarrow as pa

from jetwatch import __version__
from jetwatch.allocator import reuse_freed_memory
from jetwatch.errors import JetwatchError
from jetwatch.flights.airports import AirportSettings, assign
from jetwatch.flights.batches import BATCH_ROWS, flights_of, whole_aircraft
from jetwatch.flights.build import compose, schema
from jetwatch.flights.output import ACTIVITY, FLIGHTS, MANIFEST, Manifest, part
from jetwatch.flights.segment import Settings
from jetwatch.reference.airports import Airports
from jetwatch.sources import opensky
from jetwatch.spark import ingest
from jetwatch.spark.dialect import to_spark
from jetwatch.store.activity import summary_sql
from jetwatch.store.labels import label_near

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
FORMATS = ("opensky", "opensky-csv", "positions")
_SPARK_TYPES = {"DOUBLE": "double", "VARCHAR": "string", "BOOLEAN": "boolean"}


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
    a glob), or OpenSky CSV with a header (``opensky-csv``, or a path or glob ending
    ``.csv``/``.csv.gz``; directories are read recursively, as OpenSky's
    ``DAY/HOUR/states_….csv.gz`` layout needs). CSV cells are read as text and cast
    to the OpenSky reader's column types (:data:`jetwatch.sources.opensky.TYPES`), so
    a squawk keeps its leading zeros."""
    if fmt not in FORMATS:
        raise SparkInputError(f"unknown input format; use one of {', '.join(FORMATS)}", value=fmt)
    if fmt == "opensky-csv" or path.rstrip("/").endswith((".csv", ".csv.gz")):
        text = spark.read.option("header", "true").option("recursiveFileLookup", "true")
        cells = text.csv(path)
        raw = cells.select(
            *[
                cells[c].cast(_SPARK_TYPES[opensky.TYPES[c.lower()]]).alias(c.lower())
                if c.lower() in opensky.TYPES
                else cells[c]
                for c in cells.columns
            ]
        )
        fmt = "opensky"
    else:
        raw = spark.read.parquet(path)
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
    sql = opensky.positions_sql(duck_types, "jetwatch_states")
    return spark.sql(to_spark(sql)).select(*COLUMNS)


def build(
    spark: SparkSession,
    positions: DataFrame,
    settings: Settings | None = None,
    airport_settings: AirportSettings | None = None,
    buckets: int | None = None,
) -> DataFrame:
    """One row per flight, with the store's ``flights`` columns. Aircraft go to
    ``buckets`` groups (default: four per core of the session)."""
    from pyspark.sql import functions as F
    from pyspark.sql.pandas.types import from_arrow_schema

    s = settings or Settings()
    columns = pa.schema(  # the store's types, with Spark's UTC timestamps
        [
            f.with_type(pa.timestamp("us", "UTC")) if f.type == pa.timestamp("us") else f
            for f in schema()
        ]
    )
    groups = buckets or 4 * max(1, spark.sparkContext.defaultParallelism)
    keyed = positions.select(*COLUMNS).withColumn(
        "jetwatch_bucket", F.expr(f"pmod(hash(icao24), {groups})")
    )

    def per_group(table: pa.Table) -> pa.Table:
        reuse_freed_memory()  # a Python worker's process is jetwatch's to tune
        ordered = table.drop_columns(["jetwatch_bucket"]).sort_by(
            [("icao24", "ascending"), ("time", "ascending")]
        )
        found, _ = flights_of(whole_aircraft(ordered.to_batches(BATCH_ROWS)), s, threads=1)
        local = _connect()
        try:
            ends = assign(local, found, Airports(), airport_settings)
            return compose(local, found, ends).cast(columns)
        finally:
            local.close()

    return keyed.groupBy("jetwatch_bucket").applyInArrow(per_group, from_arrow_schema(columns))


def write(flights: DataFrame, output: str) -> None:
    """Parquet under ``output``, partitioned by the UTC ``day`` of take-off (or of the
    first position); replaces what ``output`` held."""
    from pyspark.sql import functions as F

    day = F.to_date(F.coalesce(flights["takeoff"], flights["first_seen"]))
    flights.withColumn("day", day).write.mode("overwrite").partitionBy("day").parquet(output)


def activity(spark: SparkSession, positions: DataFrame) -> DataFrame:
    """The store's activity summary of ``positions`` (``cy, cx, slot, positions``)."""
    positions.select("time", "lat", "lon").createOrReplaceTempView("jetwatch_activity_input")
    return spark.sql(to_spark(summary_sql("jetwatch_activity_input")))


def run(
    spark: SparkSession,
    input_path: str,
    output: str,
    fmt: str = "opensky",
    label: str | None = None,
    settings: Settings | None = None,
) -> Manifest:
    """Build the flights of ``input_path`` and write the output directory
    (:mod:`jetwatch.flights.output`); returns its manifest."""
    from pyspark.sql import functions as F

    positions = read_positions(spark, input_path, fmt)
    write(build(spark, positions, settings), part(output, FLIGHTS))
    activity(spark, positions).write.mode("overwrite").parquet(part(output, ACTIVITY))
    seen = spark.read.parquet(part(output, ACTIVITY)).agg(F.sum("positions")).collect()[0][0]
    found = label_near(input_path)
    labels = [label] if label else [found] if found else ingest.labels_of(spark, input_path)
    manifest = Manifest(
        input=input_path,
        input_format=fmt,
        master=str(spark.sparkContext.master),
        flights=spark.read.parquet(part(output, FLIGHTS)).count(),
        positions=int(seen or 0),
        labels=labels,
        built=dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
        jetwatch_version=__version__,
    )
    line = spark.createDataFrame([(manifest.to_json(),)], "value string")
    line.coalesce(1).write.mode("overwrite").text(part(output, MANIFEST))
    return manifest


def _connect() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    return con
