"""``jetwatch flights build --engine spark`` and ``jetwatch flights attach``: thin
commands over :mod:`jetwatch.spark.flights` and :mod:`jetwatch.flights.export`."""

from __future__ import annotations

import time
from pathlib import Path

import click

from jetwatch.errors import JetwatchError


def build_on_spark(input_path: str, fmt: str, output: str, master: str | None) -> None:
    """Read ``input_path``, build the flights on Spark, write them under ``output``."""
    try:
        from pyspark.errors import PySparkException

        from jetwatch.spark import flights as spark_flights
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise click.ClickException(
            f"Spark is not installed: pip install 'jetwatch[spark]' (needs Java 17): {exc}"
        ) from None
    began = time.perf_counter()
    try:
        spark = spark_flights.session(master)
        positions = spark_flights.read_positions(spark, input_path, fmt)
        flights = spark_flights.build(spark, positions)
        spark_flights.write(flights, output)
        count = spark.read.parquet(output).count()
    except JetwatchError as exc:
        raise click.ClickException(str(exc)) from None
    except PySparkException as exc:  # e.g. no such input path
        first = str(exc).strip().splitlines()[0]
        raise click.ClickException(f"{input_path}: Spark failed: {first}") from None
    click.echo(
        f"{count:,} flights built on Spark ({spark.sparkContext.master}) in "
        f"{time.perf_counter() - began:.1f} s: {output} (Parquet by day; "
        "`jetwatch flights attach` loads it into a store)"
    )


def attach(db: Path, directory: Path) -> None:
    """Load Spark's flights into the store, replacing flights with the same ids."""
    from jetwatch.flights.attach import attach as attach_lib
    from jetwatch.store.db import Store

    try:
        with Store(db) as store:
            added = attach_lib(store, directory)
    except JetwatchError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"{added:,} flights from {directory} in {db}")
