"""Flights against the simulator's ground truth (``truth/flights.csv``).

Each true flight is matched to the built flight of the same aircraft whose
first-to-last-seen span overlaps its off-block-to-on-block span the most. Figures:

- origin correct among flights whose take-off was in coverage
  (``takeoff_covered``), and the median and 95th percentile take-off time error;
- the same for destinations and landings (``landing_covered``);
- origins and destinations given with ``high`` confidence but wrong, among all
  flights (it must be zero);
- the share of aircraft-days (UTC day of first position) where the number of built
  flights equals the number of true flights with positions.
"""

from __future__ import annotations

from pathlib import Path

from jetwatch.store.db import Store

MATCH = """
CREATE OR REPLACE TEMP TABLE truth AS
    SELECT * FROM read_csv(?, header = true, auto_detect = true) WHERE positions > 0;
CREATE OR REPLACE TEMP TABLE matched AS
    SELECT t.*, f.id AS fid, f.origin AS got_origin, f.destination AS got_destination,
        f.origin_confidence, f.destination_confidence, f.takeoff AS got_takeoff,
        f.landing AS got_landing, f.takeoff_method, f.landing_method
    FROM truth t LEFT JOIN flights f ON f.icao24 = t.icao24
        AND f.first_seen <= t.on_block AND f.last_seen >= t.off_block
    QUALIFY row_number() OVER (PARTITION BY t.flight_id ORDER BY
        epoch(least(f.last_seen, t.on_block)) - epoch(greatest(f.first_seen, t.off_block)) DESC
        NULLS LAST) = 1;
"""


def evaluate(store: Store, truth_csv: Path) -> dict[str, float]:
    con = store.con
    for statement in MATCH.strip().split(";\n"):
        if statement.strip():
            params = [str(truth_csv)] if "?" in statement else []
            con.execute(statement, params)
    row = con.execute(
        """
        SELECT count(*) FILTER (takeoff_covered),
            avg((got_origin = origin)::INT) FILTER (takeoff_covered),
            median(abs(epoch(got_takeoff) - epoch(takeoff))) FILTER (takeoff_covered),
            quantile_cont(abs(epoch(got_takeoff) - epoch(takeoff)), 0.95) FILTER (takeoff_covered),
            count(*) FILTER (landing_covered),
            avg((got_destination = destination)::INT) FILTER (landing_covered),
            median(abs(epoch(got_landing) - epoch(landing))) FILTER (landing_covered),
            quantile_cont(abs(epoch(got_landing) - epoch(landing)), 0.95) FILTER (landing_covered),
            count(*) FILTER (origin_confidence = 'high' AND got_origin <> origin)
              + count(*) FILTER (destination_confidence = 'high'
                                 AND got_destination <> destination),
            count(*), count(fid)
        FROM matched
        """
    ).fetchall()[0]
    days = con.execute(
        """
        WITH t AS (SELECT icao24, CAST(first_seen AS DATE) AS day, count(*) AS n FROM truth
                   GROUP BY ALL),
        f AS (SELECT icao24, CAST(first_seen AS DATE) AS day, count(*) AS n FROM flights
              WHERE icao24 IN (SELECT icao24 FROM truth) GROUP BY ALL)
        SELECT avg((coalesce(t.n, 0) = coalesce(f.n, 0))::INT), count(*)
        FROM t FULL JOIN f USING (icao24, day)
        """
    ).fetchall()[0]
    names = (
        "takeoffs_covered",
        "origin_correct",
        "takeoff_error_median_s",
        "takeoff_error_p95_s",
        "landings_covered",
        "destination_correct",
        "landing_error_median_s",
        "landing_error_p95_s",
        "wrong_high_confidence",
        "true_flights",
        "matched",
    )
    out = {k: float(v) if v is not None else float("nan") for k, v in zip(names, row, strict=True)}
    out["aircraft_days_equal"] = float(days[0])
    out["aircraft_days"] = float(days[1])
    return out
