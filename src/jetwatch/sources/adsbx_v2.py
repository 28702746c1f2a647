"""Aggregator REST answers in the ADS-B Exchange v2 shape.

airplanes.live (``/v2/point/{lat}/{lon}/{nm}``, ``/v2/hex/…``), adsb.fi
(``/api/v2/lat/…/lon/…/dist/…``), adsb.lol (``/v2/point/…``) and ADS-B Exchange's
gateway answer ``{"ac": [{hex, flight, r, t, lat, lon, alt_baro, alt_geom, gs,
track, baro_rate, squawk, category, seen, seen_pos, dbFlags, …}], "msg", "now",
"total", "ctime", "ptime"}``, with ``now`` in **milliseconds**. Each entry is read
as an ``aircraft.json`` entry (same fields and units, same bounds: see
:mod:`jetwatch.sources.aircraft_json`). A file of several answers, one per line (as
``jetwatch listen`` archives them), is read line by line. Real answers put ``now``
last, after every aircraft: detection looks for the ``ac`` list, not for ``now``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from jetwatch.compress import Stream
from jetwatch.model import Rejects, StateBatch
from jetwatch.sources import bounds
from jetwatch.sources.aircraft_json import Rows, add_aircraft, read_documents
from jetwatch.sources.context import ReadContext

NAME = "adsbx_v2"


V2 = re.compile(rb'^\s*\{\s*"(?:ac|msg|now|total|ctime|ptime)"\s*:')
AC = re.compile(rb'"ac"\s*:\s*(?:\[|null)')


def sniff(head: bytes) -> bool:
    """An answer starts with one of the v2 keys and holds ``"ac": [``. ``now`` comes
    last in real answers, often beyond the 64 KiB looked at, so it is not required
    here (the reader rejects an answer without it)."""
    return bool(V2.match(head)) and AC.search(head) is not None


def answer(doc: object, base: int, rejects: Rejects, rows: Rows) -> int:
    """Rows of one API answer; returns the records it held."""
    now_ms = bounds.finite(doc.get("now")) if isinstance(doc, dict) else None
    aircraft = doc.get("ac") if isinstance(doc, dict) else None
    if now_ms is None or not isinstance(aircraft, list | None):
        rejects.add(base, "unparsable", b"", "not a v2 API answer: no now (ms) or ac")
        return 1
    for k, ac in enumerate(aircraft or []):
        add_aircraft(ac, now_ms / 1000.0, base + k, rejects, rows)
    return len(aircraft or [])


def read(stream: Stream, ctx: ReadContext) -> Iterator[StateBatch]:
    yield from read_documents(stream, answer, "ADSBx v2 answer")
