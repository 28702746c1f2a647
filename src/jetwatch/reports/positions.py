"""The positions a report draws, thinned in SQL so a long day stays a small file.

- :func:`tracks`: each flight's ``(lon, lat)`` between its first and last position,
  at most ``MAX_TRACK_POINTS`` per flight (every n-th row, plus the first and last);
- :func:`profile`: one aircraft's ``(seconds since since, altitude ft)`` over a
  period, at most ``MAX_PROFILE_POINTS`` (altitudes of ground positions are 0);
- :func:`airports`: the known airports the flights left from or went to, to label;
- :func:`towns`: the towns around the tracks, for the basemap, and :func:`track_map`
  the map (:mod:`.trackmap`) with them.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Sequence
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from jetwatch.exodus.departures import places
from jetwatch.reference.airports import Airports
from jetwatch.reports import trackmap
from jetwatch.store.db import Store

MAX_TRACK_POINTS = 300
MAX_PROFILE_POINTS = 1500


def tracks(store: Store, ids: list[str]) -> dict[str, list[tuple[float, float]]]:
    """Each flight's positions, thinned to at most ``MAX_TRACK_POINTS``."""
    if not ids:
        return {}
    rows = store.con.execute(
        f"""
        WITH f AS (
            SELECT id, icao24, first_seen, last_seen FROM flights WHERE list_contains(?, id)
        ),
        p AS (
            SELECT f.id, p.time, p.lon, p.lat,
                row_number() OVER (PARTITION BY f.id ORDER BY p.time) AS k,
                count(*) OVER (PARTITION BY f.id) AS n
            FROM positions p JOIN f ON p.icao24 = f.icao24
                AND p.time BETWEEN f.first_seen AND f.last_seen
        )
        SELECT id, lon, lat FROM p
        WHERE k % greatest(1, n // {MAX_TRACK_POINTS}) = 0 OR k = 1 OR k = n
        ORDER BY id, time
        """,
        [ids],
    ).fetchall()
    out: dict[str, list[tuple[float, float]]] = {}
    for ident, lon, lat in rows:
        out.setdefault(ident, []).append((lon, lat))
    return out


def profile(
    store: Store, icao24: str, since: dt.datetime, until: dt.datetime
) -> list[tuple[float, float]]:
    """The aircraft's altitude over ``[since, until)``, thinned."""
    rows = store.con.execute(
        f"""
        WITH p AS (
            SELECT epoch(time) - epoch(?::TIMESTAMP) AS s,
                CASE WHEN on_ground THEN 0 ELSE altitude END AS alt,
                row_number() OVER (ORDER BY time) AS k, count(*) OVER () AS n
            FROM positions
            WHERE icao24 = ? AND time >= ? AND time < ?
                AND (altitude IS NOT NULL OR on_ground)
        )
        SELECT s, alt FROM p
        WHERE k % greatest(1, n // {MAX_PROFILE_POINTS}) = 0 OR k = 1 OR k = n
        ORDER BY s
        """,
        [since, icao24, since, until],
    ).fetchall()
    return [(float(s), float(a)) for s, a in rows]


def airports(flights: list[dict[str, Any]]) -> list[tuple[str, float, float]]:
    """``(code, lon, lat)`` of every known origin and destination of ``flights``."""
    codes = sorted({c for f in flights for c in (f["origin"], f["destination"]) if c})
    out = []
    for code in codes:
        a = places().get(code)
        if a is not None:
            out.append((code, float(a["lon"]), float(a["lat"])))  # type: ignore[arg-type]
    return out


@functools.cache
def _towns() -> pa.Table:
    """Municipalities of airports with an IATA code: mean position, number of airports."""
    t = Airports().table
    served = t.filter(pc.and_(pc.is_valid(t["iata"]), pc.is_valid(t["city"])))
    served = served.filter(pc.not_equal(served["iata"], ""))
    grouped = served.group_by(["city", "country"]).aggregate(
        [("lat", "mean"), ("lon", "mean"), ("iata", "count")]
    )
    return grouped.sort_by([("iata_count", "descending"), ("city", "ascending")])


def towns(
    points: Sequence[tuple[float, float]], margin_deg: float = 10.0, most: int = 400
) -> list[tuple[str, float, float]]:
    """``(name, lon, lat)`` of the towns within ``margin_deg`` of ``points`` (lon, lat),
    the most served first."""
    if not points:
        return []
    t = _towns()
    lon, lat = t["lon_mean"], t["lat_mean"]
    inside = pc.and_(
        pc.and_(
            pc.greater_equal(lon, min(p[0] for p in points) - margin_deg),
            pc.less_equal(lon, max(p[0] for p in points) + margin_deg),
        ),
        pc.and_(
            pc.greater_equal(lat, min(p[1] for p in points) - margin_deg),
            pc.less_equal(lat, max(p[1] for p in points) + margin_deg),
        ),
    )
    near = t.filter(inside).slice(0, most)
    return list(
        zip(
            near["city"].to_pylist(),
            near["lon_mean"].to_pylist(),
            near["lat_mean"].to_pylist(),
            strict=True,
        )
    )


def track_map(
    tracks: dict[str, list[tuple[float, float]]], ports: list[tuple[str, float, float]]
) -> str:
    """The map of ``tracks`` and the airports they used, with the towns around them."""
    around = [p for t in tracks.values() for p in t] + [(lon, lat) for _, lon, lat in ports]
    return trackmap.track_map(list(tracks.items()), ports, towns(around))
