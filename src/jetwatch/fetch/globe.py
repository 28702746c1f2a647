"""Keep what enters a box: a readsb ``globe_history`` tar, filtered as it streams.

A day of globe_history holds one ``trace_full_<hex>.json`` per aircraft seen
anywhere on Earth (gzip inside, whatever the name says), heatmaps
(``heatmap/*.bin.ttf``) and ``acas/``. :func:`filter_tar` reads the tar member by
member from any readable stream and writes a new, much smaller tar of the traces
that have at least one point inside the box within the time window (the whole
trace is kept: a flight's origin and destination lie outside the box), plus, when
asked, the heatmaps cut to the box (:func:`jetwatch.sources.heatmap.cut`: the
positions inside, their aircraft's identities, the slices' markers). Nothing else
touches the disk.

The output is written block by block, so it can be resumed: :class:`Checkpoint`
holds the input offset of the next member header and the output size at that
moment. After a kill, the output is cut back to that size and the input is read
again from that offset (a tar can be entered at any member header). The same
input and box give byte-identical output, resumed or not, so re-ingesting it is
skipped by its SHA-256.

A trace that cannot be read (not gzip or JSON, a point that is not a list of
numbers) is counted as ``unreadable`` and kept, so that ``ingest`` rejects it with
a reason rather than the filter dropping it unseen; a member over 64 MiB is counted
``too_large`` and skipped. Kept traces that say they are simulated (jetwatch's
simulator writes a ``jetwatch`` key) are counted ``simulated``, so the ingest is
labelled simulated.
"""

from __future__ import annotations

import gzip
import math
import re
import tarfile
import time
import zlib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from typing import IO, Any

import numpy as np
import orjson

from jetwatch.fetch.window import Box
from jetwatch.sources import heatmap

MAX_MEMBER = 64 << 20
BLOCK = tarfile.BLOCKSIZE
CHECKPOINT_S = 2.0


@dataclass
class Checkpoint:
    """Where a filter can resume: input offset of the next header, output size."""

    offset: int = 0
    out_size: int = 0
    counts: Counter[str] = field(default_factory=Counter)


def inflate(data: bytes) -> bytes | None:
    """``data``, gunzipped when it is gzip (at most :data:`MAX_MEMBER`), None when
    damaged or larger."""
    if data[:2] != b"\x1f\x8b":
        return data
    d = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        out = d.decompress(data, MAX_MEMBER)
    except zlib.error:
        return None
    return None if d.unconsumed_tail else out


NUMBER = rb"-?\d+(?:\.\d*)?(?:[eE][-+]?\d+)?"
TINY = r"-?\d(?:\.\d*)?[eE]-\d+"  # |x| < 1e-4 as Python and orjson write it


def _degrees(low: float, high: float) -> bytes:
    """A regex for the JSON text of any number in [low, high], by its integer part
    (wider than the range: a candidate, never a miss)."""
    parts = []
    for i in range(math.floor(low), math.floor(high) + 1):
        parts.append(str(i) if i >= 0 else f"-{-i - 1}")  # -0.5 is written -0.5
    alternatives = "|".join(sorted(set(parts), key=len, reverse=True))
    tiny = f"|{TINY}" if math.floor(low) <= 0 <= math.floor(high) + 1 else ""
    return f"(?:(?:{alternatives})(?:\\.\\d*)?{tiny})".encode()


@cache
def prefilter(box: Box) -> re.Pattern[bytes]:
    """Trace points as readsb writes them, ``[dt,lat,lon,``, whose lat and lon could
    lie in ``box``: a trace with no match has no point inside, and is not parsed."""
    lons = (
        [(box.west, box.east)] if box.west <= box.east else [(box.west, 180.0), (-180.0, box.east)]
    )
    lon = b"|".join(_degrees(a, b) for a, b in lons)
    lat = _degrees(box.south, box.north)
    return re.compile(rb"\[\s*" + NUMBER + rb"\s*,\s*" + lat + rb"\s*,\s*(?:" + lon + rb")\s*[,\]]")


def enters(data: bytes, box: Box, start: float, end: float) -> tuple[bool | None, bool]:
    """Whether a trace (as stored: gzip or plain JSON) has a point inside ``box``
    between ``start`` and ``end`` (unix s), None when it cannot be read; and whether
    it says it is simulated (jetwatch's simulator writes a ``jetwatch`` key)."""
    text = inflate(data)
    if text is None:
        return None, False
    if prefilter(box).search(text) is None:
        return False, b'"jetwatch"' in text[:4096]  # no point can lie inside: not parsed
    try:
        doc = orjson.loads(text)
        simulated = "jetwatch" in doc
        base = float(doc["timestamp"])
        trace = doc["trace"]
        if not trace:
            return False, simulated
        if base + float(trace[-1][0]) < start or base + float(trace[0][0]) >= end:
            return False, simulated
        n = len(trace)
        t = np.fromiter((p[0] for p in trace), float, n) + base
        lat = np.fromiter((p[1] for p in trace), float, n)
        lon = np.fromiter((p[2] for p in trace), float, n)
    except (orjson.JSONDecodeError, KeyError, TypeError, ValueError, IndexError):
        return None, False
    return bool(((t >= start) & (t < end) & box.contains(lat, lon)).any()), simulated


def kind(name: str) -> str:
    base = name.rsplit("/", 1)[-1]
    if base.startswith("trace_full_"):
        return "trace"
    if "/heatmap/" in f"/{name}" or base.endswith(".bin.ttf"):
        return "heatmap"
    return "other"


def filter_tar(
    source: Any,
    out: IO[bytes],
    box: Box,
    start: float,
    end: float,
    *,
    heatmaps: bool = False,
    resume: Checkpoint | None = None,
    save: Callable[[Checkpoint], None] | None = None,
) -> Checkpoint:
    """Copy the members of the tar in ``source`` that enter ``box`` in [start, end)
    to ``out`` (opened for writing at ``resume.out_size``); ``source`` starts at
    ``resume.offset``. ``save`` is called with a checkpoint every few seconds and
    at the end; the returned checkpoint's counts say what was seen and kept."""
    done = resume or Checkpoint()
    base = done.offset
    counts = done.counts
    written = done.out_size
    last = time.monotonic()
    with tarfile.open(fileobj=source, mode="r|") as tar:
        for info in tar:
            if info.isfile():
                what = kind(info.name)
                counts[f"{what}s_seen"] += 1
                keep = None
                if info.size > MAX_MEMBER:
                    counts["too_large"] += 1
                elif what == "heatmap" and heatmaps:
                    handle = tar.extractfile(info)
                    keep = _heatmap(handle.read() if handle is not None else b"", box, counts)
                elif what == "trace":
                    handle = tar.extractfile(info)
                    data = handle.read() if handle is not None else b""
                    inside, simulated = enters(data, box, start, end)
                    if inside is None:
                        counts["unreadable"] += 1
                    if inside is not False:
                        keep = data
                        counts["simulated"] += simulated
                if keep is not None:
                    counts[f"{what}s_kept"] += 1
                    written += _write(out, info, keep)
            after = base + info.offset_data + -(-info.size // BLOCK) * BLOCK
            if save is not None and time.monotonic() - last >= CHECKPOINT_S:
                out.flush()
                save(Checkpoint(after, written, counts))
                last = time.monotonic()
            done = Checkpoint(after, written, counts)
    out.flush()
    if save is not None:
        save(done)
    return done


def _heatmap(data: bytes, box: Box, counts: Counter[str]) -> bytes | None:
    """A heatmap cut to the box (gzip, as readsb writes it), None when nothing of it
    lies inside; one that cannot be read is kept whole for ingest to reject."""
    raw = inflate(data)
    if raw is None:
        counts["unreadable"] += 1
        return data
    inside = heatmap.cut(raw, box)
    return None if inside is None else gzip.compress(inside, compresslevel=6, mtime=0)


def _write(out: IO[bytes], info: tarfile.TarInfo, data: bytes) -> int:
    header = tarfile.TarInfo(info.name)
    header.size, header.mtime, header.mode = len(data), int(info.mtime), info.mode
    raw = header.tobuf(tarfile.GNU_FORMAT)
    pad = -len(data) % BLOCK
    out.write(raw)
    out.write(data)
    out.write(b"\0" * pad)
    return len(raw) + len(data) + pad


def finish(out: IO[bytes]) -> None:
    """End the archive (two zero blocks)."""
    out.write(b"\0" * (2 * BLOCK))
