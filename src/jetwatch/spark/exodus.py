"""Exodus departures from flights on Spark: the DuckDB statement, transpiled.

:func:`source` returns what :func:`jetwatch.exodus.analysis.exodus` takes as its
``source``: for a scope and ``[since, until)``, the departures from Spark's flights
(the Parquet of ``jetwatch flights build --engine spark``), selected by
:func:`jetwatch.exodus.departures.departures_sql` transpiled to Spark SQL. The
registry fields and classes come from the store (``aircraft`` and a snapshot of
``aircraft_classes``), sent to Spark once. Per-bucket counts, the baseline and the
scan then run on those departures as for DuckDB's; the departures of a few weeks of
one area are a small table. Coverage still comes from the store's positions.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING

import pyarrow as pa

from jetwatch.exodus.departures import Scope, departures_sql
from jetwatch.reference.classes import snapshot
from jetwatch.spark.dialect import to_spark
from jetwatch.store.db import Store

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

REGISTRY = "SELECT icao24, registration, typecode, operator FROM aircraft"


def source(
    spark: SparkSession, flights: str, store: Store
) -> Callable[[Scope, dt.datetime, dt.datetime], pa.Table]:
    """Departures from the flights Parquet under ``flights``, with the store's registry."""
    spark.read.parquet(flights).createOrReplaceTempView("flights")
    registry = store.con.sql(REGISTRY).to_arrow_table()
    spark.createDataFrame(
        registry, "icao24 string, registration string, typecode string, operator string"
    ).createOrReplaceTempView("aircraft")
    classes = snapshot(store.con).select(["icao24", "class"])
    spark.createDataFrame(classes, "icao24 string, class string").createOrReplaceTempView(
        "aircraft_classes"
    )

    def departures(where: Scope, since: dt.datetime, until: dt.datetime) -> pa.Table:
        table = spark.sql(to_spark(departures_sql(where, since, until))).toArrow()
        return table.cast(
            pa.schema(
                [
                    f.with_type(pa.timestamp("us")) if pa.types.is_timestamp(f.type) else f
                    for f in table.schema
                ]
            )
        )

    return departures
