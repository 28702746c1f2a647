"""Flight listings for the output layer (:mod:`jetwatch.output`): the rows of
:func:`jetwatch.flights.query.query` with their tracks for the map formats, and how
a flight is named on a map."""

from __future__ import annotations

from typing import Any

import pyarrow as pa

from jetwatch.output import Output
from jetwatch.store.db import Store

FORMATS = ("table", "csv", "json", "jsonl", "parquet", "geojson", "kml", "geoparquet")
MAPS = ("geojson", "kml", "geoparquet")


def tracks(store: Store, ids: list[str]) -> dict[str, list[list[float]]]:
    """``[lon, lat]`` of every position of each flight id, in time order."""
    if not ids:
        return {}
    rows = store.con.execute(
        """
        SELECT f.id, list([p.lon, p.lat] ORDER BY p.time)
        FROM (SELECT * FROM flights WHERE list_contains(?, id)) f
        JOIN positions p ON p.icao24 = f.icao24 AND p.time BETWEEN f.first_seen AND f.last_seen
        GROUP BY f.id
        """,
        [ids],
    ).fetchall()
    return {r[0]: r[1] for r in rows}


def describe(r: dict[str, Any]) -> tuple[str, str]:
    """A flight's name and description on a map."""
    name = f"{r['registration'] or r['icao24']} {r['callsign'] or ''}".strip()
    return name, f"{r['origin'] or '?'} to {r['destination'] or '?'}, take-off {r['takeoff']}"


def output(store: Store, table: pa.Table, fmt: str) -> Output:
    """A flights listing ready for ``fmt`` (tracks are read only for the map formats)."""
    paths = tracks(store, table.column("id").to_pylist()) if fmt in MAPS else None
    return Output(table, tracks=paths, describe=describe)
