"""Origin and destination airports of flights, with the method and a confidence.

Each flight has two end points (from :func:`jetwatch.flights.summary.flights`):
the last ground position before take-off (or, if none, the first airborne one)
and the first ground position after landing (or the last airborne one). Candidate
airports within ``radius_km`` come from the grid lookup of
:class:`jetwatch.reference.airports.Airports`; the rest is one SQL statement:

- ``ground``: ground positions within ``ground_km`` (5 km) of an airport: the
  nearest such airport, confidence ``high``.
- ``runway``: no ground position, but the aircraft is low (at most ``low_ft``,
  3,000 ft, above the airport) and on the extended centre line of one of the
  airport's runways (cross-track at most 1.5 km, track within 20 deg of the runway
  heading; after the threshold and climbing for a climb-out, before it and not
  climbing on approach). Among
  close airports (Moscow's are 10-30 km apart) this picks the runway actually
  flown. Confidence ``medium``: the take-off or landing itself was not seen.
- ``nearest``: low (``lost_low_ft``, 1,500 ft) and within ``near_km`` (10 km) of
  an airport, climbing away from it (origin) or not climbing (destination), not
  aligned with a runway of it: confidence ``low``.
- otherwise no airport, with the reason (``starts airborne at 35,000 ft``, ``no
  airport within 30 km``…).

A flight that ends airborne at a ``runway`` or ``nearest`` destination while
descending was "lost low near an airport": its landing is inferred at its last
position (``landing_method = 'lost_low'``), as plane-notify's data-loss rule does,
but marked. A flight first seen low and climbing out of an airport gets an
estimated take-off (``climb_out``): first seen minus height / climb rate. Units:
km, ft, deg, ft/min.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import pyarrow as pa

from jetwatch.reference import runways
from jetwatch.reference.airports import Airports


@dataclass(frozen=True)
class AirportSettings:
    radius_km: float = 30.0
    ground_km: float = 5.0
    near_km: float = 10.0
    low_ft: float = 3000.0
    lost_low_ft: float = 1500.0
    cross_km: float = 1.5
    track_deg: float = 20.0


ENDS_SQL = """
SELECT row_number() OVER () AS end_id, *
FROM (
    SELECT icao24, flight_no, 'origin' AS side,
        coalesce(ground_before.lat, air_first.lat) AS lat,
        coalesce(ground_before.lon, air_first.lon) AS lon,
        ground_before IS NOT NULL AS on_ground,
        air_first.altitude AS altitude, air_first.track AS track, air_first.vrate AS vrate,
        air_first.time AS time
    FROM flights_src
    UNION ALL
    SELECT icao24, flight_no, 'destination',
        coalesce(ground_after.lat, air_last.lat), coalesce(ground_after.lon, air_last.lon),
        ground_after IS NOT NULL, air_last.altitude, air_last.track, air_last.vrate, air_last.time
    FROM flights_src
)
"""


def _choice_sql(s: AirportSettings) -> str:
    return f"""
WITH geo AS (
    SELECT c.*, r.ident AS runway,
        (c.lon - r.lon) * cos(radians(r.lat)) * 111.32 AS dx, (c.lat - r.lat) * 110.57 AS dy,
        r.heading
    FROM candidates c LEFT JOIN runway_ends r ON r.airport = c.icao
),
scored AS (
    SELECT *,
        dx * sin(radians(heading)) + dy * cos(radians(heading)) AS along,
        abs(dx * cos(radians(heading)) - dy * sin(radians(heading))) AS cross_km,
        abs((track - heading + 540) % 360 - 180) AS track_off,
        altitude - airport_elevation_ft AS height,
        CASE side WHEN 'origin' THEN coalesce(vrate, 0) > 0 ELSE coalesce(vrate, 0) <= 0 END
            AS climbing_right
    FROM geo
),
aligned AS (
    SELECT *, NOT on_ground AND height <= {s.low_ft} AND cross_km <= {s.cross_km}
        AND track_off <= {s.track_deg}
        AND CASE side WHEN 'origin' THEN along BETWEEN -1 AND 25 ELSE along BETWEEN -25 AND 1 END
        AND climbing_right AS on_centre_line
    FROM scored
),
best AS (
    SELECT end_id, icao, airport_country, distance_km, height, runway, on_centre_line,
        climbing_right,
        row_number() OVER (PARTITION BY end_id ORDER BY on_centre_line DESC,
            CASE WHEN on_centre_line THEN cross_km ELSE distance_km END, icao) AS pick
    FROM aligned
    QUALIFY pick = 1
)
SELECT e.*, b.icao, b.airport_country, b.distance_km, b.runway, b.height,
    CASE
        WHEN e.on_ground AND b.distance_km <= {s.ground_km} THEN 'ground'
        WHEN NOT e.on_ground AND b.on_centre_line THEN 'runway'
        WHEN NOT e.on_ground AND b.climbing_right AND b.height <= {s.lost_low_ft}
            AND b.distance_km <= {s.near_km} THEN 'nearest'
    END AS method,
    CASE
        WHEN e.on_ground AND b.icao IS NULL
            THEN 'ground positions with no airport within {s.radius_km:g} km'
        WHEN e.on_ground THEN 'ground positions ' || round(b.distance_km, 1)
            || ' km from the nearest airport'
        WHEN e.altitude IS NULL THEN 'no altitude at the ' || (CASE e.side WHEN 'origin'
            THEN 'first' ELSE 'last' END) || ' position'
        ELSE (CASE e.side WHEN 'origin' THEN 'starts' ELSE 'ends' END) || ' airborne at '
            || format('{{:,}}', e.altitude) || ' ft, ' || coalesce(round(b.distance_km, 1)
            || ' km from ' || b.icao, 'no airport within {s.radius_km:g} km')
    END AS reason
FROM ends e LEFT JOIN best b USING (end_id)
"""


def assign(
    con: duckdb.DuckDBPyConnection,
    flights: pa.Table,
    airports: Airports,
    settings: AirportSettings | None = None,
) -> pa.Table:
    """One row per flight end: ``side``, ``icao`` (or NULL), ``method``, ``reason``, ``runway``…"""
    s = settings or AirportSettings()
    con.register("flights_src", flights)
    try:
        ends = con.sql(ENDS_SQL).to_arrow_table()
        points = ends.select(["end_id", "lat", "lon"])
        near = airports.nearest(points, s.radius_km, k=8)
        con.register("ends", ends)
        con.register("near", near)
        con.register("runway_ends", runways.table())
        con.execute(
            "CREATE OR REPLACE TEMP VIEW candidates AS SELECT e.*, n.icao, n.airport_country, "
            "n.airport_elevation_ft, n.distance_km FROM ends e JOIN near n USING (end_id)"
        )
        return con.sql(_choice_sql(s)).to_arrow_table()
    finally:
        for name in ("flights_src", "ends", "near", "runway_ends"):
            con.unregister(name)
        con.execute("DROP VIEW IF EXISTS candidates")
