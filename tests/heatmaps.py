"""Heatmaps written as readsb writes them (globe_index.c, ``writeHeatmap``), from
readsb traces: for a half hour, per aircraft, the first point with an altitude in
each 30 s slice, and an identity entry (callsign, squawk) whenever they change on
a point with full state (every fourth, those with a details object in the trace);
then an index, and per slice a marker followed by its entries."""

from __future__ import annotations

import struct
from typing import Any

MAGIC = 0x0E7F7C9D
INTERVAL_MS = 30_000


def _squawk_number(text: str) -> int:
    return int(text) if text.isdigit() else 0


def heatmap(traces: list[dict[str, Any]], start_s: int, interval_ms: int = INTERVAL_MS) -> bytes:
    """The heatmap (not compressed) of the half hour from ``start_s`` (unix s)."""
    start, end = start_s * 1000, start_s * 1000 + 1_800_000
    slices = 1_800_000 // interval_ms
    entries: list[tuple[int, bytes]] = []  # (slice, entry)
    for doc in traces:
        addr = int(doc["icao"].lstrip("~"), 16)
        base = float(doc["timestamp"])
        next_ms, slice_no, ident = start, 0, None
        for p in doc["trace"]:
            t = round((base + p[0]) * 1000)
            if t > end:
                break
            details = p[8] if len(p) > 8 and isinstance(p[8], dict) else None
            if t > start and details is not None:  # readsb: the points with full state
                now = (details.get("flight", ""), details.get("squawk", ""))
                if now != ident:
                    ident = now
                    lat = (1 << 30) | _squawk_number(now[1])
                    name = now[0].encode()[:8].ljust(8, b"\0")
                    entries.append((slice_no, struct.pack("<ii", addr, lat) + name))
            if t < next_ms or p[3] is None:
                continue
            while t > next_ms + interval_ms:
                next_ms += interval_ms
                slice_no += 1
            if slice_no >= slices:
                break
            alt = -123 if p[3] == "ground" else round(p[3] / 25)
            gs = -1 if p[4] is None else round(p[4] * 10)
            lat, lon = round(p[1] * 1e6), round(p[2] * 1e6)
            entries.append((slice_no, struct.pack("<iiihh", addr, lat, lon, alt, gs)))
            next_ms += interval_ms
            slice_no += 1
    body: list[bytes] = []
    index = []
    for k in range(slices):
        stamp = start + k * interval_ms
        index.append(struct.pack("<iiii", slices + len(body), 0, 0, 0))
        marker = struct.pack("<iIIhh", MAGIC, stamp >> 32, stamp & 0xFFFFFFFF, interval_ms, 0)
        body.append(marker)
        body += [e for s, e in entries if s == k]
    return b"".join(index) + b"".join(body)
