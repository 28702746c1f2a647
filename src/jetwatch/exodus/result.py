"""The exodus analysis as a typed result: what ``jetwatch exodus --format json``
prints, ``GET /api/exodus`` serves (its response model) and the report renders.

Units: times UTC (``…Z``); ``coverage`` is the share of the usual activity heard
(None when unknown, never taken as full); ``p_value`` one-sided per bucket,
two-sided for the day test; ``expected`` and ``excess`` are departures.
"""

from __future__ import annotations

from typing import Any

from pydantic import AliasChoices, Field

from jetwatch.exodus.daytest import DayTest
from jetwatch.results import Result, UtcTime


class Bucket(Result):
    """One bucket of the day; the baseline's fields are absent without a baseline."""

    start: UtcTime
    end: UtcTime
    observed: int
    coverage: float | None
    expected: float | None = None
    low: int | None = None  # 95% band
    high: int | None = None
    p_value: float | None = None
    score: float | None = None  # -log10 p
    surge: bool | None = None

    def to_dict(self) -> dict[str, Any]:
        return self.model_dump(mode="json", by_alias=True, exclude_unset=True)


class Surge(Result):
    """A run of buckets flagged at the yearly false-alarm rate."""

    start: UtcTime
    end: UtcTime
    peak: UtcTime
    flagged_at: UtcTime  # when a live run would have flagged it
    observed: int
    expected: float
    excess: float
    excess_low: int  # 95% interval of the excess
    excess_high: int
    p_value: float


class Blackout(Result):
    """Buckets whose receivers heard less than half their usual traffic."""

    start: UtcTime
    end: UtcTime
    coverage: float  # the lowest bucket's


class Tally(Result):
    """Where a set of departures went: observed, or the heading of those that left
    coverage (``unknown``: neither)."""

    airports: dict[str, int]
    countries: dict[str, int]
    abroad: int
    domestic: int
    heading_abroad: int
    heading_domestic: int
    unknown: int


class Destinations(Result):
    day: Tally
    surges: Tally


class Departure(Result):
    """A departure of the scope (``time``: take-off, else first seen)."""

    id: str
    icao24: str
    registration: str | None
    typecode: str | None
    operator: str | None
    cls: str | None = Field(
        validation_alias=AliasChoices("class", "cls"), serialization_alias="class"
    )
    callsign: str | None
    origin: str | None
    time: UtcTime
    takeoff_method: str | None
    destination: str | None
    destination_country: str | None
    destination_method: str | None
    landing: UtcTime | None
    abroad: bool | None  # None: destination not observed
    last_seen: UtcTime
    last_lat: float | None
    last_lon: float | None
    last_altitude: int | None
    last_track: float | None


class HeadedDeparture(Departure):
    """A departure of the class, with where it was heading when it left coverage."""

    heading: str | None  # "abroad", "domestic" or None (not inferred)
    heading_countries: list[str]


class ExodusResult(Result):
    labels: list[str]  # e.g. SIMULATED DATA …
    scope: str
    airports: list[str]
    country: str | None
    cls: str | None = Field(
        validation_alias=AliasChoices("class", "cls"), serialization_alias="class"
    )
    day: str
    timezone: str
    upto: UtcTime | None  # a live run's cut
    bucket_minutes: int
    detector: str
    weeks: int
    false_alarms_per_year: float
    headline: str
    test: DayTest | None
    dispersion: float | None
    day_dispersion: float | None
    baseline_error: str | None
    observed: int
    expected: float | None
    unknown_class: int  # departures of unknown class: never counted as zero
    coverage: float | None
    blackouts: list[Blackout]
    buckets: list[Bucket]
    surges: list[Surge]
    destinations: Destinations
    flights: list[HeadedDeparture]
    unknown_class_flights: list[Departure]
    jetwatch_version: str

    def to_dict(self) -> dict[str, Any]:
        doc = super().to_dict()
        doc["buckets"] = [b.to_dict() for b in self.buckets]
        return doc

    def rows(self) -> list[dict[str, Any]]:
        """The buckets: the day's time series."""
        return [b.model_dump(by_alias=True) for b in self.buckets]
