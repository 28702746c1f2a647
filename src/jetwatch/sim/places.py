"""Airports and runways as the simulator uses them: positions, elevation, runway in use.

Airports come from :mod:`jetwatch.reference.airports`, runways from
:mod:`jetwatch.reference.runways`. Each day has one wind direction for the whole
scenario (drawn from the seed), and every airport uses the runway end whose
heading is closest to it, as towers do. An airport with no runway on file gets a
made-up 2,500 m runway through its reference point, its heading fixed by a hash of
the ICAO code so that every run agrees.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from functools import cache

import airportsdata
import numpy as np

from jetwatch.geo import offset
from jetwatch.reference.runways import RunwayEnd, ends
from jetwatch.sim.fields import ScenarioError


@dataclass(frozen=True)
class Airport:
    icao: str
    lat: float
    lon: float
    elevation_ft: float
    country: str


class Places:
    def __init__(self, seed: int, days: int) -> None:
        self.wind = np.random.default_rng([seed, 0x57]).uniform(0, 360, days + 2)
        self._db = airportsdata.load("ICAO")

    @cache  # noqa: B019  (one Places per run)
    def airport(self, icao: str) -> Airport:
        a = self._db.get(icao)
        if a is None:
            raise ScenarioError("unknown airport", value=icao)
        return Airport(icao, float(a["lat"]), float(a["lon"]), float(a["elevation"]), a["country"])

    @cache  # noqa: B019
    def runway_ends(self, icao: str) -> tuple[RunwayEnd, ...]:
        known = ends(icao)
        if known:
            return known
        a = self.airport(icao)
        heading = zlib.crc32(icao.encode()) % 180
        lat, lon = offset(a.lat, a.lon, [heading + 180, heading], 1.25)
        return (
            RunwayEnd(icao, "SIM1", float(lat[0]), float(lon[0]), float(heading), 8200.0),
            RunwayEnd(icao, "SIM2", float(lat[1]), float(lon[1]), float(heading + 180), 8200.0),
        )

    def runway(self, icao: str, day: int) -> RunwayEnd:
        """The runway end in use at ``icao`` on scenario day ``day`` (into the wind)."""
        wind = self.wind[min(max(day, 0), len(self.wind) - 1)]
        return min(
            self.runway_ends(icao),
            key=lambda e: (abs((e.heading - wind + 180) % 360 - 180), -e.length_ft, e.ident),
        )
