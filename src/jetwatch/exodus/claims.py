"""Claim checks: a claim becomes a query, and the answer is a verdict with its evidence.

Verdicts: ``supported``, ``contradicted``, ``cannot be determined``.

**Departures** (``check_departures``): "at least N" (or "at most N") departures of a
class from an area or airport on a local day, optionally only those abroad.

- Observed departures that meet the claim are positive evidence: "at least N" is
  ``supported`` when N were seen (also when the coverage was poor).
- A shortfall is only ``contradicted`` when it cannot be explained by missing data:
  the day's coverage (:mod:`.coverage`, weighted by expected departures) is at
  least ``POOR`` and, for ``abroad``, the departures whose destination is unknown
  could not make up the difference. Otherwise ``cannot be determined``; without
  enough history to measure the coverage, likewise. Never "contradicted" from an
  absence of data.
- "At most N" mirrors it: more than N seen abroad contradicts it; N or fewer is
  ``supported`` only with good coverage and no unknown destinations that could push
  it over.

**Aircraft** (``check_aircraft``): did the aircraft leave (or arrive at) an area on
a day? A departure from (landing at) one of its airports that day supports it.
``contradicted`` needs the aircraft seen on the ground in the area at its last
position of the day with good coverage; anything else is ``cannot be determined``.
The timeline lists its flights and the gaps over ``quiet_s`` (5 min) in which its
transponder went quiet while airborne.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, NamedTuple

import numpy as np

from jetwatch.errors import JetwatchError
from jetwatch.exodus.analysis import Exodus, Settings, exodus
from jetwatch.exodus.coverage import POOR, Gap
from jetwatch.exodus.departures import places, scope
from jetwatch.exodus.reported import compare
from jetwatch.exodus.verdict import (
    AircraftFlight,
    AircraftVerdict,
    DeparturesVerdict,
    Quiet,
    ScopeOf,
)
from jetwatch.geo import haversine_km
from jetwatch.reference.registry import lookup
from jetwatch.store.db import Store

SUPPORTED = "supported"
CONTRADICTED = "contradicted"
UNKNOWN = "cannot be determined"


class ClaimError(JetwatchError, ValueError):
    """A claim that cannot be turned into a query."""


class UnknownAircraftError(ClaimError):
    """Neither an address nor a registration in the registry."""


def day_of(on: str | dt.date) -> dt.date:
    """A day given as a date or as text like 2023-06-24."""
    if isinstance(on, dt.date):
        return on
    try:
        return dt.date.fromisoformat(on)
    except ValueError:
        raise ClaimError("expected a day like 2023-06-24", value=on) from None


def check_departures(
    store: Store,
    *,
    area: str | None = None,
    airport: str | None = None,
    cls: str | None = None,
    on: str | dt.date,
    at_least: int | None = None,
    at_most: int | None = None,
    abroad: bool = False,
    infer_destinations: bool = False,
    settings: Settings | None = None,
) -> DeparturesVerdict:
    if (at_least is None) == (at_most is None):
        raise ClaimError("give one of --at-least N or --at-most N")
    if infer_destinations and not abroad:
        raise ClaimError("--infer-destinations goes with --abroad")
    day = day_of(on)
    ex = exodus(store, area=area, airport=airport, cls=cls, on=day, settings=settings, save=False)
    rows = ex.flights.to_pylist()
    others = [] if ex.unknown_class is None else ex.unknown_class.to_pylist()
    observed_abroad = [r for r in rows if r["abroad"] is True]
    inferred = [r for r in rows if r["abroad"] is None and r["heading"] == "abroad"]
    if not abroad:
        counted, no_destination = rows, 0
    elif infer_destinations:
        counted = observed_abroad + inferred
        no_destination = sum(1 for r in rows if r["abroad"] is None and r["heading"] is None)
    else:
        counted = observed_abroad
        no_destination = sum(1 for r in rows if r["abroad"] is None)
    no_class = sum(1 for r in others if r["abroad"] is not False) if abroad else len(others)
    maybe = no_destination + no_class
    seen = len(counted)
    cover = ex.period_coverage
    good = ex.baseline_error is None and cover >= POOR
    dark = ex.blackouts
    what = f"{cls.replace('_', '-') + ' ' if cls else ''}departures from {ex.where.name}"
    what += " to another country" if abroad else ""
    doubt = _doubts(no_class, no_destination, cls)
    reasons: list[str] = [ex.headline()]
    if abroad:
        unknown = sum(1 for r in rows if r["abroad"] is None) - len(inferred)
        reasons.append(
            f"observed abroad {len(observed_abroad)}; heading abroad (inferred from the last "
            f"position, not observed) {len(inferred)}; destination unknown {unknown}"
            + (
                ": the count includes the inferred (--infer-destinations)"
                if infer_destinations
                else ": the count uses observed destinations only"
            )
        )
    claim = (
        f"at least {at_least} {what} on {day}"
        if at_least is not None
        else f"at most {at_most} {what} on {day}"
    )
    verdict, first = _count_verdict(
        seen, maybe, at_least, at_most, doubt, cover, None if good else _coverage_reason(ex), dark
    )
    reasons.append(first)
    if maybe and verdict != UNKNOWN:
        reasons.append(f"{doubt}; they cannot change this verdict")
    reasons += [g.sentence() for g in dark]
    since = ex.where.day_start(day)
    until = ex.where.day_start(day + dt.timedelta(days=1))
    second = compare(store, ex.where, since, min(until, ex.upto or until), ex.flights)
    if second is not None:
        reasons.append(second.sentence(what.removesuffix(" to another country")))
    reasons.append(_would_change(verdict, at_least, at_most, seen, maybe, good, dark != []))
    doc = ex.result()
    return DeparturesVerdict(
        claim=claim,
        verdict=verdict,
        reasons=reasons,
        headline=doc.headline,
        test=doc.test,
        observed=seen,
        unknown_class=no_class,
        unknown_destination=no_destination,
        heading_abroad=len(inferred),
        inferred_destinations=infer_destinations,
        expected=doc.expected,
        coverage=doc.coverage,
        blackouts=doc.blackouts,
        baseline_error=ex.baseline_error,
        surges=doc.surges,
        flights=[
            f
            for f in doc.flights
            if not abroad
            or f.abroad is True
            or (infer_destinations and f.abroad is None and f.heading == "abroad")
        ],
        unknown_class_flights=doc.unknown_class_flights,
        reported=None if second is None else second.to_dict(),
        labels=doc.labels,
        exodus=ScopeOf(
            scope=doc.scope, airports=doc.airports, cls=doc.cls, day=doc.day, timezone=doc.timezone
        ),
    )


def _count_verdict(
    seen: int,
    maybe: int,
    at_least: int | None,
    at_most: int | None,
    doubt: str,
    cover: float,
    poor: str | None,
    dark: list[Gap],
) -> tuple[str, str]:
    """The verdict on "at least N" (or "at most N") from ``seen`` observed and ``maybe``
    unsettled departures, and its first reason. ``poor`` says why the coverage is
    not good enough to read an absence as one (None: it is)."""
    if at_least is not None:
        n, settled, reachable = at_least, seen >= at_least, seen + maybe >= at_least
        yes, no = SUPPORTED, CONTRADICTED
        settled_why = f"{seen} observed, at least the {n} claimed"
        open_why = f"{seen} observed; {doubt}, and could make up the claim"
        no_why = f"{seen} observed with coverage {cover:.0%} of its usual level; {n} claimed"
    else:
        assert at_most is not None
        n, settled, reachable = at_most, seen > at_most, seen + maybe > at_most
        yes, no = CONTRADICTED, SUPPORTED
        settled_why = f"{seen} observed, more than the {n} claimed"
        open_why = f"{seen} observed; {doubt}, and could push it over {n}"
        no_why = f"{seen} observed with coverage {cover:.0%} of its usual level"
    if settled:
        return yes, settled_why
    if reachable:
        return UNKNOWN, open_why
    if poor is not None:
        return UNKNOWN, f"{seen} observed, but {poor}"
    if dark:
        return UNKNOWN, f"{seen} observed, but the verdict would rest on blacked-out hours"
    return no, no_why


def _doubts(no_class: int, no_destination: int, cls: str | None) -> str:
    parts = []
    if no_class:
        parts.append(
            f"{no_class} more {'is' if no_class == 1 else 'are'} of unknown class and might be "
            f"{(cls or 'of the class').replace('_', '-')}s (import a registry: "
            "`jetwatch registry import FILE`)"
        )
    if no_destination:
        parts.append(
            f"{no_destination} more {'has' if no_destination == 1 else 'have'} no observed "
            "destination (they left coverage)"
        )
    return "; ".join(parts)


def _would_change(
    verdict: str,
    at_least: int | None,
    at_most: int | None,
    seen: int,
    maybe: int,
    good: bool,
    dark: bool,
) -> str:
    """What would change the verdict, in words."""
    if verdict == SUPPORTED and at_least is not None:
        return "would change if some of the observed departures were misidentified"
    if verdict == CONTRADICTED and at_most is not None:
        return f"would change only if {seen - at_most} of the observed were misidentified"
    if verdict != UNKNOWN:
        return "would change if receivers missed departures while coverage looked normal"
    needs = []
    if maybe:
        needs.append("the class and destination of the unsettled departures")
    if not good:
        needs.append("coverage at its usual level (another receiver or archive)")
    if dark:
        needs.append("data from the blacked-out hours")
    return "would be settled by " + " and ".join(needs) if needs else "would need more data"


def _coverage_reason(ex: Exodus) -> str:
    if ex.baseline_error is not None:
        return f"the coverage cannot be measured: {ex.baseline_error}"
    if np.isnan(ex.period_coverage):
        return "the coverage cannot be measured: no receiver activity in the earlier weeks"
    return (
        f"coverage was {ex.period_coverage:.0%} of its usual level (below {POOR:.0%}): "
        "missing departures may be missing data"
    )


def check_aircraft(
    store: Store,
    aircraft: str,
    *,
    left: str | None = None,
    arrived: str | None = None,
    on: str | dt.date,
    quiet_s: float = 300.0,
) -> AircraftVerdict:
    if (left is None) == (arrived is None):
        raise ClaimError("give one of --left AREA or --arrived AREA")
    day = day_of(on)
    area = str(left or arrived)
    where = scope(area=area)
    icao = resolve(store, aircraft)
    since, until = where.day_start(day), where.day_start(day + dt.timedelta(days=1))
    flights = store.con.sql(
        """
        SELECT id, callsigns[1] AS callsign, origin, takeoff, takeoff_method, destination,
            landing, landing_method, first_seen, last_seen, starts_airborne, ends_airborne,
            gaps, longest_gap_s, last_lat, last_lon, last_altitude
        FROM flights WHERE icao24 = $icao AND last_seen >= $since AND first_seen < $until
        ORDER BY first_seen
        """,
        params={"icao": icao, "since": since, "until": until},
    ).to_arrow_table()
    quiet = quiet_gaps(store, icao, since, until, quiet_s)
    ends = DayEnds(
        *store.con.execute(
            "SELECT min(time), max(time), arg_max(on_ground, time), arg_max(lat, time), "
            "arg_max(lon, time) FROM positions WHERE icao24 = ? AND time >= ? AND time < ?",
            [icao, since, until],
        ).fetchall()[0]
    )
    codes = set(where.airports)
    rows = flights.to_pylist()
    key, when = ("origin", "takeoff") if left else ("destination", "landing")
    hits = [
        r
        for r in rows
        if r[key] in codes
        and since <= (r[when] or r["first_seen" if left else "last_seen"]) < until
    ]
    ex = exodus(store, area=area, on=day, save=False)
    good = ex.baseline_error is None and ex.period_coverage >= POOR
    verb = "left" if left else "arrived at"
    reasons = []
    if hits:
        verdict = SUPPORTED
        reasons.append(f"{_flight_text(hits[0], left is not None)}")
    elif ends.first is None:
        verdict = UNKNOWN
        reasons.append("the aircraft was not seen that day: an absence of data is not evidence")
    elif good and ends.on_ground and _in_area(ends.lat, ends.lon, where.airports) and left:
        verdict = CONTRADICTED
        reasons.append(
            f"last seen on the ground in {where.name} at {ends.last:%H:%M} UTC with coverage "
            f"{ex.period_coverage:.0%} of its usual level, and no departure from it"
        )
    else:
        verdict = UNKNOWN
        reasons.append(
            f"no {'departure from' if left else 'arrival at'} {where.name} observed; "
            + (_coverage_reason(ex) if not good else "its last position does not settle it")
        )
    return AircraftVerdict(
        claim=f"{aircraft} {verb} {where.name} on {day}",
        verdict=verdict,
        reasons=reasons,
        labels=sorted(store.labels()),
        icao24=icao,
        first_seen=None if ends.first is None else ends.first.replace(microsecond=0),
        last_seen=None if ends.last is None else ends.last.replace(microsecond=0),
        coverage=None if np.isnan(ex.period_coverage) else round(ex.period_coverage, 3),
        flights=[
            AircraftFlight.model_validate(
                {k: _iso(v) if isinstance(v, dt.datetime) else v for k, v in r.items()}
            )
            for r in rows
        ],
        quiet=[Quiet.model_validate(q) for q in quiet],
    )


class DayEnds(NamedTuple):
    """An aircraft's first and last position of a day, and where the last one was."""

    first: dt.datetime | None
    last: dt.datetime | None
    on_ground: bool | None
    lat: float | None
    lon: float | None


def _iso(t: dt.datetime | None) -> str | None:
    return None if t is None else t.replace(microsecond=0).isoformat() + "Z"


def _flight_text(r: dict[str, Any], departing: bool) -> str:
    if departing:
        t = r["takeoff"] or r["first_seen"]
        text = f"took off from {r['origin']} at {t:%H:%M} UTC to {r['destination'] or 'unknown'}"
        if r["ends_airborne"] and r["last_altitude"] is not None:
            text += (
                f"; last seen airborne at {r['last_seen']:%H:%M} UTC, {r['last_altitude']:,} ft, "
                f"{r['last_lat']:.3f}, {r['last_lon']:.3f} (transponder quiet or out of coverage)"
            )
        return text
    t = r["landing"] or r["last_seen"]
    return f"landed at {r['destination']} at {t:%H:%M} UTC from {r['origin'] or 'unknown'}"


def _in_area(lat: float | None, lon: float | None, codes: tuple[str, ...]) -> bool:
    if lat is None or lon is None:
        return False
    for c in codes:
        a = places().get(c)
        if a and float(haversine_km(lat, lon, a["lat"], a["lon"])) <= 10:  # type: ignore[arg-type]
            return True
    return False


def resolve(store: Store, aircraft: str) -> str:
    icao = lookup(store, aircraft).icao24
    if not isinstance(icao, str):
        raise UnknownAircraftError(
            "unknown aircraft: give its address (6 hex digits) or a registration in the registry",
            value=aircraft,
        )
    return icao


def quiet_gaps(
    store: Store, icao: str, since: dt.datetime, until: dt.datetime, quiet_s: float
) -> list[dict[str, Any]]:
    """Gaps longer than ``quiet_s`` between two airborne positions of the aircraft."""
    rows = store.con.execute(
        """
        SELECT prev_time, time, epoch(time) - epoch(prev_time) AS seconds, prev_lat, prev_lon,
            prev_alt, lat, lon, altitude
        FROM (
            SELECT time, lat, lon, altitude, on_ground,
                lag(time) OVER w AS prev_time, lag(lat) OVER w AS prev_lat,
                lag(lon) OVER w AS prev_lon, lag(altitude) OVER w AS prev_alt,
                lag(on_ground) OVER w AS prev_ground
            FROM positions WHERE icao24 = ? AND time >= ? AND time < ?
            WINDOW w AS (ORDER BY time)
        )
        WHERE epoch(time) - epoch(prev_time) > ? AND NOT coalesce(on_ground, false)
            AND NOT coalesce(prev_ground, false)
        ORDER BY time
        """,
        [icao, since, until, quiet_s],
    ).fetchall()
    return [
        {
            "from": _iso(r[0]),
            "to": _iso(r[1]),
            "seconds": round(r[2], 1),
            "before": {"lat": r[3], "lon": r[4], "altitude": r[5]},
            "after": {"lat": r[6], "lon": r[7], "altitude": r[8]},
        }
        for r in rows
    ]
