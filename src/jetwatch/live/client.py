"""Keep one feed connected: read a TCP receiver port, or poll an ``aircraft.json``.

Every read is handed on with its arrival time (``on_bytes(feed, data, arrival)``).
A feed that cannot connect, is closed by the receiver, or sends nothing for
``stall_s`` seconds (a stall) is reconnected after an exponential backoff with
jitter: ``delay = uniform(0.5, 1) * min(max_s, base_s * 2^failures)``, reset once a
connection has delivered data. ``on_break(feed)`` is called when a connection ends,
so the caller can settle a half-received record. The other feeds are unaffected:
each runs in its own task. :class:`FeedStatus` says what happened, for the status
line.

Polling (``http(s)://…/aircraft.json``) fetches every ``poll_s`` seconds, with the
same backoff after a failure; each poll's JSON is handed on as one line. A poll is
bounded (:mod:`.http`): at most ``max_body`` bytes, ``deadline_s`` in all, and
cancelled at once when the listener stops.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

import orjson

from jetwatch.errors import JetwatchError
from jetwatch.fetch.opensky import Tokens
from jetwatch.live import http
from jetwatch.live.feeds import Feed

OnBytes = Callable[[Feed, bytes, float], None]


@dataclass
class Backoff:
    base_s: float = 0.5
    max_s: float = 30.0
    failures: int = 0

    def next(self) -> float:
        delay = min(self.max_s, self.base_s * 2**self.failures)
        self.failures += 1
        return delay * random.uniform(0.5, 1.0)

    def reset(self) -> None:
        self.failures = 0


@dataclass
class FeedStatus:
    feed: Feed
    state: str = "starting"  # connecting, connected, waiting, stopped
    connects: int = 0
    bytes: int = 0
    records: int = 0
    dropped: int = 0  # bytes dropped while the decoder was behind
    first_data: float | None = None  # unix s of the first bytes received
    last_data: float | None = None
    last_error: str | None = None
    history: deque[str] = field(default_factory=lambda: deque(maxlen=20))

    def note(self, text: str) -> None:
        self.last_error = text
        self.history.append(f"{time.strftime('%H:%M:%S', time.gmtime())} {text}")


async def run_feed(
    feed: Feed,
    status: FeedStatus,
    on_bytes: OnBytes,
    on_break: Callable[[Feed], None],
    stop: asyncio.Event,
    stall_s: float = 30.0,
    poll_s: float = 1.0,
    backoff: Backoff | None = None,
    limits: PollLimits | None = None,
    tokens: Tokens | None = None,
) -> None:
    """Run one feed until ``stop`` is set (a polled API that needs a bearer token gets
    it from ``tokens``)."""
    backoff = backoff or Backoff()
    limits = limits or PollLimits()
    while not stop.is_set():
        status.state = "connecting"
        try:
            if feed.polled:
                every = max(poll_s, feed.min_poll_s)
                await _poll(feed, status, on_bytes, stop, stall_s, every, backoff, limits, tokens)
            else:
                await _stream(feed, status, on_bytes, stop, stall_s, backoff)
        except (OSError, TimeoutError, ValueError, JetwatchError) as exc:
            status.note(_reason(exc, stall_s))
        finally:
            on_break(feed)
        if stop.is_set():
            break
        status.state = "waiting"
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=backoff.next())
    status.state = "stopped"


def _reason(exc: BaseException, stall_s: float) -> str:
    if isinstance(exc, TimeoutError):
        return f"stalled: nothing received for {stall_s:g} s"
    if isinstance(exc, JetwatchError):
        return str(exc)[:200]
    return f"{type(exc).__name__}: {exc}"[:200]


@dataclass(frozen=True)
class PollLimits:
    """What one poll may take: bytes of body, seconds in all."""

    max_body: int = 32 << 20
    deadline_s: float = 30.0


async def _stream(
    feed: Feed,
    status: FeedStatus,
    on_bytes: OnBytes,
    stop: asyncio.Event,
    stall_s: float,
    backoff: Backoff,
) -> None:
    reader, writer = await asyncio.wait_for(
        asyncio.open_connection(feed.host, feed.port), timeout=stall_s
    )
    status.state = "connected"
    status.connects += 1
    try:
        stopping = asyncio.ensure_future(stop.wait())
        while True:
            read = asyncio.ensure_future(reader.read(1 << 16))
            done, _ = await asyncio.wait(
                {read, stopping}, timeout=stall_s, return_when=asyncio.FIRST_COMPLETED
            )
            if read not in done:
                read.cancel()
                if stopping in done:
                    return
                raise TimeoutError
            data = read.result()
            if not data:
                raise ConnectionError("closed by the receiver")
            backoff.reset()
            status.bytes += len(data)
            status.last_data = time.time()
            status.first_data = status.first_data or status.last_data
            on_bytes(feed, data, status.last_data)
    finally:
        stopping.cancel()
        writer.close()
        with contextlib.suppress(OSError, TimeoutError):
            await asyncio.wait_for(writer.wait_closed(), timeout=1.0)


async def _poll(
    feed: Feed,
    status: FeedStatus,
    on_bytes: OnBytes,
    stop: asyncio.Event,
    stall_s: float,
    poll_s: float,
    backoff: Backoff,
    limits: PollLimits,
    tokens: Tokens | None,
) -> None:
    while not stop.is_set():
        began = time.monotonic()
        head = {}
        if tokens is not None:  # fetched in a thread: it may need a request of its own
            head["Authorization"] = f"Bearer {await asyncio.to_thread(tokens.get)}"
        try:
            body = await http.get(
                feed.url,
                max_bytes=limits.max_body,
                deadline_s=limits.deadline_s,
                stall_s=stall_s,
                headers=head,
            )
        except http.HTTPError as exc:
            if tokens is not None and exc.message.startswith("HTTP 401"):
                tokens.forget()  # expired or revoked: a new one at the next connection
            raise
        if status.state != "connected":
            status.state = "connected"
            status.connects += 1
        backoff.reset()
        try:
            line = orjson.dumps(orjson.loads(body)) + b"\n"
        except orjson.JSONDecodeError:
            line = body.replace(b"\n", b" ") + b"\n"  # archived, and rejected by the reader
        status.bytes += len(body)
        status.last_data = time.time()
        status.first_data = status.first_data or status.last_data
        on_bytes(feed, line, status.last_data)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(
                stop.wait(), timeout=max(0.0, poll_s - (time.monotonic() - began))
            )
