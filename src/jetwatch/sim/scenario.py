"""Scenario files: the TOML that describes simulated traffic, checked field by field.

A scenario names an area (one of :mod:`jetwatch.reference.areas` or its own airport
list), a period of local days, per-class traffic, receivers, optional surge events
and named trips. Local times are in the scenario's ``timezone``; a time written
with an offset (``2023-06-24T11:16:00Z``) is taken as given. Rates are departures
per day from the area. Units: ft, kt, km, minutes or hours as the key says.

Every key is checked: an unknown key, a missing one, a wrong type or a value out
of range raises :class:`ScenarioError` naming the field (``classes.business_jet.
per_day``) and what is allowed. Presets live in ``sim/presets/*.toml``.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import dataclass, replace
from importlib import resources
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from jetwatch.reference import areas as areas_mod
from jetwatch.reference.classes import CLASSES
from jetwatch.sim import fields as f
from jetwatch.sim.fields import ScenarioError

SIMULATED = "SIMULATED DATA (jetwatch simulator): not a recording of real traffic"


@dataclass(frozen=True)
class Traffic:
    cls: str
    per_day: float
    weekday: tuple[float, ...]  # Monday..Sunday multipliers
    hours: tuple[float, ...]  # 24 local hour-of-day weights
    airports: dict[str, float]  # origin airports in the area, weights
    destinations: dict[str, float]
    types: dict[str, float]  # ICAO type designator -> weight
    country: str  # ISO 3166 code of the fleet's registrations
    fleet: int
    cruise_ft: tuple[float, float]
    cruise_kt: tuple[float, float]
    turnaround_h: tuple[float, float]  # time at the destination before flying home
    callsign: str  # "registration" or an airline ICAO prefix such as "AFL"
    operator: str


@dataclass(frozen=True)
class Receiver:
    name: str
    lat: float
    lon: float
    radius_km: float  # instrumented range; line of sight limits it further
    height_m: float  # antenna height above the ground
    loss: float  # fraction of messages lost even in range
    outages: tuple[tuple[float, float], ...]  # UTC unix seconds
    random_outages_per_day: float


@dataclass(frozen=True)
class Event:
    name: str
    cls: str
    start: float  # UTC unix seconds
    end: float
    factor: float
    airports: dict[str, float]
    destinations: dict[str, float]


@dataclass(frozen=True)
class Trip:
    registration: str
    icao24: str
    typecode: str
    cls: str
    operator: str
    callsign: str
    category: str  # watch category written to the registry (plane-alert style), or ""
    origin: str
    destination: str
    takeoff: float  # UTC unix seconds
    transponder_off_min: float | None  # minutes after takeoff, or None


@dataclass(frozen=True)
class Scenario:
    name: str
    title: str
    description: str
    area: areas_mod.Area
    timezone: str
    start: dt.date  # first local day
    days: int
    seed: int
    state_interval_s: float
    traffic: tuple[Traffic, ...]
    receivers: tuple[Receiver, ...]
    events: tuple[Event, ...]
    trips: tuple[Trip, ...]
    source: str  # file or preset name

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def span(self) -> tuple[float, float]:
        """UTC start and end of the scenario's local days, unix seconds."""
        first = dt.datetime.combine(self.start, dt.time(), self.tz)
        last = dt.datetime.combine(self.start + dt.timedelta(days=self.days), dt.time(), self.tz)
        return first.timestamp(), last.timestamp()

    def scaled(self, scale: float) -> Scenario:
        """Traffic rates and fleets multiplied by ``scale`` (events and trips unchanged)."""
        traffic = tuple(
            replace(t, per_day=t.per_day * scale, fleet=max(1, round(t.fleet * scale)))
            for t in self.traffic
        )
        return replace(self, traffic=traffic)


def presets() -> dict[str, str]:
    """Preset name -> TOML text, as shipped in ``sim/presets``."""
    folder = resources.files("jetwatch") / "sim" / "presets"
    return {
        p.name.removesuffix(".toml"): p.read_text()
        for p in folder.iterdir()
        if p.name.endswith(".toml")
    }


def load(name_or_path: str | Path) -> Scenario:
    """A preset by name, or a scenario TOML file."""
    known = presets()
    if str(name_or_path) in known:
        return parse(tomllib.loads(known[str(name_or_path)]), str(name_or_path))
    path = Path(name_or_path)
    if not path.exists():
        raise ScenarioError(
            f"no such preset or file; presets: {', '.join(sorted(known))}", value=str(path)
        )
    try:
        doc = tomllib.loads(path.read_text())
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ScenarioError(f"cannot read scenario: {exc}", where=str(path)) from exc
    return parse(doc, str(path))


def parse(doc: dict[str, Any], source: str) -> Scenario:
    f.only(doc, "", ("scenario", "traffic", "receivers", "events", "trips"), source)
    head = f.table(doc, "scenario", source)
    f.only(
        head,
        "scenario",
        ("name", "title", "description", "area", "airports", "timezone", "start", "days")
        + ("seed", "state_interval_s"),
        source,
    )
    tz = f.text(head, "scenario.timezone", source)
    try:
        ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ScenarioError(
            "unknown time zone (IANA name expected)", value=tz, where=source
        ) from exc
    area = _area(head, source)
    clock = f.Clock(tz, source)
    traffic = tuple(
        _traffic(name, spec, area, source) for name, spec in f.table(doc, "traffic", source).items()
    )
    if not traffic:
        raise ScenarioError("at least one [traffic.<class>] table is needed", where=source)
    receivers = tuple(
        _receiver(name, spec, clock, source)
        for name, spec in f.table(doc, "receivers", source).items()
    )
    if not receivers:
        raise ScenarioError("at least one [receivers.<name>] table is needed", where=source)
    return Scenario(
        name=f.text(head, "scenario.name", source),
        title=f.text(head, "scenario.title", source),
        description=f.text(head, "scenario.description", source, default=""),
        area=area,
        timezone=tz,
        start=f.date(head, "scenario.start", source),
        days=int(f.number(head, "scenario.days", source, 1, 3660)),
        seed=int(f.number(head, "scenario.seed", source, 0, 2**63 - 1)),
        state_interval_s=f.number(head, "scenario.state_interval_s", source, 1, 60, default=5),
        traffic=traffic,
        receivers=receivers,
        events=tuple(
            _event(k, e, area, clock, source) for k, e in enumerate(f.tables(doc, "events", source))
        ),
        trips=tuple(
            _trip(k, t, clock, source) for k, t in enumerate(f.tables(doc, "trips", source))
        ),
        source=source,
    )


def _area(head: dict[str, Any], source: str) -> areas_mod.Area:
    name = f.text(head, "scenario.area", source)
    own = head.get("airports")
    if own is not None:
        codes = f.codes(head, "scenario.airports", source)
        return areas_mod.Area(name=name, title=name, airports=codes, centre=None, radius_km=None)
    try:
        return areas_mod.get(name)
    except areas_mod.UnknownAreaError as exc:
        raise ScenarioError(str(exc), value=name, where=f"{source}: scenario.area") from exc


def _traffic(cls: str, spec: Any, area: areas_mod.Area, source: str) -> Traffic:
    p = f"traffic.{cls}"
    if cls not in CLASSES:
        raise ScenarioError(
            f"unknown class; allowed: {', '.join(CLASSES)}", value=cls, where=source
        )
    spec = f.as_table(spec, p, source)
    f.only(spec, p, Traffic.__dataclass_fields__.keys() - {"cls"}, source)
    airports = f.weights(spec, f"{p}.airports", source)
    f.within(airports, area.airports, f"{p}.airports", source)
    return Traffic(
        cls=cls,
        per_day=f.number(spec, f"{p}.per_day", source, 0, 1e6),
        weekday=f.profile(spec, f"{p}.weekday", 7, source),
        hours=f.profile(spec, f"{p}.hours", 24, source),
        airports=airports,
        destinations=f.weights(spec, f"{p}.destinations", source, airports=True),
        types=f.weights(spec, f"{p}.types", source),
        country=f.text(spec, f"{p}.country", source).upper(),
        fleet=int(f.number(spec, f"{p}.fleet", source, 1, 1e6)),
        cruise_ft=f.pair(spec, f"{p}.cruise_ft", source, 1000, 51000),
        cruise_kt=f.pair(spec, f"{p}.cruise_kt", source, 60, 600),
        turnaround_h=f.pair(spec, f"{p}.turnaround_h", source, 0.25, 24 * 60),
        callsign=f.text(spec, f"{p}.callsign", source),
        operator=f.text(spec, f"{p}.operator", source, default=""),
    )


def _receiver(name: str, spec: Any, clock: f.Clock, source: str) -> Receiver:
    p = f"receivers.{name}"
    spec = f.as_table(spec, p, source)
    f.only(
        spec,
        p,
        ("position", "radius_km", "height_m", "loss", "outages", "random_outages_per_day"),
        source,
    )
    lat, lon = f.position(spec, f"{p}.position", source)
    outages = []
    for k, window in enumerate(spec.get("outages", [])):
        if not isinstance(window, list) or len(window) != 2:
            raise ScenarioError(
                "an outage is [start, end]", value=window, where=f"{source}: {p}.outages[{k}]"
            )
        start, end = (clock.at(v, f"{p}.outages[{k}]") for v in window)
        outages.append((start, end))
    return Receiver(
        name=name,
        lat=lat,
        lon=lon,
        radius_km=f.number(spec, f"{p}.radius_km", source, 1, 700),
        height_m=f.number(spec, f"{p}.height_m", source, 1, 1000, default=30),
        loss=f.number(spec, f"{p}.loss", source, 0, 0.99, default=0.1),
        outages=tuple(outages),
        random_outages_per_day=f.number(
            spec, f"{p}.random_outages_per_day", source, 0, 24, default=0
        ),
    )


def _event(k: int, spec: Any, area: areas_mod.Area, clock: f.Clock, source: str) -> Event:
    p = f"events[{k}]"
    spec = f.as_table(spec, p, source)
    f.only(spec, p, ("name", "class", "start", "end", "factor", "airports", "destinations"), source)
    cls = f.choice(spec, f"{p}.class", CLASSES, source)
    airports = f.weights(spec, f"{p}.airports", source, default={})
    f.within(airports, area.airports, f"{p}.airports", source)
    start, end = clock.at(spec.get("start"), f"{p}.start"), clock.at(spec.get("end"), f"{p}.end")
    if end <= start:
        raise ScenarioError(
            "end must come after start", value=spec.get("end"), where=f"{source}: {p}.end"
        )
    return Event(
        name=f.text(spec, f"{p}.name", source),
        cls=cls,
        start=start,
        end=end,
        factor=f.number(spec, f"{p}.factor", source, 0, 1000),
        airports=airports,
        destinations=f.weights(spec, f"{p}.destinations", source, default={}, airports=True),
    )


def _trip(k: int, spec: Any, clock: f.Clock, source: str) -> Trip:
    p = f"trips[{k}]"
    spec = f.as_table(spec, p, source)
    f.only(
        spec,
        p,
        ("registration", "icao24", "type", "class", "operator", "callsign")
        + ("category", "origin", "destination", "takeoff", "transponder_off_min"),
        source,
    )
    icao = f.text(spec, f"{p}.icao24", source).lower()
    if len(icao) != 6 or any(c not in "0123456789abcdef" for c in icao):
        raise ScenarioError(
            "icao24 must be 6 hex digits", value=icao, where=f"{source}: {p}.icao24"
        )
    off = spec.get("transponder_off_min")
    return Trip(
        registration=f.text(spec, f"{p}.registration", source),
        icao24=icao,
        typecode=f.text(spec, f"{p}.type", source).upper(),
        cls=f.choice(spec, f"{p}.class", CLASSES, source),
        operator=f.text(spec, f"{p}.operator", source, default=""),
        callsign=f.text(spec, f"{p}.callsign", source),
        category=f.text(spec, f"{p}.category", source, default=""),
        origin=f.airport(spec, f"{p}.origin", source),
        destination=f.airport(spec, f"{p}.destination", source),
        takeoff=clock.at(spec.get("takeoff"), f"{p}.takeoff"),
        transponder_off_min=None
        if off is None
        else f.number(spec, f"{p}.transponder_off_min", source, 0, 1440),
    )
