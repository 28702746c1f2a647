"""Airports and the "nearest airports within r km" lookup, set-based in DuckDB.

Airports come from the ``airportsdata`` package (28,000 ICAO-coded airports: ICAO
and IATA codes, name, city, ISO country, elevation in ft, position, time zone);
OurAirports ``airports.csv`` can be added for heliports and small fields.

The lookup joins points to airports through a grid of 0.5 deg cells. A point is
compared with the airports of every cell within ``r`` of it: one cell of latitude
either side (for r <= 55 km) and as many cells of longitude as ``r`` spans at the
point's latitude (cells narrow towards the poles). Distances are great-circle
(haversine, km); the ``k`` nearest within ``r`` are kept with a window function. It
serves millions of points per call without a loop over them.
"""

from __future__ import annotations

import functools
import math
from pathlib import Path

import airportsdata
import duckdb
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from jetwatch.errors import JetwatchError
from jetwatch.units import EARTH_RADIUS_KM

CELL_DEG = 0.5
KM_PER_DEG = math.pi * EARTH_RADIUS_KM / 180.0
MAX_RADIUS_KM = CELL_DEG * KM_PER_DEG  # one cell of latitude either side

COLUMNS = ("icao", "iata", "name", "city", "country", "elevation_ft", "lat", "lon", "tz", "source")


@functools.cache
def load() -> pa.Table:
    """Every airport of the ``airportsdata`` package, as an Arrow table (read once).

    Its ``airports.csv`` is read with Arrow's CSV reader (28,000 rows in
    milliseconds; the package's own ``load``, a ``csv.DictReader`` loop, took a
    quarter of a second of every flights build). Rows without an ICAO code are
    dropped, as the package drops them; should a code ever appear twice, the
    package's own loader is used, so that its rule for duplicates (the last row
    wins) still holds."""
    path = Path(airportsdata.__file__).parent / "airports.csv"
    text = {c: pa.string() for c in ("icao", "iata", "name", "city", "country", "tz")}
    floats = {c: pa.float64() for c in ("elevation", "lat", "lon")}
    read = pacsv.read_csv(
        path,
        convert_options=pacsv.ConvertOptions(
            column_types=text | floats, include_columns=[*text, *floats]
        ),
    )
    read = read.filter(pc.not_equal(read["icao"], ""))
    if pc.count_distinct(read["icao"]).as_py() != read.num_rows:
        return _load_by_package()

    def blank_null(name: str) -> pa.ChunkedArray:
        column = read[name]
        return pc.if_else(pc.equal(column, ""), pa.scalar(None, pa.string()), column)

    return pa.table(
        {
            "icao": read["icao"],
            "iata": blank_null("iata"),
            "name": read["name"],
            "city": blank_null("city"),
            "country": read["country"],
            "elevation_ft": read["elevation"],
            "lat": read["lat"],
            "lon": read["lon"],
            "tz": blank_null("tz"),
            "source": pa.array(["airportsdata"] * read.num_rows),
        }
    ).combine_chunks()


def _load_by_package() -> pa.Table:
    rows = airportsdata.load("ICAO").values()
    return pa.table(
        {
            "icao": [a["icao"] for a in rows],
            "iata": [a["iata"] or None for a in rows],
            "name": [a["name"] for a in rows],
            "city": [a["city"] or None for a in rows],
            "country": [a["country"] for a in rows],
            "elevation_ft": pa.array([a["elevation"] for a in rows], pa.float64()),
            "lat": pa.array([a["lat"] for a in rows], pa.float64()),
            "lon": pa.array([a["lon"] for a in rows], pa.float64()),
            "tz": [a["tz"] or None for a in rows],
            "source": ["airportsdata"] * len(rows),
        }
    )


def load_ourairports(path: Path) -> pa.Table:
    """OurAirports ``airports.csv`` (ident, name, latitude_deg, …) as an airports table."""
    rel = duckdb.connect().sql(
        "SELECT ident AS icao, nullif(iata_code, '') AS iata, name, "
        "nullif(municipality, '') AS city, iso_country AS country, "
        "CAST(elevation_ft AS DOUBLE) AS elevation_ft, CAST(latitude_deg AS DOUBLE) AS lat, "
        "CAST(longitude_deg AS DOUBLE) AS lon, CAST(NULL AS VARCHAR) AS tz, "
        "'ourairports' AS source FROM read_csv(?, header=true, all_varchar=true)",
        params=[str(path)],
    )
    if rel is None:
        raise JetwatchError("no rows", where=str(path))
    return rel.to_arrow_table()


def with_extra(base: pa.Table, extra: pa.Table) -> pa.Table:
    """``base`` plus the airports of ``extra`` whose code it lacks (heliports, strips)."""
    known = set(base.column("icao").to_pylist())
    keep = [code not in known for code in extra.column("icao").to_pylist()]
    return pa.concat_tables([base, extra.filter(pa.array(keep)).cast(base.schema)])


class Airports:
    """An airports table with the grid lookup, in a DuckDB connection of its own."""

    def __init__(self, table: pa.Table | None = None, extra: Path | None = None) -> None:
        table = load() if table is None else table
        self.table = table if extra is None else with_extra(table, load_ourairports(extra))
        self._index: dict[str, dict[str, object]] | None = None
        self.con = duckdb.connect()
        self.con.register("airports_src", self.table)
        self.con.execute(
            f"CREATE TABLE airports AS SELECT *, CAST(floor(lat / {CELL_DEG}) AS INTEGER) AS "
            f"cy, CAST(floor(lon / {CELL_DEG}) AS INTEGER) AS cx FROM airports_src"
        )

    def get(self, icao: str) -> dict[str, object] | None:
        """The airport of an ICAO code (any case), or None."""
        if self._index is None:  # built on first use: one lookup is then a dict's
            rows = self.table.select(list(COLUMNS)).to_pylist()
            self._index = {}
            for row in rows:
                self._index.setdefault(str(row["icao"]), row)  # the first of a code wins
        found = self._index.get(icao.upper())
        return dict(found) if found is not None else None

    def nearest(self, points: pa.Table, radius_km: float, k: int = 1) -> pa.Table:
        """The ``k`` nearest airports within ``radius_km`` of each point.

        ``points`` has ``lat`` and ``lon`` (and any other columns, returned as they
        are); the result has one row per (point, airport) pair with the point's
        columns, the airport's ``icao``, ``name``, ``country``, ``elevation_ft``,
        ``distance_km`` and ``rank`` (1 = nearest). Points with no airport in range
        are absent.
        """
        if not 0 < radius_km <= MAX_RADIUS_KM:
            raise JetwatchError(f"radius must be in (0, {MAX_RADIUS_KM:.0f}] km", value=radius_km)
        self.con.register("points_src", points)
        try:
            rel = self.con.sql(
                f"""
                WITH p AS (
                    SELECT *, row_number() OVER () AS _pid,
                        CAST(floor(lat / {CELL_DEG}) AS INTEGER) AS _cy,
                        CAST(floor(lon / {CELL_DEG}) AS INTEGER) AS _cx,
                        CAST(least(ceil($r / ({KM_PER_DEG} * {CELL_DEG}
                            * cos(radians(least(abs(lat) + {CELL_DEG}, 89.9))))),
                            {int(180 / CELL_DEG)}) AS INTEGER) AS _nx
                    FROM points_src WHERE lat IS NOT NULL AND lon IS NOT NULL
                ),
                cells AS (
                    SELECT p.*, _cy + dy AS cy, _cx + dx AS cx
                    FROM p, range(-1, 2) AS ry(dy), LATERAL range(-_nx, _nx + 1) AS rx(dx)
                ),
                pairs AS (
                    SELECT c.* EXCLUDE (cy, cx, _cy, _cx, _nx),
                        a.icao, a.name AS airport_name, a.country AS airport_country,
                        a.elevation_ft AS airport_elevation_ft,
                        2 * {EARTH_RADIUS_KM} * asin(sqrt(
                            pow(sin(radians(a.lat - c.lat) / 2), 2)
                            + cos(radians(c.lat)) * cos(radians(a.lat))
                            * pow(sin(radians(a.lon - c.lon) / 2), 2))) AS distance_km
                    FROM cells c JOIN airports a
                      ON a.cy = c.cy
                     AND a.cx = ((c.cx + {int(360 / CELL_DEG / 2)}) % {int(360 / CELL_DEG)}
                                 + {int(360 / CELL_DEG)}) % {int(360 / CELL_DEG)}
                                 - {int(360 / CELL_DEG / 2)}
                )
                SELECT * EXCLUDE (_pid),
                    row_number() OVER (PARTITION BY _pid ORDER BY distance_km, icao) AS rank
                FROM pairs WHERE distance_km <= $r
                QUALIFY rank <= $k
                ORDER BY _pid, rank
                """,
                params={"r": radius_km, "k": k},
            )
            assert rel is not None  # a SELECT always gives a relation
            return rel.to_arrow_table()
        finally:
            self.con.unregister("points_src")
