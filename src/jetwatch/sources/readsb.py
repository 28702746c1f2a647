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
A point that is not such a list is ``unparsable``; |lat| > 90 or |lon| > 180 is
``out_of_range``. The record offset is the point's index in ``trace``.
"""

from __future__ import annotations

from collections.abc import Iterator

import orjson

from jetwatch.compress import Stream
from jetwatch.sources.base import (
    FLAG_NEW_LEG,
    FLAG_NON_ICAO,
    FLAG_STALE,
    POSITIONS_SCHEMA,
    Rejects,
    StateBatch,
    positions_table,
)
from jetwatch.sources.context import ReadContext
from jetwatch.sources.sourcekind import family

NAME = "readsb_trace"


def sniff(head: bytes) -> bool:
    text = head.lstrip()
    return text.startswith(b"{") and b'"trace"' in head and b'"icao"' in head


def _int(value: object) -> int | None:
    return int(round(value)) if isinstance(value, int | float) else None


def _whole(stream: Stream) -> bytes:
    return b"".join(stream.chunks())


def read(stream: Stream, ctx: ReadContext) -> Iterator[StateBatch]:
    rejects = Rejects()
    try:
        doc = orjson.loads(_whole(stream))
        icao = str(doc["icao"]).lower()
        base = float(doc["timestamp"])
        trace = doc["trace"]
    except (orjson.JSONDecodeError, KeyError, TypeError, ValueError) as exc:
        rejects.add(0, "unparsable", b"", f"not a readsb trace: {exc}"[:80])
        yield StateBatch(POSITIONS_SCHEMA.empty_table(), 1, rejects)
        return
    non_icao = icao.startswith("~")
    hexid = icao.lstrip("~")
    rows: dict[str, list[object]] = {name: [] for name in POSITIONS_SCHEMA.names}
    callsign = squawk = category = None
    for k, point in enumerate(trace):
        try:
            dt, lat, lon, alt, gs, track, flags = point[:7]
            vrate = point[7] if len(point) > 7 else None
            details = point[8] if len(point) > 8 else None
            source = point[9] if len(point) > 9 else None
            geom = point[10] if len(point) > 10 else None
            t = base + float(dt)
            lat, lon, flags = float(lat), float(lon), int(flags)
        except (TypeError, ValueError) as exc:
            rejects.add(k, "unparsable", orjson.dumps(point), f"trace point {k}: {exc}"[:80])
            continue
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            rejects.add(k, "out_of_range", orjson.dumps(point), f"trace point {k}: lat/lon")
            continue
        if isinstance(details, dict):
            callsign = (details.get("flight") or "").strip() or callsign
            squawk = details.get("squawk") or squawk
            category = details.get("category") or category
        ground = alt == "ground"
        numeric_alt = alt if isinstance(alt, int | float) and not ground else None
        geometric = bool(flags & 8)
        f = (FLAG_STALE if flags & 1 else 0) | (FLAG_NEW_LEG if flags & 2 else 0)
        f |= FLAG_NON_ICAO if non_icao else 0
        values = {
            "time": int(round(t * 1e6)),
            "icao24": hexid,
            "callsign": callsign,
            "lat": lat,
            "lon": lon,
            "altitude": None if geometric else _int(numeric_alt),
            "geo_altitude": _int(numeric_alt if geometric else geom),
            "ground_speed": gs,
            "track": track,
            "vertical_rate": _int(vrate),
            "on_ground": ground,
            "squawk": squawk,
            "category": category,
            "source": family(source, "readsb"),
            "flags": f,
        }
        for name, value in values.items():
            rows[name].append(value)
    table = positions_table(rows)
    yield StateBatch(table, len(trace), rejects)
