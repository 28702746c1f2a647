"""Who flies where and when: departures drawn from rates, legs chained per aircraft.

For each traffic class and each local hour ``h`` of day ``d`` the expected number
of departures from the area is

    lambda(d, h) = per_day * weekday[wd(d)] / mean(weekday) * hours[h] / sum(hours)

and the count is Poisson(lambda). An event multiplies lambda by ``factor`` over the
part of each hour inside its window: with factor > 1 the extra departures,
Poisson(lambda * (factor - 1)), are the *in-event* flights and use the event's
airports and destinations; with factor < 1 baseline departures are thinned. Times
are uniform within the hour.

Each departure takes an aircraft of the class that is on the ground at that
airport (a new one joins the fleet when none is). It flies home after a
turnaround drawn from ``turnaround_h``, counted from an estimate of its landing
time; the aircraft is free again an hour after that return lands. Legs are not
flown when their takeoff falls outside the scenario's days. Named trips are flown
as given. Everything is drawn from one seeded generator, so a scenario and seed
give the same legs.
"""

from __future__ import annotations

import datetime as dt
import heapq
import itertools
from dataclasses import dataclass

import numpy as np

from jetwatch.geo import haversine_km
from jetwatch.sim.fleet import Aircraft, Registrar, extra, pick
from jetwatch.sim.places import Places
from jetwatch.sim.scenario import Event, Scenario, Traffic


@dataclass
class Leg:
    aircraft: Aircraft
    origin: str
    destination: str
    takeoff: float  # UTC unix s
    callsign: str
    in_event: bool
    event: str
    named: bool
    outbound: bool  # leaves the area (False: flies back into it)
    transponder_off_min: float | None = None


@dataclass(frozen=True)
class Bucket:
    """Expected departures of one class from the area in one local hour."""

    cls: str
    start: float  # UTC unix s
    baseline: float
    expected: float  # with events


def airborne_estimate_s(dist_km: float, cruise_kt: float) -> float:
    """A generous airborne time: cruise speed over the route plus climb and descent."""
    return dist_km / (cruise_kt * 1.852) * 3600.0 + 1200.0


def _hours(scenario: Scenario) -> list[tuple[float, int, int]]:
    """(UTC start, local hour, local weekday) for every local hour of the scenario."""
    out = []
    for day in range(scenario.days):
        date = scenario.start + dt.timedelta(days=day)
        for hour in range(24):
            local = dt.datetime.combine(date, dt.time(hour), scenario.tz)
            out.append((local.timestamp(), hour, date.weekday()))
    return out


def _overlap(event: Event, start: float) -> float:
    return max(0.0, min(event.end, start + 3600) - max(event.start, start)) / 3600.0


def buckets(scenario: Scenario) -> list[Bucket]:
    found = []
    for t in scenario.traffic:
        week = np.array(t.weekday) / np.mean(t.weekday)
        day = np.array(t.hours) / np.sum(t.hours)
        for start, hour, wd in _hours(scenario):
            base = t.per_day * week[wd] * day[hour]
            factor = 1.0
            for e in scenario.events:
                if e.cls == t.cls:
                    factor += (e.factor - 1.0) * _overlap(e, start)
            found.append(Bucket(t.cls, start, base, base * max(factor, 0.0)))
    return found


class Scheduler:
    def __init__(
        self,
        scenario: Scenario,
        rng: np.random.Generator,
        places: Places,
        fleets: dict[str, list[Aircraft]],
        trips: dict[str, Aircraft],
        registrar: Registrar,
    ) -> None:
        self.scenario = scenario
        self.rng = rng
        self.places = places
        self.fleets = fleets
        self.trips = trips
        self.registrar = registrar
        self.span = scenario.span()

    def legs(self) -> list[Leg]:
        legs: list[Leg] = []
        for t in self.scenario.traffic:
            legs += self._class_legs(t)
        for trip in self.scenario.trips:
            if self.span[0] <= trip.takeoff < self.span[1]:
                legs.append(
                    Leg(
                        self.trips[trip.registration],
                        trip.origin,
                        trip.destination,
                        trip.takeoff,
                        trip.callsign,
                        False,
                        "",
                        True,
                        trip.origin in self.scenario.area.airports,
                        trip.transponder_off_min,
                    )
                )
        legs.sort(key=lambda leg: (leg.takeoff, leg.aircraft.icao24))
        return legs

    def _departures(self, t: Traffic) -> list[tuple[float, str, str, bool, str]]:
        """(time, origin, destination, in_event, event name) of the class's departures."""
        out = []
        events = [e for e in self.scenario.events if e.cls == t.cls]
        for b in (b for b in buckets(self.scenario) if b.cls == t.cls):
            for when in b.start + np.sort(self.rng.uniform(0, 3600, self.rng.poisson(b.baseline))):
                thin = [e for e in events if e.factor < 1 and e.start <= when < e.end]
                if thin and self.rng.random() > min(e.factor for e in thin):
                    continue
                out.append(
                    (
                        float(when),
                        pick(self.rng, t.airports),
                        pick(self.rng, t.destinations),
                        False,
                        "",
                    )
                )
            for e in events:
                lam = b.baseline * max(e.factor - 1.0, 0.0) * _overlap(e, b.start)
                if lam <= 0:
                    continue
                lo, hi = max(e.start, b.start), min(e.end, b.start + 3600)
                for when in np.sort(self.rng.uniform(lo, hi, self.rng.poisson(lam))):
                    origin = pick(self.rng, e.airports or t.airports)
                    dest = pick(self.rng, e.destinations or t.destinations)
                    out.append((float(when), origin, dest, True, e.name))
        out.sort()
        return out

    def _class_legs(self, t: Traffic) -> list[Leg]:
        legs: list[Leg] = []
        seq = itertools.count()
        waiting: dict[str, list[tuple[float, int, Aircraft]]] = {}
        ready: dict[str, list[Aircraft]] = {}
        for a in self.fleets[t.cls]:
            ready.setdefault(a.home, []).append(a)
        for when, origin, dest, in_event, event in self._departures(t):
            heap, free = waiting.setdefault(origin, []), ready.setdefault(origin, [])
            while heap and heap[0][0] <= when:
                free.append(heapq.heappop(heap)[2])
            if free:
                k = int(self.rng.integers(len(free)))
                free[k], free[-1] = free[-1], free[k]
                aircraft = free.pop()
            else:
                aircraft = extra(t, self.rng, self.registrar, origin)
                self.fleets[t.cls].append(aircraft)
            o, d = self.places.airport(origin), self.places.airport(dest)
            dist = float(haversine_km(*(np.array([v]) for v in (o.lat, o.lon, d.lat, d.lon)))[0])
            airborne = airborne_estimate_s(dist, t.cruise_kt[1] * 0.8)
            back = when + airborne + self.rng.uniform(*t.turnaround_h) * 3600.0 + 1800.0
            call = self._callsign(aircraft)
            legs.append(Leg(aircraft, origin, dest, when, call, in_event, event, False, True))
            if back < self.span[1]:
                call = self._callsign(aircraft)
                legs.append(Leg(aircraft, dest, origin, back, call, False, "", False, False))
                heapq.heappush(heap, (back + airborne + 3600.0, next(seq), aircraft))
        return legs

    def _callsign(self, aircraft: Aircraft) -> str:
        if aircraft.callsign == "registration":
            return aircraft.registration.replace("-", "")[:8]
        return f"{aircraft.callsign}{int(self.rng.integers(10, 9999))}"[:8]
