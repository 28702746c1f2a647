"""Events of watched aircraft, from positions as they arrive.

:class:`Tracker` keeps a small state per watched aircraft and turns each batch of
new positions (time order per aircraft) into :class:`Event`\\ s:

- ``takeoff``: ``on_ground`` turns false; or the aircraft is first seen airborne
  below :attr:`Tracker.low_ft` within :attr:`Tracker.near_km` of an airport and
  climbing (receivers often hear no surface messages). The origin is the nearest
  airport within ``near_km`` of the last ground (or first airborne) position.
- ``landing``: ``on_ground`` turns true, at the nearest airport; or, at a
  :meth:`Tracker.tick`, an airborne aircraft silent for :attr:`Tracker.landed_s`
  whose last position was below ``low_ft`` within ``near_km`` of an airport and
  descending, or level and slower than 180 kt (``method`` says which).
- ``squawk``: 7500, 7600 or 7700 held for at least :attr:`Tracker.squawk_s` (60 s),
  once per episode.
- ``dark``: at a tick, an airborne aircraft silent for at least a minute, with its
  silence in minutes (rules choose their own threshold), last position and nearest
  airport at any distance.
- ``enter`` / ``leave``: crossing an area's circle (centre, radius) for the areas
  the rules name.
- ``approach``: airborne, within :attr:`Tracker.approach_km` of an airport a rule
  names, descending, and tracking within 30 degrees of it: "heading to this airport".

Times are the positions' (UTC). Out of scope: go-arounds (a second landing
follows), holding patterns, and aircraft not on the watchlist.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from jetwatch.arrays import changes, floats
from jetwatch.geo import bearing, haversine_km
from jetwatch.watch.nearby import Nearby

EMERGENCY = ("7500", "7600", "7700")


@dataclass(frozen=True)
class Event:
    kind: str
    icao24: str
    time: dt.datetime
    lat: float | None = None
    lon: float | None = None
    altitude: int | None = None
    callsign: str | None = None
    airport: str | None = None
    country: str | None = None
    origin: str | None = None
    origin_country: str | None = None
    detail: dict[str, Any] = field(default_factory=dict)


@dataclass
class _State:
    airborne: bool | None = None
    last: dt.datetime | None = None
    lat: float = float("nan")
    lon: float = float("nan")
    altitude: int | None = None
    vertical_rate: int | None = None
    speed: float | None = None
    callsign: str | None = None
    origin: str | None = None
    origin_country: str | None = None
    squawk: str | None = None
    squawk_since: dt.datetime | None = None
    squawk_told: bool = False
    quiet_told: int = 0  # minutes of silence already reported
    inside: set[str] = field(default_factory=set)
    approached: set[str] = field(default_factory=set)


class Tracker:
    low_ft = 3000
    near_km = 10.0
    landed_s = 180.0
    squawk_s = 60.0
    approach_km = 100.0

    def __init__(
        self,
        nearby: Nearby | None = None,
        areas: dict[str, tuple[float, float, float]] | None = None,  # name -> lat, lon, km
        airports: list[str] | None = None,  # approach targets
    ) -> None:
        self.nearby = nearby or Nearby()
        self.areas = areas or {}
        self.targets = {a: p for a in airports or [] if (p := self.nearby.where(a)) is not None}
        self.state: dict[str, _State] = {}

    def feed(self, positions: pa.Table, watched: set[str] | dict[str, Any]) -> list[Event]:
        """Events from new positions (only watched aircraft are looked at)."""
        if not positions.num_rows or not watched:
            return []
        mask = pc.is_in(positions["icao24"], pa.array(list(watched), pa.string()))
        rows = positions.filter(mask)
        if not rows.num_rows:
            return []
        rows = self._in_order(rows.sort_by([("icao24", "ascending"), ("time", "ascending")]))
        if not rows.num_rows:
            return []
        events: list[Event] = []
        for r in rows.filter(self._turning_points(rows)).to_pylist():
            events += self._one(r)
        return events

    def _in_order(self, rows: pa.Table) -> pa.Table:
        """Without the positions older than one already handled (late ones), and with
        each row's callsign the last one known in the batch (``_one`` keeps the last
        non-empty one)."""
        icao = rows["icao24"].combine_chunks()
        names = pc.unique(icao)
        last = [s.last if (s := self.state.get(n)) else None for n in names.to_pylist()]
        known = pa.array(last, pa.timestamp("us")).take(pc.index_in(icao, names))
        rows = rows.filter(pc.fill_null(pc.greater_equal(rows["time"], known), True))
        calls = rows["callsign"].combine_chunks()
        at = np.arange(len(calls))
        start = np.maximum.accumulate(np.where(changes(rows["icao24"]), at, 0))
        known_at = np.maximum.accumulate(np.where(np.asarray(calls.is_valid()), at, -1))
        ffill = pa.array(known_at, mask=known_at < start)
        return rows.set_column(
            rows.schema.get_field_index("callsign"), "callsign", calls.take(ffill)
        )

    def _turning_points(self, rows: pa.Table) -> np.ndarray:
        """The rows where something can happen, as a mask: every other row only moves
        the aircraft on, and the next turning point or the batch's last row does that.

        A row is one when it is an aircraft's first or last in the batch, or its
        ground flag or squawk changes (and the row before a ground change: a take-off's
        origin is where it last was), or it squawks an emergency, or it crosses an
        area's edge, or it could be approaching a target airport."""
        n = rows.num_rows
        first = changes(rows["icao24"])
        last = np.append(first[1:], True)
        flag = rows["on_ground"].combine_chunks()
        code = np.where(np.asarray(flag.is_valid()), np.asarray(pc.fill_null(flag, False)), 2)
        ground = first | (code != np.append(-1, code[:-1]))
        squawk = rows["squawk"]
        turning = first | last | ground | np.append(ground[1:], False)
        turning |= (changes(squawk) & np.asarray(squawk.is_valid())) | np.asarray(
            pc.fill_null(pc.is_in(squawk, pa.array(EMERGENCY)), False)
        )
        lat, lon = floats(rows["lat"]), floats(rows["lon"])
        for alat, alon, km in self.areas.values():
            inside = haversine_km(lat, lon, np.full(n, alat), np.full(n, alon)) <= km
            turning |= inside != np.append(False, inside[:-1])
        track, vrate = floats(rows["track"]), floats(rows["vertical_rate"])
        for alat, alon, _ in self.targets.values():
            where = np.full(n, alat), np.full(n, alon)
            off = np.abs((bearing(lat, lon, *where) - track + 180) % 360 - 180)
            near = haversine_km(lat, lon, *where) <= self.approach_km
            turning |= near & (off <= 30) & (vrate < -300)
        return turning

    def tick(self, now: dt.datetime) -> list[Event]:
        """Events of silence: inferred landings and aircraft gone dark, as of ``now``."""
        events = []
        for icao, s in self.state.items():
            if not s.airborne or s.last is None:
                continue
            quiet = (now - s.last).total_seconds()
            if quiet >= self.landed_s and self._low_near(s):
                events.append(self._landed(icao, s, s.last, "last seen low near the airport"))
                continue
            minutes = int(quiet // 60)
            if minutes >= 1 and minutes > s.quiet_told:
                s.quiet_told = minutes
                near = self.nearby.nearest(s.lat, s.lon)
                km = round(near[2], 1) if near else None
                events.append(
                    self._event("dark", icao, s, s.last, near, minutes=minutes, airport_km=km)
                )
        return events

    def _event(
        self,
        kind: str,
        icao: str,
        s: _State,
        t: dt.datetime,
        near: tuple[str, str, float] | None = None,
        **detail: Any,
    ) -> Event:
        """An event at the aircraft's last known position, with an airport if given."""
        return Event(
            kind,
            icao,
            t,
            s.lat,
            s.lon,
            s.altitude,
            s.callsign,
            airport=near[0] if near else None,
            country=near[1] if near else None,
            origin=s.origin,
            origin_country=s.origin_country,
            detail=detail,
        )

    def _low_near(self, s: _State) -> bool:
        low = s.altitude is not None and s.altitude < self.low_ft
        vr = s.vertical_rate or 0
        coming_down = vr < -100 or (vr <= 100 and s.speed is not None and s.speed < 180)
        return low and coming_down and self.nearby.nearest(s.lat, s.lon, self.near_km) is not None

    def _landed(self, icao: str, s: _State, t: dt.datetime, method: str) -> Event:
        near = self.nearby.nearest(s.lat, s.lon, self.near_km)
        s.airborne = False
        event = self._event("landing", icao, s, t, near, method=method)
        s.origin = s.origin_country = None
        s.approached.clear()
        return event

    def _one(self, r: dict[str, Any]) -> list[Event]:
        icao = r["icao24"]
        s = self.state.setdefault(icao, _State())
        t: dt.datetime = r["time"]
        if s.last is not None and t < s.last:
            return []  # late: an older position than one already handled
        out: list[Event] = []
        ground = r["on_ground"]
        lat, lon = r["lat"], r["lon"]
        was = s.airborne
        if ground is True and was:
            s.lat, s.lon = lat, lon
            out.append(self._landed(icao, s, t, "on ground"))
        elif ground is False and (was is False or (was is None and self._climbing_out(r))):
            origin = self.nearby.nearest(
                s.lat if was is False else lat, s.lon if was is False else lon, self.near_km
            )
            s.origin, s.origin_country = (origin[0], origin[1]) if origin else (None, None)
            out.append(
                Event(
                    "takeoff",
                    icao,
                    t,
                    lat,
                    lon,
                    r["altitude"],
                    r["callsign"] or s.callsign,
                    airport=s.origin,
                    country=s.origin_country,
                    origin=s.origin,
                    origin_country=s.origin_country,
                    detail={"method": "on ground" if was is False else "climbing out"},
                )
            )
        if ground is not None:
            s.airborne = not ground
        s.last, s.lat, s.lon = t, lat, lon
        s.altitude, s.vertical_rate, s.speed = r["altitude"], r["vertical_rate"], r["ground_speed"]
        s.callsign = r["callsign"] or s.callsign
        s.quiet_told = 0
        out += self._squawk(icao, s, r, t)
        out += self._areas(icao, s, t)
        if s.airborne:
            out += self._approach(icao, s, r, t)
        return out

    def _climbing_out(self, r: dict[str, Any]) -> bool:
        low = r["altitude"] is not None and r["altitude"] < self.low_ft
        climbing = (r["vertical_rate"] or 0) > 300
        return (
            low and climbing and self.nearby.nearest(r["lat"], r["lon"], self.near_km) is not None
        )

    def _squawk(self, icao: str, s: _State, r: dict[str, Any], t: dt.datetime) -> list[Event]:
        code = r["squawk"]
        if code is None:
            return []
        if code != s.squawk:
            s.squawk, s.squawk_since, s.squawk_told = code, t, False
            return []
        if code in EMERGENCY and not s.squawk_told and s.squawk_since is not None:
            held = (t - s.squawk_since).total_seconds()
            if held >= self.squawk_s:
                s.squawk_told = True
                near = self.nearby.nearest(s.lat, s.lon)
                return [self._event("squawk", icao, s, t, near, squawk=code, held_s=round(held))]
        return []

    def _areas(self, icao: str, s: _State, t: dt.datetime) -> list[Event]:
        out = []
        for name, (alat, alon, km) in self.areas.items():
            d = float(
                haversine_km(
                    np.array([s.lat]), np.array([s.lon]), np.array([alat]), np.array([alon])
                )[0]
            )
            inside = d <= km
            if inside != (name in s.inside):
                if inside:
                    s.inside.add(name)
                else:
                    s.inside.discard(name)
                out.append(self._event("enter" if inside else "leave", icao, s, t, area=name))
        return out

    def _approach(self, icao: str, s: _State, r: dict[str, Any], t: dt.datetime) -> list[Event]:
        out = []
        track = r["track"]
        for code, (alat, alon, country) in self.targets.items():
            if code in s.approached or track is None or (s.vertical_rate or 0) >= -300:
                continue
            one = np.array([s.lat]), np.array([s.lon]), np.array([alat]), np.array([alon])
            d = float(haversine_km(*one)[0])
            off = abs((float(bearing(*one)[0]) - track + 180) % 360 - 180)
            if d <= self.approach_km and off <= 30:
                s.approached.add(code)
                near = (code, country, d)
                out.append(self._event("approach", icao, s, t, near, distance_km=round(d, 1)))
        return out
