"""The speed check: positions that no neighbour of the same aircraft can explain.

A position is *implausible* when it is inconsistent with every one of its up to
four neighbours (two before, two after, same aircraft, in time order): the distance
exceeds ``max_speed_kt`` x elapsed time + ``margin_km``. An isolated bad decode is
dropped and the good points around it survive; two consecutive bad points that
agree with each other pass (a known limit). Distances are great-circle, in km.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from jetwatch.geo import haversine_km
from jetwatch.units import KM_PER_NM

B = npt.NDArray[np.bool_]


def implausible(
    icao: npt.NDArray[np.uint32],
    time: npt.NDArray[np.float64],
    lat: npt.NDArray[np.float64],
    lon: npt.NDArray[np.float64],
    max_speed_kt: float,
    margin_km: float,
) -> B:
    """Flags for positions given in (address, time) order."""
    n = len(icao)
    consistent = np.zeros(n, dtype=bool)
    linked = np.zeros(n, dtype=bool)
    speed_km_s = max_speed_kt * KM_PER_NM / 3600.0
    for step in (1, 2):
        if n <= step:
            break
        same = icao[:-step] == icao[step:]
        dist = haversine_km(lat[:-step], lon[:-step], lat[step:], lon[step:])
        allowed = speed_km_s * np.abs(time[step:] - time[:-step]) + margin_km
        ok = same & (dist <= allowed)
        consistent[: n - step] |= ok
        consistent[step:] |= ok
        linked[: n - step] |= same
        linked[step:] |= same
    return linked & ~consistent
