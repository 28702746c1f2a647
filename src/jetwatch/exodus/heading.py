"""Where a departure that left coverage was heading: inferred, never observed.

Many departures leave the receivers' range before they land, so they have no
destination (:mod:`.departures`). Their last position still says something: an
aircraft at cruise on a track of 200 deg from Moscow is not going to St Petersburg.

For each such flight, from its last position (lat, lon, track, altitude):

- the **candidates** are the airports with an IATA code (scheduled-service fields;
  business jets use them too) whose great-circle bearing from the last position is
  within ``CONE_DEG`` (12 deg) of the track and whose distance is between
  ``MIN_KM`` (150) and ``MAX_KM`` (6,000): ahead of it, beyond a descent, within
  a business jet's range;
- the flight counts only if its last position is at or above ``MIN_FT`` (10,000 ft)
  or ``MIN_FROM_ORIGIN_KM`` (100 km) from its origin: a departure still climbing out
  is turning, and its track says little;
- each candidate weighs ``exp(-d / SCALE_KM)`` (1,200 km): nearer airports along
  the track are likelier;
- ``heading`` is ``abroad`` when at least ``SURE`` (90%) of the weight lies in
  another country than the scope's, ``domestic`` when at most 10% does, else null
  (undetermined), as is a flight with no candidate. ``heading_countries`` lists
  the candidates' countries, heaviest first (at most three).

This is a guess from geometry, shown as **inferred**, apart from observed
destinations; a verdict uses it only when asked (``--infer-destinations``) and
then says so. Its accuracy on simulated flights whose destination is known is
measured by ``tests/exodus/test_heading.py`` and given in ``docs/exodus.md``.
"""

from __future__ import annotations

from collections import Counter
from functools import cache

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from jetwatch.exodus.departures import places
from jetwatch.geo import bearing, haversine_km

CONE_DEG = 12.0
MIN_KM = 150.0
MAX_KM = 6000.0
MIN_FT = 10_000
MIN_FROM_ORIGIN_KM = 100.0
SURE = 0.9
SCALE_KM = 1200.0  # nearer airports along the track weigh more: exp(-d / SCALE_KM)


@cache
def _candidates() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Latitudes, longitudes and countries of the airports with an IATA code."""
    table = places().table
    table = table.filter(pc.is_valid(table["iata"]))
    return (
        table["lat"].to_numpy(),
        table["lon"].to_numpy(),
        np.array(table["country"].to_pylist(), dtype=object),
    )


def _column(flights: pa.Table, name: str) -> np.ndarray:
    return np.asarray(flights[name].cast(pa.float64()).fill_null(np.nan).to_numpy(), float)


def infer(flights: pa.Table, home: str) -> tuple[list[str | None], list[list[str]]]:
    """``heading`` and ``heading_countries`` for each row of ``flights`` (departures
    with ``destination``, ``origin``, ``last_lat``, ``last_lon``, ``last_track``,
    ``last_altitude``); rows with a destination, or that cannot be judged, get
    null and []."""
    n = flights.num_rows
    if n == 0:
        return [], []
    lat, lon = _column(flights, "last_lat"), _column(flights, "last_lon")
    track, alt = _column(flights, "last_track"), _column(flights, "last_altitude")
    origins = [places().get(str(o or "")) or {} for o in flights["origin"].to_pylist()]
    o_lat = np.array([float(o.get("lat", np.nan)) for o in origins])  # type: ignore[arg-type]
    o_lon = np.array([float(o.get("lon", np.nan)) for o in origins])  # type: ignore[arg-type]
    away = np.nan_to_num(haversine_km(lat, lon, o_lat, o_lon), nan=0.0)
    judged = (
        flights["destination"].is_null().to_numpy(zero_copy_only=False)
        & ~np.isnan(lat + lon + track)
        & ((np.nan_to_num(alt) >= MIN_FT) | (away >= MIN_FROM_ORIGIN_KM))
    )
    a_lat, a_lon, countries = _candidates()
    rows = np.flatnonzero(judged)
    la, lo = lat[rows, None], lon[rows, None]
    far = haversine_km(la, lo, a_lat[None, :], a_lon[None, :])
    turn = np.abs(
        (bearing(la, lo, a_lat[None, :], a_lon[None, :]) - track[rows, None] + 180) % 360 - 180
    )
    ahead = (turn <= CONE_DEG) & (far >= MIN_KM) & (far <= MAX_KM)
    weight = np.where(ahead, np.exp(-far / SCALE_KM), 0.0)
    abroad_share = (weight * (countries[None, :] != home)).sum(axis=1) / np.maximum(
        weight.sum(axis=1), 1e-300
    )
    headings: list[str | None] = [None] * n
    lists: list[list[str]] = [[] for _ in range(n)]
    for i, row in enumerate(rows):
        if not ahead[i].any():
            continue
        share = abroad_share[i]
        headings[row] = "abroad" if share >= SURE else "domestic" if share <= 1 - SURE else None
        tally: Counter[str] = Counter()
        for c, w in zip(countries[ahead[i]], weight[i][ahead[i]], strict=True):
            tally[c] += w
        lists[row] = [c for c, _ in tally.most_common(3)]
    return headings, lists
