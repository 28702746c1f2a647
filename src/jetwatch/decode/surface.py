"""ADS-B surface movement (TC 5-8, BDS 0,6): ground speed and ground track.

ME bits (numbered from 1): movement 6-12, track status 13, track 14-20 (x 360/128
deg). Movement is a non-linear speed scale (DO-260B, 2.2.3.2.4.2): 0 = unknown,
1 = stopped, then steps of 0.125 kt up to 1 kt, 0.25 to 2, 0.5 to 15, 1 to 70,
2 to 100, 5 to 175; 124 = 175 kt or more; 125-127 reserved. Units: kt, degrees.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

F64 = npt.NDArray[np.float64]


def _movement_table() -> F64:
    table = np.full(128, np.nan)
    table[1] = 0.0
    edges = [(2, 0.125), (9, 1.0), (13, 2.0), (39, 15.0), (94, 70.0), (109, 100.0), (124, 175.0)]
    for (m0, k0), (m1, k1) in zip(edges, edges[1:], strict=False):
        step = (k1 - k0) / (m1 - m0)
        for m in range(m0, m1):
            table[m] = k0 + (m - m0) * step
    table[124] = 175.0
    return table


MOVEMENT_KT = _movement_table()


def movement(me: npt.NDArray[np.uint64]) -> tuple[F64, F64]:
    """Ground speed (kt) and ground track (deg, NaN when not valid) of surface MEs."""
    mov = ((me >> np.uint64(44)) & np.uint64(0x7F)).astype(np.intp)
    status = ((me >> np.uint64(43)) & np.uint64(1)).astype(bool)
    trk = ((me >> np.uint64(36)) & np.uint64(0x7F)).astype(np.float64) * 360.0 / 128.0
    return MOVEMENT_KT[mov], np.where(status, trk, np.nan)
