"""tar1090 / readsb heatmaps (``globe_history/YYYY/MM/DD/heatmap/NN.bin.ttf``).

readsb writes one file per half hour (``NN`` = 00–47), gzip whatever the name says,
holding little-endian 16-byte entries ``{int32 hex, int32 lat, int32 lon, int16 alt,
int16 gs}``:

- an index first: one entry per slice whose ``hex`` is the offset (in entries) of
  the slice's marker, the rest zero;
- per slice (30 s by default): a marker, ``hex`` = ``0x0e7f7c9d``, ``lat``/``lon`` the
  high and low 32 bits of the slice's start in unix milliseconds, ``alt`` the slice's
  length in ms; then its entries;
- a position: ``hex`` bits 0–23 the address, bit 24 non-ICAO, bits 27–31 readsb's
  address type (0 ``adsb_icao`` … 5 ``mlat`` …); ``lat``, ``lon`` in 1e-6 degrees;
  ``alt`` in 25 ft (−123 on the ground, −124 unknown); ``gs`` in 0.1 kt (−1 unknown);
- an identity: ``lat`` >= 2^30, its low bits the squawk as a decimal number
  (7700), and the 8 bytes from ``lon`` on the callsign. It names the aircraft's
  positions from the batch it is in (4 MiB of entries) on; at most
  :data:`MAX_IDENTITIES` aircraft are remembered.

One position per aircraft per slice, sampled: a heatmap shows where aircraft were,
not their tracks. Each position is dated at its slice's start (up to 30 s early),
as tar1090 and Turnstone place them, and flagged ``FLAG_SAMPLED``. Entries before
the first marker (the index) are skipped; a position off the Earth or in a slice
outside 1970–2100 is ``out_of_range``, an altitude outside
:mod:`jetwatch.sources.bounds` is dropped, a damaged tail ``truncated``. The file is read in chunks,
vectorised, in bounded memory; the record offset is the entry's byte offset.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Protocol

import numpy as np
import numpy.typing as npt
import pyarrow as pa

from jetwatch.compress import Stream
from jetwatch.model import (
    FLAG_NON_ICAO,
    FLAG_SAMPLED,
    POSITIONS_SCHEMA,
    Rejects,
    StateBatch,
)
from jetwatch.sources.bounds import TIME_MAX, TIME_MIN, clip_table
from jetwatch.sources.context import ReadContext
from jetwatch.sources.sourcekind import family

NAME = "heatmap"
MAGIC = 0x0E7F7C9D
ENTRY = 16
INFO = 1 << 30
GROUND, NO_ALT, NO_GS = -123, -124, -1
MAX_SLICES = 3600
MAX_IDENTITIES = 200_000
CHUNK = 1 << 22  # bytes per batch (262,144 entries)
TYPES = (
    "adsb_icao", "adsb_icao_nt", "adsr_icao", "tisb_icao", "adsc", "mlat", "other",
    "mode_s", "adsb_other", "adsr_other", "tisb_trackfile", "tisb_other", "mode_ac",
)  # fmt: skip
SOURCE_OF_TYPE = np.array([family(t) for t in TYPES] + ["other"] * (32 - len(TYPES)), dtype=object)


def sniff(head: bytes) -> bool:
    """An index (its first entry's ``hex`` the slice count, the rest of it zero)
    followed by a marker where the index says."""
    if len(head) < 2 * ENTRY:
        return False
    n = int.from_bytes(head[:4], "little")
    if not 1 <= n <= MAX_SLICES or any(head[4:ENTRY]):
        return False
    at = n * ENTRY
    if at + 4 > len(head):
        return False
    return int.from_bytes(head[at : at + 4], "little") == MAGIC


class _State:
    """What carries from one chunk to the next: the slice's start and each
    aircraft's last callsign and squawk."""

    def __init__(self) -> None:
        self.slice_ms: int | None = None
        self.ident: dict[int, tuple[str | None, str | None]] = {}


def _callsign(raw: bytes) -> str | None:
    text = raw.split(b"\0", 1)[0].decode("ascii", "replace").strip()
    return text if text and text.isascii() and text.isprintable() and len(text) <= 8 else None


def _squawk(code: int) -> str | None:
    text = f"{code:04d}"
    return text if len(text) == 4 and all(c in "01234567" for c in text) else None


def _identities(info: npt.NDArray[np.int32], state: _State) -> None:
    """Each aircraft's last identity in ``info``, into ``state`` (at most
    :data:`MAX_IDENTITIES` aircraft are remembered: a hostile file cannot grow it)."""
    addr = info[:, 0].view(np.uint32) & 0xFFFFFF
    _, last = np.unique(addr[::-1], return_index=True)
    for k in (len(info) - 1 - last).tolist():
        key = int(addr[k])
        if key in state.ident or len(state.ident) < MAX_IDENTITIES:
            raw = info[k, 2:4].tobytes()
            state.ident[key] = (_callsign(raw), _squawk(int(info[k, 1]) & 0xFFFF))


def _rows(entries: npt.NDArray[np.int32], base: int, state: _State, rejects: Rejects) -> pa.Table:
    words = entries.view(np.uint32)
    hexes, lat, lon, last = entries[:, 0], entries[:, 1], entries[:, 2], entries[:, 3]
    marker = hexes == MAGIC
    # the slice start of every entry: the last marker at or before it
    stamps = (words[:, 1].astype(np.int64) << 32) | words[:, 2].astype(np.int64)
    at = np.where(marker, np.arange(len(entries)), -1)
    np.maximum.accumulate(at, out=at)
    time_ms = np.where(at >= 0, stamps[np.maximum(at, 0)], state.slice_ms or -1)
    if marker.any():
        state.slice_ms = int(stamps[np.flatnonzero(marker)[-1]])
    info = ~marker & (lat >= INFO)
    _identities(entries[info], state)
    position = ~marker & ~info
    ok = (
        (lat >= -90_000_000)
        & (lat <= 90_000_000)
        & (lon >= -180_000_000)
        & (lon <= 180_000_000)
        & (time_ms >= TIME_MIN * 1000)
        & (time_ms < TIME_MAX * 1000)
    )
    for k in np.flatnonzero(position & ~ok):
        rejects.add(base + int(k) * ENTRY, "out_of_range", entries[k].tobytes(), "time or lat/lon")
    keep = np.flatnonzero(position & ok)
    addr = words[keep, 0] & 0xFFFFFF
    alt = (last[keep] & 0xFFFF).astype(np.uint16).view(np.int16).astype(np.int32)
    gs = (last[keep] >> 16).astype(np.int32)
    uniq, inv = np.unique(addr, return_inverse=True)  # text per aircraft, then taken
    idents = [state.ident.get(a, (None, None)) for a in uniq.tolist()]
    take = pa.array(inv, pa.int64())
    icao24 = pa.array([f"{a:06x}" for a in uniq.tolist()], pa.string()).take(take)
    callsign = pa.array([i[0] for i in idents], pa.string()).take(take)
    squawk = pa.array([i[1] for i in idents], pa.string()).take(take)
    ground = alt == GROUND
    altitude = np.where(ground | (alt == NO_ALT), 0, alt * 25)
    table = pa.table(
        {
            "time": pa.array(time_ms[keep] * 1000, pa.timestamp("us")),
            "icao24": icao24,
            "callsign": callsign,
            "lat": pa.array(lat[keep] / 1e6, pa.float64()),
            "lon": pa.array(lon[keep] / 1e6, pa.float64()),
            "altitude": pa.array(altitude, pa.int32(), mask=ground | (alt == NO_ALT)),
            "geo_altitude": pa.nulls(len(keep), pa.int32()),
            "ground_speed": pa.array(gs / 10.0, pa.float32(), mask=gs < 0),
            "track": pa.nulls(len(keep), pa.float32()),
            "vertical_rate": pa.nulls(len(keep), pa.int32()),
            "on_ground": pa.array(ground, pa.bool_()),
            "squawk": squawk,
            "category": pa.nulls(len(keep), pa.string()),
            "source": pa.array(SOURCE_OF_TYPE[(words[keep, 0] >> 27) & 31], pa.string()),
            "flags": pa.array(
                np.where(words[keep, 0] & (1 << 24), FLAG_NON_ICAO, 0) | FLAG_SAMPLED,
                pa.uint16(),
            ),
        },
        schema=POSITIONS_SCHEMA,
    )
    return clip_table(table)  # an altitude beyond the bounds (32,767 x 25 ft) is dropped


def read(stream: Stream, ctx: ReadContext) -> Iterator[StateBatch]:
    state = _State()
    pending = b""
    offset = 0  # of ``pending``'s first byte
    started = False
    for chunk in stream.chunks():
        pending += chunk
        if len(pending) < CHUNK:
            continue
        yield from _batch(pending, offset, state, started)
        started = True
        whole = len(pending) - len(pending) % ENTRY
        offset, pending = offset + whole, pending[whole:]
    rest = len(pending) % ENTRY
    if pending:
        yield from _batch(pending, offset, state, started)
    if rest:
        rejects = Rejects()
        at = offset + len(pending) - rest
        rejects.add(at, "truncated", pending[-rest:], "a partial 16-byte entry at the end")
        yield StateBatch(POSITIONS_SCHEMA.empty_table(), 1, rejects)


class Area(Protocol):
    def contains(
        self, lat: npt.NDArray[np.float64], lon: npt.NDArray[np.float64]
    ) -> npt.NDArray[np.bool_]: ...


def cut(data: bytes, box: Area) -> bytes | None:
    """The heatmap ``data`` (decompressed) with only the positions inside ``box`` and
    the identities of their aircraft, its markers and a new index: a smaller heatmap
    in the same format. None when no position lies inside."""
    whole = len(data) - len(data) % ENTRY
    entries = np.frombuffer(data, dtype="<i4", count=whole // 4).reshape(-1, 4)
    markers = np.flatnonzero(entries[:, 0] == MAGIC)
    if not len(markers):
        return None
    body = entries[markers[0] :]
    marker = body[:, 0] == MAGIC
    info = ~marker & (body[:, 1] >= INFO)
    inside = ~marker & ~info & box.contains(body[:, 1] / 1e6, body[:, 2] / 1e6)
    if not inside.any():
        return None
    addr = body[:, 0].view(np.uint32) & 0xFFFFFF
    kept = body[marker | inside | (info & np.isin(addr, addr[inside]))]
    at = np.flatnonzero(kept[:, 0] == MAGIC)
    index = np.zeros((len(at), 4), dtype="<i4")
    index[:, 0] = at + len(at)
    return index.tobytes() + kept.tobytes()


def _batch(data: bytes, offset: int, state: _State, started: bool) -> Iterator[StateBatch]:
    whole = len(data) - len(data) % ENTRY
    entries = np.frombuffer(data, dtype="<i4", count=whole // 4).reshape(-1, 4)
    if not started:  # skip the index: everything before the first marker
        markers = np.flatnonzero(entries[:, 0] == MAGIC)
        first = int(markers[0]) if len(markers) else len(entries)
        entries, offset = entries[first:], offset + first * ENTRY
    rejects = Rejects()
    table = _rows(entries, offset, state, rejects)
    yield StateBatch(table, len(entries), rejects)
