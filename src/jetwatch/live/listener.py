"""``jetwatch listen``: several receivers at once, into the store, with alerts.

One asyncio loop runs a task per feed (:mod:`.client`); each read is cut at its
last whole record (:mod:`.framing`) and kept in memory. Every ``flush_s`` (0.5 s) a
worker thread takes the window's records and, in order:

1. opens a new live segment when the current one is ``segment_s`` old (closing the
   old one, :mod:`jetwatch.store.live`);
2. appends each feed's bytes to its raw archive file;
3. decodes the window (:mod:`.window`: sender clocks, duplicates across receivers);
4. commits positions and rejects in one transaction;
5. feeds the watched aircraft's positions to the event tracker, raises alerts for
   the rules they fire and hands them to the sender thread
   (:mod:`jetwatch.watch`); every ``flights_every`` seconds it starts extending
   the flights (:func:`jetwatch.flights.build`, incremental) and scoring the exodus
   scopes on a background thread, so the windows go on meanwhile, and alerts on
   the new surges it found in the first window after it ends.

A feed that breaks, stalls or sends garbage only affects itself (reconnects with
backoff; bad records are rejected and archived). Memory is bounded whatever the
feeds send: a poll's body is capped (``max_body``), a Beast frame longer than any
real one is given up at once (:mod:`.framing`), and when more than ``max_backlog``
bytes wait for the decoder, further reads are dropped, counted per feed and shown
in the status line. SIGINT or SIGTERM stops the feeds,
flushes what was received, closes the segment and waits for pending
notifications. A crash loses at most the window in memory (``flush_s``); the next
start closes the orphaned segment and goes on.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import os
import signal
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import pyarrow.compute as pc

from jetwatch.config import Config
from jetwatch.config import load as load_config
from jetwatch.exodus.analysis import live as exodus_live
from jetwatch.fetch import opensky
from jetwatch.fetch.http import Client
from jetwatch.flights.build import build
from jetwatch.live import framing
from jetwatch.live.client import FeedStatus, PollLimits, run_feed
from jetwatch.live.feeds import Feed
from jetwatch.live.window import Chunk, WindowDecoder
from jetwatch.store import live
from jetwatch.store.db import Store
from jetwatch.watch import alerts, lists, rules
from jetwatch.watch.events import Event, Tracker

log = logging.getLogger("jetwatch.listen")
BACKGROUND_NICE = 10  # the periodic flights build, below the windows


@dataclass
class Options:
    flush_s: float = 0.5
    segment_s: float = 600.0
    stall_s: float = 30.0
    poll_s: float = 1.0
    dedup_s: float = 2.0
    status_s: float = 10.0
    watch_refresh_s: float = 60.0
    exodus: list[tuple[str, str]] = field(default_factory=list)  # (area, class)
    flights_every_s: float = 60.0  # flights and exodus scores (0: never)
    duration_s: float | None = None  # stop after this long (tests, benchmarks)
    max_body: int = 32 << 20  # bytes one poll may return
    poll_deadline_s: float = 30.0  # seconds one poll may take
    max_backlog: int = 16 << 20  # bytes waiting for the decoder, beyond which reads are dropped


@dataclass
class Totals:
    records: int = 0
    positions: int = 0
    rejected: int = 0
    duplicates: int = 0
    windows: int = 0
    alerts: int = 0
    flush_s: float = 0.0  # time spent in the worker
    last_commit: float | None = None  # unix s when the last records were committed


def _lower_priority() -> None:
    """The calling thread (and the threads it starts) yield the cores to the windows."""
    with contextlib.suppress(OSError, AttributeError):  # not on every platform
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), BACKGROUND_NICE)


class Listener:
    def __init__(
        self,
        store: Store,
        feeds: list[Feed],
        options: Options | None = None,
        config: Config | None = None,
        report: Callable[[str], None] | None = None,
    ) -> None:
        self.store = store
        self.feeds = feeds
        self.o = options or Options()
        self.config = config or load_config()
        self.report = report or (lambda text: print(text, file=sys.stderr, flush=True))
        self.status = {f.name: FeedStatus(f) for f in feeds}
        self.tokens = {  # OpenSky's API: the fetch command's client credentials
            f.name: opensky.Tokens(
                Client(),
                opensky.credentials(
                    self.config.opensky_client_id, self.config.opensky_client_secret
                ),
                opensky.auth_url(f.url),
            )
            for f in feeds
            if f.format == "opensky_rest"
        }
        self.pending: dict[str, bytearray] = {f.name: bytearray() for f in feeds}
        self.connection: dict[str, int] = {f.name: 0 for f in feeds}
        self.window: list[tuple[Feed, bytes, float, int]] = []
        self.backlog = 0  # bytes in the window and in the worker's hands
        self.decoder = WindowDecoder(dedup_s=self.o.dedup_s)
        self.totals = Totals()
        self.segment: live.Segment | None = None
        self.in_view: dict[str, float] = {}
        self.stop = asyncio.Event()
        self._load_watch()
        self.sender = alerts.Sender(store, self.config, {r.id: r for r in self.rules})
        self.surges_seen: set[str] = set()
        self.last_build = time.monotonic()
        self.background = ThreadPoolExecutor(
            1, thread_name_prefix="jetwatch-flights", initializer=_lower_priority
        )
        self.periodic: Future[list[Event]] | None = None  # the flights build under way
        self.last_refresh = time.monotonic()
        self.data_now: float | None = None  # latest record time, s
        self.data_seen = time.monotonic()
        self.reported = (time.monotonic(), 0)  # for the rate in the status

    # -- watchlist and rules -------------------------------------------------

    def _load_watch(self) -> None:
        self.rules = rules.load(self.store)
        self.watched = lists.resolve(self.store)
        self.codes = rules.area_codes(self.rules)
        airports = [r.when.airport for r in self.rules if r.event == "approach" and r.when.airport]
        old = getattr(self, "tracker", None)
        self.tracker = Tracker(areas=rules.circles(self.rules), airports=airports)
        if old is not None:
            self.tracker.state = old.state

    # -- the loop --------------------------------------------------------------

    def run(self) -> Totals:
        asyncio.run(self.arun())
        return self.totals

    def request_stop(self) -> None:
        """Stop from another thread (flushes and closes as SIGTERM does)."""
        loop = getattr(self, "loop", None)
        if loop is not None:
            loop.call_soon_threadsafe(self.stop.set)

    async def arun(self) -> Totals:
        """Run in the current event loop until :attr:`stop` is set (or the duration ends)."""
        await self._main()
        return self.totals

    async def _main(self) -> None:
        loop = self.loop = asyncio.get_running_loop()
        if threading.current_thread() is threading.main_thread():
            for sig in (signal.SIGINT, signal.SIGTERM):
                loop.add_signal_handler(sig, self.stop.set)
        tasks = [
            asyncio.create_task(
                run_feed(
                    f,
                    self.status[f.name],
                    self._on_bytes,
                    self._on_break,
                    self.stop,
                    stall_s=self.o.stall_s,
                    poll_s=self.o.poll_s,
                    limits=PollLimits(self.o.max_body, self.o.poll_deadline_s),
                    tokens=self.tokens.get(f.name),
                )
            )
            for f in self.feeds
        ]
        began = time.monotonic()
        last_status = began
        try:
            due = time.monotonic()
            while not self.stop.is_set():
                due += self.o.flush_s  # a fixed cadence: the worker's time is not added
                with contextlib.suppress(TimeoutError):
                    wait = max(0.0, due - time.monotonic())
                    await asyncio.wait_for(self.stop.wait(), timeout=wait)
                due = max(due, time.monotonic() - self.o.flush_s)  # never catch up in bursts
                if self.o.duration_s is not None and time.monotonic() - began >= self.o.duration_s:
                    self.stop.set()
                await self._flush()
                if time.monotonic() - last_status >= self.o.status_s:
                    last_status = time.monotonic()
                    self._report()
        finally:
            self.stop.set()
            _, late = await asyncio.wait(tasks, timeout=5.0)
            for task in late:  # a feed that did not end when told to
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            for f in self.feeds:
                self._on_break(f)
            await self._flush()
            await asyncio.to_thread(self._close)
            self._report()

    def _on_bytes(self, feed: Feed, data: bytes, arrival: float) -> None:
        if self.backlog + len(data) > self.o.max_backlog:
            self.status[feed.name].dropped += len(data)  # the decoder is behind: drop, count
            self._on_break(feed)  # what follows does not continue what came before
            return
        self.backlog += len(data)
        buf = self.pending[feed.name]
        buf += data
        n = framing.complete(feed.format, bytes(buf))
        if n:
            self.window.append((feed, bytes(buf[:n]), arrival, self.connection[feed.name]))
            del buf[:n]

    def _on_break(self, feed: Feed) -> None:
        """A connection ended: its half-received record is archived (and rejected)."""
        buf = self.pending[feed.name]
        if buf:
            self.window.append((feed, bytes(buf), time.time(), self.connection[feed.name]))
            buf.clear()
        self.connection[feed.name] += 1

    async def _flush(self) -> None:
        window, self.window = self.window, []
        try:
            await asyncio.to_thread(self._work, window)
        finally:
            self.backlog -= sum(len(data) for _, data, _, _ in window)

    # -- the worker --------------------------------------------------------------

    def _work(self, window: list[tuple[Feed, bytes, float, int]]) -> None:
        began = time.perf_counter()
        con = self.store.con
        if self.segment is None:
            self.segment = live.open_segment(con, self.store.archive_dir, self._feed_specs())
        elif (
            dt.datetime.now(dt.UTC).replace(tzinfo=None) - self.segment.opened
        ).total_seconds() >= self.o.segment_s:
            old = self.segment
            self.segment = live.open_segment(con, self.store.archive_dir, self._feed_specs())
            live.close_segment(con, old.ingest_id, old.folder)
        offsets = live.write_raw(self.segment, [(f.name, data) for f, data, _, _ in window])
        chunks = [
            Chunk(f.name, f.format, data, offset, arrival, conn)
            for (f, data, arrival, conn), offset in zip(window, offsets, strict=True)
        ]
        if chunks:
            result = self.decoder.decode(chunks)
            live.commit(con, self.segment, result.positions, result.rejects, result.records)
            self.totals.last_commit = time.time()
            self._count(result)
            events = self.tracker.feed(result.positions, self.watched)
        else:
            events = []
        events += self.tracker.tick(self._now())
        if self.periodic is not None and self.periodic.done():
            events += self.periodic.result()
            self.periodic = None
        if (
            self.o.flights_every_s
            and self.periodic is None
            and time.monotonic() - self.last_build >= self.o.flights_every_s
        ):
            self.last_build = time.monotonic()
            self.periodic = self.background.submit(self._extend)
        if time.monotonic() - self.last_refresh >= self.o.watch_refresh_s:
            self.last_refresh = time.monotonic()
            self._load_watch()
            self.sender.rules = {r.id: r for r in self.rules}
        self._raise(events, min((a for _, _, a, _ in window), default=time.time()))
        self.totals.flush_s += time.perf_counter() - began

    def _raise(self, events: list[Event], since: float) -> None:
        """Alerts for ``events`` by the rules, handed to the sender (``since``: when the
        data that raised them arrived)."""
        if events:
            todo = alerts.raise_alerts(
                self.store, events, self.rules, self.watched, self.codes, self.config
            )
            self.totals.alerts += len(todo)
            self.sender.send(todo, since)

    def _count(self, result: Any) -> None:
        t = self.totals
        t.windows += 1
        t.records += result.records
        t.positions += result.positions.num_rows
        t.rejected += result.rejects.num_rows
        t.duplicates += result.duplicates
        for name, n in result.per_feed.items():
            self.status[name].records += n
        if result.positions.num_rows:
            latest = pc.max(result.positions["time"]).as_py()
            stamp = latest.replace(tzinfo=dt.UTC).timestamp()
            if self.data_now is None or stamp > self.data_now:
                self.data_now, self.data_seen = stamp, time.monotonic()
            for icao in pc.unique(result.positions["icao24"]).to_pylist():
                self.in_view[icao] = stamp

    def _now(self) -> dt.datetime:
        """The data's clock: the latest record time, running on while nothing arrives."""
        if self.data_now is None:
            return dt.datetime.now(dt.UTC).replace(tzinfo=None)
        stamp = self.data_now + (time.monotonic() - self.data_seen)
        return dt.datetime.fromtimestamp(stamp, dt.UTC).replace(tzinfo=None)

    def _extend(self) -> list[Event]:
        """Extend the flights (and score the exodus scopes): on the background thread, at
        a lower priority, through its own cursor, while the windows go on. A live segment
        is rebuilt at every build, so what windows commit meanwhile is in the next one.
        The build segments on one thread: the other core is the windows'."""
        view = self.store.cursor()
        try:
            build(view, threads=1)
            return self._surges(view)
        finally:
            view.con.close()

    def _surges(self, store: Store) -> list[Event]:
        """Score the exodus scopes on the flights just built: an event per new surge."""
        events = []
        for area, cls in self.o.exodus:
            scored = exodus_live(store, at=self._now(), extend=False, area=area, cls=cls)
            for s in scored.to_dict()["surges"]:
                key = f"{area}:{cls}:{s['start']}"
                if key in self.surges_seen:
                    continue
                self.surges_seen.add(key)
                events.append(
                    Event(
                        "surge",
                        "",
                        dt.datetime.fromisoformat(s["flagged_at"].rstrip("Z")),
                        detail={
                            "area": area,
                            "class": cls,
                            "observed": s["observed"],
                            "expected": s["expected"],
                            "start": s["start"],
                        },
                    )
                )
        return events

    def _feed_specs(self) -> list[tuple[str, str, str]]:
        return [(f.name, f.shown, f.format) for f in self.feeds]

    def _close(self) -> None:
        self.background.shutdown(wait=True)
        if self.periodic is not None:  # the surges of a build that ended after the last window
            self._raise(self.periodic.result(), time.time())
            self.periodic = None
        if self.segment is not None:
            live.close_segment(self.store.con, self.segment.ingest_id, self.segment.folder)
            self.segment = None
        self.sender.close()

    def _report(self) -> None:
        now = self._now().replace(tzinfo=dt.UTC).timestamp()
        seen = sum(1 for t in self.in_view.values() if now - t <= 60)
        t = self.totals
        mono, records = self.reported
        rate = (t.records - records) / max(time.monotonic() - mono, 1e-9)
        self.reported = (time.monotonic(), t.records)
        lines = [
            f"{time.strftime('%H:%M:%S', time.gmtime())} {rate:,.0f} records/s, "
            f"positions {t.positions:,}, "
            f"records {t.records:,}, rejected {t.rejected:,}, duplicates {t.duplicates:,}, "
            f"aircraft in view {seen}, alerts {t.alerts}"
        ]
        for s in self.status.values():
            note = f" (last problem: {s.last_error})" if s.last_error else ""
            dropped = f", {s.dropped:,} bytes dropped (decoder behind)" if s.dropped else ""
            lines.append(
                f"  {s.feed.shown}: {s.state}, {s.records:,} records, "
                f"{s.connects} connection(s){dropped}{note}"
            )
        self.report("\n".join(lines))
