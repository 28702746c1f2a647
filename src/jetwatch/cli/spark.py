"""``jetwatch ingest --engine spark``, ``jetwatch flights build --engine spark`` and
``jetwatch flights attach``: thin commands over :mod:`jetwatch.spark.ingest`,
:mod:`jetwatch.spark.flights` and :mod:`jetwatch.flights.attach`."""

from __future__ import annotations

import json
import time
from dataclasses import asdict
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

import click

from jetwatch.cli.common import FileLine, ingest_summary, out
from jetwatch.decode import DecoderSettings
from jetwatch.errors import JetwatchError
from jetwatch.ingest import Start

if TYPE_CHECKING:
    from jetwatch.spark.ingest import FileSummary, IngestManifest


def _spark() -> tuple[ModuleType, type[Exception]]:
    """jetwatch's Spark package and PySpark's base error, or a clear error."""
    try:
        from pyspark.errors import PySparkException

        import jetwatch.spark.flights
        import jetwatch.spark.ingest
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise click.ClickException(
            f"Spark is not installed: pip install 'jetwatch[spark]' (needs Java 17): {exc}"
        ) from None
    return jetwatch.spark, PySparkException


def _failed(inputs: str, exc: Exception) -> click.ClickException:
    first = str(exc).strip().splitlines()[0]
    return click.ClickException(f"{inputs}: Spark failed: {first}")


def ingest_on_spark(
    paths: list[str],
    output: str,
    fmt: str | None,
    start: Start,
    settings: DecoderSettings,
    master: str | None,
    label: str | None,
    as_json: bool,
) -> None:
    """Decode every file under ``paths`` on Spark into ``output``; print a summary.
    Exits non-zero when no file could be read."""
    spark, failure = _spark()
    began = time.perf_counter()
    try:
        session = spark.flights.session(master)
        made, files = spark.ingest.run(session, paths, output, fmt, start, label, settings)
    except JetwatchError as exc:
        raise click.ClickException(str(exc)) from None
    except failure as exc:  # e.g. no such input path
        raise _failed(", ".join(paths), exc) from None
    if as_json:
        click.echo(json.dumps({"manifest": asdict(made), "files": [asdict(f) for f in files]}))
    else:
        _ingest_table(made, files, time.perf_counter() - began, output)
    if made.files == made.failed:
        raise SystemExit(1)


def _ingest_table(
    made: IngestManifest, files: list[FileSummary], seconds: float, output: str
) -> None:
    title = f"decoded on Spark ({made.master}) in {seconds:.1f} s into {output}"
    lines = [FileLine(f, f.file.rsplit("/", 1)[-1], f.file, f.status) for f in files]
    ingest_summary(title, lines)
    labels = "".join(f"; {text}" for text in made.labels)
    out.print(
        f"{made.positions:,} positions from {made.records:,} records of {made.files} files "
        f"({made.skipped} duplicates, {made.failed} unreadable){labels}. Next: jetwatch "
        f"flights build --engine spark --input {output}/positions --input-format positions"
    )


def build_on_spark(
    input_path: str, fmt: str, output: str, master: str | None, label: str | None
) -> None:
    """Read ``input_path``, build the flights on Spark, write them under ``output``."""
    spark, failure = _spark()
    began = time.perf_counter()
    try:
        session = spark.flights.session(master)
        made = spark.flights.run(session, input_path, output, fmt, label)
    except JetwatchError as exc:
        raise click.ClickException(str(exc)) from None
    except failure as exc:  # e.g. no such input path
        raise _failed(input_path, exc) from None
    labels = "".join(f"; {text}" for text in made.labels)
    click.echo(
        f"{made.flights:,} flights from {made.positions:,} positions built on Spark "
        f"({made.master}) in {time.perf_counter() - began:.1f} s: {output} (Parquet by "
        f"day; `jetwatch flights attach` loads it into a store){labels}"
    )


def attach(db: Path, directory: Path) -> None:
    """Load Spark's flights into the store, replacing flights with the same ids."""
    from jetwatch.flights.attach import attach as attach_lib
    from jetwatch.store.db import Store

    with Store(db) as store:
        done = attach_lib(store, directory)
    labels = "".join(f"; {text}" for text in done.labels)
    click.echo(
        f"{done.flights:,} flights and {done.activity:,} activity rows from {directory} "
        f"in {db}{labels}"
    )
