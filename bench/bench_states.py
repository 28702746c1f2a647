"""OpenSky state-vector CSV ingest: jetwatch against traffic, same file, same run.

    python bench/bench_states.py [--rows 2000000] [--shared ../shared/data]

The CSV is the three real OpenSky state-vector samples repeated to at least
``--rows`` rows (:func:`corpus.state_vectors`), in OpenSky's column names and SI
units. Each contender runs in its own process:

- **jetwatch**: ``jetwatch.ingest.ingest_file`` into a new DuckDB store (hashing,
  archive copy, unit conversion, validation and the database writes counted).
- **traffic**: ``traffic.core.Traffic.from_file`` (pandas ``read_csv`` with pyarrow
  dtypes and traffic's column renaming; no unit conversion, nothing stored). It
  needs the ``bench`` extra (``pip install -e '.[bench]'``).

The contenders run in turns (A B A B …, ``--repeat`` rounds, default 3); prints the
median and best rows/s, the peak RSS and the ratio of the medians, per wall second
and per CPU-second (each reports the CPU time of its timed part, all threads).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import corpus  # noqa: E402
import harness  # noqa: E402


def child(which: str, csv_path: str) -> dict[str, float]:
    csv = Path(csv_path)
    if which == "jetwatch":
        (result,), seconds = harness.timed_ingest([csv])
        return {"count": result.records, "seconds": seconds, "cpu": harness.LAST_CPU[0]}
    from traffic.core import Traffic

    began, cpu = time.perf_counter(), time.process_time()
    t = Traffic.from_file(csv)
    seconds, cpu = time.perf_counter() - began, time.process_time() - cpu
    return {"count": len(t.data), "seconds": seconds, "cpu": cpu}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=2_000_000)
    parser.add_argument("--shared", type=Path, default=HERE.parent.parent / "shared" / "data")
    parser.add_argument("--skip", nargs="*", default=[], help="contenders to leave out")
    parser.add_argument("--repeat", type=int, default=3, help="runs per contender (median)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        csv = Path(tmp) / "states.csv"
        rows = corpus.state_vectors(args.shared, args.rows, csv)
        print(f"corpus: {rows:,} rows, {csv.stat().st_size / 1e6:.1f} MB of CSV", flush=True)
        names = [n for n in ("jetwatch", "traffic") if n not in args.skip]
        results = harness.alternate(__file__, names, str(csv), repeat=args.repeat)
    harness.report(results, "rows")


if __name__ == "__main__":
    if not harness.serve_child(child):
        main()
