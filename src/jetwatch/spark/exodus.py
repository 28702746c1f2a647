"""Exodus from Spark's output: the DuckDB statements, transpiled.

:class:`SparkSource` is a :class:`jetwatch.exodus.source.Source` over the output
directory of ``jetwatch flights build --engine spark`` (:mod:`jetwatch.flights.output`):

- departures: :func:`jetwatch.exodus.departures.departures_sql` over the flights, with
  the store's registry fields and classes (``aircraft`` and a snapshot of
  ``aircraft_classes``, sent to Spark once);
- activity, for coverage: :func:`jetwatch.store.activity.around_sql` over the
  output's activity summary;
- labels: the output manifest's.

Per-bucket counts, the baseline and the scan then run on the answers as for
DuckDB's; the departures of a few weeks of one area are a small table.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa

from jetwatch.exodus.departures import Scope, departures_sql
from jetwatch.exodus.source import Slots, Span
from jetwatch.flights.output import ACTIVITY, FLIGHTS, MANIFEST, Manifest, OutputError, part
from jetwatch.reference.classes import snapshot
from jetwatch.spark.dialect import to_spark
from jetwatch.store.activity import around_sql
from jetwatch.store.db import Store

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

REGISTRY = "SELECT icao24, registration, typecode, operator FROM aircraft"


class SparkSource:
    """Departures, activity and labels from a Spark output directory (any URL Spark
    reads), with the registry of ``store``."""

    def __init__(self, spark: SparkSession, output: str, store: Store) -> None:
        from pyspark.errors import PySparkException

        self.spark = spark
        try:
            line = spark.read.text(part(output, MANIFEST)).first()
            spark.read.parquet(part(output, ACTIVITY)).createOrReplaceTempView("activity")
            spark.read.parquet(part(output, FLIGHTS)).createOrReplaceTempView("flights")
        except PySparkException as exc:
            raise OutputError(
                "not the output of this jetwatch's `flights build --engine spark`: "
                + str(exc).strip().splitlines()[0],
                where=output,
            ) from None
        if line is None:
            raise OutputError("empty manifest", where=output)
        self.manifest = Manifest.from_json(line[0], output)
        registry = store.con.sql(REGISTRY).to_arrow_table()
        spark.createDataFrame(
            registry, "icao24 string, registration string, typecode string, operator string"
        ).createOrReplaceTempView("aircraft")
        classes = snapshot(store.con).select(["icao24", "class", "class_reason"])
        spark.createDataFrame(
            classes, "icao24 string, class string, class_reason string"
        ).createOrReplaceTempView("aircraft_classes")

    def departures(self, where: Scope, since: dt.datetime, until: dt.datetime) -> pa.Table:
        table = self.spark.sql(to_spark(departures_sql(where, since, until))).toArrow()
        return _naive(table)

    def activity(self, lat: Span, lon: Span, since: dt.datetime, until: dt.datetime) -> Slots:
        rows = self.spark.sql(to_spark(around_sql(lat, lon, since, until))).toArrow()
        return (
            rows["slot"].to_numpy().astype(np.int64),
            rows["positions"].to_numpy().astype(np.float64),
        )

    def labels(self) -> dict[str, int]:
        return dict.fromkeys(self.manifest.labels, 1)


def _naive(table: pa.Table) -> pa.Table:
    """Spark's session-zone timestamps as naive UTC microseconds, as DuckDB gives them."""
    return table.cast(
        pa.schema(
            [
                f.with_type(pa.timestamp("us")) if pa.types.is_timestamp(f.type) else f
                for f in table.schema
            ]
        )
    )
