"""The nearest airport to a point, for the live tracker's events.

Airports (``icao``, ``country``, ``lat``, ``lon`` in degrees) are filed in cells of
:data:`CELL_DEG` degrees. A search within ``r`` km looks at the cells a circle of
that radius can touch: ``r`` / 111.2 km degrees of latitude either side and, of
longitude, as many as ``r`` spans at the band's most poleward latitude (every
longitude near a pole or across a wide span). Distances are great-circle
(:func:`jetwatch.geo.haversine_km`). A search without a radius widens it step by step
(:data:`STEPS_KM`), so the first airport found within the radius searched is the
nearest; beyond the last step, every airport is compared. Each answer is the one a
comparison with every airport would give (ties aside).
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

from jetwatch.geo import haversine_km
from jetwatch.reference.airports import Airports

CELL_DEG = 1.0
KM_PER_DEG = 111.19  # of latitude, on the mean Earth radius (slightly under: never too few)
STEPS_KM = (50.0, 250.0, 1000.0)


class Nearby:
    """Nearest airports from a grid of cells (a call looks at a few hundred airports,
    not all 28,000: the tracker asks once per take-off, landing and dark minute)."""

    def __init__(self, airports: Airports | None = None) -> None:
        t = (airports or Airports()).table
        self.icao = np.array(t["icao"].to_pylist(), dtype=object)
        self.country = np.array(t["country"].to_pylist(), dtype=object)
        self.lat = t["lat"].to_numpy()
        self.lon = t["lon"].to_numpy()
        rows = np.floor(self.lat / CELL_DEG).astype(np.int64)
        cols = np.floor(self.lon / CELL_DEG).astype(np.int64)
        order = np.lexsort((cols, rows))
        keys, starts = np.unique(np.stack([rows[order], cols[order]], 1), axis=0, return_index=True)
        ends = np.append(starts[1:], len(order))
        self.cells = {
            (int(r), int(c)): order[a:b] for (r, c), a, b in zip(keys, starts, ends, strict=True)
        }

    def nearest(
        self, lat: float, lon: float, within_km: float | None = None
    ) -> tuple[str, str, float] | None:
        if not np.isfinite(lat) or not np.isfinite(lon):
            return None
        for km in (within_km,) if within_km is not None else STEPS_KM:
            k, d = self._best(self._candidates(lat, lon, km), lat, lon)
            if k is not None and d <= km:
                return str(self.icao[k]), str(self.country[k]), d
        if within_km is not None:
            return None
        k, d = self._best(np.arange(len(self.lat)), lat, lon)
        return None if k is None else (str(self.icao[k]), str(self.country[k]), d)

    def where(self, icao: str) -> tuple[float, float, str] | None:
        """An airport's position and country."""
        hit = np.flatnonzero(self.icao == icao.upper())
        if not len(hit):
            return None
        k = hit[0]
        return float(self.lat[k]), float(self.lon[k]), str(self.country[k])

    def _candidates(self, lat: float, lon: float, km: float) -> npt.NDArray[np.int64]:
        span = km / KM_PER_DEG
        rows = range(math.floor((lat - span) / CELL_DEG), math.floor((lat + span) / CELL_DEG) + 1)
        pole = min(90.0, abs(lat) + span)
        wide = pole >= 89.0 or span / math.cos(math.radians(pole)) >= 180.0
        turn = round(360 / CELL_DEG)
        if wide:
            cols = list(range(-turn // 2, turn // 2 + 1))
        else:
            reach = span / math.cos(math.radians(pole))
            first, last = math.floor((lon - reach) / CELL_DEG), math.floor((lon + reach) / CELL_DEG)
            # cells past the antimeridian wrap round
            cols = [(c + turn // 2) % turn - turn // 2 for c in range(first, last + 1)]
        found = [self.cells[(r, c)] for r in rows for c in cols if (r, c) in self.cells]
        return np.concatenate(found) if found else np.empty(0, np.int64)

    def _best(self, at: npt.NDArray[np.int64], lat: float, lon: float) -> tuple[int | None, float]:
        if not len(at):
            return None, math.inf
        d = haversine_km(np.full(len(at), lat), np.full(len(at), lon), self.lat[at], self.lon[at])
        k = int(np.argmin(d))
        return int(at[k]), float(d[k])
