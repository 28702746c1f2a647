"""Decoding raw files on Spark (local[2]) against ``jetwatch ingest`` on DuckDB.

    python bench/bench_spark_ingest.py [--work /tmp/jetwatch-bench-spark-ingest]

The input is the simulated ``tests/data/sim/tiny.toml`` day (labelled simulated) as
Beast, AVR and SBS recordings of two receivers and a readsb ``globe_history`` trace
tree: every record type the decoder meets. Each engine runs in its own process on
the same files:

- **duckdb**: ``jetwatch.ingest.ingest_files`` into a new store (hashing, the archive
  copy, decoding and the database writes counted);
- **spark**: ``jetwatch.spark.ingest.run``: list and read the files, decode one file
  per task, write positions, rejects, the files index and the manifest (``local[2]``,
  4 GB driver memory).

Both decode each file with its own decoder, so they give the same positions; the
bench checks the counts. Spark's figures say whether the decoding scales: the
exchanges in the plan of the positions (a shuffle would move records between tasks)
and the shuffle bytes written (from Spark's REST API).
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

import harness  # noqa: E402

TINY = HERE.parent / "tests" / "data" / "sim" / "tiny.toml"
FORMATS = ("beast", "avr", "sbs", "readsb")


def prepare(work: Path) -> Path:
    """The simulated files (made once)."""
    from jetwatch.sim import load, simulate

    data = work / "tiny"
    if not (data / "manifest.json").exists():
        print(f"simulating {TINY.name} into {data}", flush=True)
        simulate(load(TINY), data, FORMATS, overwrite=True)
    return data


def inputs(data: Path) -> list[Path]:
    return sorted(p for f in FORMATS for p in (data / f).glob("**/*") if p.is_file())


def child(which: str, data_text: str) -> dict[str, float]:
    data = Path(data_text)
    files = inputs(data)
    if which == "duckdb":
        results, seconds = harness.timed_ingest(files)
        return {
            "files": len(results),
            "records": sum(r.records for r in results),
            "positions": sum(r.positions for r in results),
            "seconds": seconds,
        }
    from jetwatch.spark import flights, ingest

    spark = flights.session("local[2]", **{"spark.driver.memory": "4g"})
    spark.sparkContext.setLogLevel("ERROR")
    with tempfile.TemporaryDirectory() as out:
        began = time.perf_counter()
        made, _ = ingest.run(spark, [str(data / f) for f in FORMATS], out)
        seconds = time.perf_counter() - began
    plan = ingest.decode(spark, [str(data / "beast")])._jdf.queryExecution().executedPlan()
    app, ui = spark.sparkContext.applicationId, spark.sparkContext.uiWebUrl
    with urllib.request.urlopen(f"{ui}/api/v1/applications/{app}/stages") as r:
        stages = json.load(r)
    spark.stop()
    return {
        "files": made.files,
        "records": made.records,
        "positions": made.positions,
        "seconds": seconds,
        "exchanges": len(re.findall(r"Exchange ", plan.toString())),
        "shuffle_bytes": sum(s.get("shuffleWriteBytes", 0) for s in stages),
    }


def main() -> None:
    if harness.serve_child(child):
        return
    parser = argparse.ArgumentParser()
    parser.add_argument("--work", type=Path, default=Path("/tmp/jetwatch-bench-spark-ingest"))
    args = parser.parse_args()
    data = prepare(args.work)
    script = str(Path(__file__).resolve())
    results = {name: harness.run(script, name, str(data)) for name in ("duckdb", "spark")}
    d, s = results["duckdb"], results["spark"]
    size = sum(p.stat().st_size for p in inputs(data)) / 1e6
    print(f"input (SIMULATED): {d['files']:.0f} files, {size:,.0f} MB, {d['records']:,.0f} records")
    for name, r in results.items():
        print(
            f"{name}: {r['positions']:,.0f} positions in {r['seconds']:.1f} s = "
            f"{r['records'] / r['seconds']:,.0f} records/s = "
            f"{2e6 * r['seconds'] / r['records']:.2f} core-us per record (2 cores)"
        )
    same = d["positions"] == s["positions"] and d["records"] == s["records"]
    print(
        f"spark/duckdb time: {s['seconds'] / d['seconds']:.1f}x; same counts: {same}; "
        f"spark decoding plan: {s['exchanges']:.0f} exchanges; "
        f"shuffle written {s['shuffle_bytes']:,.0f} bytes"
    )


if __name__ == "__main__":
    main()
