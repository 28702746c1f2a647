"""Options shared by the ``jetwatch`` command modules."""

from __future__ import annotations

from pathlib import Path

import click

db_option = click.option(
    "--db",
    type=click.Path(dir_okay=False, path_type=Path),
    default="jetwatch.duckdb",
    show_default=True,
    envvar="JETWATCH_DB",
    help="DuckDB database file (env JETWATCH_DB).",
)
