"""Field-by-field agreement of jetwatch's decoder with pyModeS and rs1090.

Used by ``test_agreement.py`` and printed by ``bench/agreement.py``. Each rate is
over the messages where both decoders give a value: callsign (TC 1-4), altitude
(DF0/4/16/20 and airborne positions) and squawk (DF5/21) against pyModeS; ground
speed, track and vertical rate (TC 19, subtypes 1-2) against rs1090 (pyModeS
rounds ground speed to whole knots); positions within 5 m of rs1090's, which
pairs CPR messages itself; and the positions rs1090 resolves that jetwatch resolves
too, overall and past the first minute of a track (the two pick different CPR pairs
and references when a track starts).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyModeS
import rs1090

from jetwatch.decode import Decoder
from jetwatch.geo import haversine_km
from jetwatch.messages import K_AIRBORNE, K_ALT, K_IDENT, K_SQUAWK, K_SURFACE, K_VELOCITY
from jetwatch.model import FrameCollector


@dataclass
class Rate:
    agree: int = 0
    compared: int = 0

    def add(self, ok: np.ndarray) -> None:
        self.agree += int(ok.sum())
        self.compared += len(ok)

    @property
    def rate(self) -> float:
        return self.agree / self.compared if self.compared else float("nan")

    def __str__(self) -> str:
        return f"{self.rate:.4%} of {self.compared:,}"


TRACK_START_S = 60.0  # a track starts with an aircraft's first position message, or the first
# after this long without one


def _into_track(icao: np.ndarray, t: np.ndarray, pos: np.ndarray) -> np.ndarray:
    """Seconds since the start of its track, for each position message (else NaN)."""
    out = np.full(len(t), np.nan)
    last: dict[int, float] = {}
    start: dict[int, float] = {}
    for i in np.flatnonzero(pos).tolist():
        a, now = int(icao[i]), float(t[i])
        if a not in last or now - last[a] > TRACK_START_S:
            start[a] = now
        last[a] = now
        out[i] = now - start[a]
    return out


def compare(
    frames: list[str], times: list[float], reference: tuple[float, float]
) -> dict[str, Rate]:
    collect = FrameCollector()
    for k, (frame, t) in enumerate(zip(frames, times, strict=True)):
        collect.add(bytes.fromhex(frame), t, k)
    batch = collect.batch()
    decoder = Decoder()
    _, _, m = decoder.decode(batch, keep_all=True)
    assert m is not None
    rates = {k: Rate() for k in ("callsign", "altitude", "squawk", "speed", "track", "vrate")}
    rates["position within 5 m"] = Rate()
    rates["positions rs1090 also has"] = Rate()
    rates["positions rs1090 also has, past a track's first minute"] = Rate()
    theirs = [pyModeS.decode(frames[r]) for r in m.row.tolist()]

    def both(kind_mask: np.ndarray, key: str, mine: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        idx = [i for i in np.flatnonzero(kind_mask) if theirs[i].get(key) is not None]
        return np.array(idx, dtype=int), np.array([theirs[i][key] for i in idx])

    idx, ref = both(m.kind == K_IDENT, "callsign", m.callsign)
    rates["callsign"].add(np.array([m.callsign[i].decode().strip() for i in idx]) == ref)
    alt = (m.kind == K_ALT) | ((m.kind == K_AIRBORNE) & ~np.isnan(m.altitude))
    idx, ref = both(alt, "altitude", m.altitude)
    rates["altitude"].add(m.altitude[idx] == ref)
    idx, ref = both(m.kind == K_SQUAWK, "squawk", m.squawk)
    rates["squawk"].add(np.array([m.squawk[i].decode() for i in idx]) == ref)
    out = rs1090.decode(frames, times, reference=reference)
    ours = [out[r] for r in m.row.tolist()]
    vel = np.flatnonzero((m.kind == K_VELOCITY) & ~np.isnan(m.gs))
    for name, key, mine, tol in (
        ("speed", "groundspeed", m.gs, 1e-6),
        ("track", "track", m.track, 1e-6),
        ("vrate", "vertical_rate", m.vrate, 1e-6),
    ):
        idx = np.array([i for i in vel if ours[i].get(key) is not None], dtype=int)
        ref = np.array([ours[i][key] for i in idx], dtype=float)
        rates[name].add(np.abs(mine[idx] - ref) <= tol)

    lat = np.array([o.get("latitude") or np.nan for o in ours])
    lon = np.array([o.get("longitude") or np.nan for o in ours])
    pos = (m.kind == K_AIRBORNE) | (m.kind == K_SURFACE)
    theirs_ok = pos & ~np.isnan(lat)
    rates["positions rs1090 also has"].add(~np.isnan(m.lat[theirs_ok]))
    settled = theirs_ok & (_into_track(m.icao, m.time, pos) > TRACK_START_S)
    rates["positions rs1090 also has, past a track's first minute"].add(~np.isnan(m.lat[settled]))
    common = theirs_ok & ~np.isnan(m.lat)
    dist_m = haversine_km(lat[common], lon[common], m.lat[common], m.lon[common]) * 1000
    rates["position within 5 m"].add(dist_m <= 5.0)
    return rates
