"""The web API's response models: the library's typed results (flights, aircraft,
exodus, watchlist, alerts) in the envelopes each ``GET /api`` route serves, so that
``/openapi.json`` documents every field and schema-driven tests check bodies.
Units as everywhere: ft, kt, ft/min, degrees; times UTC ending in ``Z``."""

from __future__ import annotations

from typing import Any

from pydantic import AliasChoices, Field

from jetwatch.flights.record import FlightRecord
from jetwatch.reference.registry import AircraftInfo
from jetwatch.results import Result, UtcTime
from jetwatch.watch.alerts import AlertRecord
from jetwatch.watch.lists import Entry


class Position(Result):
    time: UtcTime
    lat: float
    lon: float
    altitude: int | None
    ground_speed: float | None
    track: float | None
    vertical_rate: int | None
    on_ground: bool | None


class LiveAircraft(Position):
    """An aircraft's latest position in the live picture, with what is known of it."""

    icao24: str
    squawk: str | None
    callsign: str | None
    registration: str | None
    typecode: str | None
    operator: str | None
    categories: list[str]  # watchlist categories (plane-alert-db)
    cls: str = Field(validation_alias=AliasChoices("class", "cls"), serialization_alias="class")
    emitter: str | None  # the ADS-B emitter category it broadcast (A1-A7, B1-B7, C1-C3)
    source: str  # the format its latest position came from (beast, avr, opensky_csv, ...)


class LivePicture(Result):
    now: UtcTime | None  # the picture's time: the latest position unless ``at`` is given
    aircraft: list[LiveAircraft]


class Trails(Result):
    """Every aircraft's trail before ``now``: ``[lon, lat, altitude ft, on ground 1/0]``
    points, oldest first, one per ``every`` seconds."""

    now: UtcTime | None
    trails: dict[str, list[list[float | None]]]


class AircraftPage(Result):
    aircraft: AircraftInfo
    trail: list[list[float | None]]  # [lon, lat, altitude ft], oldest first
    flights: list[FlightRecord]  # the latest 20, newest first


class FlightList(Result):
    flights: list[FlightRecord]


class TrackPoint(Position):
    callsign: str | None
    source: str


class FlightPage(Result):
    flight: FlightRecord
    track: list[TrackPoint]


class Info(Result):
    version: str
    labels: list[str]  # e.g. SIMULATED DATA …: shown on every page
    latest: UtcTime | None  # the latest position's time
    editable: bool  # a token is configured: the watchlist can be edited
    tiles: str | None
    tiles_attribution: str | None


class Area(Result):
    name: str
    title: str
    airports: list[str]
    centre: list[float] | None  # [lat, lon] of its circle, when it has one
    radius_km: float | None


class Areas(Result):
    areas: list[Area]


class Watchlist(Result):
    entries: list[Entry]
    editable: bool


class Alerts(Result):
    alerts: list[AlertRecord]


class RuleRecord(Result):
    id: int
    event: str
    conditions: dict[str, Any]
    notify: list[str]  # redacted: names as they are, URLs without secrets
    per_hour: int


class Rules(Result):
    rules: list[RuleRecord]


class Sent(Result):
    ok: bool
    error: str | None
    targets: list[str]  # redacted


class Added(Result):
    id: int


class Removed(Result):
    removed: int


class Borders(Result):
    """Country borders as a GeoJSON FeatureCollection."""

    type: str
    features: list[dict[str, Any]]
