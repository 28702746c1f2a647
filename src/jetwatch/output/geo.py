"""Map writers: ``geojson``, ``kml`` and ``geoparquet``, one line per row.

Each row has an ``id`` and a track in :attr:`Output.tracks`: ``[[lon, lat], …]``
(WGS 84, every stored position, in time order); a row without one gets an empty
line. GeoJSON is a FeatureCollection of LineStrings with the row's scalar fields as
properties. KML has one Placemark per row; every text is XML-escaped (callsigns
and registrations come from transponders and registries and are not trusted).
GeoParquet (1.1) is the rows with a ``geometry`` column of WKB LineStrings and the
``geo`` file metadata (CRS: OGC:CRS84, the default).
"""

from __future__ import annotations

import io
import json
import struct
from typing import Any
from xml.sax.saxutils import escape

import numpy as np
import orjson
import pyarrow as pa
import pyarrow.parquet as pq

from jetwatch.output.base import Output, OutputFormatError, writer
from jetwatch.output.tabular import scalar

GEO_VERSION = "1.1.0"


def _track(output: Output, row: dict[str, Any]) -> list[list[float]]:
    if output.tracks is None or "id" not in row:
        raise OutputFormatError("a map format needs rows with an id and their tracks")
    return output.tracks.get(str(row["id"]), [])


@writer("geojson")
def geojson(output: Output) -> bytes:
    props = scalar(output.rows).to_pylist()
    features = [
        {
            "type": "Feature",
            "id": r["id"],
            "geometry": {"type": "LineString", "coordinates": _track(output, r)},
            "properties": r,
        }
        for r in props
    ]
    doc = {"type": "FeatureCollection", "features": features}
    return orjson.dumps(doc, option=orjson.OPT_NAIVE_UTC | orjson.OPT_UTC_Z)


@writer("kml")
def kml(output: Output) -> bytes:
    parts = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<kml xmlns="http://www.opengis.net/kml/2.2"><Document>',
    ]
    for r in output.rows.to_pylist():
        name, desc = output.describe(r) if output.describe else (str(r["id"]), "")
        coords = " ".join(f"{lon:.6f},{lat:.6f}" for lon, lat in _track(output, r))
        parts.append(
            f"<Placemark><name>{escape(name)}</name><description>{escape(desc)}</description>"
            f"<LineString><tessellate>1</tessellate><coordinates>{coords}"
            "</coordinates></LineString></Placemark>"
        )
    parts.append("</Document></kml>")
    return "\n".join(parts).encode()


def wkb_linestring(points: list[list[float]]) -> bytes:
    """A LineString as WKB, little-endian: byte order, type 2, point count, then
    x (lon) and y (lat) as doubles."""
    coords = np.asarray(points, dtype="<f8").reshape(-1, 2)
    return struct.pack("<BII", 1, 2, len(coords)) + coords.tobytes()


@writer("geoparquet", binary=True)
def geoparquet(output: Output) -> bytes:
    rows = output.rows.to_pylist()
    geometry = pa.array([wkb_linestring(_track(output, r)) for r in rows], pa.binary())
    table = output.rows.append_column("geometry", geometry)
    boxes = [np.asarray(_track(output, r)) for r in rows]
    points = np.concatenate([b for b in boxes if b.size]) if any(b.size for b in boxes) else None
    column: dict[str, Any] = {"encoding": "WKB", "geometry_types": ["LineString"]}
    if points is not None:
        lo, hi = points.min(axis=0), points.max(axis=0)
        column["bbox"] = [float(lo[0]), float(lo[1]), float(hi[0]), float(hi[1])]
    meta = {"version": GEO_VERSION, "primary_column": "geometry", "columns": {"geometry": column}}
    table = table.replace_schema_metadata(
        {**(table.schema.metadata or {}), b"geo": json.dumps(meta).encode()}
    )
    sink = io.BytesIO()
    pq.write_table(table, sink)
    return sink.getvalue()
