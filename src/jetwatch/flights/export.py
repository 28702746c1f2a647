"""Flight listings as CSV, JSON, Parquet, GeoJSON or KML.

CSV, JSON (an array of objects, times in ISO 8601 UTC) and Parquet hold the
listing's columns. GeoJSON is a FeatureCollection of LineStrings, one per flight,
coordinates ``[lon, lat]`` (every stored position), with the
listing's fields as properties. KML has one Placemark per flight with its
track; every text is XML-escaped (callsigns and registrations come from
transponders and registries and are not trusted).
"""

from __future__ import annotations

import io
from xml.sax.saxutils import escape

import orjson
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from jetwatch.store.db import Store

FORMATS = ("table", "csv", "json", "parquet", "geojson", "kml")
LISTED: tuple[str, ...] = (
    "id",
    "icao24",
    "registration",
    "typecode",
    "class",
    "operator",
    "callsign",
    "origin",
    "destination",
    "takeoff",
    "landing",
    "first_seen",
    "last_seen",
    "origin_method",
    "origin_confidence",
    "destination_method",
    "destination_confidence",
    "positions",
    "max_altitude",
    "path_km",
)


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


def write(store: Store, table: pa.Table, fmt: str) -> bytes:
    rows = table.select([c for c in table.column_names if c != "callsigns"])
    if fmt == "csv":
        sink = io.BytesIO()
        pacsv.write_csv(rows, sink)
        return sink.getvalue()
    if fmt == "json":
        options = orjson.OPT_INDENT_2 | orjson.OPT_NAIVE_UTC | orjson.OPT_UTC_Z
        return orjson.dumps(rows.to_pylist(), option=options)
    if fmt == "parquet":
        sink = io.BytesIO()
        pq.write_table(table, sink)
        return sink.getvalue()
    records = rows.to_pylist()
    paths = tracks(store, [r["id"] for r in records])
    if fmt == "geojson":
        features = [
            {
                "type": "Feature",
                "id": r["id"],
                "geometry": {"type": "LineString", "coordinates": paths.get(r["id"], [])},
                "properties": {k: r[k] for k in LISTED if k in r},
            }
            for r in records
        ]
        doc = {"type": "FeatureCollection", "features": features}
        return orjson.dumps(doc, option=orjson.OPT_NAIVE_UTC | orjson.OPT_UTC_Z)
    if fmt == "kml":
        parts = [
            '<?xml version="1.0" encoding="UTF-8"?>',
            '<kml xmlns="http://www.opengis.net/kml/2.2"><Document>',
        ]
        for r in records:
            name = f"{r['registration'] or r['icao24']} {r['callsign'] or ''}".strip()
            desc = f"{r['origin'] or '?'} to {r['destination'] or '?'}, take-off {r['takeoff']}"
            coords = " ".join(f"{lon:.6f},{lat:.6f}" for lon, lat in paths.get(r["id"], []))
            parts.append(
                f"<Placemark><name>{escape(name)}</name><description>{escape(desc)}</description>"
                f"<LineString><tessellate>1</tessellate><coordinates>{coords}"
                "</coordinates></LineString></Placemark>"
            )
        parts.append("</Document></kml>")
        return "\n".join(parts).encode()
    raise ValueError(f"unknown format {fmt!r}; known: {', '.join(FORMATS)}")
