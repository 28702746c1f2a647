"""ADS-B airborne velocity (TC 19, BDS 0,9).

ME layout (bits numbered from 1): TC 1-5, subtype 6-8, then for subtypes 1 and 2
(ground speed): E-W sign 14, E-W velocity 15-24, N-S sign 25, N-S velocity 26-35;
vertical-rate source 36, sign 37, rate 38-46; GNSS-minus-baro sign 49, difference
50-56.

- Velocity components: ``v - 1`` kt (0 = not available); subtype 2 (supersonic) x4.
  Ground speed = hypot(E, N) kt; track = atan2(E, N) in degrees from true north.
- Vertical rate: ``(v - 1) * 64`` ft/min, negative when the sign bit is set.
- GNSS minus baro: ``(v - 1) * 25`` ft, negative when the sign bit is set; it gives
  the geometric altitude from a barometric one.

Subtypes 3 and 4 carry heading and airspeed instead of ground speed and track: only
their vertical rate and altitude difference are used (heading and airspeed are out
of scope for the positions table). Units: kt, degrees, ft/min, ft; NaN = unknown.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

F64 = npt.NDArray[np.float64]


def _field(me: npt.NDArray[np.uint64], first: int, width: int) -> npt.NDArray[np.int64]:
    """ME bits ``first``..``first+width-1`` (numbered from 1) as integers."""
    shift = np.uint64(56 - (first + width - 1))
    return ((me >> shift) & np.uint64((1 << width) - 1)).astype(np.int64)


def velocity(me: npt.NDArray[np.uint64]) -> tuple[F64, F64, F64, F64]:
    """Ground speed (kt), track (deg), vertical rate (ft/min), GNSS-baro (ft)."""
    st = _field(me, 6, 3)
    ground = (st == 1) | (st == 2)
    scale = np.where(st == 2, 4.0, 1.0)
    vew_raw = _field(me, 15, 10)
    vns_raw = _field(me, 26, 10)
    ok = ground & (vew_raw > 0) & (vns_raw > 0)
    vew = np.where(_field(me, 14, 1) == 1, -1.0, 1.0) * (vew_raw - 1) * scale
    vns = np.where(_field(me, 25, 1) == 1, -1.0, 1.0) * (vns_raw - 1) * scale
    gs = np.where(ok, np.hypot(vew, vns), np.nan)
    track = np.where(ok, np.degrees(np.arctan2(vew, vns)) % 360.0, np.nan)

    vr_raw = _field(me, 38, 9)
    valid_st = (st >= 1) & (st <= 4)
    vrate = np.where(
        valid_st & (vr_raw > 0),
        np.where(_field(me, 37, 1) == 1, -64.0, 64.0) * (vr_raw - 1),
        np.nan,
    )
    diff_raw = _field(me, 50, 7)
    diff = np.where(
        valid_st & (diff_raw > 0),
        np.where(_field(me, 49, 1) == 1, -25.0, 25.0) * (diff_raw - 1),
        np.nan,
    )
    return gs, track, vrate, diff
