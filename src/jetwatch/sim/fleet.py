"""Simulated fleets: aircraft with real-looking addresses, registrations and types.

Each traffic class of a scenario gets ``fleet`` aircraft, based at the area's
airports in proportion to their weights. An aircraft is drawn from a real registry
when one is given (any format :mod:`jetwatch.reference.registry` imports, e.g.
plane-alert-db or FlightAware) and it holds aircraft of that country and class with
a type; otherwise it is made up:

- the 24-bit address lies in the country's ICAO block; for Russia, registration
  ``RA-nnnnn`` maps to address ``0x140000 + nnnnn``, the convention FlightAware's
  registry and plane-alert-db follow;
- other countries get their registration prefix and random letters (or digits for
  ``N``), never clashing with another aircraft of the run;
- the type is drawn from the class's type weights.

The emitter category follows the type's weight class (A1 light to A5 heavy, A7
rotorcraft). Callsigns are the registration without its dash, or an airline
prefix plus a flight number. Named trips bring their own aircraft.
"""

from __future__ import annotations

import string
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from jetwatch.reference import registry as reg_mod
from jetwatch.reference.countries import blocks, countries
from jetwatch.sim.fields import ScenarioError
from jetwatch.sim.scenario import Scenario, Traffic, Trip
from jetwatch.store.db import Store

PREFIX = {
    "RU": "RA-",
    "GB": "G-",
    "US": "N",
    "FR": "F-",
    "DE": "D-",
    "CH": "HB-",
    "AE": "A6-",
    "TR": "TC-",
    "IT": "I-",
    "AT": "OE-",
    "NL": "PH-",
    "BY": "EW-",
    "KZ": "UP-",
}
HEAVY = {"A333", "A332", "A359", "A388", "B744", "B748", "B763", "B772", "B77W", "B788", "B789"}
HEAVY |= {"IL96", "IL76"}
LARGE_BIZJET = {"GLF6", "GLEX", "GL5T", "GL7T", "GLF5", "GA7C", "GA6C", "GLF4", "FA8X"}


@dataclass
class Aircraft:
    icao24: int
    registration: str
    typecode: str
    cls: str
    operator: str
    callsign: str  # "registration" or an airline prefix
    category: str  # watch category (plane-alert style) or ""
    emitter: str
    home: str
    source: str  # "synthetic", "scenario trip" or "registry <file>"


def emitter(cls: str, typecode: str) -> str:
    if cls == "helicopter":
        return "A7"
    if typecode in HEAVY:
        return "A5"
    if cls in ("airliner", "regional", "government") or typecode in LARGE_BIZJET:
        return "A3"
    if cls == "piston":
        return "A1"
    return "A2"


class Registrar:
    """Hands out unique addresses and registrations for made-up aircraft."""

    def __init__(self, rng: np.random.Generator, taken: set[int]) -> None:
        self.rng = rng
        self.taken = set(taken)

    def new(self, country: str) -> tuple[int, str]:
        if country not in PREFIX:
            raise ScenarioError(
                f"no registration pattern for this country; known: {', '.join(sorted(PREFIX))}",
                value=country,
            )
        block = min(
            (b for b in blocks() if b.iso == country),
            key=lambda b: b.end - b.start,
            default=None,
        )
        if block is None:
            raise ScenarioError("no ICAO address block for this country", value=country)
        for _ in range(10_000):
            if country == "RU":
                number = int(self.rng.integers(1000, 99999))
                address, reg = 0x140000 + number, f"RA-{number:05d}"
            else:
                address = int(self.rng.integers(block.start, block.end + 1))
                reg = PREFIX[country] + self._suffix(country)
            if address not in self.taken:
                self.taken.add(address)
                return address, reg
        raise ScenarioError("address block exhausted", value=country)

    def _suffix(self, country: str) -> str:
        if country == "US":
            return str(int(self.rng.integers(100, 9999))) + "".join(
                self.rng.choice(list(string.ascii_uppercase), 2)
            )
        return "".join(
            self.rng.choice(list(string.ascii_uppercase), 4 if len(PREFIX[country]) < 3 else 3)
        )


def pick(rng: np.random.Generator, weights: dict[str, float]) -> str:
    """One name drawn with probability proportional to its weight."""
    names = list(weights)
    p = np.array([weights[k] for k in names], dtype=float)
    return names[int(rng.choice(len(names), p=p / p.sum()))]


def real_candidates(
    registry: Path | None,
) -> dict[tuple[str, str], list[tuple[int, str, str, str]]]:
    """(country, class) -> [(address, registration, type, operator)] from a registry file."""
    if registry is None:
        return {}
    with (
        tempfile.TemporaryDirectory(prefix="jetwatch-fleet-") as tmp,
        Store(Path(tmp) / "registry.duckdb") as store,
    ):
        reg_mod.import_file(store, registry)
        rows = store.con.execute(
            "SELECT a.icao24, a.registration, a.typecode, coalesce(a.operator, ''), c.class "
            "FROM aircraft a JOIN aircraft_classes c USING (icao24) "
            "WHERE a.typecode IS NOT NULL AND a.registration IS NOT NULL ORDER BY a.icao24"
        ).fetchall()
    found: dict[tuple[str, str], list[tuple[int, str, str, str]]] = {}
    if not rows:
        return found
    iso, _ = countries(np.array([int(r[0], 16) for r in rows]))
    for r, country in zip(rows, iso, strict=True):
        if country:
            found.setdefault((str(country), r[4]), []).append((int(r[0], 16), r[1], r[2], r[3]))
    return found


def build(
    scenario: Scenario, rng: np.random.Generator, registry: Path | None = None
) -> tuple[dict[str, list[Aircraft]], dict[str, Aircraft], Registrar]:
    """The fleets by class, the named trips' aircraft by registration, and the registrar."""
    trips = _trip_aircraft(scenario.trips)
    registrar = Registrar(rng, {a.icao24 for a in trips.values()})
    real = real_candidates(registry)
    fleets = {
        t.cls: [_aircraft(t, rng, registrar, real, registry) for _ in range(t.fleet)]
        for t in scenario.traffic
    }
    return fleets, trips, registrar


def _aircraft(
    t: Traffic,
    rng: np.random.Generator,
    registrar: Registrar,
    real: dict[tuple[str, str], list[tuple[int, str, str, str]]],
    registry: Path | None,
    home: str | None = None,
) -> Aircraft:
    home = home or pick(rng, t.airports)
    pool = real.get((t.country, t.cls), [])
    while pool:
        address, reg, typecode, operator = pool.pop(int(rng.integers(len(pool))))
        if address in registrar.taken:
            continue
        registrar.taken.add(address)
        return Aircraft(
            address,
            reg,
            typecode,
            t.cls,
            operator or t.operator,
            t.callsign,
            "",
            emitter(t.cls, typecode),
            home,
            f"registry {Path(str(registry)).name}",
        )
    address, reg = registrar.new(t.country)
    typecode = pick(rng, t.types)
    return Aircraft(
        address,
        reg,
        typecode,
        t.cls,
        t.operator,
        t.callsign,
        "",
        emitter(t.cls, typecode),
        home,
        "synthetic",
    )


def extra(t: Traffic, rng: np.random.Generator, registrar: Registrar, home: str) -> Aircraft:
    """One more made-up aircraft of a class, when every aircraft of its fleet is busy."""
    return _aircraft(t, rng, registrar, {}, None, home)


def _trip_aircraft(trips: tuple[Trip, ...]) -> dict[str, Aircraft]:
    found: dict[str, Aircraft] = {}
    for trip in trips:
        found.setdefault(
            trip.registration,
            Aircraft(
                int(trip.icao24, 16),
                trip.registration,
                trip.typecode,
                trip.cls,
                trip.operator,
                trip.callsign,
                trip.category,
                emitter(trip.cls, trip.typecode),
                trip.origin,
                "scenario trip",
            ),
        )
    return found
