"""readsb / tar1090 trace JSON (``trace_full_<hex>.json``, globe_history traces).

Top level: ``icao`` (hex, ``~`` for non-ICAO), ``r``, ``t``, ``dbFlags``, ``desc``,
``timestamp`` (unix s), ``trace``. Each trace point is a list
``[dt, lat, lon, alt, gs, track, flags, vrate, details, source, geom_alt,
geom_rate, ias, roll]`` (older files stop earlier): ``dt`` seconds after
``timestamp``; ``alt`` ft, or ``"ground"``, or null; ``gs`` kt; ``vrate`` ft/min;
``details`` null or an object with ``flight``, ``squawk``, ``category``…

``flags``: ``&1`` stale, ``&2`` a new leg starts, ``&4`` the vertical rate is
geometric, ``&8`` the altitude is geometric. Stale and new-leg are kept in
``positions.flags`` (FLAG_STALE, FLAG_NEW_LEG); a geometric altitude goes to
``geo_altitude``. Callsign, squawk and category persist from the last ``details``.
A point that is not such a list is ``unparsable``; a time outside 1970–2100 or a
position off the Earth is ``out_of_range``; other fields outside their bounds are
dropped (:mod:`jetwatch.sources.bounds`). The record offset is the point's index in
``trace``. The document is read whole, up to :data:`~.document.MAX_DOCUMENT`.
"""

from __future__ import annotations

from collections.abc import Iterator

import orjson

from jetwatch.compress import Stream
from jetwatch.model import (
    FLAG_NEW_LEG,
    FLAG_NON_ICAO,
    FLAG_STALE,
    POSITIONS_SCHEMA,
    Rejects,
    StateBatch,
    positions_table,
)
from jetwatch.sources import bounds
from jetwatch.sources.context import ReadContext
from jetwatch.sources.document import read_document
from jetwatch.sources.sourcekind import family

NAME = "readsb_trace"


def sniff(head: bytes) -> bool:
    text = head.lstrip()
    return text.startswith(b"{") and b'"trace"' in head and b'"icao"' in head


def _refuse(why: str) -> StateBatch:
    rejects = Rejects()
    rejects.add(0, "unparsable", b"", f"not a readsb trace: {why}"[:120])
    return StateBatch(POSITIONS_SCHEMA.empty_table(), 1, rejects)


def read(stream: Stream, ctx: ReadContext) -> Iterator[StateBatch]:
    data, refused = read_document(stream)
    if refused:
        yield _refuse(refused)
        return
    try:
        doc = orjson.loads(data)
        trace = doc["trace"]
        ident = bounds.address(doc["icao"])
        base = bounds.finite(doc["timestamp"])
    except (orjson.JSONDecodeError, KeyError, TypeError) as exc:
        yield _refuse(str(exc))
        return
    if ident is None or base is None or not isinstance(trace, list):
        yield _refuse("icao, timestamp or trace is not what readsb writes")
        return
    hexid, non_icao = ident
    rejects = Rejects()
    rows: dict[str, list[object]] = {name: [] for name in POSITIONS_SCHEMA.names}
    callsign = squawk = category = None
    for k, point in enumerate(trace):
        values = _point(point, base, k, FLAG_NON_ICAO if non_icao else 0, rejects)
        if values is None:
            continue
        details = point[8] if len(point) > 8 else None
        if isinstance(details, dict):
            callsign = bounds.callsign(details.get("flight")) or callsign
            squawk = bounds.squawk(details.get("squawk")) or squawk
            category = bounds.category(details.get("category")) or category
        values.update(
            icao24=hexid,
            callsign=callsign,
            squawk=squawk,
            category=category,
        )
        for name, value in values.items():
            rows[name].append(value)
    yield StateBatch(positions_table(rows), len(trace), rejects)


def _point(
    point: object, base: float, k: int, flag: int, rejects: Rejects
) -> dict[str, object] | None:
    """The fields of one trace point, or None (rejected)."""
    if not isinstance(point, list) or len(point) < 7:
        rejects.add(k, "unparsable", orjson.dumps(point), f"trace point {k}: not a list of 7+")
        return None
    dt, lat, lon, alt, gs, track, flags = point[:7]
    offset = bounds.finite(dt)
    t = None if offset is None else bounds.unix_time(base + offset)
    where = bounds.position(lat, lon)
    if t is None or where is None or not isinstance(flags, int) or isinstance(flags, bool):
        reason = "unparsable" if offset is None or not isinstance(flags, int) else "out_of_range"
        rejects.add(k, reason, orjson.dumps(point), f"trace point {k}: time, lat/lon or flags")
        return None
    ground = alt == "ground"
    geometric = bool(flags & 8)
    numeric = None if ground else bounds.whole(alt, "altitude")
    geom = point[10] if len(point) > 10 else None
    return {
        "time": int(round(t * 1e6)),
        "lat": where[0],
        "lon": where[1],
        "altitude": None if geometric else numeric,
        "geo_altitude": numeric if geometric else bounds.whole(geom, "geo_altitude"),
        "ground_speed": bounds.field(gs, "ground_speed"),
        "track": bounds.field(track, "track"),
        "vertical_rate": bounds.whole(point[7] if len(point) > 7 else None, "vertical_rate"),
        "on_ground": ground,
        "source": family(point[9] if len(point) > 9 else None, "readsb"),
        "flags": flag | (FLAG_STALE if flags & 1 else 0) | (FLAG_NEW_LEG if flags & 2 else 0),
    }
