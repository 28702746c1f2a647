"""Verdicts on claims as typed results: what ``jetwatch check … --format json``
prints and the reports render (:mod:`jetwatch.exodus.claims` makes them).

``verdict`` is ``supported``, ``contradicted`` or ``cannot be determined``;
``reasons`` say why, the last one what would change it. Departures of unknown class
or destination are counted apart, never as zero. Times UTC.
"""

from __future__ import annotations

from typing import Any

from pydantic import AliasChoices, Field

from jetwatch.exodus.daytest import DayTest
from jetwatch.exodus.result import Blackout, Departure, HeadedDeparture, Surge
from jetwatch.results import Result, UtcTime


class ScopeOf(Result):
    """The exodus scope a departures verdict was counted in."""

    scope: str
    airports: list[str]
    cls: str | None = Field(
        validation_alias=AliasChoices("class", "cls"), serialization_alias="class"
    )
    day: str
    timezone: str


class DeparturesVerdict(Result):
    claim: str
    verdict: str
    reasons: list[str]
    headline: str
    test: DayTest | None
    observed: int
    unknown_class: int
    unknown_destination: int
    heading_abroad: int  # inferred from the last position, not observed
    inferred_destinations: bool  # whether they were counted
    expected: float | None
    coverage: float | None
    blackouts: list[Blackout]
    baseline_error: str | None
    surges: list[Surge]
    flights: list[HeadedDeparture]
    unknown_class_flights: list[Departure]
    reported: dict[str, Any] | None  # another system's account (OpenSky), when fetched
    labels: list[str]
    exodus: ScopeOf

    def rows(self) -> list[dict[str, Any]]:
        return [f.model_dump(by_alias=True) for f in self.flights]


class Point(Result):
    lat: float | None
    lon: float | None
    altitude: int | None


class Quiet(Result):
    """A gap between two airborne positions: the transponder quiet or out of range."""

    start: UtcTime = Field(
        validation_alias=AliasChoices("from", "start"), serialization_alias="from"
    )
    end: UtcTime = Field(validation_alias=AliasChoices("to", "end"), serialization_alias="to")
    seconds: float
    before: Point
    after: Point


class AircraftFlight(Result):
    id: str
    callsign: str | None
    origin: str | None
    takeoff: UtcTime | None
    takeoff_method: str | None
    destination: str | None
    landing: UtcTime | None
    landing_method: str | None
    first_seen: UtcTime
    last_seen: UtcTime
    starts_airborne: bool | None
    ends_airborne: bool | None
    gaps: int | None
    longest_gap_s: float | None
    last_lat: float | None
    last_lon: float | None
    last_altitude: int | None


class AircraftVerdict(Result):
    claim: str
    verdict: str
    reasons: list[str]
    labels: list[str]
    icao24: str
    first_seen: UtcTime | None  # that day
    last_seen: UtcTime | None
    coverage: float | None
    flights: list[AircraftFlight]
    quiet: list[Quiet]

    def rows(self) -> list[dict[str, Any]]:
        return [f.model_dump(by_alias=True) for f in self.flights]
