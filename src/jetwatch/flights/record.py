"""One flight as the library hands it out: the stored ``flights`` row with the
aircraft's registry fields and class joined at query time (one row of
:func:`jetwatch.flights.query.query`).

Units: times UTC; distances km; ``max_altitude`` ft; ``longest_gap_s`` s. Each end's
``*_method`` says how the airport was placed (``ground``, ``runway``, ``nearest``)
and ``*_confidence`` how far to trust it; ``*_reason`` says why, in words.
"""

from __future__ import annotations

from pydantic import AliasChoices, Field

from jetwatch.results import Result, UtcTime


class FlightRecord(Result):
    id: str  # address and first-seen time: 151f53-20230624T082510
    icao24: str
    registration: str | None
    typecode: str | None
    cls: str | None = Field(
        validation_alias=AliasChoices("class", "cls"), serialization_alias="class"
    )
    operator: str | None
    callsign: str | None  # the first one broadcast
    origin: str | None
    destination: str | None
    takeoff: UtcTime | None
    landing: UtcTime | None
    first_seen: UtcTime
    last_seen: UtcTime
    origin_distance_km: float | None
    destination_distance_km: float | None
    origin_method: str | None
    origin_confidence: str | None
    origin_runway: str | None
    origin_reason: str | None
    destination_method: str | None
    destination_confidence: str | None
    destination_runway: str | None
    destination_reason: str | None
    origin_country: str | None
    destination_country: str | None
    takeoff_method: str | None
    landing_method: str | None
    starts_airborne: bool | None
    ends_airborne: bool | None
    gaps: int | None
    longest_gap_s: float | None
    positions: int | None
    max_altitude: int | None
    path_km: float | None
    touch_and_go: int | None
    callsigns: list[str] | None
