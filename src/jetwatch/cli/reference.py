"""``jetwatch areas``, ``registry`` and ``aircraft``: places and aircraft."""

from __future__ import annotations

import sys
from pathlib import Path

import click
import pyarrow as pa
from rich.markup import escape
from rich.table import Table

from jetwatch.cli.common import db_option, emit, err, input_format_option, out, output_options
from jetwatch.cli.ingest import SHOW_REJECTS
from jetwatch.errors import JetwatchError
from jetwatch.output import Output
from jetwatch.reference import areas as area_lib
from jetwatch.reference import registry as registry_lib
from jetwatch.reference.airports import Airports
from jetwatch.reference.classes import CLASSES
from jetwatch.store.db import Store


@click.command()
@click.option(
    "--file",
    "path",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A TOML file of areas to add to (or replace) the built-in ones.",
)
@click.option(
    "--airports",
    "extra",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="An OurAirports airports.csv adding heliports and small fields.",
)
def areas(path: Path | None, extra: Path | None) -> None:
    """List the named areas and their airports."""
    known = area_lib.load(path)
    airports = Airports(extra=extra)
    table = Table(title="areas")
    for name in ("area", "title", "airports"):
        table.add_column(name)
    for name, area in sorted(known.items()):
        codes = area.resolve(airports)
        table.add_row(escape(name), escape(area.title), escape(" ".join(codes)))
    out.print(table)


@click.group()
def registry() -> None:
    """The aircraft registry: import registries, merged by address."""


@registry.command("import")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@db_option
@input_format_option(registry_lib.FORMATS, "Skip detection: read as this.")
def registry_import(paths: tuple[Path, ...], db: Path, fmt: str | None) -> None:
    """Import registry files (tar1090-db, OpenSky, ADS-B Exchange, plane-alert-db,
    FlightAware); re-importing updates rows, empty fields never erase known ones."""
    failed = 0
    with Store(db) as store:
        for path in paths:
            try:
                result = registry_lib.import_file(store, path, fmt)
            except JetwatchError as exc:
                err.print(f"[red]error[/red] {escape(str(exc))}")
                failed += 1
                continue
            out.print(
                f"{escape(str(path))}: {result.format}, {result.rows:,} rows, "
                f"{result.merged:,} merged, {len(result.rejected):,} rejected"
            )
            for line, text in result.rejected[:SHOW_REJECTS]:
                err.print(f"  rejected {escape(str(path))}:line {line}: {escape(text)}")
    if failed == len(paths):
        sys.exit(1)


@registry.command("set-class")
@click.argument("icao24")
@click.argument("aircraft_class", type=click.Choice(CLASSES))
@db_option
@click.option("--reason", help="Why (shown with the class).")
def registry_set_class(icao24: str, aircraft_class: str, db: Path, reason: str | None) -> None:
    """Override the class of one aircraft."""
    with Store(db) as store:
        registry_lib.set_class(store, icao24, aircraft_class, reason)
    out.print(f"{escape(icao24)}: class {aircraft_class}")


@click.command()
@click.argument("query")
@db_option
@output_options(("table", "json"))
@click.option("--json", "as_json", is_flag=True, hidden=True, help="Old spelling of --format json.")
def aircraft(query: str, db: Path, fmt: str, out_file: Path | None, as_json: bool) -> None:
    """What is known of an aircraft, by hex address (6 digits) or registration."""
    if not db.exists():
        raise click.ClickException(f"{db}: no such database")
    with Store(db, read_only=True) as store:
        answer = registry_lib.lookup(store, query).to_dict()
    if as_json or fmt == "json":
        emit(Output(pa.table({}), doc=answer), "json", out_file)
        return
    if not answer["in_registry"]:
        out.print(f"{escape(query)}: not in registry")
    for key, value in answer.items():
        if key not in ("query", "in_registry") and value not in (None, [], {}):
            out.print(f"  {key:18} {escape(str(value))}")
