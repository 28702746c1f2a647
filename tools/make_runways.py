"""Rebuild ``src/jetwatch/data/runways.csv.gz`` from OurAirports ``runways.csv.gz``.

Run from the repository root: ``python tools/make_runways.py [SHARED_DATA_DIR]``.
Keeps open runways of at least 3,000 ft with both thresholds located, at airports
that ``airportsdata`` knows. OurAirports data is in the public domain (Unlicense).
"""

from __future__ import annotations

import sys
from pathlib import Path

import airportsdata
import duckdb

SHARED = Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/data")
OUT = Path("src/jetwatch/data/runways.csv.gz")


def main() -> None:
    con = duckdb.connect()
    con.execute("CREATE TABLE known(icao VARCHAR)")
    con.executemany("INSERT INTO known VALUES (?)", [(k,) for k in airportsdata.load("ICAO")])
    src = str(SHARED / "ourairports/runways.csv.gz")
    con.execute(
        f"""COPY (
        SELECT airport_ident AS icao, le_ident, he_ident,
               round(CAST(le_latitude_deg AS DOUBLE), 6) AS le_lat,
               round(CAST(le_longitude_deg AS DOUBLE), 6) AS le_lon,
               round(CAST(he_latitude_deg AS DOUBLE), 6) AS he_lat,
               round(CAST(he_longitude_deg AS DOUBLE), 6) AS he_lon,
               CAST(length_ft AS INTEGER) AS length_ft
        FROM read_csv('{src}', header=true, all_varchar=true)
        WHERE closed = '0' AND TRY_CAST(length_ft AS INTEGER) >= 3000
          AND TRY_CAST(le_latitude_deg AS DOUBLE) IS NOT NULL
          AND TRY_CAST(le_longitude_deg AS DOUBLE) IS NOT NULL
          AND TRY_CAST(he_latitude_deg AS DOUBLE) IS NOT NULL
          AND TRY_CAST(he_longitude_deg AS DOUBLE) IS NOT NULL
          AND airport_ident IN (SELECT icao FROM known)
        ORDER BY icao, le_ident
    ) TO '{OUT}' (HEADER, COMPRESSION gzip)"""
    )
    print(con.sql(f"SELECT count(*), count(DISTINCT icao) FROM '{OUT}'").fetchall())


if __name__ == "__main__":
    main()
