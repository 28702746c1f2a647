"""``jetwatch replay``: serve a recording on a TCP port, as a receiver would.

Any file jetwatch reads becomes a timeline of records (:func:`timeline`):

- Mode S frames (Beast, AVR, hex CSV, JSON lines) are served as **Beast** (the
  default; a 12 MHz clock counted from the recording's first frame) or as **AVR**
  ``@`` lines (``as_format="raw"``);
- SBS lines are served as they are;
- state vectors (OpenSky, readsb traces, ``aircraft.json``) are served as SBS lines
  (``MSG,3`` position with altitude, squawk and ground flag; ``MSG,4`` velocity;
  ``MSG,1`` identification).

Like a receiver, the server broadcasts one stream: the timeline starts when the
first client connects (or at once, ``wait=False``) and runs at ``speed`` times real
time (0: as fast as the clients take it, pausing while none is connected), or at a
fixed ``rate`` of records per second (for load tests); every connected client gets
the records sent while it is connected. A client that does not keep up for ``slow_s`` seconds is
dropped. Paced, it sends once per ``tick_s`` (10 ms): what falls due in the next tick.

Out of scope: Beast status frames, Mode A/C, and the ``aircraft.json`` HTTP endpoint
(a recording of ``aircraft.json`` snapshots is served as SBS).
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from jetwatch.compress import Stream
from jetwatch.errors import JetwatchError
from jetwatch.model import FrameBatch, MessageBatch, StateBatch
from jetwatch.sources import avr, beast, detect, reader, sbs
from jetwatch.sources.context import ReadContext

CLOCK_HZ = 12_000_000
OUTPUTS = ("beast", "raw", "sbs")


class ReplayError(JetwatchError, ValueError):
    """A recording or option the replay cannot serve."""


@dataclass
class Timeline:
    """Records to send: ``time`` (s from the first), the encoded bytes of each slice."""

    format: str  # beast, raw or sbs
    times: np.ndarray  # float64, per record, sorted
    ends: np.ndarray  # int64: end offset of each record in ``data``
    data: bytes
    records: int = 0
    rejected: int = 0

    @property
    def duration(self) -> float:
        return float(self.times[-1] - self.times[0]) if len(self.times) else 0.0


def timeline(path: Path, as_format: str | None = None, fmt: str | None = None) -> Timeline:
    """The records of ``path``, encoded for sending."""
    fmt = fmt or detect(path)
    ctx = ReadContext(path=path, anchor=0.0)
    batches = list(reader(fmt).read(Stream(path), ctx))
    frames = [b for b in batches if isinstance(b, FrameBatch)]
    rejected = sum(len(b.rejects) for b in batches)
    if frames:
        out = as_format or "beast"
        if out == "sbs":
            raise ReplayError("frames are served as beast or raw", value=out, where=str(path))
        return _frames(frames, out, rejected)
    if as_format not in (None, "sbs"):
        raise ReplayError(f"{fmt} records are served as sbs", value=as_format, where=str(path))
    if fmt == "sbs":
        return _sbs_lines(path, batches, rejected)
    tables = [b.table for b in batches if isinstance(b, StateBatch)]
    if not tables:
        raise ReplayError("nothing to replay", where=str(path))
    return _states(pa.concat_tables(tables), rejected)


def _frames(batches: list[FrameBatch], out: str, rejected: int) -> Timeline:
    msg = np.concatenate([b.msg for b in batches])
    nbytes = np.concatenate([b.nbytes for b in batches])
    t = np.concatenate([b.time for b in batches])
    order = np.argsort(t, kind="stable")
    msg, nbytes, t = msg[order], nbytes[order], t[order]
    t0 = float(t[0]) if len(t) else 0.0
    clock = np.round((t - t0) * CLOCK_HZ).astype(np.uint64)
    if out == "beast":
        data, ends = beast.encode_rows(msg, nbytes, clock)
    else:
        data = avr.format_matrix(msg, nbytes, clock)
        ends = np.flatnonzero(np.frombuffer(data, np.uint8) == 10).astype(np.int64) + 1
    return Timeline(out, t - t0, ends, data, len(t), rejected)


def _join(out: str, times: np.ndarray, pieces: list[bytes], rejected: int) -> Timeline:
    ends = np.cumsum([len(p) for p in pieces], dtype=np.int64)
    return Timeline(out, times, ends, b"".join(pieces), len(pieces), rejected)


def _sbs_lines(path: Path, batches: list, rejected: int) -> Timeline:
    raw = b"".join(Stream(path).chunks())
    times: list[float] = []
    pieces: list[bytes] = []
    for b in batches:
        if isinstance(b, MessageBatch):
            for k in range(len(b.messages)):
                times.append(float(b.messages.time[k]))
                end = raw.find(b"\n", b.offset[k])
                line = raw[b.offset[k] : len(raw) if end < 0 else end]
                pieces.append(line.rstrip(b"\r") + b"\r\n")
    t = np.array(times)
    order = np.argsort(t, kind="stable")
    t0 = float(t[order[0]]) if len(t) else 0.0
    return _join("sbs", t[order] - t0, [pieces[k] for k in order], rejected)


def _states(table: pa.Table, rejected: int) -> Timeline:
    """State vectors as SBS lines: a position (MSG,3, with the ground flag) per state,
    a velocity (MSG,4) where there is a ground speed, an identification (MSG,1) where
    there is a callsign; all column-wise (:func:`jetwatch.sources.sbs.format_table`)."""
    seconds = pc.divide(pc.cast(pc.cast(table["time"], pa.int64()), pa.float64()), 1e6)
    base = table.set_column(table.schema.get_field_index("time"), "time", seconds)
    parts = [
        _kind(base, 3),  # with its altitude and ground flag, on the ground too
        _kind(base.filter(pc.is_valid(base["ground_speed"])), 4),
        _kind(base.filter(pc.is_valid(base["callsign"])), 1),
    ]
    rows = pa.concat_tables(parts).sort_by([("time", "ascending"), ("kind", "ascending")])
    lines = [(line + "\r\n").encode() for line in sbs.format_table(rows)]
    t = rows["time"].to_numpy()
    return _join("sbs", t - (t[0] if len(t) else 0.0), lines, rejected)


def _kind(table: pa.Table, kind: int) -> pa.Table:
    return table.append_column("kind", pa.array(np.full(table.num_rows, kind), pa.int8()))


@dataclass
class Server:
    """A broadcasting replay server; :meth:`start` binds, :meth:`serve` runs the timeline."""

    line: Timeline
    host: str = "127.0.0.1"
    port: int = 30005
    speed: float = 1.0
    wait: bool = True
    rate: float | None = None  # records per second, instead of the recording's own timing
    loop: bool = False
    tick_s: float = 0.01
    slow_s: float = 5.0
    clients: set[asyncio.StreamWriter] = field(default_factory=set)
    sent_records: int = 0
    connected: asyncio.Event = field(default_factory=asyncio.Event)

    async def start(self) -> asyncio.base_events.Server:
        self.server = await asyncio.start_server(self._client, self.host, self.port)
        self.port = self.server.sockets[0].getsockname()[1]
        return self.server

    async def _client(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        """A client gets the stream until it hangs up (what it sends is ignored)."""
        self.clients.add(writer)
        self.connected.set()
        try:
            with contextlib.suppress(OSError):
                while await reader.read(1 << 12):
                    pass
        finally:
            self.clients.discard(writer)
            writer.close()

    async def serve(self) -> int:
        """Send the timeline (again and again with ``loop``); returns records sent."""
        if self.wait:
            await self.connected.wait()
        while True:
            await self._once()
            if not self.loop:
                break
        for w in list(self.clients):
            w.close()
        self.server.close()
        await self.server.wait_closed()
        await asyncio.sleep(0.1)  # the client handlers see their connections end
        return self.sent_records

    async def _once(self) -> None:
        line = self.line
        began = time.monotonic()
        k = 0
        n = len(line.times)
        while k < n:
            paced = bool(self.rate) or self.speed > 0
            ahead = time.monotonic() - began + self.tick_s  # a tick's records ahead
            if self.rate:
                j = min(n, int(ahead * self.rate))
            elif self.speed > 0:
                j = int(np.searchsorted(line.times, ahead * self.speed, "right"))
            else:
                while not self.clients:  # as fast as the clients read: wait for one
                    self.connected.clear()
                    await self.connected.wait()
                j = min(n, k + 2000)
            if j > k:
                lo = int(line.ends[k - 1]) if k else 0
                await self._send(line.data[lo : int(line.ends[j - 1])], j - k)
                k = j
            if paced and k < n:  # one send per tick: never a busy loop of tiny sends
                await asyncio.sleep(self.tick_s)

    async def _send(self, blob: bytes, records: int) -> None:
        for w in list(self.clients):
            if w.is_closing():
                self.clients.discard(w)
                continue
            w.write(blob)
            try:
                await asyncio.wait_for(w.drain(), timeout=self.slow_s)
            except (OSError, TimeoutError):
                self.clients.discard(w)
                w.close()
        if self.clients:
            self.sent_records += records
        else:
            await asyncio.sleep(0)


def iter_slices(line: Timeline, per: int) -> Iterator[bytes]:
    """The timeline's bytes in slices of ``per`` records (for tests and benchmarks)."""
    for k in range(0, len(line.times), per):
        lo = int(line.ends[k - 1]) if k else 0
        yield line.data[lo : int(line.ends[min(k + per, len(line.times)) - 1])]


async def run(
    path: Path,
    port: int,
    speed: float = 1.0,
    host: str = "127.0.0.1",
    as_format: str | None = None,
    loop: bool = False,
) -> int:
    """Serve ``path`` until it ends (or forever with ``loop``); returns records sent."""
    server = Server(timeline(path, as_format), host, port, speed, loop=loop)
    await server.start()
    with contextlib.suppress(asyncio.CancelledError):
        return await server.serve()
    return server.sent_records
