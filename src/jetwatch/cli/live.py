"""``jetwatch listen``, ``jetwatch replay`` and ``jetwatch watch``: thin commands over
:mod:`jetwatch.live` and :mod:`jetwatch.watch`."""

from __future__ import annotations

import asyncio
import json
import logging
from pathlib import Path
from typing import Any

import click
import pyarrow as pa
from rich.markup import escape

from jetwatch.cli.common import db_option, emit, out, output_options
from jetwatch.config import redact
from jetwatch.errors import JetwatchError, UnknownFormatError
from jetwatch.live import replay as replay_lib
from jetwatch.live.feeds import parse
from jetwatch.live.listener import Listener, Options
from jetwatch.output import Output
from jetwatch.reference import registry
from jetwatch.store.db import Store
from jetwatch.watch import alerts, lists, rules

LISTING = ("table", "json", "jsonl", "csv")


def _cell(v: object) -> str:
    return escape("" if v is None else str(v))


@click.command("listen")
@click.argument("urls", nargs=-1, required=True)
@db_option
@click.option("--flush", type=float, default=0.5, show_default=True, help="Batch window, s.")
@click.option("--segment", type=float, default=600.0, show_default=True, help="Archive segment, s.")
@click.option("--stall", type=float, default=30.0, show_default=True, help="Stall timeout, s.")
@click.option("--poll", type=float, default=1.0, show_default=True, help="aircraft.json poll, s.")
@click.option("--status-every", type=float, default=10.0, show_default=True)
@click.option(
    "--exodus",
    "scopes",
    multiple=True,
    help="AREA:CLASS to score live, e.g. moscow:business_jet (repeatable).",
)
@click.option(
    "--flights-every",
    type=float,
    default=60.0,
    show_default=True,
    help="Extend the flights (and exodus scores) every this many s; 0: never.",
)
@click.option("--duration", type=float, help="Stop after this many seconds.")
@click.option(
    "--max-body",
    type=float,
    default=32.0,
    show_default=True,
    help="MiB one poll may return (a real aircraft.json is a few MB).",
)
@click.option(
    "--poll-deadline", type=float, default=30.0, show_default=True, help="s one poll may take."
)
@click.option(
    "--max-backlog",
    type=float,
    default=16.0,
    show_default=True,
    help="MiB waiting for the decoder; beyond it reads are dropped (and counted).",
)
def listen(
    urls: tuple[str, ...],
    db: Path,
    flush: float,
    segment: float,
    stall: float,
    poll: float,
    status_every: float,
    scopes: tuple[str, ...],
    flights_every: float,
    duration: float | None,
    max_body: float,
    poll_deadline: float,
    max_backlog: float,
) -> None:
    """Connect to receivers (beast://, raw://, sbs://, http://…/aircraft.json) and store
    what they send, with watch alerts. Ctrl-C flushes and exits."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    feeds = [parse(u) for u in urls]
    pairs = []
    for s in scopes:
        area, _, cls = s.partition(":")
        if not cls:
            raise click.BadParameter(f"expected AREA:CLASS, got {s!r}", param_hint="--exodus")
        pairs.append((area, cls))
    options = Options(
        flush_s=flush,
        segment_s=segment,
        stall_s=stall,
        poll_s=poll,
        status_s=status_every,
        exodus=pairs,
        flights_every_s=flights_every,
        duration_s=duration,
        max_body=int(max_body * (1 << 20)),
        poll_deadline_s=poll_deadline,
        max_backlog=int(max_backlog * (1 << 20)),
    )
    with Store(db) as store:
        totals = Listener(store, feeds, options).run()
    out.print(
        f"stored {totals.positions:,} positions from {totals.records:,} records "
        f"({totals.rejected:,} rejected, {totals.duplicates:,} duplicates dropped), "
        f"{totals.alerts} alerts"
    )


@click.command("replay")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--port", type=int, default=30005, show_default=True)
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--speed", type=float, default=1.0, show_default=True, help="0: as fast as possible.")
@click.option("--as", "as_format", type=click.Choice(replay_lib.OUTPUTS), help="Output format.")
@click.option("--rate", type=float, help="Records per second instead of the recording's timing.")
@click.option("--loop", is_flag=True, help="Start again at the end.")
def replay(
    path: Path,
    port: int,
    host: str,
    speed: float,
    as_format: str | None,
    rate: float | None,
    loop: bool,
) -> None:
    """Serve a recording on a TCP port as a receiver would (for demos and tests)."""
    try:
        line = replay_lib.timeline(path, as_format)
        server = replay_lib.Server(line, host, port, speed, loop=loop, rate=rate)
        pace = f"{rate:,.0f} records/s" if rate else f"{speed:g}x"

        async def go() -> int:
            await server.start()
            out.print(
                f"serving {line.records:,} records ({line.format}, {line.duration:,.0f} s of "
                f"recording) on {host}:{server.port} at {pace}; waiting for a client"
            )
            return await server.serve()

        sent = asyncio.run(go())
    except JetwatchError as exc:
        raise click.ClickException(str(exc)) from None
    except KeyboardInterrupt:
        sent = server.sent_records
    out.print(f"sent {sent:,} records")


@click.group("watch")
def watch() -> None:
    """Watchlists, rules and alerts."""


@watch.command("add")
@db_option
@click.option("--hex", "hexid")
@click.option("--reg")
@click.option("--operator", help="Pattern, * for any text (case-insensitive).")
@click.option("--type", "typecode")
@click.option("--category")
@click.option("--note")
@click.option("--exclude", is_flag=True, help="Never watch what this entry names.")
def watch_add(db: Path, note: str | None, exclude: bool, **named: str | None) -> None:
    """Watch aircraft by hex, registration, operator pattern, type or category."""
    given = [(k, v) for k, v in named.items() if v]
    if len(given) != 1:
        raise click.UsageError("give exactly one of --hex, --reg, --operator, --type, --category")
    kind = {"hexid": "hex", "typecode": "type"}.get(given[0][0], given[0][0])
    with Store(db) as store:
        entry = lists.add(store, kind, given[0][1] or "", note=note, exclude=exclude)
    out.print(
        f"entry {entry}: {'exclude' if exclude else 'watch'} {kind} {escape(given[0][1] or '')}"
    )


@watch.command("remove")
@db_option
@click.argument("entry", type=int)
def watch_remove(db: Path, entry: int) -> None:
    """Stop watching a watchlist entry, by its id (``watch list``)."""
    with Store(db) as store:
        if not lists.remove(store, entry):
            raise click.ClickException(f"no watchlist entry {entry}")


@watch.command("import")
@db_option
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--category", "categories", multiple=True, help="Only these categories.")
def watch_import(db: Path, path: Path, categories: tuple[str, ...]) -> None:
    """Import a plane-alert-db CSV (or a list of hex addresses / registrations)."""
    try:
        plane_alert = registry.detect(path) == "plane_alert"
    except UnknownFormatError:
        plane_alert = False  # not a registry file: a simple list
    with Store(db) as store:
        if plane_alert:
            n = lists.import_plane_alert(store, path, list(categories) or None)
        else:
            n, errors = lists.import_list(store, path, categories[0] if categories else None)
            for error in errors:
                out.print(f"[red]skipped[/red] {escape(str(error))}")
    out.print(f"{n} watchlist entries added or updated from {escape(str(path))}")


@watch.command("list")
@db_option
@click.option("--resolved", is_flag=True, help="The watched aircraft, not the entries.")
@output_options(LISTING)
def watch_list(db: Path, resolved: bool, fmt: str, out_file: Path | None) -> None:
    """The watchlist's entries, or (--resolved) the aircraft they match."""
    with Store(db) as store:
        if resolved:
            rows = [vars(w) for w in lists.resolve(store).values()]
            heads = {"icao24": "icao24", "registration": "registration", "typecode": "type"}
            heads |= {"operator": "operator", "categories": "categories", "notes": "notes"}
        else:
            rows = [vars(e) for e in lists.entries(store)]
            heads = {k: k for k in ("id", "kind", "value", "exclude", "note", "category")}
    emit(Output(pa.Table.from_pylist(rows), headings=heads), fmt, out_file)


@watch.command("rule")
@db_option
@click.argument("event", type=click.Choice(rules.EVENTS))
@click.option("--category", help="Aircraft of this watch category only.")
@click.option("--aircraft", help="Hex address or registration: this aircraft only.")
@click.option("--from-area", help="Origin area or airport.")
@click.option("--to-area", help="Area, airport, 'abroad' or 'domestic'.")
@click.option("--airport", help="The event's airport (landing, approach).")
@click.option("--area", help="Area crossed (enter, leave) or scored (surge).")
@click.option("--minutes", type=int, default=10, show_default=True, help="Silence for 'dark'.")
@click.option(
    "--squawk", "squawks", multiple=True, help="Codes for 'squawk' (default 7500/7600/7700)."
)
@click.option("--class", "cls", help="Aircraft class.")
@click.option(
    "--notify", "targets", multiple=True, help="Apprise URL or a target name from the config."
)
@click.option("--template", help="Message body; $registration, $what, $airport, $time, $link…")
@click.option(
    "--per-hour", type=int, default=30, show_default=True, help="Most alerts a rule sends an hour."
)
def watch_rule(
    db: Path,
    event: str,
    targets: tuple[str, ...],
    template: str | None,
    per_hour: int,
    squawks: tuple[str, ...],
    **conditions: Any,
) -> None:
    """Add a rule: which events raise alerts, and where they are sent."""
    when = rules.Conditions(**conditions)
    if squawks:
        when.squawks = list(squawks)
    with Store(db) as store:
        rule_id = rules.add(store, event, when, list(targets), template, per_hour)
    out.print(
        f"rule {rule_id}: {event}, notify {', '.join(redact(t) for t in targets) or 'nobody'}"
    )


@watch.command("rules")
@db_option
@output_options(LISTING)
def watch_rules(db: Path, fmt: str, out_file: Path | None) -> None:
    """The rules, with notification targets shown without their secrets."""
    with Store(db) as store:
        rows = [
            {
                "id": r.id,
                "event": r.event,
                "conditions": json.dumps(
                    {k: v for k, v in vars(r.when).items() if v not in (None, [])}
                ),
                "notify": [redact(t) for t in r.notify],
                "per_hour": r.per_hour,
            }
            for r in rules.load(store)
        ]
    heads = {"id": "id", "event": "event", "conditions": "conditions", "notify": "notify"}
    emit(
        Output(pa.Table.from_pylist(rows), headings=heads | {"per_hour": "per hour"}), fmt, out_file
    )


@watch.command("unrule")
@db_option
@click.argument("rule", type=int)
def watch_unrule(db: Path, rule: int) -> None:
    """Delete a rule, by its id (``watch rules``)."""
    with Store(db) as store:
        if not rules.remove(store, rule):
            raise click.ClickException(f"no rule {rule}")


@watch.command("alerts")
@db_option
@click.option("--limit", type=int, default=50, show_default=True)
@output_options(LISTING)
def watch_alerts(db: Path, limit: int, fmt: str, out_file: Path | None) -> None:
    """The latest alerts and what became of them (sent, failed, rate_limited…)."""
    with Store(db) as store:
        rows = alerts.latest(store, limit)
    heads = {"id": "id", "rule_id": "rule", "time": "time (UTC)", "title": "alert"}
    heads |= {"status": "status", "attempts": "attempts", "error": "error"}
    emit(Output(rows, headings=heads), fmt, out_file)
