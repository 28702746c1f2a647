"""Flights on Spark (local[2]) against DuckDB, same state vectors, same machine.

    python bench/bench_spark.py [--scale 1] [--work /tmp/jetwatch-bench-flights]

The data is ``bench_flights.py``'s: the simulated ``moscow-2023-06-24`` preset as
OpenSky state vectors (``--scale 1``: 6.5x10^6 rows; ``--scale 1.55``: 1.14x10^7;
``--scale 16``: 1.06x10^8).
Each engine runs in its own process:

- **duckdb**: ``jetwatch.flights.build(store, rebuild=True)`` on the ingested store
  (segmentation and airports, written to the store);
- **spark**: ``jetwatch.spark.flights``: read the Parquet files, build, write Parquet
  by day (``local[2]``, 8 GB driver memory, 16 shuffle partitions).

Spark's figures also say whether its plan scales: the number of exchanges in the
physical plan and whether any is a single-partition one (a bottleneck), and the
shuffle bytes written per input row (from Spark's REST API). Prints the times, the
ratio and the per-row costs that ``docs/spark.md`` extrapolates from.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import bench_flights  # noqa: E402
import harness  # noqa: E402


def child(which: str, data: str, db: str) -> dict[str, float]:
    if which == "duckdb":  # bench_flights' own DuckDB run
        return bench_flights.child("jetwatch", data, db, "0")
    from jetwatch.spark import flights as spark_flights

    spark = spark_flights.session(
        "local[2]",
        **{"spark.driver.memory": "8g", "spark.sql.shuffle.partitions": "16"},
    )
    spark.sparkContext.setLogLevel("ERROR")
    positions = spark_flights.read_positions(spark, f"{data}/opensky")
    count = positions.count()
    found = spark_flights.build(spark, positions)
    plan = found._jdf.queryExecution().executedPlan().toString()
    with tempfile.TemporaryDirectory() as out:
        began = time.perf_counter()
        spark_flights.write(found, out)
        seconds = time.perf_counter() - began
        flights = spark.read.parquet(out).count()
    app = spark.sparkContext.applicationId
    ui = spark.sparkContext.uiWebUrl
    with urllib.request.urlopen(f"{ui}/api/v1/applications/{app}/stages") as r:
        stages = json.load(r)
    shuffle = sum(s.get("shuffleWriteBytes", 0) for s in stages)
    spark.stop()
    return {
        "count": count,
        "seconds": seconds,
        "flights": flights,
        "exchanges": len(re.findall(r"Exchange ", plan)),
        "single_partition": len(re.findall(r"Exchange SinglePartition", plan)),
        "shuffle_bytes": shuffle,
    }


def main() -> None:
    if harness.serve_child(child):
        return
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--work", type=Path, default=Path("/tmp/jetwatch-bench-flights"))
    args = parser.parse_args()
    data, db = bench_flights.prepare(args.scale, args.work)
    script = str(Path(__file__).resolve())
    results = {name: harness.run(script, name, str(data), str(db)) for name in ("duckdb", "spark")}
    d, s = results["duckdb"], results["spark"]
    for name, r in results.items():
        print(
            f"{name}: {r['count']:,.0f} rows, {r['flights']:,.0f} flights in {r['seconds']:.1f} s "
            f"= {r['count'] / r['seconds']:,.0f} rows/s = "
            f"{2e6 * r['seconds'] / r['count']:.2f} core-us per row (2 cores)"
        )
    print(
        f"spark/duckdb time: {s['seconds'] / d['seconds']:.1f}x; spark plan: "
        f"{s['exchanges']:.0f} exchanges, {s['single_partition']:.0f} single-partition; "
        f"shuffle written {s['shuffle_bytes'] / s['count']:.1f} bytes per input row"
    )


if __name__ == "__main__":
    main()
