"""Run each contender of a benchmark in its own process and collect its figures.

A benchmark script calls :func:`main` with a function ``child(name, *args) -> dict``;
:func:`run` starts ``python <script> --child name args…``, which calls ``child`` and
prints its result, with the child's own peak RSS (:func:`peak_rss_mb`), as JSON.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path


def run(script: str, name: str, *args: str) -> dict[str, float]:
    proc = subprocess.run(
        [sys.executable, script, "--child", name, *args], stdout=subprocess.PIPE, text=True
    )
    if proc.returncode:
        raise SystemExit(f"{name} failed with exit code {proc.returncode}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


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


def serve_child(child: Callable[..., dict[str, float]]) -> bool:
    """If this process is a child (``--child name args…``), run it and return True."""
    if len(sys.argv) < 3 or sys.argv[1] != "--child":
        return False
    result = child(*sys.argv[2:])
    result["rss_mb"] = peak_rss_mb()
    print(json.dumps(result))
    return True


def report(results: dict[str, dict[str, float]], unit: str, ours: str = "jetwatch") -> None:
    for name, r in results.items():
        rate = r["count"] / r["seconds"]
        print(
            f"{name:9} {r['count']:>12,.0f} {unit} {r['seconds']:8.2f} s {rate:>14,.0f} {unit}/s"
            f"  peak RSS {r['rss_mb']:7.0f} MB",
            flush=True,
        )
    mine = results[ours]["count"] / results[ours]["seconds"]
    for name, r in results.items():
        if name != ours:
            print(f"{ours} / {name}: {mine / (r['count'] / r['seconds']):.1f}x")
