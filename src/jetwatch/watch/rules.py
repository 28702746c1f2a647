"""Watch rules: which events of which aircraft raise an alert, and where it goes.

A rule has an ``event`` (:data:`EVENTS`) and conditions, all of which must hold:

- ``category``: the aircraft's watch or registry categories include it (``Oligarch``);
- ``aircraft``: a hex address or registration (only this aircraft);
- ``from_area``: the flight's origin is an airport of this area (or this ICAO code);
- ``to_area``: the airport of the event is in this area / is this airport, or
  ``abroad`` / ``domestic`` (its country against the origin's). A ``takeoff`` rule
  with ``to_area`` is decided when the destination is known, so it fires on the
  flight's landing ("any Oligarch aircraft departs Moscow for abroad");
- ``airport``: the event's airport (``landing``, ``approach``);
- ``area``: the area crossed (``enter``, ``leave``) or scored (``surge``);
- ``minutes``: silence before ``dark`` (default 10);
- ``squawks``: codes for ``squawk`` (default 7500, 7600, 7700);
- ``cls``: aircraft class (``surge``: the class scored).

Delivery: ``notify`` (apprise URLs or target names from the config, see
:mod:`jetwatch.config`), ``template`` (:mod:`string.Template` fields, see
:func:`jetwatch.watch.alerts.fields`) and ``per_hour``, the most alerts the rule
sends in any hour (more are stored as ``rate_limited``).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field

from jetwatch.errors import JetwatchError
from jetwatch.reference import areas
from jetwatch.reference.airports import Airports
from jetwatch.store.db import Store
from jetwatch.watch.events import Event
from jetwatch.watch.lists import Watched

EVENTS = ("takeoff", "landing", "squawk", "dark", "enter", "leave", "approach", "surge")


class RuleError(JetwatchError, ValueError):
    """A rule that cannot be used."""


@dataclass
class Conditions:
    category: str | None = None
    aircraft: str | None = None
    from_area: str | None = None
    to_area: str | None = None
    airport: str | None = None
    area: str | None = None
    minutes: int = 10
    squawks: list[str] = field(default_factory=lambda: ["7500", "7600", "7700"])
    cls: str | None = None


@dataclass
class Rule:
    id: int
    event: str
    when: Conditions
    notify: list[str]
    template: str | None = None
    per_hour: int = 30

    def airports(self, key: str, codes: dict[str, set[str]]) -> set[str] | None:
        value = getattr(self.when, key)
        if value is None or value in ("abroad", "domestic"):
            return None
        return codes.get(value, {value.upper()})


def _place(name: str, airports: Airports) -> None:
    """An area name or an ICAO airport code, or a :class:`RuleError` listing areas."""
    if name in ("abroad", "domestic") or name in areas.load():
        return
    if airports.get(name) is None:
        known = ", ".join(sorted(areas.load()))
        raise RuleError(f"not an area ({known}), airport, 'abroad' or 'domestic'", value=name)


def add(
    store: Store,
    event: str,
    when: Conditions,
    notify: list[str],
    template: str | None = None,
    per_hour: int = 30,
    airports: Airports | None = None,
) -> int:
    if event not in EVENTS:
        raise RuleError(f"unknown event; use one of {', '.join(EVENTS)}", value=event)
    ports = airports or Airports()
    for key in ("from_area", "to_area", "airport", "area"):
        value = getattr(when, key)
        if value is not None:
            _place(value, ports)
    if event in ("enter", "leave", "surge") and when.area is None:
        raise RuleError(f"a {event} rule needs --area", value=event)
    if event == "approach" and when.airport is None:
        raise RuleError("an approach rule needs --airport", value=event)
    if per_hour < 1:
        raise RuleError("--per-hour must be at least 1", value=per_hour)
    rows = store.con.execute(
        "INSERT INTO watch_rules (event, conditions, notify, template, per_hour) "
        "VALUES (?, ?, ?, ?, ?) RETURNING id",
        [event, json.dumps(asdict(when)), json.dumps(notify), template, per_hour],
    ).fetchall()
    return int(rows[0][0])


def remove(store: Store, rule_id: int) -> bool:
    return bool(
        store.con.execute("DELETE FROM watch_rules WHERE id = ? RETURNING id", [rule_id]).fetchall()
    )


def load(store: Store) -> list[Rule]:
    rows = store.con.execute(
        "SELECT id, event, conditions, notify, template, per_hour FROM watch_rules "
        "WHERE enabled ORDER BY id"
    ).fetchall()
    return [
        Rule(int(i), e, Conditions(**json.loads(c)), json.loads(n), t, int(p))
        for i, e, c, n, t, p in rows
    ]


def area_codes(rules: list[Rule], airports: Airports | None = None) -> dict[str, set[str]]:
    """The airports of every area the rules name."""
    known = areas.load()
    ports = airports or Airports()
    out: dict[str, set[str]] = {}
    for rule in rules:
        for key in ("from_area", "to_area", "area"):
            name = getattr(rule.when, key)
            if name in known:
                out[name] = set(known[name].resolve(ports))
    return out


def circles(rules: list[Rule]) -> dict[str, tuple[float, float, float]]:
    """Centre and radius (km) of the areas ``enter``/``leave`` rules cross."""
    known = areas.load()
    out = {}
    for rule in rules:
        area = known.get(rule.when.area or "")
        if rule.event in ("enter", "leave") and area and area.centre and area.radius_km:
            out[area.name] = (area.centre[0], area.centre[1], area.radius_km)
    return out


def matches(rule: Rule, event: Event, who: Watched | None, codes: dict[str, set[str]]) -> bool:
    """Whether ``event`` (of the aircraft ``who``) fires ``rule``."""
    c = rule.when
    kind = event.kind
    if rule.event == "takeoff" and c.to_area is not None:
        kind = "takeoff" if event.kind == "landing" else "-"  # decided at the landing
    if kind != rule.event:
        return False
    if c.category and (
        who is None or c.category.lower() not in [x.lower() for x in who.categories]
    ):
        return False
    if c.aircraft and not _same_aircraft(c.aircraft, event.icao24, who):
        return False
    if c.cls and rule.event != "surge" and (who is None or who.cls != c.cls):
        return False
    if c.from_area and event.origin not in (rule.airports("from_area", codes) or set()):
        return False
    if c.to_area and not _to(c.to_area, event, rule.airports("to_area", codes)):
        return False
    if (
        c.airport
        and rule.event in ("landing", "approach", "takeoff")
        and (event.airport or "").upper() != c.airport.upper()
    ):
        return False
    if rule.event in ("enter", "leave", "surge") and event.detail.get("area") != c.area:
        return False
    if rule.event == "surge" and c.cls and event.detail.get("class") != c.cls:
        return False
    if rule.event == "dark" and event.detail.get("minutes", 0) < c.minutes:
        return False
    return not (rule.event == "squawk" and event.detail.get("squawk") not in c.squawks)


def _same_aircraft(wanted: str, icao24: str, who: Watched | None) -> bool:
    w = wanted.replace("-", "").upper()
    reg = (who.registration or "").replace("-", "").upper() if who else ""
    return w in (icao24.upper(), reg)


def _to(target: str, event: Event, codes: set[str] | None) -> bool:
    if target in ("abroad", "domestic"):
        if event.country is None or event.origin_country is None:
            return False
        return (event.country != event.origin_country) == (target == "abroad")
    return (event.airport or "") in (codes or set())
