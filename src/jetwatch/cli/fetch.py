"""``jetwatch fetch``: public archives and APIs, cut to an area, into the store."""

from __future__ import annotations

import datetime as dt
import json
import sys
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Any, TypeVar

import click
from rich.markup import escape
from rich.progress import (
    BarColumn,
    DownloadColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    TextColumn,
    TimeRemainingColumn,
)
from rich.table import Table

from jetwatch.cli.common import db_option, err, out
from jetwatch.config import load as load_config
from jetwatch.errors import JetwatchError
from jetwatch.fetch import adsblol, adsbx, opensky, trino
from jetwatch.fetch import window as window_lib
from jetwatch.fetch.http import Client
from jetwatch.store.db import Store

F = Callable[..., Any]


def _http(f: F) -> F:
    """The options of sources fetched over HTTP: a mirror and progress bars."""
    f = click.option("--no-progress", is_flag=True, help="Do not show progress bars.")(f)
    return click.option(
        "--mirror",
        metavar="URL",
        help="Ask this base URL for the same paths instead of the source's own (a local copy).",
    )(f)


def _where(f: F) -> F:
    """The options every source shares: the area, the days, the store, and how to
    re-run and report."""
    f = click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")(f)
    f = click.option(
        "--refresh", is_flag=True, help="Fetch again a day already fetched for the area."
    )(f)
    f = db_option(f)
    f = click.option("--bbox", metavar="S,N,W,E", help="Keep what enters this box (degrees).")(f)
    f = click.option(
        "--area", help="Keep what enters a named area (its airports, widened by 60 km)."
    )(f)
    f = click.argument("days", metavar="DAY|DAY..DAY")(f)
    return f


@click.group()
def fetch() -> None:
    """Fetch public ADS-B data for an area and days into the store, with its provenance.

    Each source streams what it needs, keeps what enters the area (--area or --bbox),
    ingests it (archived and hashed like any input) and records the source, release,
    assets, SHA-256, URL, licence and attribution in the store's fetches table, which
    reports cite. A fetch interrupted by Ctrl-C or a lost connection resumes where it
    stopped when the same command is run again.
    """


@fetch.command("adsblol")
@_where
@_http
@click.option(
    "--keep-archive",
    type=click.Path(file_okay=False, path_type=Path),
    help="Also keep the release's tar parts in this directory (reused on a re-run).",
)
@click.option("--heatmaps", is_flag=True, help="Keep the day's tar1090 heatmaps too.")
def fetch_adsblol(
    days: str,
    area: str | None,
    bbox: str | None,
    db: Path,
    mirror: str | None,
    keep_archive: Path | None,
    heatmaps: bool,
    refresh: bool,
    as_json: bool,
    no_progress: bool,
) -> None:
    """adsb.lol globe_history (ODbL): each day's release, streamed and cut to the area.

    The day's release is adsblol/globe_history_YEAR, tag vYYYY.MM.DD-planes-readsb-prod-0
    (else -staging-0, and the summary says which). Its tar parts are streamed as one
    tar without being written to disk; the traces of aircraft that enter the area that
    day are kept and ingested whole. Set GITHUB_TOKEN to lift GitHub's limit of 60
    API requests an hour.
    """
    box = window_lib.box(area, bbox)
    dates = window_lib.days(days)
    store = Store(db)
    base = mirror.rstrip("/") if mirror else None
    client = Client()
    results = _each_day(
        store,
        dates,
        _bar(not no_progress, DownloadColumn(), "aircraft kept"),
        "adsb.lol",
        lambda day, progress: adsblol.fetch_day(
            store,
            day,
            box,
            client=client,
            api=base or adsblol.API,
            web=base or adsblol.WEB,
            keep=keep_archive,
            heatmaps=heatmaps,
            refresh=refresh,
            progress=progress,
        ),
    )
    _summary(results, box, as_json)
    if any(r.status == "failed" for r in results):
        sys.exit(1)


@fetch.command("opensky")
@_where
@_http
@click.option(
    "--what",
    default="flights",
    show_default=True,
    metavar="LIST",
    help="Comma-separated: flights (departures and arrivals by airport), tracks (of "
    "those flights, 30 days back at most), states (state vectors, the last hour only).",
)
@click.option(
    "--airport",
    "airports",
    multiple=True,
    metavar="ICAO",
    help="Ask for these airports' flights (default: the area's, or the box's airports "
    "with an IATA code).",
)
@click.option("--step", default=10, show_default=True, help="Seconds between state requests.")
def fetch_opensky(
    days: str,
    area: str | None,
    bbox: str | None,
    db: Path,
    mirror: str | None,
    what: str,
    airports: tuple[str, ...],
    step: int,
    refresh: bool,
    as_json: bool,
    no_progress: bool,
) -> None:
    """The OpenSky Network's REST API: an area's flights, their tracks, state vectors.

    Needs an API client (OAuth2 client credentials, since 18 March 2026): set
    OPENSKY_CLIENT_ID and OPENSKY_CLIENT_SECRET, or [opensky] client_id and
    client_secret in the config file; the secret is never printed. OpenSky's flights
    are stored as a second, labelled account of departures (reported_flights), which
    `jetwatch check` sets beside jetwatch's own; tracks and states become positions.
    A day with no flights (HTTP 404) is "no flights", not an error.
    """
    wanted = [w.strip() for w in what.split(",") if w.strip()]
    unknown = [w for w in wanted if w not in opensky.WHAT]
    if unknown or not wanted:
        raise JetwatchError(
            f"expected some of {', '.join(opensky.WHAT)}", value=what, where="--what"
        )
    box = window_lib.box(area, bbox)
    dates = window_lib.days(days)
    codes = window_lib.airports(area, box, airports)
    config = load_config()
    creds = opensky.credentials(config.opensky_client_id, config.opensky_client_secret)
    store = Store(db)
    base = mirror.rstrip("/") if mirror else None
    session = opensky.Session(
        Client(),
        creds,
        api=f"{base}/api" if base else opensky.API,
        auth=f"{base}{opensky.AUTH_PATH}" if base else opensky.AUTH,
    )
    try:
        results = _each_day(
            store,
            dates,
            _bar(not no_progress, MofNCompleteColumn(), "flights"),
            "OpenSky",
            lambda day, progress: opensky.fetch_day(
                store,
                day,
                box,
                codes,
                session=session,
                what=wanted,
                step=step,
                refresh=refresh,
                progress=progress,
            ),
        )
    except opensky.CredentialsError as exc:
        raise click.ClickException(str(exc)) from exc
    rows = [
        _api_row(r)
        | {
            "flights": r.counts.get("flights", 0),
            "reported_flights": r.ingest.reported if r.ingest else 0,
            "notes": r.notes,
        }
        for r in results
    ]
    cells: dict[str, Cell] = {
        "requests": _asked,
        "flights": lambda r: f"{r['flights']:,}",
        "positions": lambda r: f"{r['positions']:,}",
        "s": lambda r: f"{r['seconds']:.1f}",
    }
    title = f"OpenSky for {box.name} ({', '.join(codes)})"
    _print(title, box, rows, cells, opensky.ATTRIBUTION, as_json, airports=codes)
    if any(r.status == "failed" for r in results):
        sys.exit(1)


Cell = Callable[[dict[str, Any]], str]


def _print(
    title: str,
    box: window_lib.Box,
    rows: list[dict[str, Any]],
    cells: dict[str, Cell],
    attribution: str,
    as_json: bool,
    **extra: Any,
) -> None:
    """A fetch's summary, one row per day: JSON, or a table, then each day's notes
    and problems and the attribution on standard error."""
    if as_json:
        doc = {"area": box.name, "bbox": box.text, **extra, "days": rows}
        click.echo(json.dumps(doc, indent=2))
        return
    table = Table(title=escape(title))
    for name in ("day", "status", *cells):
        table.add_column(name, justify="left" if name in ("day", "status", "release") else "right")
    for r in rows:
        table.add_row(
            str(r["day"]), str(r["status"]), *(escape(cell(r)) for cell in cells.values())
        )
    out.print(table)
    for r in rows:
        for note in r.get("notes", []):
            err.print(f"[yellow]note[/] {r['day']}: {escape(note)}")
        if r.get("error"):
            level = "[yellow]missing[/]" if r["status"] == "missing" else "[red]error[/]"
            err.print(f"{level} {r['day']}: {escape(str(r['error']))}")
    err.print(f"Data: {attribution}.")


def _api_row(r: Any) -> dict[str, Any]:
    """The fields every API fetch reports for a day."""
    return {
        "day": r.day.isoformat(),
        "status": r.status,
        "requests": r.counts.get("requests", 0),
        "resumed": r.counts.get("requests_resumed", 0),
        "not_found": r.counts.get("not_found", 0),
        "ingest_id": r.ingest.ingest_id if r.ingest else None,
        "positions": r.ingest.positions if r.ingest else 0,
        "error": r.error,
        "seconds": round(r.seconds, 2),
    }


def _asked(r: dict[str, Any]) -> str:
    return f"{r['requests']:,}" + (f" (+{r['resumed']:,} resumed)" if r["resumed"] else "")


R = TypeVar("R")


def _each_day(
    store: Store,
    dates: list[dt.date],
    bar: AbstractContextManager[Callable[[str], Any]],
    label: str,
    one: Callable[[dt.date, Any], R],
) -> list[R]:
    """``one(day, progress)`` for each day, with a bar per day; Ctrl-C stops with a
    word on how to resume (every source leaves a resumable state)."""
    results = []
    with store, bar as progress:
        for day in dates:
            try:
                results.append(one(day, progress(f"{day} {label}")))
            except KeyboardInterrupt:
                err.print(
                    f"[yellow]interrupted[/] during {day}: run the same command again to resume"
                )
                sys.exit(130)
    return results


@fetch.command("adsbx-sample")
@_where
@_http
@click.option(
    "--step",
    default=60,
    show_default=True,
    help="Seconds between the snapshots asked for (a multiple of 5).",
)
def fetch_adsbx_sample(
    days: str,
    area: str | None,
    bbox: str | None,
    db: Path,
    mirror: str | None,
    refresh: bool,
    as_json: bool,
    no_progress: bool,
    step: int,
) -> None:
    """ADS-B Exchange's free sample days (the first of each month): readsb-hist
    snapshots, one every --step seconds, cut to the area and ingested."""
    if step < adsbx.EVERY_S or step % adsbx.EVERY_S:
        raise JetwatchError("a multiple of 5 s (a snapshot every 5 s)", value=step, where="--step")
    box = window_lib.box(area, bbox)
    dates = window_lib.days(days)
    store = Store(db)
    client = Client()
    results = _each_day(
        store,
        dates,
        _bar(not no_progress, MofNCompleteColumn(), "snapshots"),
        "ADS-B Exchange",
        lambda day, progress: adsbx.fetch_day(
            store,
            day,
            box,
            client=client,
            base=mirror.rstrip("/") if mirror else adsbx.BASE,
            step=step,
            refresh=refresh,
            progress=progress,
        ),
    )
    cells: dict[str, Cell] = {
        "snapshots": _asked,
        "positions": lambda r: f"{r['positions']:,}",
    }
    title = f"ADS-B Exchange samples for {box.name} ({box.text})"
    _print(title, box, [_api_row(r) for r in results], cells, adsbx.ATTRIBUTION, as_json)
    if any(r.status == "failed" for r in results):
        sys.exit(1)


@fetch.command("opensky-history")
@_where
@click.option("--print-query", is_flag=True, help="Print each day's query and stop.")
def fetch_opensky_history(
    days: str,
    area: str | None,
    bbox: str | None,
    db: Path,
    refresh: bool,
    as_json: bool,
    print_query: bool,
) -> None:
    """OpenSky's historical state vectors (Trino, research access) through pyopensky.

    Needs the optional extra (pip install 'jetwatch[opensky]') and a research
    account set in pyopensky's configuration. One query per UTC day, hour partitions
    first, then the time window and the box; --print-query shows it without running
    it. The result is ingested as OpenSky state vectors and the query, its row count
    and the result's SHA-256 go into the store's fetches table.
    """
    box = window_lib.box(area, bbox)
    dates = window_lib.days(days)
    if print_query:
        for day in dates:
            click.echo(f"-- {day}\n{trino.history_sql(box, *window_lib.span(day))};")
        return
    store = Store(db)
    with store:
        results = [trino.fetch_day(store, day, box, refresh=refresh) for day in dates]
    rows = [
        {
            "day": r.day.isoformat(),
            "status": r.status,
            "rows": r.rows,
            "positions": r.ingest.positions if r.ingest else 0,
            "ingest_id": r.ingest.ingest_id if r.ingest else None,
            "error": r.error,
        }
        for r in results
    ]
    cells: dict[str, Cell] = {
        "rows": lambda r: f"{r['rows']:,}",
        "positions": lambda r: f"{r['positions']:,}",
    }
    title = f"OpenSky history for {box.name} ({box.text})"
    _print(title, box, rows, cells, trino.ATTRIBUTION, as_json)
    if any(r.status == "failed" for r in results):
        sys.exit(1)


@contextmanager
def _bar(
    show: bool, done: ProgressColumn, kept: str
) -> Iterator[Callable[[str], adsblol.Progress | None]]:
    """A progress bar per task: ``(done, total, kept)`` updates it."""
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        done,
        TextColumn(f"{{task.fields[kept]}} {kept}"),
        TimeRemainingColumn(),
        console=err,
        transient=True,
        disable=not show,
    ) as bar:

        def make(what: str) -> adsblol.Progress | None:
            if not show:
                return None
            task = bar.add_task(escape(what), total=None, kept=0)

            def update(done: int, total: int, kept: int) -> None:
                bar.update(task, completed=done, total=total, kept=kept)

            return update

        yield make


def _summary(results: list[adsblol.FetchResult], box: window_lib.Box, as_json: bool) -> None:
    rows: list[dict[str, Any]] = [
        {
            "day": r.day.isoformat(),
            "status": r.status,
            "release": r.release.tag if r.release else None,
            "kind": r.release.kind if r.release else None,
            "archive_bytes": r.release.size if r.release else None,
            "downloaded_bytes": r.downloaded,
            "resumed_at": r.resumed_at,
            "traces_seen": r.counts.get("traces_seen", 0),
            "traces_kept": r.counts.get("traces_kept", 0),
            "heatmaps_kept": r.counts.get("heatmaps_kept", 0),
            "aircraft_facts": r.counts.get("aircraft_facts", 0),
            "unreadable": r.counts.get("unreadable", 0),
            "ingest_id": r.ingest.ingest_id if r.ingest else None,
            "positions": r.ingest.positions if r.ingest else 0,
            "error": r.error,
            "seconds": round(r.seconds, 2),
        }
        for r in results
    ]
    for r in rows:
        if r["kind"] == "staging":
            r["notes"] = ["only the staging release exists; it was used"]
    cells: dict[str, Cell] = {
        "release": lambda r: str(r["release"] or "-"),
        "traces kept": lambda r: (
            f"{r['traces_kept']:,} of {r['traces_seen']:,}" if r["status"] == "fetched" else "-"
        ),
        "positions": lambda r: f"{r['positions']:,}",
        "downloaded": lambda r: f"{(r['downloaded_bytes'] or 0) / 1e6:,.1f} MB",
        "s": lambda r: f"{r['seconds']:.1f}",
    }
    title = f"adsb.lol for {box.name} ({box.text})"
    _print(title, box, rows, cells, adsblol.ATTRIBUTION, as_json)
