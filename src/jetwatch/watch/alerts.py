"""Alerts: events that fired a rule, stored once, then sent through apprise.

:func:`raise_alerts` matches events against the rules and inserts one row per
(rule, event) into ``alerts``; the key (event, aircraft, time) is unique per rule,
so an event seen twice (a replay, a restart, two receivers) is suppressed. A rule
that already sent ``per_hour`` alerts in the last hour stores the next ones as
``rate_limited`` instead of sending them.

:class:`Sender` sends pending alerts from a background thread through apprise
(Mastodon, Telegram, Discord, Slack, ntfy, email, JSON webhooks…). A failed send is
retried with backoff (:attr:`Sender.retries`, 1 s, 2 s, 4 s…) and then stored as
``failed`` with the error; every outcome is in ``alerts`` and in the log, never lost
silently. Notification URLs are resolved at send time (:mod:`jetwatch.config`) and
shown only redacted.

Messages use :mod:`string.Template` (``$registration``, see :func:`fields`):
transponder text is substituted as data, never interpreted.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import queue
import threading
import time
from dataclasses import dataclass
from string import Template
from typing import Any

import duckdb
import pyarrow as pa

from jetwatch.config import Config, redact
from jetwatch.results import Result, UtcTime
from jetwatch.store.db import Store
from jetwatch.watch.events import Event
from jetwatch.watch.lists import Watched
from jetwatch.watch.rules import Rule, matches

log = logging.getLogger("jetwatch.alerts")


TITLE = "$registration $what"
BODY = (
    "$what: $registration ($typecode, $operator), callsign $callsign\n"
    "$airport_line at $time UTC\n$link"
)
WHAT = {
    "takeoff": "took off",
    "landing": "landed",
    "squawk": "squawks an emergency code",
    "dark": "went dark",
    "enter": "entered an area",
    "leave": "left an area",
    "approach": "is heading to an airport",
    "surge": "exodus surge",
}


LATEST = (
    "id", "rule_id", "event", "icao24", "registration", "time", "airport", "title", "body",
    "status", "attempts", "error",
)  # fmt: skip


class AlertRecord(Result):
    """An alert as raised and what became of it (``status``: sent, failed,
    rate_limited…); the web leaves out ``attempts`` and ``error``."""

    id: int
    rule_id: int
    event: str
    icao24: str | None
    registration: str | None
    time: UtcTime | None
    airport: str | None
    title: str | None
    body: str | None
    status: str
    attempts: int | None = None
    error: str | None = None


def latest(store: Store, limit: int) -> pa.Table:
    """The ``limit`` latest alerts, newest first, with what became of them."""
    return store.con.sql(
        f"SELECT {', '.join(LATEST)} FROM alerts ORDER BY id DESC LIMIT ?", params=[limit]
    ).to_arrow_table()


def fields(event: Event, who: Watched | None, rule: Rule, base_url: str) -> dict[str, str]:
    """Every ``$name`` a template may use."""
    what = WHAT[event.kind]
    if rule.event == "takeoff" and event.kind == "landing":
        what = f"flew from {event.origin or '?'} to {event.airport or '?'}"
    elif event.kind == "squawk":
        what = f"squawks {event.detail.get('squawk')}"
    elif event.kind == "dark":
        what = f"went dark for {event.detail.get('minutes')} min"
    elif event.kind in ("enter", "leave"):
        what = f"{'entered' if event.kind == 'enter' else 'left'} {event.detail.get('area')}"
    elif event.kind == "surge":
        what = (
            f"exodus surge: {event.detail.get('observed')} {event.detail.get('class')} "
            f"departures from {event.detail.get('area')}, {event.detail.get('expected')} expected"
        )
    place = event.airport or "?"
    airport_line = {
        "takeoff": f"from {place}",
        "landing": f"at {place}",
        "approach": f"towards {place}",
    }.get(event.kind, f"near {place}" if event.airport else "")
    when = event.time.strftime("%Y-%m-%d %H:%M:%S")
    reg = (who.registration if who else None) or event.icao24
    return {
        "registration": reg,
        "icao24": event.icao24,
        "typecode": (who.typecode if who else None) or "type unknown",
        "operator": (who.operator if who else None) or "operator unknown",
        "categories": ", ".join(who.categories) if who else "",
        "callsign": event.callsign or "none",
        "event": event.kind,
        "what": what,
        "airport": event.airport or "",
        "airport_line": airport_line,
        "origin": event.origin or "",
        "time": when,
        "lat": "" if event.lat is None else f"{event.lat:.4f}",
        "lon": "" if event.lon is None else f"{event.lon:.4f}",
        "altitude": "" if event.altitude is None else f"{event.altitude} ft",
        "rule": str(rule.id),
        "link": f"{base_url}/#/aircraft/{event.icao24}?at={event.time.isoformat()}Z",
    }


def raise_alerts(
    store: Store,
    events: list[Event],
    rules: list[Rule],
    watched: dict[str, Watched],
    codes: dict[str, set[str]],
    config: Config,
) -> list[int]:
    """Store the alerts the events fire; returns the ids of those to send, in order.

    Three statements whatever the number of alerts: the keys already stored, each
    rule's sends in the last hour, and one insert (one statement per alert took a
    third of the live worker's time with every aircraft watched).
    """
    fired = [
        (rule, event, fields(event, who, rule, config.base_url))
        for event in events
        for who in [watched.get(event.icao24)]
        for rule in rules
        if matches(rule, event, who, codes)
    ]
    if not fired:
        return []
    con = store.con
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    keys = [f"{e.kind}:{e.icao24}:{e.time.isoformat()}" for _, e, _ in fired]
    asked = pa.table({"rule_id": [r.id for r, _, _ in fired], "key": keys})
    taken = {
        (int(r), str(k))
        for r, k in _with(
            con,
            asked,
            "SELECT a.rule_id, a.key FROM alerts a SEMI JOIN _batch q "
            "ON a.rule_id = q.rule_id AND a.key = q.key",
        )
    }
    recent = dict(
        con.execute(
            "SELECT rule_id, count(*) FROM alerts WHERE status IN ('pending', 'sent') "
            "AND created >= ? GROUP BY rule_id",
            [now - dt.timedelta(hours=1)],
        ).fetchall()
    )
    rows: list[tuple[object, ...]] = []
    for (rule, event, f), key in zip(fired, keys, strict=True):
        if (rule.id, key) in taken:
            continue  # a duplicate of an alert already raised
        taken.add((rule.id, key))
        status = "pending" if recent.get(rule.id, 0) < rule.per_hour else "rate_limited"
        if not rule.notify:
            status = "no_target"
        recent[rule.id] = recent.get(rule.id, 0) + (status == "pending")
        rows.append(
            (
                len(rows),
                rule.id,
                key,
                event.kind,
                event.icao24,
                f["registration"],
                event.time,
                event.airport,
                Template(TITLE).safe_substitute(f),
                Template(rule.template or BODY).safe_substitute(f),
                json.dumps(event.detail),
                status,
                now,
            )
        )
    if not rows:
        return []
    stored = _with(
        con,
        pa.table([list(column) for column in zip(*rows, strict=True)], schema=_ALERT_SCHEMA),
        f"INSERT INTO alerts ({', '.join(_ALERT_COLUMNS[1:])}) "
        f"SELECT {', '.join(_ALERT_COLUMNS[1:])} FROM _batch ORDER BY n "
        "ON CONFLICT DO NOTHING RETURNING id, rule_id, key, status",
    )
    by_key = {(int(r), str(k)): (int(i), str(st)) for i, r, k, st in stored}
    todo = []
    for (rule, _, f), key in zip(fired, keys, strict=True):
        if (rule.id, key) not in by_key:
            continue
        alert, status = by_key.pop((rule.id, key))
        log.info(
            "alert %s: rule %s, %s %s (%s)", alert, rule.id, f["registration"], f["what"], status
        )
        if status == "pending":
            todo.append(alert)
    return sorted(todo)


def _with(con: duckdb.DuckDBPyConnection, table: pa.Table, sql: str) -> list[tuple[Any, ...]]:
    """The rows of ``sql`` run with ``table`` registered as ``_batch``."""
    con.register("_batch", table)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.unregister("_batch")


_ALERT_SCHEMA = pa.schema(
    [
        ("n", pa.int64()),
        ("rule_id", pa.int64()),
        ("key", pa.string()),
        ("event", pa.string()),
        ("icao24", pa.string()),
        ("registration", pa.string()),
        ("time", pa.timestamp("us")),
        ("airport", pa.string()),
        ("title", pa.string()),
        ("body", pa.string()),
        ("detail", pa.string()),
        ("status", pa.string()),
        ("created", pa.timestamp("us")),
    ]
)
_ALERT_COLUMNS = tuple(_ALERT_SCHEMA.names)


def notify(config: Config, targets: list[str], title: str, body: str) -> tuple[bool, str | None]:
    """One apprise send of ``title`` and ``body`` to every target (URLs or names of the
    config's targets): whether it went, and apprise's complaint when not."""
    import apprise

    sender = apprise.Apprise()
    try:
        for spec in targets:
            if not sender.add(config.target(spec)):
                raise ValueError(f"apprise cannot use the target {redact(spec)}")
        with apprise.LogCapture(level=logging.WARNING) as logs:
            ok = bool(sender.notify(title=title, body=body))
            return ok, None if ok else (logs.getvalue().strip() or "the service refused")[-300:]
    except Exception as exc:
        return False, str(exc)[:300]


@dataclass
class Outcome:
    alert_id: int
    ok: bool
    seconds: float  # from the data's arrival (``send``'s ``since``) to the last attempt's end
    error: str | None = None


class Sender:
    """Sends alerts on ``workers`` background threads, with retries; outcomes go to
    ``alerts``. Several threads, so that a slow or failing target (each send waits
    for its service, and retries back off) does not hold up the alerts behind it: a
    burst of a thousand alerts is sent in parallel, not one round trip after another.
    """

    retries = 3
    first_wait_s = 1.0

    def __init__(
        self, store: Store, config: Config, rules: dict[int, Rule], workers: int = 8
    ) -> None:
        self.config = config
        self.rules = rules
        self.queue: queue.Queue[tuple[int, float] | None] = queue.Queue()
        self.outcomes: list[Outcome] = []
        self.threads = [  # each with its own cursor, made here, on the owner's thread
            threading.Thread(
                target=self._run,
                args=(store.con.cursor(),),
                name=f"jetwatch-notify-{k}",
                daemon=True,
            )
            for k in range(workers)
        ]
        for thread in self.threads:
            thread.start()

    def send(self, alert_ids: list[int], since: float | None = None) -> None:
        """Queue alerts; ``since`` (unix s) is when their data arrived, for the latency."""
        for a in alert_ids:
            self.queue.put((a, time.time() if since is None else since))

    def close(self, timeout: float = 30.0) -> None:
        """Send what is queued (within ``timeout``), then stop."""
        for _ in self.threads:
            self.queue.put(None)
        ends = time.monotonic() + timeout
        for thread in self.threads:
            thread.join(max(0.0, ends - time.monotonic()))

    def _run(self, con: duckdb.DuckDBPyConnection) -> None:
        try:
            while (item := self.queue.get()) is not None:
                alert_id, handed = item
                try:
                    self.outcomes.append(self._deliver(con, alert_id, handed))
                except Exception as exc:  # never let one alert stop the others
                    log.error("alert %s: %s", alert_id, exc)
        finally:
            con.close()

    def _deliver(self, con: duckdb.DuckDBPyConnection, alert_id: int, handed: float) -> Outcome:
        rule_id, title, body = con.execute(
            "SELECT rule_id, title, body FROM alerts WHERE id = ?", [alert_id]
        ).fetchall()[0]
        rule = self.rules[rule_id]
        error = None
        ok = False
        for attempt in range(1, self.retries + 1):
            ok, error = notify(self.config, rule.notify, title, body)
            con.execute(
                "UPDATE alerts SET attempts = ?, status = ?, error = ?, sent = "
                "CASE WHEN ? THEN now()::TIMESTAMP END WHERE id = ?",
                [
                    attempt,
                    "sent" if ok else ("failed" if attempt == self.retries else "retrying"),
                    error,
                    ok,
                    alert_id,
                ],
            )
            if ok:
                break
            log.warning(
                "alert %s: send %d of %d failed: %s", alert_id, attempt, self.retries, error
            )
            if attempt < self.retries:
                time.sleep(self.first_wait_s * 2 ** (attempt - 1))
        if not ok:
            log.error("alert %s: not sent after %d attempts: %s", alert_id, self.retries, error)
        return Outcome(alert_id, ok, time.time() - handed, error)
