"""One row per flight from a segmentation (:func:`jetwatch.flights.segment.split`).

A flight is a segment part with at least one airborne position; its ground
positions are all taxi-out (before the first airborne one) or taxi-in (after the
last), since ground runs between airborne ones were split. Parts are contiguous in
the sorted positions, so every figure is a ``reduceat`` over them:

- timing and coverage: first and last seen, positions, gaps over 60 s, the longest
  gap (s), the path (km, to the metre) summed within the flight;
- ``max_altitude`` (ft, airborne positions), ``touch_and_go``, the distinct
  callsigns (sorted), whether it starts or ends airborne;
- ``takeoff`` / ``landing``: the midpoint of an observed transition (at most
  ``transition_s`` between the last ground and first airborne position);
- the end points that :mod:`jetwatch.flights.airports` places: the first and last
  airborne positions (``air_first``/``air_last``: lat, lon, altitude, track,
  vertical rate, time) and the last taxi-out and first taxi-in positions
  (``ground_before``/``ground_after``).

:data:`SCHEMA` is what :func:`flights` returns, the input of ``airports.assign``
and ``build.compose``.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from jetwatch.arrays import Ints, changes
from jetwatch.flights.segment import Settings, Split, half, split

TIME = pa.timestamp("us")
END = pa.struct(
    [
        ("lat", pa.float64()),
        ("lon", pa.float64()),
        ("altitude", pa.int32()),
        ("track", pa.float32()),
        ("vrate", pa.int32()),
        ("time", TIME),
    ]
)
GROUND = pa.struct([("lat", pa.float64()), ("lon", pa.float64())])
SCHEMA = pa.schema(
    [
        ("icao24", pa.string()),
        ("flight_no", TIME),
        ("first_seen", TIME),
        ("last_seen", TIME),
        ("positions", pa.int64()),
        ("max_altitude", pa.int32()),
        ("path_km", pa.float64()),
        ("gaps", pa.int64()),
        ("longest_gap_s", pa.float64()),
        ("callsigns", pa.list_(pa.string())),
        ("touch_and_go", pa.int64()),
        ("starts_airborne", pa.bool_()),
        ("ends_airborne", pa.bool_()),
        ("takeoff", TIME),
        ("landing", TIME),
        ("air_first", END),
        ("air_last", END),
        ("ground_before", GROUND),
        ("ground_after", GROUND),
        ("ground_positions", pa.int64()),
    ]
)


def flights(table: pa.Table, s: Settings) -> tuple[pa.Table, int]:
    """The flights of ``table`` (positions sorted by ``icao24``, then ``time``) and
    how many positions were left out as impossible."""
    p = split(table, s)
    n = len(p.rows)
    if not n:
        return SCHEMA.empty_table(), p.excluded
    fs = np.flatnonzero(p.flight_break)  # every part; those with no airborne position go
    fe = np.append(fs[1:], n)
    at = np.arange(n)
    cont = ~p.flight_break

    def first(mask: np.ndarray) -> Ints:  # first index in each part where mask, else -1
        i = np.minimum.reduceat(np.where(mask, at, n), fs)
        return np.where(i < fe, i, -1)

    def last(mask: np.ndarray) -> Ints:
        i = np.maximum.reduceat(np.where(mask, at, -1), fs)
        return np.where(i >= fs, i, -1)

    def count(mask: np.ndarray) -> Ints:
        return np.add.reduceat(mask.astype(np.int64), fs)

    top = np.fmax.reduceat(np.where(p.g, np.nan, p.altitude), fs)
    path = np.add.reduceat(np.where(cont, p.step_km, 0.0), fs)
    near = cont & (p.dt <= s.transition_s) & p.run_first
    gap = p.time - np.append(p.time[:1], p.time[:-1])  # µs since the previous position
    middle = p.time - gap + half(gap)
    off = first(~p.g & near)
    on = last(p.g & near)
    columns = {
        "icao24": table["icao24"].take(p.rows[fs]),
        "flight_no": _times(p.flight_no[fs]),
        "first_seen": _times(p.time[fs]),
        "last_seen": _times(p.time[fe - 1]),
        "positions": fe - fs,
        "max_altitude": pa.array(top, pa.float64(), from_pandas=True).cast(pa.int32()),
        "path_km": np.sign(path) * np.floor(np.abs(path) * 1000 + 0.5) / 1000,
        "gaps": count(cont & (p.dt > 60)),
        "longest_gap_s": np.maximum.reduceat(np.where(cont, p.dt, 0.0), fs),
        "callsigns": _callsigns(table, p, fs, fe),
        "touch_and_go": count(p.touch_go),
        "starts_airborne": ~p.g[fs],
        "ends_airborne": ~p.g[fe - 1],
        "takeoff": _times(middle[off], off < 0),
        "landing": _times(middle[on], on < 0),
        "air_first": _end(table, p, first(~p.g)),
        "air_last": _end(table, p, last(~p.g)),
        "ground_before": _ground(table, p, last(p.taxi_out)),
        "ground_after": _ground(table, p, first(p.taxi_in)),
        "ground_positions": count(p.g),
    }
    found = pa.table(columns, schema=SCHEMA)
    return found.filter(count(~p.g) > 0), p.excluded


def _times(us: Ints, missing: np.ndarray | None = None) -> pa.Array:
    return pa.array(us, pa.int64(), mask=missing).cast(TIME)


def _end(table: pa.Table, p: Split, at: Ints) -> pa.Array:
    """The positions at ``at`` (-1: none) as ``END`` structs."""
    rows = pa.array(p.rows[at], mask=at < 0)
    values = [
        table[c].take(rows).combine_chunks()
        for c in ("lat", "lon", "altitude", "track", "vertical_rate")
    ]
    values.append(_times(p.time[at], at < 0))
    return pa.StructArray.from_arrays(
        [v.cast(f.type) for v, f in zip(values, END, strict=True)],
        fields=list(END),
        mask=pa.array(at < 0),
    )


def _ground(table: pa.Table, p: Split, at: Ints) -> pa.Array:
    rows = pa.array(p.rows[at], mask=at < 0)
    values = [table[c].take(rows).combine_chunks().cast(pa.float64()) for c in ("lat", "lon")]
    return pa.StructArray.from_arrays(values, fields=list(GROUND), mask=pa.array(at < 0))


def _callsigns(table: pa.Table, p: Split, fs: Ints, fe: Ints) -> pa.Array:
    """Each flight's distinct callsigns, sorted: those where the callsign changes or
    a part begins."""
    calls = table["callsign"]
    calls = (calls if len(p.rows) == len(calls) else calls.take(p.rows)).combine_chunks()
    at = np.flatnonzero((changes(calls) | p.flight_break) & np.asarray(calls.is_valid()))
    flight = np.searchsorted(fs, at, side="right") - 1
    inside = (flight >= 0) & (at < fe[np.maximum(flight, 0)])
    pairs = pa.table({"f": flight[inside], "c": calls.take(at[inside])})
    pairs = (
        pairs.group_by(["f", "c"]).aggregate([]).sort_by([("f", "ascending"), ("c", "ascending")])
    )
    offsets = np.searchsorted(np.asarray(pairs["f"]), np.arange(len(fs) + 1))
    return pa.ListArray.from_arrays(pa.array(offsets, pa.int32()), pairs["c"].combine_chunks())
