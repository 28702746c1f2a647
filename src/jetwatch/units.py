"""Unit conversions, all in one place.

jetwatch stores what the field uses: altitude in feet, speed in knots, vertical rate
in feet per minute, angles in degrees, times in UTC. Sources in SI units (OpenSky
state vectors: m, m/s) are converted on the way in with these exact factors.
"""

from __future__ import annotations

FT_PER_M = 1 / 0.3048  # international foot, exact
KT_PER_MS = 3600 / 1852  # international nautical mile, exact
FPM_PER_MS = 60 / 0.3048
KM_PER_NM = 1.852
EARTH_RADIUS_KM = 6371.0088  # IUGG mean radius
