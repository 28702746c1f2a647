"""Positions into flights with airports: jetwatch against DuckDB's floor and traffic.

    python bench/bench_flights.py [--scale 1] [--traffic-rows 300000] [--repeat 3]

The data is the simulator's ``moscow-2023-06-24`` preset (SIMULATED OpenSky state
vectors, 29 days; ``--scale 16`` gives about 10^8 rows), ingested once into a
DuckDB store before any timing. The contenders run in turns (A B C A B C …), each
run in its own process, and report their CPU time (every thread) beside the wall
time:

- **jetwatch**: ``jetwatch.flights.build(store, rebuild=True)``: segmentation of
  every position plus origin and destination airports, written to the store.
- **floor**: one DuckDB window pass over the same stored positions,
  ``lag(time) OVER (PARTITION BY icao24 ORDER BY time)``, reduced to its count and
  longest gap: the least any per-aircraft time-ordered pass costs in DuckDB.
- **traffic**: the first ``--traffic-rows`` state vectors of the busiest day (all
  aircraft, in time order) as a ``Traffic``; each aircraft's track is split on 10-minute gaps
  (``Flight.split("10 min")``) and each part gets ``infer_airport("takeoff")`` and
  ``infer_airport("landing")`` against an airports table built from
  ``airportsdata`` (traffic would otherwise download OurAirports). traffic is given
  a subset because it handles one flight at a time in pandas; the rates compare.

Prints positions/s for each, the ratios (wall and per CPU-second) and the peak RSS.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import harness  # noqa: E402


def child(which: str, data: str, db: str, rows: str) -> dict[str, float]:
    if which == "jetwatch":
        from jetwatch.allocator import reuse_freed_memory
        from jetwatch.flights import build
        from jetwatch.store.db import Store

        reuse_freed_memory()  # as the jetwatch command does

        with Store(db) as store:
            harness.warm_up(store)
            count = store.con.execute("SELECT count(*) FROM positions").fetchall()[0][0]
            began, cpu = time.perf_counter(), time.process_time()
            result = build(store, rebuild=True)
            seconds, cpu = time.perf_counter() - began, time.process_time() - cpu
        return {"count": count, "seconds": seconds, "cpu": cpu, "flights": result.flights}
    if which == "floor":
        from jetwatch.store.db import Store

        with Store(db, read_only=True) as store:
            count = store.con.execute("SELECT count(*) FROM positions").fetchall()[0][0]
            began, cpu = time.perf_counter(), time.process_time()
            store.con.execute(
                "SELECT count(*), max(dt) FROM (SELECT epoch(time) - epoch(lag(time) "
                "OVER (PARTITION BY icao24 ORDER BY time)) AS dt FROM positions)"
            ).fetchall()
            seconds, cpu = time.perf_counter() - began, time.process_time() - cpu
        return {"count": count, "seconds": seconds, "cpu": cpu, "flights": 0}
    import airportsdata
    import duckdb
    import pandas as pd
    from traffic.core import Traffic
    from traffic.data.basic.airports import Airports

    rows_n = int(rows)
    busiest = max(Path(data, "opensky").glob("*.parquet"), key=lambda p: p.stat().st_size)
    frame = duckdb.sql(
        f"SELECT to_timestamp(time) AS timestamp, icao24, callsign, lat AS latitude, "
        f"lon AS longitude, baroaltitude / 0.3048 AS altitude, velocity * 3600 / 1852 AS "
        f"groundspeed, heading AS track, vertrate * 60 / 0.3048 AS vertical_rate, onground "
        f"FROM '{busiest}' ORDER BY time LIMIT {rows_n}"
    ).df()
    table = pd.DataFrame(
        [
            {
                "name": a["name"],
                "iata": a["iata"],
                "icao": a["icao"],
                "latitude": a["lat"],
                "longitude": a["lon"],
                "country": a["country"],
                "altitude": a["elevation"],
                "type": "airport",
                "municipality": a["city"],
            }
            for a in airportsdata.load("ICAO").values()
        ]
    )
    places = Airports(table)
    began, cpu = time.perf_counter(), time.process_time()
    flights = 0
    for flight in Traffic(frame).iterate(on=["icao24"]):
        for part in flight.split("10 min"):
            part.infer_airport("takeoff", dataset=places)
            part.infer_airport("landing", dataset=places)
            flights += 1
    seconds, cpu = time.perf_counter() - began, time.process_time() - cpu
    return {"count": len(frame), "seconds": seconds, "cpu": cpu, "flights": flights}


def prepare(scale: float, work: Path) -> tuple[Path, Path]:
    """The simulated preset at ``scale`` (OpenSky state vectors) and a store of it."""
    from jetwatch.demo import ingest_simulation
    from jetwatch.sim import load, simulate
    from jetwatch.store.db import Store

    data = work / f"sim-{scale:g}"
    db = work / f"store-{scale:g}.duckdb"
    if not (data / "manifest.json").exists():
        work.mkdir(parents=True, exist_ok=True)
        print(f"simulating moscow-2023-06-24 at scale {scale:g} into {data}", flush=True)
        simulate(load("moscow-2023-06-24").scaled(scale), data, ("opensky",), overwrite=True)
    if not db.exists():
        print(f"ingesting into {db}", flush=True)
        with Store(db) as store:
            ingest_simulation(store, data)
    return data, db


def main() -> None:
    if harness.serve_child(child):
        return
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--traffic-rows", type=int, default=300_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--work", type=Path, default=Path("/tmp/jetwatch-bench-flights"))
    args = parser.parse_args()

    data, db = prepare(args.scale, args.work)
    script = str(Path(__file__).resolve())
    results = harness.alternate(
        script,
        ["jetwatch", "floor", "traffic"],
        str(data),
        str(db),
        str(args.traffic_rows),
        repeat=args.repeat,
    )
    for name in ("jetwatch", "traffic"):
        print(f"{name}: {results[name]['flights']:,.0f} flights")
    harness.report(results, "positions")


if __name__ == "__main__":
    main()
