"""OpenSky state-vector ingest: jetwatch against traffic, same file, same run.

    python bench/bench_states.py [--rows 2000000] [--parquet] [--shared ../shared/data]

The file is the three real OpenSky state-vector samples repeated to at least
``--rows`` rows (:func:`corpus.state_vectors`), in OpenSky's column names and SI
units, as CSV or (``--parquet``) as Parquet. Each contender runs in its own process:

- **jetwatch**: ``jetwatch.ingest.ingest_file`` into a new DuckDB store (hashing,
  archive copy, unit conversion, validation and the database writes counted).
- **floor**: DuckDB's own floor, one ``INSERT INTO position_rows SELECT … FROM
  read_parquet(…)`` (or ``read_csv`` with jetwatch's column types) in a new store,
  with jetwatch's conversions and validity test in the SQL (no hashing, archive,
  screening or reject accounting).
- **traffic**: ``traffic.core.Traffic.from_file`` (pandas ``read_csv`` with pyarrow
  dtypes, or ``read_parquet``, and traffic's column renaming; no unit conversion,
  nothing stored). It
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
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import corpus  # noqa: E402
import harness  # noqa: E402


def child(which: str, file: str) -> dict[str, float]:
    path = Path(file)
    if which == "jetwatch":
        from jetwatch.allocator import reuse_freed_memory

        reuse_freed_memory()  # as the jetwatch command does
        (result,), seconds = harness.timed_ingest([path])
        return {"count": result.records, "seconds": seconds, "cpu": harness.LAST_CPU[0]}
    if which == "floor":
        return _floor(path)
    from traffic.core import Traffic

    began, cpu = time.perf_counter(), time.process_time()
    t = Traffic.from_file(path)
    seconds, cpu = time.perf_counter() - began, time.process_time() - cpu
    return {"count": len(t.data), "seconds": seconds, "cpu": cpu}


def _floor(path: Path) -> dict[str, float]:
    from jetwatch.store.db import Store

    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "floor.duckdb")
        harness.warm_up(store)
        seconds, cpu, source = floor_insert(store, path)
        count = store.con.execute(f"SELECT count(*) FROM {source}").fetchall()[0][0]  # rows read
        store.close()
    return {"count": count, "seconds": seconds, "cpu": cpu}


def floor_insert(store: Any, path: Path, ingest_id: int = 1) -> tuple[float, float, str]:
    """DuckDB's floor for one file: its positions written into ``store`` in one
    ``INSERT … SELECT`` with jetwatch's conversions and validity test; the wall and CPU
    seconds of that statement, and the table expression it read."""
    from jetwatch.sources import opensky
    from jetwatch.sql import literal

    source = (
        f"read_parquet({literal(path)})"
        if path.suffix == ".parquet"
        else f"read_csv({literal(path)}, header=true, types={opensky.TYPES_SQL})"
    )
    columns = dict(
        (r[0].lower(), r[1])
        for r in store.con.execute(f"DESCRIBE SELECT * FROM {source}").fetchall()
    )
    began, cpu = time.perf_counter(), time.process_time()
    store.con.execute(
        f"INSERT INTO position_rows SELECT *, {int(ingest_id)} "
        f"FROM ({opensky.positions_sql(columns, source)})"
    )
    return time.perf_counter() - began, time.process_time() - cpu, source


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=2_000_000)
    parser.add_argument("--shared", type=Path, default=HERE.parent.parent / "shared" / "data")
    parser.add_argument("--skip", nargs="*", default=[], help="contenders to leave out")
    parser.add_argument("--repeat", type=int, default=3, help="runs per contender (median)")
    parser.add_argument("--parquet", action="store_true", help="Parquet instead of CSV")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / ("states.parquet" if args.parquet else "states.csv")
        rows = corpus.state_vectors(args.shared, args.rows, path)
        kind = "Parquet" if args.parquet else "CSV"
        print(f"corpus: {rows:,} rows, {path.stat().st_size / 1e6:.1f} MB of {kind}", flush=True)
        names = [n for n in ("jetwatch", "floor", "traffic") if n not in args.skip]
        results = harness.alternate(__file__, names, str(path), repeat=args.repeat)
    harness.report(results, "rows")


if __name__ == "__main__":
    if not harness.serve_child(child):
        main()
