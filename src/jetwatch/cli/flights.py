"""``jetwatch flights``: list, build (DuckDB or Spark) and attach flights."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click
from rich.markup import escape
from rich.table import Table

from jetwatch import flights as flights_lib
from jetwatch.cli.common import (
    DAY,
    TIME,
    db_option,
    emit,
    engine_option,
    master_option,
    out,
    output_options,
    renamed_option,
)
from jetwatch.flights import export as flights_export
from jetwatch.flights import query as flights_query
from jetwatch.reference.classes import CLASSES
from jetwatch.store.db import Store


@click.group(invoke_without_command=True)
@db_option
@click.option("--from", "origin", help="Origin airport (ICAO code).")
@click.option("--to", "destination", help="Destination airport (ICAO code).")
@click.option("--on", type=DAY, help="UTC day of take-off (or first seen), e.g. 2023-06-24.")
@click.option("--since", type=TIME, help="From this UTC date or date-time.")
@click.option("--until", type=TIME, help="Before this UTC date or date-time.")
@click.option("--class", "cls", type=click.Choice(CLASSES), help="Aircraft class.")
@click.option("--aircraft", help="Address (hex) or registration.")
@click.option("--limit", type=int, help="At most this many flights.")
@output_options(flights_export.FORMATS)
@click.pass_context
def flights(
    ctx: click.Context,
    db: Path,
    origin: str | None,
    destination: str | None,
    on: str | None,
    since: str | None,
    until: str | None,
    cls: str | None,
    aircraft: str | None,
    limit: int | None,
    fmt: str,
    out_file: Path | None,
) -> None:
    """List flights (after `jetwatch flights build`), filtered and in any format."""
    ctx.obj = db
    if ctx.invoked_subcommand is not None:
        return
    if not db.exists():
        raise click.ClickException(f"{db}: no such database")
    with Store(db) as store:
        table = flights_query.query(
            store,
            origin=origin,
            destination=destination,
            on=on,
            since=since,
            until=until,
            cls=cls,
            aircraft=aircraft,
            limit=limit,
        )
        listing = None if fmt == "table" else flights_export.output(store, table, fmt)
    if listing is not None:
        emit(listing, fmt, out_file)
        return
    view = Table(title=f"{table.num_rows:,} flights (times UTC)")
    heads = ("take-off", "registration", "type", "class", "callsign", "from", "to", "landing")
    for name in (*heads, "found by"):
        view.add_column(name)

    def cell(value: object) -> str:
        if isinstance(value, dt.datetime):
            return value.strftime("%Y-%m-%d %H:%M")
        return escape("" if value is None else str(value))

    for r in table.to_pylist():
        how = f"{r['origin_method'] or '-'} / {r['destination_method'] or '-'}"
        keys = ("takeoff", "registration", "typecode", "class", "callsign", "origin")
        view.add_row(*[cell(r[k]) for k in (*keys, "destination", "landing")], how)
    out.print(view)


sub_db_option = click.option(
    "--db",
    "sub_db",
    type=click.Path(dir_okay=False, path_type=Path),
    help="DuckDB database file (default: the one given to `jetwatch flights`).",
)


@flights.command("build")
@sub_db_option
@click.option("--rebuild", is_flag=True, help="Forget the built flights and build them all again.")
@engine_option("read --input, write Parquet to --output-dir")
@click.option("--input", "input_path", help="Spark: positions to read (path, directory or glob).")
@click.option(
    "--input-format",
    type=click.Choice(["opensky", "opensky-csv", "positions"]),
    default="opensky",
    show_default=True,
    help="Spark: OpenSky state vectors (Parquet; CSV when the path ends .csv or .csv.gz, "
    "or opensky-csv for a directory of CSV files) or jetwatch positions Parquet.",
)
@renamed_option(
    "--output-dir", "--output", "output", help="Spark: directory for the flights (Parquet by day)."
)
@click.option(
    "--label",
    help="Spark: label the results' data (default: the simulator's label when --input is "
    "its output).",
)
@master_option
@click.pass_obj
def flights_build(
    db: Path,
    sub_db: Path | None,
    rebuild: bool,
    engine: str,
    input_path: str | None,
    input_format: str,
    output: str | None,
    label: str | None,
    master: str | None,
) -> None:
    """Build or extend the flights table from positions not yet built (DuckDB), or
    build flights from a large archive on Spark."""
    if engine == "spark":
        if not input_path or not output:
            raise click.UsageError("--engine spark needs --input and --output-dir")
        from jetwatch.cli.spark import build_on_spark

        build_on_spark(input_path, input_format, output, master, label)
        return
    db = sub_db or db
    with Store(db) as store:
        result = flights_lib.build(store, rebuild=rebuild)
    out.print(
        f"{result.ingests} new ingests, {result.aircraft:,} aircraft rebuilt, "
        f"{result.deleted:,} flights replaced, {result.flights:,} flights built in "
        f"{result.seconds:.1f} s; {result.stored:,} flights in the store; "
        f"{result.excluded:,} positions with impossible values left out"
    )


@flights.command("attach")
@click.argument("directory", type=click.Path(exists=True, file_okay=False, path_type=Path))
@sub_db_option
@click.pass_obj
def flights_attach(db: Path, directory: Path, sub_db: Path | None) -> None:
    """Load flights built on Spark (the --output-dir of `flights build --engine spark`)."""
    from jetwatch.cli.spark import attach

    attach(sub_db or db, directory)
