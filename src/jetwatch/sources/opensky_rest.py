"""OpenSky Network REST API answers, as saved files.

Three shapes (https://openskynetwork.github.io/opensky-api/rest.html), SI units:

- ``/api/states/all``: ``{"time": s, "states": [[icao24, callsign, origin_country,
  time_position, last_contact, longitude, latitude, baro_altitude (m), on_ground,
  velocity (m/s), true_track (deg), vertical_rate (m/s), sensors, geo_altitude (m),
  squawk, spi, position_source, category?], …]}``. A row is dated at
  ``time_position``; a state without one has no position and gives no row. When a
  file holds several answers (one per line, as ``jetwatch fetch opensky`` and
  ``listen`` save them), a state whose position is no newer than the last one kept
  for that aircraft repeats it and is skipped (one time per aircraft is remembered).
  ``position_source`` 0 is ADS-B, 2 MLAT, 1 (ASTERIX) and 3 (FLARM) are ``other``;
  ``category`` 2–20 maps to the emitter categories A1–C5.
- ``/api/tracks/all``: ``{"icao24", "callsign", "startTime", "endTime", "path":
  [[time, latitude, longitude, baro_altitude (m), true_track, on_ground], …]}``.
  OpenSky builds tracks from its own sampled states: each waypoint is one row.
- ``/api/flights/{all,departure,arrival,aircraft}``: ``[{"icao24", "firstSeen",
  "estDepartureAirport", "lastSeen", "estArrivalAirport", "callsign",
  "estDepartureAirportHorizDistance", …, "departureAirportCandidatesCount", …}]``.
  These are OpenSky's own flights, not positions: they go to the store's
  ``reported_flights`` (source ``opensky``), a second, labelled account of
  departures that checks set beside jetwatch's own.

Bounds as :mod:`jetwatch.sources.bounds` says; a state, waypoint or flight without a
six-digit ``icao24`` or a valid time is ``unparsable``, one off the Earth is
``out_of_range``. The record offset is the item's index in its list plus the
answer's offset in the file.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import orjson
import pyarrow as pa

from jetwatch.compress import Stream
from jetwatch.model import REPORTED_SCHEMA, Rejects, StateBatch, positions_table
from jetwatch.sources import bounds
from jetwatch.sources.aircraft_json import Rows, new_rows
from jetwatch.sources.context import ReadContext
from jetwatch.sources.document import documents
from jetwatch.units import FPM_PER_MS, FT_PER_M, KT_PER_MS

NAME = "opensky_rest"
SOURCES = {0: "adsb", 1: "other", 2: "mlat", 3: "other"}
CATEGORIES = {
    n: f"{group}{n - first + 1}"
    for group, first, last in (("A", 2, 8), ("B", 9, 15), ("C", 16, 20))
    for n in range(first, last + 1)
}

_OBJECT = re.compile(rb"^\s*\{")
_LIST_OF_OBJECTS = re.compile(rb"^\s*\[\s*\{")
_STATES = re.compile(rb'"states"\s*:\s*(?:\[|null)')
_TIME = re.compile(rb'"time"\s*:\s*\d')
_PATH = re.compile(rb'"path"\s*:\s*\[')
_FLIGHT_KEYS = (b'"firstSeen"', b'"estDepartureAirport"', b'"icao24"')


def sniff(head: bytes) -> bool:
    """A states answer (``"time"`` and ``"states"``), a track (``"icao24"``,
    ``"startTime"`` and ``"path"``) or a list of flights (``"firstSeen"``,
    ``"estDepartureAirport"``), judged on the head; key order is not relied on."""
    if _OBJECT.match(head):
        states = bool(_STATES.search(head) and _TIME.search(head))
        track = b'"icao24"' in head and b'"startTime"' in head and bool(_PATH.search(head))
        return states or track
    return bool(_LIST_OF_OBJECTS.match(head)) and all(k in head for k in _FLIGHT_KEYS)


def _scaled(value: object, factor: float, name: str) -> float | None:
    """An SI value in jetwatch's unit (``factor``), within the bounds of ``name``."""
    number = bounds.finite(value)
    return None if number is None else bounds.field(number * factor, name)


def _ft(metres: object, name: str) -> int | None:
    value = _scaled(metres, FT_PER_M, name)
    return None if value is None else int(round(value))


class _Reader:
    """Rows of a file's answers; remembers each aircraft's last position time."""

    def __init__(self) -> None:
        self.last: dict[str, float] = {}

    def answer(self, doc: object, base: int, rejects: Rejects, rows: Rows, flights: Rows) -> int:
        if isinstance(doc, list):
            for k, item in enumerate(doc):
                _flight(item, base + k, rejects, flights)
            return len(doc)
        if isinstance(doc, dict) and "states" in doc:
            states = doc.get("states") or []
            if not isinstance(states, list):
                rejects.add(base, "unparsable", b"", "states is not a list")
                return 1
            for k, state in enumerate(states):
                self.state(state, base + k, rejects, rows)
            return len(states)
        if isinstance(doc, dict) and "path" in doc:
            return _track(doc, base, rejects, rows)
        rejects.add(base, "unparsable", orjson.dumps(doc)[:200], "not an OpenSky REST answer")
        return 1

    def state(self, state: object, where: int, rejects: Rejects, rows: Rows) -> None:
        ident = bounds.address(state[0]) if isinstance(state, list) and len(state) >= 17 else None
        if ident is None:
            rejects.add(where, "unparsable", orjson.dumps(state)[:200], "not a state vector")
            return
        assert isinstance(state, list)
        if state[3] is None and state[5] is None and state[6] is None:
            return  # no position
        t, place = bounds.unix_time(state[3]), bounds.position(state[6], state[5])
        if t is None or place is None:
            rejects.add(where, "out_of_range", orjson.dumps(state)[:200], "time or lat/lon")
            return
        hexid = ident[0]
        if self.last.get(hexid, -1.0) >= t:
            return  # the same position again, in a later answer
        self.last[hexid] = t
        rate = _scaled(state[11], FPM_PER_MS, "vertical_rate")
        source = state[16] if isinstance(state[16], int) else None
        category = state[17] if len(state) > 17 and isinstance(state[17], int) else None
        _add(
            rows,
            time=int(round(t * 1e6)),
            icao24=hexid,
            callsign=bounds.callsign(state[1]),
            lat=place[0],
            lon=place[1],
            altitude=None if state[8] is True else _ft(state[7], "altitude"),
            geo_altitude=_ft(state[13], "geo_altitude"),
            ground_speed=_scaled(state[9], KT_PER_MS, "ground_speed"),
            track=bounds.field(state[10], "track"),
            vertical_rate=None
            if rate is None
            else bounds.whole(rate * FPM_PER_MS, "vertical_rate"),
            on_ground=state[8] is True,
            squawk=bounds.squawk(state[14]),
            category=CATEGORIES.get(category) if category is not None else None,
            source=SOURCES.get(source, "other") if source is not None else "other",
            flags=0,
        )


def _track(doc: dict[str, object], base: int, rejects: Rejects, rows: Rows) -> int:
    ident = bounds.address(doc.get("icao24"))
    path = doc.get("path")
    if ident is None or not isinstance(path, list):
        rejects.add(base, "unparsable", orjson.dumps(doc)[:200], "track without icao24 or path")
        return 1
    callsign = bounds.callsign(doc.get("callsign"))
    for k, point in enumerate(path):
        if not isinstance(point, list) or len(point) < 6:
            rejects.add(base + k, "unparsable", orjson.dumps(point)[:200], "not a waypoint")
            continue
        t, place = bounds.unix_time(point[0]), bounds.position(point[1], point[2])
        if t is None or place is None:
            rejects.add(base + k, "out_of_range", orjson.dumps(point)[:200], "time or lat/lon")
            continue
        ground = point[5] is True
        _add(
            rows,
            time=int(round(t * 1e6)),
            icao24=ident[0],
            callsign=callsign,
            lat=place[0],
            lon=place[1],
            altitude=None if ground else _ft(point[3], "altitude"),
            geo_altitude=None,
            ground_speed=None,
            track=bounds.field(point[4], "track"),
            vertical_rate=None,
            on_ground=ground,
            squawk=None,
            category=None,
            source="other",
            flags=0,
        )
    return len(path)


def _airport(value: object) -> str | None:
    text = value.strip().upper() if isinstance(value, str) else ""
    return text if re.fullmatch(r"[A-Z0-9]{3,4}", text) else None


def _metres(value: object) -> int | None:
    number = bounds.finite(value)
    return int(round(number)) if number is not None and abs(number) < 1e8 else None


def _flight(item: object, where: int, rejects: Rejects, flights: Rows) -> None:
    ident = bounds.address(item.get("icao24")) if isinstance(item, dict) else None
    if ident is None:
        rejects.add(where, "unparsable", orjson.dumps(item)[:200], "flight without icao24")
        return
    assert isinstance(item, dict)
    first, last = bounds.unix_time(item.get("firstSeen")), bounds.unix_time(item.get("lastSeen"))
    if first is None or last is None or last < first:
        rejects.add(where, "out_of_range", orjson.dumps(item)[:200], "firstSeen or lastSeen")
        return
    _add(
        flights,
        source="opensky",
        icao24=ident[0],
        callsign=bounds.callsign(item.get("callsign")),
        first_seen=int(round(first * 1e6)),
        last_seen=int(round(last * 1e6)),
        departure=_airport(item.get("estDepartureAirport")),
        arrival=_airport(item.get("estArrivalAirport")),
        departure_distance_m=_metres(item.get("estDepartureAirportHorizDistance")),
        arrival_distance_m=_metres(item.get("estArrivalAirportHorizDistance")),
        departure_candidates=_metres(item.get("departureAirportCandidatesCount")),
        arrival_candidates=_metres(item.get("arrivalAirportCandidatesCount")),
    )


def _add(rows: Rows, **values: object) -> None:
    for name, value in values.items():
        rows[name].append(value)


def read(stream: Stream, ctx: ReadContext) -> Iterator[StateBatch]:
    reader = _Reader()
    for group in documents(stream):
        rejects, rows = Rejects(), new_rows()
        flights: Rows = {name: [] for name in REPORTED_SCHEMA.names}
        records = 0
        for d in group:
            if d.error is not None:
                detail = f"not an OpenSky answer: {d.error}"[:120]
                rejects.add(d.offset, "unparsable", d.raw, detail, line=d.line)
                records += 1
            else:
                records += reader.answer(d.doc, d.offset, rejects, rows, flights)
        reported = pa.table(
            {n: pa.array(flights[n], type=REPORTED_SCHEMA.field(n).type) for n in flights},
            schema=REPORTED_SCHEMA,
        )
        yield StateBatch(positions_table(rows), records, rejects, reported)
