"""readsb / dump1090-fa / tar1090 ``aircraft.json`` snapshots.

``{"now": unix_s, "messages": n, "aircraft": [{...}, ...]}``. Per aircraft: ``hex``
(``~`` for non-ICAO), ``flight``, ``alt_baro`` (ft, or ``"ground"``), ``alt_geom``
(ft), ``gs`` (kt), ``track`` (deg), ``baro_rate`` / ``geom_rate`` (ft/min),
``squawk``, ``category``, ``lat``, ``lon``, ``seen_pos`` (s since the position),
``type`` (readsb source type) and ``mlat`` / ``tisb`` (names of fields that came
from MLAT or TIS-B). An aircraft whose position is older than readsb keeps current
has ``lastPosition: {lat, lon, seen_pos}`` instead: that position is kept, flagged
stale. Only aircraft with a position become rows, dated ``now - seen_pos``.

Rows are bounded as :mod:`jetwatch.sources.bounds` says: an entry without a
six-digit hex is ``unparsable``, a position off the Earth or a time outside
1970–2100 is ``out_of_range``, other fields out of bounds are dropped. The record
offset is the aircraft's index in ``aircraft`` (plus the line's offset in a file of
several snapshots, one JSON object per line, which is read line by line). A single
snapshot is read whole, up to :data:`~.document.MAX_DOCUMENT`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import orjson

from jetwatch.compress import Stream
from jetwatch.model import (
    FLAG_NON_ICAO,
    FLAG_STALE,
    POSITIONS_SCHEMA,
    Rejects,
    StateBatch,
    positions_table,
)
from jetwatch.sources import bounds
from jetwatch.sources.context import ReadContext
from jetwatch.sources.document import documents
from jetwatch.sources.sourcekind import family

NAME = "aircraft_json"
Rows = dict[str, list[object]]


def sniff(head: bytes) -> bool:
    return head.lstrip().startswith(b"{") and b'"aircraft"' in head and b'"now"' in head


def new_rows() -> Rows:
    return {name: [] for name in POSITIONS_SCHEMA.names}


def add_aircraft(ac: object, now: float, where: int, rejects: Rejects, rows: Rows) -> None:
    """One entry of ``aircraft`` (or of an API's ``ac``) as a row, if it has a position."""
    ident = bounds.address(ac.get("hex")) if isinstance(ac, dict) else None
    if ident is None:
        rejects.add(where, "unparsable", orjson.dumps(ac), "aircraft entry without a hex")
        return
    assert isinstance(ac, dict)
    stale = False
    lat, lon, seen = ac.get("lat"), ac.get("lon"), ac.get("seen_pos")
    last = ac.get("lastPosition")
    if lat is None and lon is None and isinstance(last, dict):
        lat, lon, seen, stale = last.get("lat"), last.get("lon"), last.get("seen_pos"), True
    if lat is None and lon is None:
        return
    age = bounds.finite(seen) or 0.0
    t = bounds.unix_time(now - age)
    place = bounds.position(lat, lon)
    if t is None or place is None:
        rejects.add(where, "out_of_range", orjson.dumps(ac), "time or lat/lon")
        return
    hexid, non_icao = ident
    ground = ac.get("alt_baro") == "ground"
    fields = ac.get("mlat"), ac.get("tisb")
    mlat, tisb = ("lat" in f if isinstance(f, list) else False for f in fields)
    kind = "mlat" if mlat else "tisb" if tisb else family(ac.get("type"), "adsb")
    values = {
        "time": int(round(t * 1e6)),
        "icao24": hexid,
        "callsign": bounds.callsign(ac.get("flight")),
        "lat": place[0],
        "lon": place[1],
        "altitude": None if ground else bounds.whole(ac.get("alt_baro"), "altitude"),
        "geo_altitude": bounds.whole(ac.get("alt_geom"), "geo_altitude"),
        "ground_speed": bounds.field(ac.get("gs"), "ground_speed"),
        "track": bounds.field(ac.get("track"), "track"),
        "vertical_rate": bounds.whole(ac.get("baro_rate", ac.get("geom_rate")), "vertical_rate"),
        "on_ground": ground,
        "squawk": bounds.squawk(ac.get("squawk")),
        "category": bounds.category(ac.get("category")),
        "source": kind,
        "flags": (FLAG_NON_ICAO if non_icao else 0) | (FLAG_STALE if stale else 0),
    }
    for name, value in values.items():
        rows[name].append(value)


def _snapshot(doc: object, base: int, rejects: Rejects, rows: Rows) -> int:
    """Rows of one snapshot; returns the records it held."""
    now = bounds.finite(doc.get("now")) if isinstance(doc, dict) else None
    aircraft = doc.get("aircraft") if isinstance(doc, dict) else None
    if now is None or not isinstance(aircraft, list):
        rejects.add(base, "unparsable", b"", "not an aircraft.json snapshot: no now or aircraft")
        return 1
    for k, ac in enumerate(aircraft):
        add_aircraft(ac, now, base + k, rejects, rows)
    return len(aircraft)


def read(stream: Stream, ctx: ReadContext) -> Iterator[StateBatch]:
    yield from read_documents(stream, _snapshot, "aircraft.json snapshot")


def read_documents(
    stream: Stream, rows_of: Callable[[object, int, Rejects, Rows], int], what: str
) -> Iterator[StateBatch]:
    """Batches from every document of the file, each turned into rows by ``rows_of``."""
    for group in documents(stream):
        rejects, rows = Rejects(), new_rows()
        records = 0
        for d in group:
            if d.error is not None:
                rejects.add(
                    d.offset, "unparsable", d.raw, f"not an {what}: {d.error}"[:120], line=d.line
                )
                records += 1
            else:
                records += rows_of(d.doc, d.offset, rejects, rows)
        yield StateBatch(positions_table(rows), records, rejects)
