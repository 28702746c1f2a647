"""``jetwatch exodus`` and ``jetwatch check``: thin commands over :mod:`jetwatch.exodus`."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import click
import pyarrow as pa
from rich.markup import escape
from rich.table import Table

from jetwatch.cli.common import (
    DAY,
    TIME,
    db_option,
    emit,
    engine_option,
    master_option,
    out,
    output_options,
)
from jetwatch.exodus.analysis import Settings, exodus
from jetwatch.exodus.analysis import watch as watch_live
from jetwatch.exodus.baseline import DETECTORS
from jetwatch.exodus.claims import check_aircraft, check_departures
from jetwatch.exodus.coverage import BLACKOUT
from jetwatch.exodus.source import Source
from jetwatch.exodus.verdict import AircraftVerdict, DeparturesVerdict
from jetwatch.output import Output
from jetwatch.store.db import Store

FORMATS = ("table", "json", "csv", "jsonl")
_fmt = output_options(FORMATS)


def _open(db: Path) -> Store:
    if not db.exists():
        raise click.ClickException(f"{db}: no such database")
    return Store(db)


def _utc(text: str | None) -> dt.datetime | None:
    if text is None:
        return None
    try:
        t = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise click.BadParameter(f"expected an ISO 8601 time: {text!r}") from None
    return t.astimezone(dt.UTC).replace(tzinfo=None) if t.tzinfo else t


def _spark_source(flights: str, master: str | None, store: Store) -> Source:
    try:
        from jetwatch.spark import exodus as spark_exodus
        from jetwatch.spark.flights import session
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise click.ClickException(
            f"Spark is not installed: pip install 'jetwatch[spark]' (needs Java 17): {exc}"
        ) from None
    return spark_exodus.SparkSource(session(master), flights, store)


def _cell(v: object) -> str:
    return escape("" if v is None else str(v))


@click.command("exodus")
@db_option
@click.option("--area", help="Area name (see `jetwatch areas`).")
@click.option("--airport", help="One airport (ICAO code) instead of an area.")
@click.option("--class", "cls", help="Aircraft class, e.g. business_jet.")
@click.option("--on", type=DAY, help="Local day, e.g. 2023-06-24 (with --live: the current day).")
@click.option(
    "--bucket",
    type=click.Choice(["15", "30", "60"]),
    default="60",
    show_default=True,
    help="Bucket width, minutes.",
)
@click.option("--weeks", type=int, default=4, show_default=True, help="Weeks of baseline.")
@click.option(
    "--detector", type=click.Choice(sorted(DETECTORS)), default="negbin", show_default=True
)
@click.option(
    "--false-alarms",
    type=float,
    default=1.0,
    show_default=True,
    help="Sensitivity: expected false surges per area-year.",
)
@click.option("--live", is_flag=True, help="Score the day so far, again every --interval s.")
@click.option(
    "--at", "at", type=TIME, help="With --live: the current time (UTC), e.g. for a replay."
)
@click.option("--interval", type=float, default=60.0, show_default=True)
@click.option("--once", is_flag=True, help="With --live: score once and exit.")
@engine_option("departures from the flights Parquet of `flights build --engine spark`")
@click.option("--flights", "flights_dir", help="With --engine spark: the flights directory.")
@master_option
@_fmt
def exodus_cmd(
    db: Path,
    area: str | None,
    airport: str | None,
    cls: str | None,
    on: str | None,
    bucket: str,
    weeks: int,
    detector: str,
    false_alarms: float,
    live: bool,
    at: str | None,
    interval: float,
    once: bool,
    engine: str,
    flights_dir: str | None,
    master: str | None,
    fmt: str,
    out_file: Path | None,
) -> None:
    """Departures of a class from an area per bucket, against the baseline, with surges.
    With --engine spark the departures, coverage and labels come from Spark's output
    (--flights); the registry and classes from the store (--db)."""
    if engine == "spark" and (live or not flights_dir):
        raise click.UsageError("--engine spark needs --flights DIR and does not run --live")
    settings = Settings(bucket_minutes=int(bucket), weeks=weeks, false_alarms_per_year=false_alarms)
    now = _utc(at)
    what: dict[str, Any] = {"area": area, "airport": airport, "cls": cls, "on": on}
    with _open(db) as store:
        if not live:
            if on is None:
                raise click.UsageError("give --on DAY (or --live)")
            if engine == "spark":
                what["source"] = _spark_source(str(flights_dir), master, store)
            doc = exodus(store, settings=settings, method=detector, **what).to_dict()
            _show(doc, fmt, out_file)
            return
        steps = watch_live(
            store,
            at=now,
            interval=interval,
            once=once,
            settings=settings,
            method=detector,
            **what,
        )
        for step in steps:
            doc = step.result.to_dict()
            for s in step.new:
                _alert(doc, s.to_dict(), fmt)
        if fmt == "table":
            if not doc["surges"]:
                out.print(f"{doc['upto']}: no surge")
            out.print(escape(doc["headline"]))


def _alert(doc: dict[str, Any], s: dict[str, Any], fmt: str) -> None:
    if fmt in ("json", "jsonl"):
        click.echo(
            json.dumps({"alert": "surge", "scope": doc["scope"], "class": doc["class"], "surge": s})
        )
        return
    out.print(
        f"[bold red]SURGE[/] {escape(doc['scope'])} {escape(str(doc['class'] or 'all'))}: "
        f"{s['observed']} departures since {s['start']} against {s['expected']} expected "
        f"(flagged at {s['flagged_at']}, p = {s['p_value']:.2g})"
    )


def _labels(doc: dict[str, Any]) -> None:
    for label in doc["labels"]:
        out.print(f"[bold magenta]{escape(label)}[/]")


def _show(doc: dict[str, Any], fmt: str, out_file: Path | None) -> None:
    if fmt != "table":
        emit(Output(pa.Table.from_pylist(doc["buckets"]), doc=doc), fmt, out_file)
        return
    _labels(doc)
    out.print(f"[bold]{escape(doc['headline'])}[/]")
    title = (
        f"{doc['class'] or 'all'} departures from {doc['scope']} on {doc['day']} "
        f"({doc['timezone']}); times UTC"
    )
    view = Table(title=escape(title))
    heads = ("UTC", "local", "observed", "expected", "95% band", "score", "coverage", "note")
    for name in heads:
        view.add_column(name)
    zone = ZoneInfo(doc["timezone"])
    for b in doc["buckets"]:
        band = "" if "low" not in b else f"{b['low']}-{b['high']}"
        start = dt.datetime.fromisoformat(b["start"].replace("Z", "+00:00"))
        view.add_row(
            b["start"][11:16],
            start.astimezone(zone).strftime("%H:%M"),
            str(b["observed"]),
            _cell(b.get("expected")),
            band,
            _cell(b.get("score")),
            _cell(b["coverage"]),
            " ".join(
                n
                for n, on in (
                    ("SURGE", b.get("surge")),
                    ("BLACKOUT", (b["coverage"] is not None and b["coverage"] < BLACKOUT)),
                )
                if on
            ),
        )
    out.print(view)
    expected = (
        f"expected {doc['expected']}"
        if doc["expected"] is not None
        else "no expected count (no baseline)"
    )
    cover = (
        f"coverage {doc['coverage']:.0%} of its usual level"
        if doc["coverage"] is not None
        else "coverage cannot be measured (no earlier activity to compare with)"
    )
    unknown = f"; {doc['unknown_class']} more of unknown class" if doc["unknown_class"] else ""
    out.print(f"observed {doc['observed']}, {expected}{unknown}; {cover}")
    for s in doc["surges"]:
        out.print(
            f"[bold red]surge[/] {s['start']} to {s['end']} (peak {s['peak'][11:16]}, "
            f"flagged at {s['flagged_at'][11:16]}): {s['observed']} observed, "
            f"{s['expected']:.1f} expected, about {s['excess']:.0f} more "
            f"({s['excess_low']}–{s['excess_high']})"
        )
    dest = doc["destinations"]["day"]
    airports = ", ".join(f"{k} {v}" for k, v in dest["airports"].items()) or "none known"
    out.print(
        f"destinations: {escape(airports)} (abroad {dest['abroad']}, "
        f"domestic {dest['domestic']}; left coverage heading abroad {dest['heading_abroad']}, "
        f"heading home {dest['heading_domestic']} (inferred, not observed); "
        f"unknown {dest['unknown']})"
    )
    _flights(doc["flights"])


def _flights(rows: list[dict[str, Any]]) -> None:
    view = Table(title=f"{len(rows)} departures (times UTC)")
    keys = ("time", "registration", "typecode", "operator", "callsign", "origin", "destination")
    for k in keys:
        view.add_column(k)
    for r in rows:
        cells = [_cell(r[k])[:19] if k == "time" else _cell(r[k]) for k in keys]
        if r["destination"] is None and r.get("heading_countries"):
            cells[-1] = _cell("heading " + "/".join(r["heading_countries"]) + " (inferred)")
        view.add_row(*cells)
    out.print(view)


@click.group()
def check() -> None:
    """Check a claim against the data: supported, contradicted or cannot be determined."""


@check.command("departures")
@db_option
@click.option("--from", "origin", help="Airport (ICAO code).")
@click.option("--area", help="Area name instead of an airport.")
@click.option("--on", type=DAY, required=True, help="Local day, e.g. 2023-06-24.")
@click.option("--class", "cls", help="Aircraft class.")
@click.option("--at-least", type=int)
@click.option("--at-most", type=int)
@click.option("--abroad", is_flag=True, help="Count only departures to another country.")
@click.option(
    "--infer-destinations",
    is_flag=True,
    help="With --abroad: also count departures heading abroad when last seen (inferred).",
)
@_fmt
def check_departures_cmd(
    db: Path,
    origin: str | None,
    area: str | None,
    on: str,
    cls: str | None,
    at_least: int | None,
    at_most: int | None,
    abroad: bool,
    infer_destinations: bool,
    fmt: str,
    out_file: Path | None,
) -> None:
    """Check a claim about how many departures there were."""
    with _open(db) as store:
        result = check_departures(
            store,
            area=area,
            airport=origin,
            cls=cls,
            on=on,
            at_least=at_least,
            at_most=at_most,
            abroad=abroad,
            infer_destinations=infer_destinations,
        )
    _verdict(result, fmt, out_file)


@check.command("aircraft")
@db_option
@click.argument("aircraft")
@click.option("--left", help="Area the aircraft is said to have left.")
@click.option("--arrived", help="Area the aircraft is said to have arrived at.")
@click.option("--on", type=DAY, required=True, help="Local day, e.g. 2023-06-24.")
@_fmt
def check_aircraft_cmd(
    db: Path,
    aircraft: str,
    left: str | None,
    arrived: str | None,
    on: str,
    fmt: str,
    out_file: Path | None,
) -> None:
    """Check whether an aircraft left (or arrived at) an area on a day."""
    with _open(db) as store:
        result = check_aircraft(store, aircraft, left=left, arrived=arrived, on=on)
    _verdict(result, fmt, out_file)


def _verdict(verdict: DeparturesVerdict | AircraftVerdict, fmt: str, out_file: Path | None) -> None:
    result = verdict.to_dict()
    if fmt != "table":
        emit(Output(verdict.to_arrow(), doc=result), fmt, out_file)
        return
    _labels(result)
    colour = {"supported": "green", "contradicted": "red"}.get(result["verdict"], "yellow")
    out.print(f"claim: {escape(result['claim'])}")
    out.print(f"verdict: [bold {colour}]{result['verdict'].upper()}[/]")
    for r in result["reasons"]:
        out.print(f"  - {escape(r)}")
    if "expected" in result:
        _flights(result["flights"])
        if result["unknown_class_flights"]:
            out.print("departures of unknown class (not counted):")
            _flights(result["unknown_class_flights"])
    else:
        for q in result["quiet"]:
            out.print(f"  quiet {q['from']} to {q['to']} ({q['seconds'] / 60:.0f} min airborne)")
        view = Table(title="flights that day (times UTC)")
        keys = ("callsign", "origin", "takeoff", "destination", "landing", "last_seen")
        for k in keys:
            view.add_column(k)
        for f in result["flights"]:
            view.add_row(*[_cell(f[k]) for k in keys])
        out.print(view)
