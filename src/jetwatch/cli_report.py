"""``jetwatch report``: thin commands over :mod:`jetwatch.reports`."""

from __future__ import annotations

from pathlib import Path

import click
from rich.console import Console
from rich.markup import escape

from jetwatch.cli_common import db_option
from jetwatch.errors import JetwatchError
from jetwatch.exodus.analysis import Settings
from jetwatch.reports import exodus as exodus_report
from jetwatch.store.db import Store

console = Console()


@click.group("report")
def report() -> None:
    """Self-contained HTML evidence reports."""


@report.command("exodus")
@db_option
@click.option("--area", help="Area name (see `jetwatch areas`).")
@click.option("--airport", help="One airport (ICAO code) instead of an area.")
@click.option("--class", "cls", default="business_jet", show_default=True)
@click.option("--on", required=True, help="Local day, e.g. 2023-06-24.")
@click.option("--bucket", type=click.Choice(["15", "30", "60"]), default="60", show_default=True)
@click.option("--weeks", type=int, default=4, show_default=True)
@click.option("--false-alarms", type=float, default=1.0, show_default=True)
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path), help="HTML file.")
def report_exodus(
    db: Path,
    area: str | None,
    airport: str | None,
    cls: str,
    on: str,
    bucket: str,
    weeks: int,
    false_alarms: float,
    out: Path | None,
) -> None:
    """Headline, timeline, map, destinations, flights, coverage and provenance in one file."""
    if not db.exists():
        raise click.ClickException(f"{db}: no such database")
    scope = ["--area", area] if area else ["--airport", airport or ""]
    path = out or Path(f"{area or airport}-{on}.html")
    again = [
        "jetwatch",
        "report",
        "exodus",
        "--db",
        str(db),
        *scope,
        "--class",
        cls,
        "--on",
        on,
        "--bucket",
        bucket,
        "--weeks",
        str(weeks),
        "--false-alarms",
        f"{false_alarms:g}",
        "--out",
        str(path),
    ]
    settings = Settings(bucket_minutes=int(bucket), weeks=weeks, false_alarms_per_year=false_alarms)
    try:
        with Store(db) as store:
            html, doc = exodus_report.render(
                store, area=area, airport=airport, cls=cls, on=on, settings=settings, command=again
            )
    except JetwatchError as exc:
        raise click.ClickException(str(exc)) from None
    path.write_text(html)
    said, _ = exodus_report.verdict(doc)
    console.print(
        f"{escape(str(path))}: {doc['observed']} departures, {doc['expected']} expected, "
        f"{len(doc['surges'])} surge(s); verdict: {said}"
    )
