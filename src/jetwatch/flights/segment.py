"""Segmentation: positions into flights, in one vectorised pass over sorted arrays.

Per aircraft, ordered by time:

1. **Impossible values** (altitude below -2,000 ft or above 60,000 ft, ground speed
   above Mach 3 = 2,000 kt) are left out; they stay in the store and are counted.
2. **Duplicates** from several feeds: one position per aircraft and second (the
   earliest).
3. **Segments** break where the track cannot be one continuous observation: a gap
   longer than ``max_gap_s`` (2 h: never across a night), a gap longer than
   ``ground_gap_s`` (10 min) with the aircraft on the ground on either side, a gap
   whose implied speed is impossible (over 1,000 kt: it reappeared far away), or a
   gap over 30 min slower than 60 kt on average (it must have landed).
4. **Ground state** is the on-ground flag (or, without one, a missing altitude),
   cleaned of noise by runs. Between airborne runs, a ground run of fewer than
   three positions is a flag glitch and one shorter than ``touch_go_s`` faster
   than ``touch_go_kt`` a touch-and-go (both airborne; only the second counts in
   ``touch_and_go``). Between ground runs, an airborne run of fewer than three
   positions is a flag glitch (ground).
5. **Flights**: within a segment, a ground run between two airborne runs is split
   at its middle (rounded to the microsecond, half to even): its first half is the
   taxi-in of one flight, the second half the taxi-out of the next. A segment part
   with no airborne position is ground movement, not a flight.

Take-off is the midpoint between the last ground and the first airborne position
when they are at most ``transition_s`` apart (landing likewise); otherwise the
flight starts or ends airborne and the take-off or landing is left to the airport
assignment (:mod:`jetwatch.flights.airports`) to infer. Units: s, ft, kt, km.

:func:`split` works on an Arrow table sorted by ``(icao24, time)``: every rule is
an array operation over the positions, or over the runs (a few per flight), never
a loop over rows. :mod:`.summary` turns its :class:`Split` into one row per
flight. DuckDB's build and Spark's (one call per group of aircraft) run the same
code.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from jetwatch.arrays import Bools, Floats, Ints, changes, floats, micros, shifted
from jetwatch.units import EARTH_RADIUS_KM

KM_PER_NM = 1.852
US = 1_000_000  # microseconds per second


@dataclass(frozen=True)
class Settings:
    max_gap_s: float = 7200.0
    ground_gap_s: float = 600.0
    transition_s: float = 60.0
    touch_go_s: float = 60.0
    touch_go_kt: float = 50.0
    max_speed_kt: float = 1000.0
    min_alt_ft: float = -2000.0
    max_alt_ft: float = 60000.0
    max_gs_kt: float = 2000.0


@dataclass
class Split:
    """The kept positions (``rows`` index the input table) and what each is."""

    rows: Ints  # input row of each kept position
    time: Ints  # µs since the epoch
    dt: Floats  # s since the aircraft's previous kept position (NaN for its first)
    altitude: Floats  # ft, NaN where unknown
    step_km: Floats  # great-circle km from it
    g: Bools  # cleaned ground state
    touch_go: Bools  # first position of a touch-and-go ground run
    run_first: Bools  # first position of a run (cleaned ground state)
    flight_break: Bools  # first position of a segment part (a flight or ground movement)
    flight_no: Ints  # per part: its key (µs), the segment's start or a ground run's middle
    taxi_out: Bools
    taxi_in: Bools
    excluded: int  # positions with impossible values

    @classmethod
    def empty(cls, excluded: int) -> Split:
        none, no, nan = np.zeros(0, np.int64), np.zeros(0, bool), np.zeros(0)
        return cls(none, none, nan, nan, nan, no, no, no, no, none, no, no, excluded)


def _haversine(lat: Floats, lon: Floats) -> Floats:
    """km from each position to the next (the last: NaN); the SQL build's formula."""
    cos = np.cos(np.radians(lat))
    a = np.square(np.sin(np.radians(np.diff(lat)) / 2)) + cos[:-1] * cos[1:] * np.square(
        np.sin(np.radians(np.diff(lon)) / 2)
    )
    return np.append(2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(a)), np.nan)


def half(d: Ints) -> Ints:
    """``d / 2`` rounded half to even, as DuckDB divides an interval."""
    h = d // 2
    return h + ((d & 1) & (h & 1))


def split(table: pa.Table, s: Settings) -> Split:
    """Segment ``table`` (positions sorted by ``icao24``, then ``time``)."""
    aircraft = np.cumsum(changes(table["icao24"]))
    t = micros(table["time"])
    alt, gs = floats(table["altitude"]), floats(table["ground_speed"])
    flag = table["on_ground"]
    g0 = np.where(np.asarray(flag.is_valid()), np.asarray(pc.fill_null(flag, False)), np.isnan(alt))
    possible = (np.isnan(alt) | ((alt >= s.min_alt_ft) & (alt <= s.max_alt_ft))) & (
        np.isnan(gs) | (gs <= s.max_gs_kt)
    )
    excluded = len(t) - int(possible.sum())
    rows = np.flatnonzero(possible)
    sec = np.floor(t[rows] / US)
    one = np.ones(len(rows), dtype=bool)
    one[1:] = (sec[1:] != sec[:-1]) | (aircraft[rows[1:]] != aircraft[rows[:-1]])
    rows = rows[one]
    n = len(rows)
    if not n:
        return Split.empty(excluded)
    if n < len(t):
        t, alt, gs, g0, aircraft = t[rows], alt[rows], gs[rows], g0[rows], aircraft[rows]
    new_ac = shifted(aircraft, -1) != aircraft
    lat, lon = floats(table["lat"]), floats(table["lon"])
    if n < len(lat):
        lat, lon = lat[rows], lon[rows]

    epoch = t / US
    dt = epoch - shifted(epoch, np.nan)
    dt[new_ac] = np.nan
    step = shifted(_haversine(lat, lon), np.nan)
    step[new_ac] = np.nan
    pg0 = shifted(g0, True)
    with np.errstate(divide="ignore", invalid="ignore"):
        kmh = step / (dt / 3600)
    seg_break = (
        new_ac
        | (dt > s.max_gap_s)
        | ((dt > s.ground_gap_s) & (g0 | pg0))
        | ((dt > 60) & (kmh > s.max_speed_kt * KM_PER_NM))
        | ((dt > 1800) & (kmh < 60 * KM_PER_NM))
    )

    # runs of the raw ground state (step 4): starts, ends (exclusive), segments
    rs = np.flatnonzero(seg_break | (g0 != pg0))
    re = np.append(rs[1:], n)
    opens = seg_break[rs]  # the run starts a segment
    seg = np.cumsum(opens) - 1
    count = re - rs
    raw_g = g0[rs]
    fast = np.maximum.reduceat(np.nan_to_num(gs, nan=0.0), rs) > s.touch_go_kt
    short_fast = (epoch[re - 1] - epoch[rs] < s.touch_go_s) & fast
    inside = ~opens & np.append(~opens[1:], False)  # same segment before and after
    between = inside & raw_g
    touch = between & short_fast & (count >= 3)
    g = raw_g.copy()
    g[between & (short_fast | (count < 3))] = False
    g[~raw_g & inside & (count < 3)] = True

    # runs of the cleaned state: merged runs, their ends and middles, per segment
    ms = np.flatnonzero(opens | (g != shifted(g, True)))
    m_open = opens[ms]
    m_g = g[ms]
    m_start = rs[ms]
    m_last = re[np.append(ms[1:], len(rs)) - 1] - 1
    mid = t[m_start] + half(t[m_last] - t[m_start])
    m_seg = seg[ms]
    k = np.arange(len(ms))
    first_seg = np.flatnonzero(m_open)
    first_air = np.minimum.reduceat(np.where(m_g, len(ms), k), first_seg)[m_seg]
    last_air = np.maximum.reduceat(np.where(m_g, -1, k), first_seg)[m_seg]
    inner = m_g & (k > first_air) & (k < last_air)
    keyed = m_open | shifted(inner, False)
    key = np.where(m_open, t[m_start], shifted(mid, 0))
    key = key[np.maximum.accumulate(np.where(keyed, k, 0))]

    # back to positions
    starts = np.zeros(n, dtype=bool)
    starts[m_start] = True
    m = np.cumsum(starts) - 1
    after_mid = inner[m] & (t >= mid[m])
    before = shifted(t, np.iinfo(np.int64).min)
    touch_go = np.zeros(n, dtype=bool)
    touch_go[rs[touch]] = True
    run_starts = np.zeros(n, dtype=bool)
    run_starts[rs] = True
    gp = g[np.cumsum(run_starts) - 1]
    return Split(
        rows=rows,
        time=t,
        dt=dt,
        altitude=alt,
        step_km=step,
        g=gp,
        touch_go=touch_go,
        run_first=starts,
        flight_break=seg_break | (after_mid & (before < mid[m])),
        flight_no=np.where(after_mid, mid[m], key[m]),
        taxi_out=gp & ((m < first_air[m]) | after_mid),
        taxi_in=gp & ((m > last_air[m]) | (inner[m] & (t < mid[m]))),
        excluded=excluded,
    )
