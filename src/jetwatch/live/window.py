"""Decode one batch window of live feeds into positions and rejects.

A window holds, per feed, the whole records received since the last window, as
:class:`Chunk`\\ s (bytes, their offset in the feed's archive file, the time they
arrived). Each feed's bytes go through the same reader as a file of its format
(:mod:`jetwatch.sources`), then:

- **Time**: the sender's own clock (Beast and AVR ``@`` 12 MHz counters, SBS time
  fields) anchored at the arrival time of the connection's first record:
  ``time = arrival_0 + (clock - clock_0)``. Receivers' clocks are finer than arrival
  times, and a replay at ``--speed 20`` keeps the recording's own timeline (arrival
  times would make every aircraft fly 20 times too fast). A clock that goes back or
  jumps by more than two days is anchored again; records without a clock (AVR
  ``*``) get their arrival time. A reconnect keeps the anchor when the sender's
  clock went on (forward, by less than an hour: the same receiver, or a replay);
  otherwise it anchors again. A long-running connection follows the receiver's
  clock, which may drift from UTC by seconds a day.
- **Duplicates**: a Mode S frame whose exact bytes another feed delivered within
  :attr:`WindowDecoder.dedup_s` (2 s) is dropped (several receivers hearing the same
  transmission). Repeats from the same feed are kept.
- Frames of every feed are decoded together by one stateful
  :class:`~jetwatch.decode.Decoder` (a CPR pair may come from two receivers); SBS
  messages by another; polls (``aircraft.json``, v2 APIs, OpenSky states) keep only
  positions newer than the last one seen of the same aircraft (a poll repeats
  unchanged positions).
- Reject offsets are in the feed's archive file (no line numbers: a window's lines
  are not counted from the file's start); their detail starts with the feed.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from jetwatch.compress import READ_SIZE
from jetwatch.decode import Decoder, DecoderSettings
from jetwatch.live.feeds import POLLED
from jetwatch.model import POSITIONS_SCHEMA, FrameBatch, MessageBatch, Rejects, StateBatch
from jetwatch.sources import reader
from jetwatch.sources.context import ReadContext

EMPTY_REJECTS = Rejects().to_arrow()


@dataclass(frozen=True)
class Chunk:
    feed: str
    format: str
    data: bytes
    offset: int  # of data[0] in the feed's archive file
    arrival: float  # unix s, UTC
    connection: int = 0  # the feed's connection count: a new one re-anchors its clock


class _Bytes:
    """The part of :class:`~jetwatch.compress.Stream` the readers use, over bytes in memory."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.consumed = self.produced = len(data)
        self.error: str | None = None

    def chunks(self) -> Iterator[bytes]:
        for k in range(0, len(self.data), READ_SIZE):  # as a file's: bounded numpy work
            yield self.data[k : k + READ_SIZE]


@dataclass
class WindowResult:
    positions: pa.Table
    rejects: pa.Table
    records: int
    duplicates: int
    per_feed: dict[str, int] = field(default_factory=dict)  # records per feed


class WindowDecoder:
    """Stateful across windows: the decoders, recent frames and last positions."""

    def __init__(self, settings: DecoderSettings | None = None, dedup_s: float = 2.0) -> None:
        self.frames = Decoder(settings)
        self.messages = Decoder(settings)
        self.dedup_s = dedup_s
        self.recent: dict[bytes, tuple[float, str]] = {}
        self.last_state: dict[str, int] = {}  # icao24 -> last time (us) from aircraft.json
        self.anchors: dict[str, tuple[int, float, float]] = {}  # feed -> connection, t0, clock0
        self.last_clock: dict[str, float] = {}  # feed -> the latest sender clock seen

    def decode(self, chunks: list[Chunk]) -> WindowResult:
        rejects = Rejects()
        tables: list[pa.Table] = []
        frame_parts: list[tuple[FrameBatch, str]] = []
        per_feed: dict[str, int] = {}
        for feed, conn, fmt, data, offsets, arrivals in _by_feed(chunks):
            for batch in reader(fmt).read(_Bytes(data), ReadContext(Path(feed), arrivals[0])):
                per_feed[feed] = per_feed.get(feed, 0) + _records(batch)
                _relocate(batch.rejects, feed, offsets[0], rejects)
                if isinstance(batch, FrameBatch):
                    arrived = _arrival(batch.offset, offsets, arrivals)
                    batch.time = self._timeline(feed, conn, batch.clock, arrived)
                    batch.offset = batch.offset + offsets[0]
                    batch.anchored = True
                    frame_parts.append((batch, feed))
                elif isinstance(batch, MessageBatch):
                    arrived = _arrival(np.array(batch.offset), offsets, arrivals)
                    batch.messages.time = self._timeline(feed, conn, batch.messages.time, arrived)
                    table, implausible, _ = self.messages.process(batch.messages)
                    for r in implausible.tolist():
                        rejects.add(
                            offsets[0] + batch.offset[r],
                            "implausible_position",
                            batch.raw[r],
                            f"{feed}: ",
                        )
                    tables.append(table)
                elif isinstance(batch, StateBatch):
                    tables.append(self._new_states(batch.table))
        duplicates = 0
        if frame_parts:
            merged, duplicates = self._merge(frame_parts)
            table, frame_rejects, _ = self.frames.decode(merged)
            rejects.extend(frame_rejects)
            tables.insert(0, table)
        records = sum(per_feed.values())
        positions = pa.concat_tables(tables) if tables else None
        return WindowResult(
            positions=positions if positions is not None else _empty(),
            rejects=rejects.to_arrow() if len(rejects) else EMPTY_REJECTS,
            records=records,
            duplicates=duplicates,
            per_feed=per_feed,
        )

    def _timeline(
        self, feed: str, conn: int, clock: np.ndarray | None, arrival: np.ndarray
    ) -> np.ndarray:
        """Times from the sender's clock, anchored at the connection's first arrival."""
        ok = np.isfinite(clock) if clock is not None else np.zeros(len(arrival), bool)
        if clock is None or not ok.any():
            return arrival
        out = arrival.astype(np.float64)
        anchor = self.anchors.get(feed)
        start = 0
        while start < len(out):
            if anchor is None or anchor[0] != conn:
                first = start + int(np.argmax(ok[start:]))
                if not ok[first]:
                    break
                went_on = 0 <= clock[first] - self.last_clock.get(feed, np.inf) < 3600
                if anchor is not None and went_on:
                    anchor = (conn, anchor[1], anchor[2])
                else:
                    anchor = (conn, float(arrival[first]), float(clock[first]))
            t = anchor[1] + (clock[start:] - anchor[2])
            jump = ok[start:] & ((clock[start:] < anchor[2] - 1) | (t - anchor[1] > 2 * 86400))
            end = start + (int(np.argmax(jump)) if jump.any() else len(t))
            good = ok[start:end]
            out[start:end][good] = t[: end - start][good]
            if end < len(out):
                anchor = None  # the clock was reset: anchor again at the jump
            start = end
        if anchor is not None:
            self.anchors[feed] = anchor
            self.last_clock[feed] = float(np.nanmax(clock))
        return out

    def _merge(self, parts: list[tuple[FrameBatch, str]]) -> tuple[FrameBatch, int]:
        """Every feed's frames in time order, without other feeds' duplicates."""
        msg = np.concatenate([b.msg for b, _ in parts])
        nbytes = np.concatenate([b.nbytes for b, _ in parts])
        time = np.concatenate([b.time for b, _ in parts])
        offset = np.concatenate([b.offset for b, _ in parts])
        order = np.argsort(time, kind="stable")
        keep = np.ones(len(time), dtype=bool)
        if len({f for _, f in parts}) > 1:
            feeds = np.concatenate([np.full(len(b), i) for i, (b, _) in enumerate(parts)])
            names = [f for _, f in parts]
            keys = np.ascontiguousarray(msg).view(np.dtype((np.void, 14))).ravel()
            for i in order.tolist():
                key, t, feed = keys[i].tobytes(), float(time[i]), names[feeds[i]]
                seen = self.recent.get(key)
                if seen is not None and seen[1] != feed and t - seen[0] <= self.dedup_s:
                    keep[i] = False
                else:
                    self.recent[key] = (t, feed)
            horizon = float(time.max()) - self.dedup_s
            self.recent = {k: v for k, v in self.recent.items() if v[0] >= horizon}
        rows = order[keep[order]]
        merged = FrameBatch(
            msg=msg[rows], nbytes=nbytes[rows], time=time[rows], offset=offset[rows]
        )
        return merged, int((~keep).sum())

    def _new_states(self, table: pa.Table) -> pa.Table:
        """Rows of a poll newer than the last seen position of their aircraft."""
        if not table.num_rows:
            return table
        icao = table["icao24"].to_pylist()
        times = pc.cast(table["time"], pa.int64()).to_pylist()
        keep = []
        for k, (hexid, t) in enumerate(zip(icao, times, strict=True)):
            if t is not None and t > self.last_state.get(hexid, -1):
                self.last_state[hexid] = t
                keep.append(k)
        return table.take(pa.array(keep, pa.int64()))


def _by_feed(
    chunks: list[Chunk],
) -> Iterator[tuple[str, int, str, bytes, np.ndarray, np.ndarray]]:
    """Per feed and connection (polled feeds: per poll): bytes, chunk offsets, arrivals."""
    feeds: dict[tuple[str, int], list[Chunk]] = {}
    for c in chunks:
        feeds.setdefault((c.feed, c.connection), []).append(c)
    for (feed, conn), parts in feeds.items():
        if parts[0].format in POLLED:  # one JSON document per poll
            for c in parts:
                yield feed, conn, c.format, c.data, np.array([c.offset]), np.array([c.arrival])
            continue
        offsets = np.array([c.offset for c in parts], dtype=np.int64)
        arrivals = np.array([c.arrival for c in parts], dtype=np.float64)
        data = b"".join(c.data for c in parts)
        yield feed, conn, parts[0].format, data, offsets, arrivals


def _arrival(local: np.ndarray, offsets: np.ndarray, arrivals: np.ndarray) -> np.ndarray:
    """Arrival time of each record from its offset within the feed's joined bytes."""
    starts = offsets - offsets[0]
    idx = np.searchsorted(starts, np.asarray(local, dtype=np.int64), side="right") - 1
    return arrivals[np.clip(idx, 0, len(arrivals) - 1)]


def _relocate(found: Rejects, feed: str, base: int, into: Rejects) -> None:
    for k in range(len(found)):
        into.add(
            base + found.offset[k],
            found.reason[k],
            found.data[k],
            f"{feed}: {found.detail[k]}",
        )


def _records(batch: FrameBatch | MessageBatch | StateBatch) -> int:
    if isinstance(batch, StateBatch):
        return batch.records
    return len(batch) + (len(batch.rejects) if isinstance(batch, FrameBatch) else 0)


def _empty() -> pa.Table:
    return POSITIONS_SCHEMA.empty_table()
