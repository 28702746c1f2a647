"""Options shared by the ``jetwatch`` command modules."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])

db_option = click.option(
    "--db",
    type=click.Path(dir_okay=False, path_type=Path),
    default="jetwatch.duckdb",
    show_default=True,
    envvar="JETWATCH_DB",
    help="DuckDB database file (env JETWATCH_DB).",
)


def engine_option(spark_does: str) -> Callable[[F], F]:
    """``--engine duckdb|spark`` (DuckDB by default); ``spark_does`` completes its help."""
    return click.option(
        "--engine",
        type=click.Choice(["duckdb", "spark"]),
        default="duckdb",
        show_default=True,
        help=f"spark: {spark_does} (pip install 'jetwatch[spark]', Java 17).",
    )


master_option = click.option(
    "--master", help="With --engine spark: the Spark master, e.g. local[2]."
)
