"""readsb / dump1090-fa / tar1090 ``aircraft.json`` snapshots.

``{"now": unix_s, "messages": n, "aircraft": [{...}, ...]}``. Per aircraft: ``hex``
(``~`` for non-ICAO), ``flight``, ``alt_baro`` (ft, or ``"ground"``), ``alt_geom``
(ft), ``gs`` (kt), ``track`` (deg), ``baro_rate`` / ``geom_rate`` (ft/min),
``squawk``, ``category``, ``lat``, ``lon``, ``seen_pos`` (s since the position),
``type`` (readsb source type) and ``mlat`` / ``tisb`` (names of fields that came
from MLAT or TIS-B). Only aircraft with a position become rows, dated
``now - seen_pos``. The record offset is the aircraft's index in ``aircraft``.
A file of several snapshots, one JSON object per line, is read line by line.
"""

from __future__ import annotations

from collections.abc import Iterator

import orjson

from jetwatch.compress import Stream
from jetwatch.sources.base import (
    FLAG_NON_ICAO,
    POSITIONS_SCHEMA,
    Rejects,
    StateBatch,
    positions_table,
)
from jetwatch.sources.context import ReadContext
from jetwatch.sources.sourcekind import family

NAME = "aircraft_json"


def sniff(head: bytes) -> bool:
    return head.lstrip().startswith(b"{") and b'"aircraft"' in head and b'"now"' in head


def _num(value: object) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _int(value: object) -> int | None:
    number = _num(value)
    return None if number is None else int(round(number))


def _rows(doc: dict, rejects: Rejects, rows: dict[str, list[object]], base: int) -> int:
    now = float(doc["now"])
    aircraft = doc["aircraft"]
    for k, ac in enumerate(aircraft):
        if not isinstance(ac, dict) or "hex" not in ac:
            rejects.add(base + k, "unparsable", orjson.dumps(ac), f"aircraft {k}: no hex")
            continue
        lat, lon = _num(ac.get("lat")), _num(ac.get("lon"))
        if lat is None or lon is None:
            continue
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            rejects.add(base + k, "out_of_range", orjson.dumps(ac), f"aircraft {k}: lat/lon")
            continue
        hexid = str(ac["hex"]).lower()
        ground = ac.get("alt_baro") == "ground"
        mlat = "lat" in (ac.get("mlat") or [])
        tisb = "lat" in (ac.get("tisb") or [])
        kind = "mlat" if mlat else "tisb" if tisb else family(ac.get("type"), "adsb")
        rate = ac.get("baro_rate", ac.get("geom_rate"))
        values = {
            "time": int(round((now - (_num(ac.get("seen_pos")) or 0.0)) * 1e6)),
            "icao24": hexid.lstrip("~"),
            "callsign": (str(ac.get("flight") or "").strip() or None),
            "lat": lat,
            "lon": lon,
            "altitude": None if ground else _int(ac.get("alt_baro")),
            "geo_altitude": _int(ac.get("alt_geom")),
            "ground_speed": _num(ac.get("gs")),
            "track": _num(ac.get("track")),
            "vertical_rate": _int(rate),
            "on_ground": ground,
            "squawk": ac.get("squawk"),
            "category": ac.get("category"),
            "source": kind,
            "flags": FLAG_NON_ICAO if hexid.startswith("~") else 0,
        }
        for name, value in values.items():
            rows[name].append(value)
    return len(aircraft)


def read(stream: Stream, ctx: ReadContext) -> Iterator[StateBatch]:
    data = b"".join(stream.chunks())
    rejects = Rejects()
    rows: dict[str, list[object]] = {name: [] for name in POSITIONS_SCHEMA.names}
    records = 0
    try:
        docs = [(0, orjson.loads(data))]
    except orjson.JSONDecodeError:
        docs = []
        offset = 0
        for line in data.split(b"\n"):
            if line.strip():
                try:
                    docs.append((offset, orjson.loads(line)))
                except orjson.JSONDecodeError as exc:
                    rejects.add(offset, "unparsable", line[:200], str(exc)[:80])
            offset += len(line) + 1
    for offset, doc in docs:
        try:
            records += _rows(doc, rejects, rows, offset)
        except (KeyError, TypeError, ValueError) as exc:
            rejects.add(offset, "unparsable", b"", f"not an aircraft.json snapshot: {exc}"[:80])
    table = positions_table(rows)
    yield StateBatch(table, records + len(rejects), rejects)
