"""Great circles on a spherical Earth (mean radius 6371.0088 km): distance (km), initial
bearing (degrees true) and the point at a distance along a bearing, column-wise."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from jetwatch.units import EARTH_RADIUS_KM

F64 = npt.NDArray[np.float64]
Array = npt.ArrayLike


def haversine_km(lat1: F64, lon1: F64, lat2: F64, lon2: F64) -> F64:
    """Distance in km between points given in degrees (element-wise)."""
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dp = p2 - p1
    dl = np.radians(lon2 - lon1)
    a = np.sin(dp / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))


def bearing(lat1: Array, lon1: Array, lat2: Array, lon2: Array) -> F64:
    """Initial bearing from point 1 to point 2, degrees true in [0, 360)."""
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dl = np.radians(np.subtract(lon2, lon1))
    x = np.sin(dl) * np.cos(p2)
    y = np.cos(p1) * np.sin(p2) - np.sin(p1) * np.cos(p2) * np.cos(dl)
    return np.asarray(np.degrees(np.arctan2(x, y)) % 360.0)


def offset(lat: Array, lon: Array, bearing_deg: Array, km: Array) -> tuple[F64, F64]:
    """The points ``km`` along great circles leaving (lat, lon) on ``bearing_deg``."""
    p1, l1, b = np.radians(lat), np.radians(lon), np.radians(bearing_deg)
    d = np.asarray(km) / EARTH_RADIUS_KM
    p2 = np.arcsin(np.sin(p1) * np.cos(d) + np.cos(p1) * np.sin(d) * np.cos(b))
    l2 = l1 + np.arctan2(np.sin(b) * np.sin(d) * np.cos(p1), np.cos(d) - np.sin(p1) * np.sin(p2))
    return np.asarray(np.degrees(p2)), np.asarray((np.degrees(l2) + 540.0) % 360.0 - 180.0)
