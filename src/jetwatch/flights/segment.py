"""Segmentation: positions into flights, in one set-based SQL statement (DuckDB windows).

Per aircraft, ordered by time:

1. **Impossible values** (altitude below -2,000 ft or above 60,000 ft, ground speed
   above Mach 3 = 2,000 kt) are left out; they stay in the store and are counted.
2. **Duplicates** from several feeds: one position per aircraft and second.
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
   at its middle: its first half is the taxi-in of one flight, the second half the
   taxi-out of the next. A segment part with no airborne position is ground
   movement, not a flight.

Take-off is the midpoint between the last ground and the first airborne position
when they are at most ``transition_s`` apart (landing likewise); otherwise the
flight starts or ends airborne and the take-off or landing is left to the airport
assignment (:mod:`jetwatch.flights.airports`) to infer. Units: s, ft, kt, km.

The SQL is also Spark's (:mod:`jetwatch.spark.dialect` transpiles it), so it says
what it means where the engines differ: ``floor`` before a cast to an integer
(DuckDB rounds, Spark truncates).
"""

from __future__ import annotations

from dataclasses import dataclass

from jetwatch.units import EARTH_RADIUS_KM

KM_PER_NM = 1.852


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


def _dist(a: str, b: str) -> str:
    """Haversine km between ``a.lat/a.lon``-style column prefixes (SQL)."""
    return (
        f"2 * {EARTH_RADIUS_KM} * asin(sqrt(pow(sin(radians({b}lat - {a}lat) / 2), 2) "
        f"+ cos(radians({a}lat)) * cos(radians({b}lat)) "
        f"* pow(sin(radians({b}lon - {a}lon) / 2), 2)))"
    )


def possible(s: Settings) -> str:
    """The SQL condition a position must meet to take part (impossible values do not)."""
    return (
        f"coalesce(altitude BETWEEN {s.min_alt_ft} AND {s.max_alt_ft}, true) "
        f"AND coalesce(ground_speed <= {s.max_gs_kt}, true)"
    )


def points_sql(s: Settings, source: str) -> str:
    """Every kept position with its ``segment``, cleaned ground state ``g`` and ``flight_no``.

    Three window passes over the positions (one per second; lags; segment and run
    starts). Segments, runs and flights are keyed by their start time, carried
    forward with ``last_value(... IGNORE NULLS)`` (a running count costs several
    times more). ``new_callsign`` is the callsign where it changes or a flight
    starts, so that a flight's callsigns are a distinct list over few rows.
    Everything about runs is computed on one row per run and joined
    back.
    """
    rows = "ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW"
    return f"""
WITH raw AS (
    SELECT icao24, time, lat, lon, altitude, ground_speed, track, vertical_rate, on_ground,
           callsign
    FROM {source}
    WHERE {possible(s)}
),
one AS (
    SELECT * FROM raw
    QUALIFY floor(epoch(time))::BIGINT IS DISTINCT FROM
        lag(floor(epoch(time))::BIGINT) OVER (PARTITION BY icao24 ORDER BY time)
),
lagged AS (
    SELECT *, coalesce(on_ground, altitude IS NULL) AS g0,
        epoch(time) - epoch(lag(time) OVER w) AS dt,
        lag(lat) OVER w AS plat, lag(lon) OVER w AS plon,
        lag(coalesce(on_ground, altitude IS NULL)) OVER w AS pg0,
        lag(callsign) OVER w AS pcallsign
    FROM one WINDOW w AS (PARTITION BY icao24 ORDER BY time)
),
breaks AS (
    SELECT *, {_dist("p", "")} AS step_km,
        dt IS NULL OR dt > {s.max_gap_s}
        OR (dt > {s.ground_gap_s} AND (g0 OR pg0))
        OR (dt > 60 AND {_dist("p", "")} / (dt / 3600) > {s.max_speed_kt * KM_PER_NM})
        OR (dt > 1800 AND {_dist("p", "")} / (dt / 3600) < {60 * KM_PER_NM}) AS seg_break
    FROM lagged
),
runs0 AS (
    SELECT *,
        last_value(CASE WHEN seg_break THEN time END IGNORE NULLS) OVER w AS segment,
        last_value(CASE WHEN seg_break OR g0 IS DISTINCT FROM pg0 THEN time END IGNORE NULLS)
            OVER w AS run0
    FROM breaks WINDOW w AS (PARTITION BY icao24 ORDER BY time {rows})
),
run0_stats AS (
    SELECT icao24, run0, any_value(segment) AS segment, any_value(g0) AS g0,
        max(time) AS t1, count(*) AS n, max(ground_speed) AS max_gs
    FROM runs0 GROUP BY icao24, run0
),
run0_ctx AS (
    SELECT *,
        coalesce(lag(segment) OVER r = segment AND lead(segment) OVER r = segment, false)
            AS inside,
        lag(g0) OVER r AS prev_g, lead(g0) OVER r AS next_g
    FROM run0_stats WINDOW r AS (PARTITION BY icao24 ORDER BY run0)
),
run_kind AS (
    SELECT *, inside AND g0 AND NOT prev_g AND NOT next_g AS ground_between,
        epoch(t1) - epoch(run0) < {s.touch_go_s} AND coalesce(max_gs, 0) > {s.touch_go_kt}
            AS short_fast
    FROM run0_ctx
),
run_state AS (
    SELECT icao24, run0, segment, t1,
        ground_between AND short_fast AND n >= 3 AS touch_go,
        CASE
            WHEN ground_between AND (short_fast OR n < 3) THEN false
            WHEN NOT g0 AND inside AND prev_g AND next_g AND n < 3 THEN true
            ELSE g0
        END AS g
    FROM run_kind
),
run_new AS (
    SELECT *, coalesce(lag(segment) OVER r <> segment, true)
        OR lag(g) OVER r IS DISTINCT FROM g AS new_run
    FROM run_state WINDOW r AS (PARTITION BY icao24 ORDER BY run0)
),
run_ids AS (
    SELECT *, last_value(CASE WHEN new_run THEN run0 END IGNORE NULLS)
        OVER (PARTITION BY icao24 ORDER BY run0 {rows}) AS run
    FROM run_new
),
run_bounds AS (
    SELECT icao24, run, any_value(segment) AS segment, any_value(g) AS g,
        max(t1) AS run_end
    FROM run_ids GROUP BY icao24, run
),
air_span AS (
    SELECT icao24, segment,
        min(run) FILTER (NOT g) AS first_air, max(run) FILTER (NOT g) AS last_air
    FROM run_bounds GROUP BY icao24, segment
),
run_mid AS (
    SELECT b.icao24, b.run, b.segment,
        b.g AND b.run > a.first_air AND b.run < a.last_air AS inner_ground,
        b.run + (b.run_end - b.run) / 2 AS mid, a.first_air, a.last_air
    FROM run_bounds b JOIN air_span a ON a.icao24 = b.icao24 AND a.segment = b.segment
),
run_prev AS (
    SELECT *, lag(inner_ground) OVER r AS after_inner, lag(mid) OVER r AS prev_mid
    FROM run_mid WINDOW r AS (PARTITION BY icao24 ORDER BY run)
),
run_keys AS (
    SELECT *, last_value(CASE WHEN run = segment THEN segment WHEN after_inner THEN prev_mid END
        IGNORE NULLS) OVER (PARTITION BY icao24 ORDER BY run {rows}) AS flight_key
    FROM run_prev
),
run_info AS (
    SELECT r.icao24, r.run0, r.g, r.touch_go, r.run, k.inner_ground, k.mid, k.flight_key,
        k.first_air, k.last_air
    FROM run_ids r JOIN run_keys k ON k.icao24 = r.icao24 AND k.run = r.run
),
flagged AS (
    SELECT p.*, i.g, i.touch_go AND p.time = p.run0 AS touch_go, i.run,
        p.time = i.run AS run_first,
        p.seg_break OR (i.inner_ground AND p.time >= i.mid
            AND (p.dt IS NULL OR p.time - to_seconds(p.dt) < i.mid)) AS flight_break,
        CASE WHEN i.inner_ground AND p.time >= i.mid THEN i.mid ELSE i.flight_key END
            AS flight_no,
        CASE WHEN i.g THEN i.run < i.first_air OR (i.inner_ground AND p.time >= i.mid) END
            AS taxi_out,
        CASE WHEN i.g THEN i.run > i.last_air OR (i.inner_ground AND p.time < i.mid) END
            AS taxi_in
    FROM runs0 p JOIN run_info i ON i.icao24 = p.icao24 AND i.run0 = p.run0
)
SELECT icao24, time, lat, lon, altitude, ground_speed, track, vertical_rate,
    CASE WHEN flight_break OR callsign IS DISTINCT FROM pcallsign THEN callsign END
        AS new_callsign,
    g, touch_go, run, run_first, dt, step_km, seg_break, flight_break, flight_no, taxi_out,
    taxi_in
FROM flagged
"""


def flights_sql(s: Settings, source: str) -> str:
    """One row per flight: timing, coverage, figures and the two end points to place.

    A flight is a segment part with at least one airborne position; its ground
    positions are all taxi-out (before the first airborne one) or taxi-in (after the
    last), since ground runs between airborne ones were split.
    """
    t = s.transition_s
    return f"""
WITH p2 AS (
    SELECT *, NOT flight_break AS cont,
        CASE WHEN run_first THEN NOT g ELSE g END AS pg_f,
        time - to_seconds(dt) AS pt
    FROM ({points_sql(s, source)})
)
SELECT icao24, flight_no,
    min(time) AS first_seen, max(time) AS last_seen, count(*) AS positions,
    max(altitude) FILTER (NOT g) AS max_altitude,
    round(coalesce(sum(step_km) FILTER (cont), 0), 3) AS path_km,
    count(*) FILTER (cont AND dt > 60) AS gaps,
    coalesce(max(dt) FILTER (cont), 0) AS longest_gap_s,
    list_sort(list(DISTINCT new_callsign) FILTER (new_callsign IS NOT NULL)) AS callsigns,
    count(*) FILTER (touch_go) AS touch_and_go,
    NOT arg_min(g, time) AS starts_airborne,
    NOT arg_max(g, time) AS ends_airborne,
    arg_min(pt + (time - pt) / 2, time) FILTER (NOT g AND cont AND pg_f AND dt <= {t}) AS takeoff,
    arg_max(pt + (time - pt) / 2, time) FILTER (g AND cont AND NOT pg_f AND dt <= {t}) AS landing,
    arg_min({{'lat': lat, 'lon': lon, 'altitude': altitude, 'track': track,
             'vrate': vertical_rate, 'time': time}}, time) FILTER (NOT g) AS air_first,
    arg_max({{'lat': lat, 'lon': lon, 'altitude': altitude, 'track': track,
             'vrate': vertical_rate, 'time': time}}, time) FILTER (NOT g) AS air_last,
    arg_max({{'lat': lat, 'lon': lon}}, time) FILTER (taxi_out) AS ground_before,
    arg_min({{'lat': lat, 'lon': lon}}, time) FILTER (taxi_in) AS ground_after,
    count(*) FILTER (g) AS ground_positions
FROM p2
GROUP BY icao24, flight_no
HAVING count(*) FILTER (NOT g) > 0
"""
