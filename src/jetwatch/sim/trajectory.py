"""Flight trajectories: taxi, take-off roll, climb, cruise, descent, landing, taxi-in.

A batch of legs becomes two node tables per flight, computed column-wise:

- a *time profile* (33 nodes): time, distance flown ``s`` (km), altitude (ft AMSL),
  ground speed (kt) and an on-ground flag. Taxi at 15 kt from a stand to the
  runway threshold, a hold, a roll accelerating to rotation speed, a climb in two
  stages (to 10,000 ft at ``climb_fpm[0]`` while accelerating to 250 kt, then to
  cruise at ``climb_fpm[1]``), cruise, the mirror-image descent, a roll-out to
  20 kt and a taxi to a stand. Speed is linear in time within each stage, so the
  distance between nodes is exact (trapezoids). A route too short for the cruise
  level gets a lower one;
- a *path* (24 nodes): stand, threshold, lift-off point and a departure fix along
  the runway heading, the great circle to an arrival fix 12 km out on the
  extended centre line of the landing runway, threshold, roll-out end and stand.

A position at time ``t`` interpolates ``s`` in the time profile, then the point at
``s`` along the path (linear between unit vectors of neighbouring nodes, which
stays on their great circle). Track is the bearing along the current path
segment; vertical rate is the slope of the altitude profile (ft/min). Both tables
of all flights are flattened with a per-flight time offset so that one
``searchsorted`` serves every flight at once. Wind, turns of finite radius, holds
in the air and go-arounds are out of scope.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from jetwatch.geo import bearing, offset
from jetwatch.units import EARTH_RADIUS_KM, KM_PER_NM

F64 = npt.NDArray[np.float64]
I64 = npt.NDArray[np.int64]
KT = KM_PER_NM / 3600.0  # km/s per knot
TAXI_KT = 15.0
GC_NODES = 16
OFFSET = 1e7  # s between flights in the flattened time axis


@dataclass(frozen=True)
class Performance:
    rotate_kt: float
    climb_fpm: tuple[float, float]
    descent_fpm: tuple[float, float]
    roll_s: float
    fix_km: float  # straight out / in along the runway before turning


PERFORMANCE = {
    "business_jet": Performance(130, (3500, 2000), (2500, 1200), 30, 6),
    "airliner": Performance(150, (2500, 1500), (2200, 1000), 38, 8),
    "regional": Performance(140, (2500, 1500), (2200, 1000), 34, 7),
    "government": Performance(150, (2500, 1500), (2200, 1000), 38, 8),
    "turboprop": Performance(110, (1800, 1200), (1500, 900), 30, 5),
    "piston": Performance(70, (800, 600), (700, 600), 20, 3),
    "helicopter": Performance(40, (900, 900), (700, 700), 8, 1),
    "military": Performance(150, (4000, 2500), (3000, 1500), 25, 6),
    "unknown": Performance(130, (2500, 1500), (2200, 1000), 35, 6),
}


def unit(lat: F64, lon: F64) -> F64:
    p, lam = np.radians(lat), np.radians(lon)
    return np.stack([np.cos(p) * np.cos(lam), np.cos(p) * np.sin(lam), np.sin(p)], axis=-1)


def latlon(v: F64) -> tuple[F64, F64]:
    v = v / np.linalg.norm(v, axis=-1, keepdims=True)
    return np.degrees(np.arcsin(np.clip(v[..., 2], -1, 1))), np.degrees(
        np.arctan2(v[..., 1], v[..., 0])
    )


def chord_km(a: F64, b: F64) -> F64:
    """Great-circle distance (km) between unit vectors."""
    return EARTH_RADIUS_KM * 2 * np.arcsin(np.clip(np.linalg.norm(a - b, axis=-1) / 2, 0, 1))


@dataclass
class Legs:
    """The inputs of a batch of flights, one value per flight (columns)."""

    takeoff: F64  # UTC s
    stand_o: tuple[F64, F64]
    stand_d: tuple[F64, F64]
    runway_o: tuple[F64, F64, F64]  # threshold lat, lon, heading
    runway_d: tuple[F64, F64, F64]
    elev_o: F64  # ft
    elev_d: F64
    cruise_ft: F64
    cruise_kt: F64
    hold_s: F64
    perf: list[Performance]


@dataclass
class State:
    """Aircraft states at given times, one value per time (columns)."""

    lat: F64
    lon: F64
    altitude: F64  # ft AMSL
    ground_speed: F64  # kt
    track: F64  # deg
    vertical_rate: F64  # ft/min
    on_ground: npt.NDArray[np.bool_]
    s: F64  # km along the path

    def take(self, rows: npt.NDArray[np.bool_] | I64) -> State:
        return State(*(getattr(self, k)[rows] for k in self.__dataclass_fields__))


@dataclass
class Trajectories:
    t: F64  # (F, 33) time nodes, UTC s
    s: F64  # (F, 33) km flown
    alt: F64  # (F, 33) ft AMSL
    gs: F64  # (F, 33) kt
    ground: npt.NDArray[np.bool_]  # (F, 33) on the ground (node and the segment after it)
    path: F64  # (F, 24, 3) unit vectors
    path_s: F64  # (F, 24) km along the path
    takeoff: F64  # lift-off time
    landing: F64  # touchdown time
    off_block: F64
    on_block: F64
    cruise_ft: F64  # as flown

    def __len__(self) -> int:
        return len(self.t)

    def at(self, flight: I64, t: F64) -> State:
        """State of ``flight`` (row indexes) at times ``t``: every column aligned with ``t``."""
        n = self.t.shape[1]
        key = flight * OFFSET + (t - self.off_block[flight])
        flat = (np.arange(len(self)) * OFFSET)[:, None] + (self.t - self.off_block[:, None])
        k = np.searchsorted(flat.ravel(), key, side="right") - 1
        k = np.clip(k - flight * n, 0, n - 2)
        row = flight
        t0, t1 = self.t[row, k], self.t[row, k + 1]
        span = np.where(t1 > t0, t1 - t0, 1.0)
        f = np.clip((t - t0) / span, 0.0, 1.0)
        s = self.s[row, k] + f * (self.s[row, k + 1] - self.s[row, k])
        alt = self.alt[row, k] + f * (self.alt[row, k + 1] - self.alt[row, k])
        gs = self.gs[row, k] + f * (self.gs[row, k + 1] - self.gs[row, k])
        vrate = np.where(t1 > t0, (self.alt[row, k + 1] - self.alt[row, k]) / span * 60.0, 0.0)
        ground = self.ground[row, k] & (self.ground[row, k + 1] | (f == 0))
        m = self.path_s.shape[1]
        pflat = (np.arange(len(self)) * OFFSET)[:, None] + self.path_s
        j = np.searchsorted(pflat.ravel(), flight * OFFSET + s, side="right") - 1
        j = np.clip(j - flight * m, 0, m - 2)
        s0, s1 = self.path_s[row, j], self.path_s[row, j + 1]
        g = np.clip((s - s0) / np.where(s1 > s0, s1 - s0, 1.0), 0.0, 1.0)
        a, b = self.path[row, j], self.path[row, j + 1]
        lat, lon = latlon(a + g[:, None] * (b - a))
        blat, blon = latlon(b)
        alat, alon = latlon(a)
        track = np.where(g < 0.999, bearing(lat, lon, blat, blon), bearing(alat, alon, blat, blon))
        return State(lat, lon, alt, gs, track, np.where(ground, 0.0, vrate), ground, s)


def _stage(
    t0: F64, s0: F64, h0: F64, h1: F64, v0: F64, v1: F64, duration: F64, nodes: int = 4
) -> list[tuple[F64, F64, F64, F64]]:
    """Nodes of a stage with linear speed and altitude in time (distances exact)."""
    out = []
    for f in np.arange(1, nodes + 1) / nodes:
        out.append(
            (
                t0 + f * duration,
                s0 + (v0 * f + 0.5 * (v1 - v0) * f * f) * duration * KT,
                h0 + f * (h1 - h0),
                v0 + f * (v1 - v0),
            )
        )
    return out


def _climb(elev: F64, cruise: F64, vr: F64, vc: F64, rates: tuple[F64, F64]) -> tuple[F64, ...]:
    """Durations and distances of the two climb (or, mirrored, descent) stages."""
    mid = np.maximum(np.minimum(10000.0, cruise), elev + 500.0)
    mid = np.minimum(mid, cruise)
    v2 = np.minimum(250.0, vc)
    ta = (mid - elev) / rates[0] * 60.0
    tb = (cruise - mid) / rates[1] * 60.0
    da = (vr + v2) / 2 * ta * KT
    db = (v2 + vc) / 2 * tb * KT
    return mid, v2, ta, tb, da, db


def build(legs: Legs) -> Trajectories:
    n = len(legs.takeoff)
    vr = np.array([p.rotate_kt for p in legs.perf])
    vref = vr + 10.0
    roll_s = np.array([p.roll_s for p in legs.perf])
    fix = np.array([p.fix_km for p in legs.perf])
    c1, c2 = (np.array([p.climb_fpm[k] for p in legs.perf]) for k in (0, 1))
    d1, d2 = (np.array([p.descent_fpm[k] for p in legs.perf]) for k in (0, 1))
    vc = legs.cruise_kt
    roll_km = 0.5 * vr * roll_s * KT
    rollout_s = np.full(n, 35.0)
    rollout_km = (vref + 20.0) / 2 * rollout_s * KT

    thr_o = unit(legs.runway_o[0], legs.runway_o[1])
    lift = unit(*offset(legs.runway_o[0], legs.runway_o[1], legs.runway_o[2], roll_km))
    dep = unit(*offset(legs.runway_o[0], legs.runway_o[1], legs.runway_o[2], roll_km + fix))
    arr = unit(*offset(legs.runway_d[0], legs.runway_d[1], legs.runway_d[2] + 180.0, 2 * fix))
    thr_d = unit(legs.runway_d[0], legs.runway_d[1])
    rollout = unit(*offset(legs.runway_d[0], legs.runway_d[1], legs.runway_d[2], rollout_km))
    omega = np.arccos(np.clip(np.sum(dep * arr, axis=1), -1, 1))[:, None]
    frac = np.linspace(0, 1, GC_NODES + 2)[1:-1][None, :]
    sin_o = np.where(omega > 1e-9, np.sin(omega), 1.0)
    w_a = np.where(omega > 1e-9, np.sin((1 - frac) * omega) / sin_o, 1 - frac)
    w_b = np.where(omega > 1e-9, np.sin(frac * omega) / sin_o, frac)
    gc = w_a[:, :, None] * dep[:, None, :] + w_b[:, :, None] * arr[:, None, :]
    stand_o, stand_d = unit(*legs.stand_o), unit(*legs.stand_d)
    path = np.concatenate(
        [np.stack([stand_o, thr_o, lift, dep], 1), gc, np.stack([arr, thr_d, rollout, stand_d], 1)],
        axis=1,
    )
    seg = chord_km(path[:, 1:], path[:, :-1])
    path_s = np.concatenate([np.zeros((n, 1)), np.cumsum(seg, axis=1)], axis=1)
    taxi_o = path_s[:, 1]
    air_km = path_s[:, -3] - path_s[:, 2]  # lift-off to touchdown

    cruise = np.maximum(legs.cruise_ft, np.maximum(legs.elev_o, legs.elev_d) + 1000.0)
    for _ in range(40):
        up = _climb(legs.elev_o, cruise, vr, vc, (c1, c2))
        down = _climb(legs.elev_d, cruise, vref, vc, (d1, d2))
        short = up[4] + up[5] + down[4] + down[5] > air_km
        floor = np.maximum(legs.elev_o, legs.elev_d) + 1000.0
        if not (short & (cruise > floor)).any():
            break
        cruise = np.where(short, np.maximum(floor, cruise - 0.2 * (cruise - floor)), cruise)
    mid_u, v2u, ta_u, tb_u, da_u, db_u = up
    mid_d, v2d, ta_d, tb_d, da_d, db_d = down
    cruise_km = np.maximum(air_km - (da_u + db_u + da_d + db_d), 0.0)
    squeeze = air_km / np.maximum(da_u + db_u + da_d + db_d + cruise_km, 1e-9)

    vt = np.full(n, TAXI_KT)
    z = np.zeros(n)
    taxi_s = taxi_o / (vt * KT) + 10.0
    off_block = legs.takeoff - roll_s - legs.hold_s - taxi_s
    nodes: list[tuple[F64, F64, F64, F64, bool]] = []

    def add(rows: list[tuple[F64, F64, F64, F64]], ground: bool) -> None:
        nodes.extend((t, s, h, v, ground) for t, s, h, v in rows)

    eo, ed = legs.elev_o, legs.elev_d
    add([(off_block, z, eo, z)], True)
    add([(off_block + 10, vt * 5 * KT, eo, vt)], True)
    add([(off_block + taxi_s - 10, taxi_o - vt * 5 * KT, eo, vt)], True)
    add([(off_block + taxi_s, taxi_o, eo, z)], True)
    t_roll = off_block + taxi_s + legs.hold_s
    add([(t_roll, taxi_o, eo, z)], True)
    add(_stage(t_roll, taxi_o, eo, eo, z, vr, roll_s), True)
    t, s = nodes[-1][0], nodes[-1][1]
    add(_stage(t, s, eo, mid_u, vr, v2u, ta_u, 4), False)
    nodes[-4:] = [(a, s + (b - s) * squeeze, c, d, g) for a, b, c, d, g in nodes[-4:]]
    t, s = nodes[-1][0], nodes[-1][1]
    add(_stage(t, s, mid_u, cruise, v2u, vc, tb_u), False)
    nodes[-4:] = [(a, s + (b - s) * squeeze, c, d, g) for a, b, c, d, g in nodes[-4:]]
    t, s = nodes[-1][0], nodes[-1][1]
    add([(t + cruise_km / (vc * KT), s + cruise_km * squeeze, cruise, vc)], False)
    t, s = nodes[-1][0], nodes[-1][1]
    add(_stage(t, s, cruise, mid_d, vc, v2d, tb_d), False)
    nodes[-4:] = [(a, s + (b - s) * squeeze, c, d, g) for a, b, c, d, g in nodes[-4:]]
    t, s = nodes[-1][0], nodes[-1][1]
    add(_stage(t, s, mid_d, ed, v2d, vref, ta_d), False)
    nodes[-4:] = [(a, s + (b - s) * squeeze, c, d, g) for a, b, c, d, g in nodes[-4:]]
    t_land, s = nodes[-1][0], nodes[-1][1]
    nodes[-1] = (*nodes[-1][:4], True)
    add(_stage(t_land, s, ed, ed, vref, np.full(n, 20.0), rollout_s), True)
    t, s = nodes[-1][0], nodes[-1][1]
    add([(t + 10, s + (20.0 + vt) / 2 * 10 * KT, ed, vt)], True)
    t, s = nodes[-1][0], nodes[-1][1]
    rest = np.maximum(path_s[:, -1] - s - vt * 5 * KT, 0.0)
    add([(t + rest / (vt * KT), s + rest, ed, vt)], True)
    t, s = nodes[-1][0], nodes[-1][1]
    add([(t + 10, path_s[:, -1], ed, z)], True)

    tt = np.stack([np.broadcast_to(r[0], (n,)) for r in nodes], 1)
    return Trajectories(
        t=tt,
        s=np.stack([np.broadcast_to(r[1], (n,)) for r in nodes], 1),
        alt=np.stack([np.broadcast_to(r[2], (n,)) for r in nodes], 1),
        gs=np.stack([np.broadcast_to(r[3], (n,)) for r in nodes], 1),
        ground=np.stack([np.full(n, r[4]) for r in nodes], 1),
        path=path,
        path_s=path_s,
        takeoff=legs.takeoff.astype(np.float64),
        landing=np.asarray(t_land, dtype=np.float64),
        off_block=off_block,
        on_block=tt[:, -1],
        cruise_ft=cruise,
    )
