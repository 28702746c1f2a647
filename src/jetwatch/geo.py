"""Great-circle distance on a spherical Earth (mean radius 6371.0088 km), in km."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from jetwatch.units import EARTH_RADIUS_KM

F64 = npt.NDArray[np.float64]


def haversine_km(lat1: F64, lon1: F64, lat2: F64, lon2: F64) -> F64:
    """Distance in km between points given in degrees (element-wise)."""
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dp = p2 - p1
    dl = np.radians(lon2 - lon1)
    a = np.sin(dp / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))
