"""``jetwatch report``: thin commands over :mod:`jetwatch.reports`."""

from __future__ import annotations

from pathlib import Path

import click
from rich.console import Console
from rich.markup import escape

from jetwatch.cli.common import DAY, db_option
from jetwatch.exodus.analysis import Settings
from jetwatch.reports import aircraft as aircraft_report
from jetwatch.reports import exodus as exodus_report
from jetwatch.reports.pdf import print_pdf
from jetwatch.store.db import Store

console = Console()
pdf_option = click.option(
    "--pdf", is_flag=True, help="Also print it to a PDF beside the HTML (needs Chromium)."
)


@click.group("report")
def report() -> None:
    """Self-contained HTML evidence reports."""


@report.command("exodus")
@db_option
@click.option("--area", help="Area name (see `jetwatch areas`).")
@click.option("--airport", help="One airport (ICAO code) instead of an area.")
@click.option("--class", "cls", default="business_jet", show_default=True)
@click.option("--on", type=DAY, required=True, help="Local day, e.g. 2023-06-24.")
@click.option("--bucket", type=click.Choice(["15", "30", "60"]), default="60", show_default=True)
@click.option("--weeks", type=int, default=4, show_default=True)
@click.option("--false-alarms", type=float, default=1.0, show_default=True)
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path), help="HTML file.")
@pdf_option
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
    pdf: bool,
) -> None:
    """Headline, timeline, map, destinations, flights, coverage and provenance in one file."""
    if not db.exists():
        raise click.ClickException(f"{db}: no such database")
    path = out or Path(f"{area or airport}-{on}.html")
    settings = Settings(bucket_minutes=int(bucket), weeks=weeks, false_alarms_per_year=false_alarms)
    with Store(db) as store:
        html, doc = exodus_report.render(
            store, area=area, airport=airport, cls=cls, on=on, settings=settings, out=path.name
        )
    _write(path, html, pdf)
    said, _ = exodus_report.verdict(doc)
    console.print(
        f"{escape(str(path))}: {doc['observed']} departures, {doc['expected']} expected, "
        f"{len(doc['surges'])} surge(s); verdict: {said}"
    )


@report.command("aircraft")
@db_option
@click.argument("aircraft")
@click.option("--on", type=DAY, required=True, help="UTC day, e.g. 2023-06-24.")
@click.option("--left", help="Also check the claim that it left this area that (local) day.")
@click.option("--arrived", help="Also check the claim that it arrived at this area.")
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path), help="HTML file.")
@pdf_option
def report_aircraft(
    db: Path,
    aircraft: str,
    on: str,
    left: str | None,
    arrived: str | None,
    out: Path | None,
    pdf: bool,
) -> None:
    """One aircraft's day: identity, flights, map, altitude, quiet spans, provenance, and
    the verdict on a claim (--left or --arrived)."""
    if not db.exists():
        raise click.ClickException(f"{db}: no such database")
    path = out or Path(f"{aircraft}-{on}.html")
    with Store(db) as store:
        html, doc = aircraft_report.render(
            store, aircraft, on=on, left=left, arrived=arrived, out=path.name
        )
    _write(path, html, pdf)
    said = f"; claim: {doc['claim']['verdict']}" if doc["claim"] else ""
    console.print(f"{escape(str(path))}: {len(doc['flights'])} flight(s) on {doc['day']}{said}")


def _write(path: Path, html: str, pdf: bool) -> None:
    path.write_text(html)
    if pdf:
        printed = print_pdf(path, path.with_suffix(".pdf"))
        console.print(f"{escape(str(printed))}: PDF printed by Chromium")
