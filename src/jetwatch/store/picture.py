"""The live picture the web app's API reads from the store, as set-based SQL.

:func:`aircraft` is the live picture: the latest position of every aircraft seen in
the ``minutes`` (default 5) before ``at``. ``at`` defaults to the latest position in
the store, so a replayed or simulated day shows its own "now". The web app caches it
for a second, as readsb rewrites its ``aircraft.json``, and :func:`select` filters
it in memory. Filters follow readsb's API where they overlap:

- ``circle=lat,lon,radius_nm``;
- ``box=lat_min,lat_max,lon_min,lon_max``;
- ``find_hex``, ``find_reg`` (hyphens ignored) and ``find_type``.

Each row carries registry data, class and watch categories. ``trail`` adds the last
positions of one aircraft, for the map's trails.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import duckdb
import numpy as np

from jetwatch.errors import JetwatchError
from jetwatch.geo import haversine_km

KM_PER_NM = 1.852


class QueryError(JetwatchError, ValueError):
    """A query parameter the API cannot use."""


def _floats(text: str, n: int, name: str) -> list[float]:
    try:
        values = [float(v) for v in text.split(",")]
    except ValueError:
        raise QueryError(f"{name} needs {n} numbers separated by commas", value=text) from None
    if len(values) != n:
        raise QueryError(f"{name} needs {n} numbers separated by commas", value=text)
    return values


def latest(con: duckdb.DuckDBPyConnection) -> dt.datetime | None:
    row = con.execute("SELECT max(time) FROM positions").fetchall()
    return row[0][0] if row else None


def aircraft(
    con: duckdb.DuckDBPyConnection, *, at: dt.datetime | None = None, minutes: float = 5.0
) -> list[dict[str, Any]]:
    """The latest position of every aircraft seen in the ``minutes`` before ``at``."""
    now = at or latest(con)
    if now is None:
        return []
    sql = """
        WITH last AS (
            SELECT p.icao24, arg_max(p.time, p.time) AS time, arg_max(p.lat, p.time) AS lat,
                arg_max(p.lon, p.time) AS lon, arg_max(p.altitude, p.time) AS altitude,
                arg_max(p.ground_speed, p.time) AS ground_speed,
                arg_max(p.track, p.time) AS track,
                arg_max(p.vertical_rate, p.time) AS vertical_rate,
                arg_max(p.on_ground, p.time) AS on_ground,
                arg_max(p.squawk, p.time) AS squawk,
                arg_max(p.callsign, p.time) FILTER (p.callsign IS NOT NULL) AS callsign,
                arg_max(p.category, p.time) FILTER (p.category IS NOT NULL) AS emitter,
                arg_max(p.source, p.time) AS source
            FROM positions p WHERE p.time BETWEEN ? AND ? GROUP BY p.icao24
        )
        SELECT l.*, a.registration, a.typecode, a.operator,
            coalesce(a.categories, []) AS categories, coalesce(c.class, 'unknown') AS class
        FROM last l LEFT JOIN aircraft a USING (icao24) LEFT JOIN aircraft_classes c USING (icao24)
        ORDER BY l.icao24
    """
    rel = con.execute(sql, [now - dt.timedelta(minutes=minutes), now])
    names = [d[0] for d in rel.description]
    return [jsonable(dict(zip(names, row, strict=True))) for row in rel.fetchall()]


def select(
    rows: list[dict[str, Any]],
    *,
    circle: str | None = None,
    box: str | None = None,
    find_hex: str | None = None,
    find_reg: str | None = None,
    find_type: str | None = None,
    cls: str | None = None,
    category: str | None = None,
) -> list[dict[str, Any]]:
    """The rows that pass readsb-style filters (in memory: the live picture is cached)."""
    out = rows
    if find_hex:
        out = [r for r in out if r["icao24"] == find_hex.lower()]
    if find_reg:
        want = find_reg.replace("-", "").upper()
        out = [r for r in out if (r["registration"] or "").replace("-", "").upper() == want]
    if find_type:
        out = [r for r in out if (r["typecode"] or "").upper() == find_type.upper()]
    if cls:
        out = [r for r in out if r["class"] == cls]
    if category:
        out = [r for r in out if category.lower() in [c.lower() for c in r["categories"]]]
    if box:
        lat0, lat1, lon0, lon1 = _floats(box, 4, "box")
        out = [r for r in out if lat0 <= r["lat"] <= lat1 and lon0 <= r["lon"] <= lon1]
    if circle and out:
        lat, lon, nm = _floats(circle, 3, "circle")
        d = haversine_km(
            np.full(len(out), lat),
            np.full(len(out), lon),
            np.array([r["lat"] for r in out]),
            np.array([r["lon"] for r in out]),
        )
        out = [r for r, km in zip(out, d, strict=True) if km <= nm * KM_PER_NM]
    return out


def trail(
    con: duckdb.DuckDBPyConnection,
    icao24: str,
    at: dt.datetime | None = None,
    minutes: float = 30.0,
) -> list[list[float | None]]:
    """``[lon, lat, altitude]`` of one aircraft over the ``minutes`` before ``at``."""
    now = at or latest(con)
    if now is None:
        return []
    rows = con.execute(
        "SELECT lon, lat, altitude FROM positions WHERE icao24 = lower(?) AND time BETWEEN ? AND ? "
        "ORDER BY time",
        [icao24, now - dt.timedelta(minutes=minutes), now],
    ).fetchall()
    step = max(1, len(rows) // 500)
    return [[lon, lat, alt] for lon, lat, alt in rows[::step]]


def trails(
    con: duckdb.DuckDBPyConnection,
    at: dt.datetime | None = None,
    minutes: float = 10.0,
    every_s: float = 15.0,
) -> dict[str, list[list[float | None]]]:
    """Every aircraft's ``[lon, lat, altitude ft, on ground (1/0/None)]`` over the
    ``minutes`` before ``at``, oldest first: its first position in each ``every_s``
    seconds (what a map needs to draw the trails of all traffic at once)."""
    now = at or latest(con)
    if now is None:
        return {}
    rows = con.execute(
        """
        SELECT icao24, list([lon, lat, altitude, on_ground::DOUBLE] ORDER BY t)
        FROM (
            SELECT icao24, min(time) AS t, arg_min(lon, time) AS lon, arg_min(lat, time) AS lat,
                arg_min(altitude, time) AS altitude, arg_min(on_ground, time) AS on_ground
            FROM positions WHERE time BETWEEN ? AND ?
            GROUP BY icao24, floor(epoch(time) / ?)
        )
        GROUP BY icao24
        """,
        [now - dt.timedelta(minutes=minutes), now, every_s],
    ).fetchall()
    return dict(rows)


def jsonable(row: dict[str, Any]) -> dict[str, Any]:
    """``row`` with its date-times as ISO 8601 UTC text ending in ``Z`` (in place)."""
    for k, v in row.items():
        if isinstance(v, dt.datetime):
            row[k] = v.isoformat() + "Z"
    return row
