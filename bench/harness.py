"""Run each contender of a benchmark in its own process and collect its figures.

A benchmark script calls :func:`main` with a function ``child(name, *args) -> dict``;
:func:`run` starts ``python <script> --child name args…``, which calls ``child`` and
prints its result, with the child's own peak RSS (:func:`peak_rss_mb`), as JSON.
:func:`alternate` runs several contenders A B A B … so that a busy spell of the
machine falls on all of them; a child that reports ``cpu`` (CPU seconds of its
timed part, every thread) gets per-core rates beside the wall-clock ones.
"""

from __future__ import annotations

import contextlib
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any


def run(script: str, name: str, *args: str, repeat: int = 1) -> dict[str, float]:
    """Run a contender ``repeat`` times, each in a new process.

    Returns the run with the median time, plus ``best`` (the shortest time) and
    ``runs``: this machine's timings vary from run to run.
    """
    results = []
    for _ in range(repeat):
        proc = subprocess.run(
            [sys.executable, script, "--child", name, *args], stdout=subprocess.PIPE, text=True
        )
        if proc.returncode:
            raise SystemExit(f"{name} failed with exit code {proc.returncode}")
        results.append(json.loads(proc.stdout.strip().splitlines()[-1]))
    results.sort(key=lambda r: r["seconds"])
    median = dict(results[len(results) // 2])
    median["best"] = results[0]["seconds"]
    median["runs"] = len(results)
    median["rss_mb"] = max(r["rss_mb"] for r in results)
    return median


def _one(script: str, name: str, args: tuple[str, ...]) -> dict[str, float]:
    proc = subprocess.run(
        [sys.executable, script, "--child", name, *args], stdout=subprocess.PIPE, text=True
    )
    if proc.returncode:
        raise SystemExit(f"{name} failed with exit code {proc.returncode}")
    result: dict[str, float] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


def alternate(
    script: str, names: list[str], *args: str, repeat: int = 3
) -> dict[str, dict[str, float]]:
    """Each contender ``repeat`` times, in turns (A B A B …), each run a new process;
    per contender the run with the median time, with ``best``, ``runs``, the median
    ``cpu`` when the child reports it, and the largest peak RSS."""
    runs: dict[str, list[dict[str, float]]] = {n: [] for n in names}
    for _ in range(repeat):
        for name in names:
            runs[name].append(_one(script, name, args))
    out = {}
    for name, results in runs.items():
        results.sort(key=lambda r: r["seconds"])
        median = dict(results[len(results) // 2])
        median["best"] = results[0]["seconds"]
        median["runs"] = len(results)
        median["rss_mb"] = max(r["rss_mb"] for r in results)
        if all("cpu" in r for r in results):
            median["cpu"] = sorted(r["cpu"] for r in results)[len(results) // 2]
        out[name] = median
    return out


@dataclass(frozen=True)
class Lap:
    """Wall seconds and this process's CPU seconds (every thread), user and kernel."""

    seconds: float
    user: float
    system: float

    @property
    def cpu(self) -> float:
        return self.user + self.system


class Stopwatch:
    """Laps of wall and CPU time, kernel time apart from user time: in a day's ingest
    the kernel's share of an hourly file grew from about 0.7 to 2 CPU-s as the store
    grew, while the user time stayed flat, so the two tell a slower machine from
    slower code."""

    def __init__(self) -> None:
        self._wall, self._cpu = time.perf_counter(), os.times()

    def lap(self) -> Lap:
        wall, cpu = time.perf_counter(), os.times()
        lap = Lap(wall - self._wall, cpu.user - self._cpu.user, cpu.system - self._cpu.system)
        self._wall, self._cpu = wall, cpu
        return lap


def peak_rss_mb() -> float:
    """This process's peak resident memory.

    ``VmHWM`` from ``/proc/self/status`` where there is one: ``ru_maxrss`` of a child
    counts the memory its parent had when it forked, which the parent's own corpus
    building inflates.
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def reset_peak() -> None:
    """Start :func:`peak_rss_mb` afresh (Linux: ``5`` to ``/proc/self/clear_refs``), so
    that a stage's peak is its own."""
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")


def warm_up(store: Any) -> None:
    """Pay one-time lazy imports before the timing starts, as the peers' imports are.

    DuckDB imports pandas (when installed, as the ``bench`` extra does for traffic)
    on its first scan of an Arrow table, which costs about 0.3 s once per process.
    """
    import pyarrow as pa

    store.con.register("_warm_up", pa.table({"x": [1]}))
    store.con.unregister("_warm_up")


def timed_ingest(paths: list[Path], start: float | None = None) -> tuple[list[Any], float]:
    """``jetwatch.ingest.ingest_files`` of ``paths`` into a new store, and its seconds
    (hashing, the archive copy, decoding and the writes; the warm-up excluded).
    The CPU seconds of the same span are left in :data:`LAST_CPU`."""
    from jetwatch.ingest import ingest_files
    from jetwatch.store.db import Store

    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "bench.duckdb")
        warm_up(store)
        began, cpu = time.perf_counter(), time.process_time()
        results = ingest_files(store, paths, start=start)
        seconds = time.perf_counter() - began
        LAST_CPU[0] = time.process_time() - cpu
        store.close()
    return results, seconds


LAST_CPU = [0.0]


def serve_child(child: Callable[..., dict[str, float]]) -> bool:
    """If this process is a child (``--child name args…``), run it and return True."""
    if len(sys.argv) < 3 or sys.argv[1] != "--child":
        return False
    result = child(*sys.argv[2:])
    result["rss_mb"] = peak_rss_mb()
    print(json.dumps(result))
    return True


def report(results: dict[str, dict[str, float]], unit: str, ours: str = "jetwatch") -> None:
    """Print each contender's median rate (and best), peak RSS and the median ratios."""
    for name, r in results.items():
        rate = r["count"] / r["seconds"]
        best = r["count"] / r["best"]
        print(
            f"{name:9} {r['count']:>12,.0f} {unit}  median {r['seconds']:7.2f} s "
            f"{rate:>12,.0f} {unit}/s  best {best:>12,.0f} {unit}/s ({r['runs']:.0f} runs)"
            f"  peak RSS {r['rss_mb']:6.0f} MB",
            flush=True,
        )
    mine = results[ours]["count"] / results[ours]["seconds"]
    for name, r in results.items():
        if name == ours:
            continue
        line = f"{ours} / {name}: {mine / (r['count'] / r['seconds']):.1f}x wall"
        if "cpu" in r and "cpu" in results[ours]:
            per_core = (results[ours]["count"] / results[ours]["cpu"]) / (r["count"] / r["cpu"])
            line += (
                f", {per_core:.1f}x per CPU-second ({ours} {results[ours]['cpu']:.2f} CPU-s, "
                f"{name} {r['cpu']:.2f} CPU-s)"
            )
        print(line)
