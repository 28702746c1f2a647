"""Filtering a globe_history day to one area: jetwatch against the plain way.

    python bench/bench_fetch.py [--traces 50000] [--repeat 3] [--dir DIR]

The day is SIMULATED from the real trace of N899DN (``trace_full_ac671b.json``,
2,500 points): ``--traces`` copies, each shifted to a random place on Earth and
gzip-compressed as readsb writes them, in a tar split into 2 GB parts as adsb.lol
publishes (about 40 KB a trace: 50,000 traces make about 2 GB). Every contender
reads the same parts from disk and keeps the traces that enter the Moscow box on
the trace's day; each must keep the same traces:

- **jetwatch**: :func:`jetwatch.fetch.globe.filter_tar` over the joined parts (what
  ``jetwatch fetch adsblol`` runs, less the network), writing the kept tar;
- **plain**: ``tarfile`` in stream mode, ``gzip.decompress`` and ``json.loads`` of
  each member, a Python loop over its points (how the scripts users share do it,
  without extracting to disk first);
- **floor**: ``tarfile`` reading every member's bytes and nothing else: no contender
  can beat it.

Contenders alternate (jetwatch, plain, floor, jetwatch, …), each in its own
process; the median of ``--repeat`` runs is printed as MB/s of archive, per wall
second and per CPU second, with the peak RSS.
"""

from __future__ import annotations

import argparse
import gzip
import io
import json
import os
import random
import resource
import sys
import tarfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import harness  # noqa: E402

PART = 2 << 30
TRACE = "traffic/readsb/trace_full_ac671b.json.gz"
BOX = "54.87,56.51,36.30,39.11"  # the moscow area's box


def make_day(directory: Path, traces: int, shared: Path) -> list[Path]:
    """The SIMULATED day's parts (made once per size)."""
    parts = sorted(directory.glob("day.tar.a?"))
    if parts:
        return parts
    doc = json.loads(gzip.decompress((shared / TRACE).read_bytes()))
    rng = random.Random(2026)
    buf = directory / "day.tar"
    with tarfile.open(buf, "w", format=tarfile.GNU_FORMAT) as tar:
        for k in range(traces):
            dlat, dlon = rng.uniform(-60, 40), rng.uniform(-180, 180)
            if k % 100 == 0:  # one in a hundred flies over Moscow
                dlat, dlon = 55.7 - doc["trace"][0][1], 37.6 - doc["trace"][0][2]
            points = [
                [p[0], p[1] + dlat, (p[2] + dlon + 180) % 360 - 180, *p[3:]] for p in doc["trace"]
            ]
            hexid = f"{k:06x}"
            data = gzip.compress(
                json.dumps({**doc, "icao": hexid, "trace": points}).encode(),
                compresslevel=6,
                mtime=0,
            )
            info = tarfile.TarInfo(f"traces/{hexid[-2:]}/trace_full_{hexid}.json")
            info.size, info.mtime = len(data), 0
            tar.addfile(info, io.BytesIO(data))
    with open(buf, "rb") as src:
        k = 0
        while block := src.read(PART):
            (directory / f"day.tar.a{chr(97 + k)}").write_bytes(block)
            k += 1
    buf.unlink()
    return sorted(directory.glob("day.tar.a?"))


def child(which: str, directory: str) -> dict[str, float]:
    from jetwatch.fetch.globe import filter_tar
    from jetwatch.fetch.window import parse_bbox
    from jetwatch.parts import Parts, open_input

    parts = Parts(tuple(sorted(Path(directory).glob("day.tar.a?"))))
    box = parse_bbox(BOX)
    start, end = 0.0, 4e9
    cpu0, t0 = resource.getrusage(resource.RUSAGE_SELF), time.perf_counter()
    kept = 0
    with open_input(parts) as source:
        if which == "jetwatch":
            out = Path(directory) / "kept.tar"
            with open(out, "wb") as fh:
                kept = filter_tar(source, fh, box, start, end).counts["traces_kept"]
            out.unlink()
        elif which == "plain":
            with tarfile.open(fileobj=source, mode="r|") as tar:
                for info in tar:
                    f = tar.extractfile(info)
                    if f is None:
                        continue
                    doc = json.loads(gzip.decompress(f.read()))
                    base = doc["timestamp"]
                    if any(
                        start <= base + p[0] < end
                        and box.south <= p[1] <= box.north
                        and box.west <= p[2] <= box.east
                        for p in doc["trace"]
                    ):
                        kept += 1
        else:
            with tarfile.open(fileobj=source, mode="r|") as tar:
                for info in tar:
                    f = tar.extractfile(info)
                    if f is not None:
                        f.read()
    seconds = time.perf_counter() - t0
    cpu1 = resource.getrusage(resource.RUSAGE_SELF)
    cpu = cpu1.ru_utime + cpu1.ru_stime - cpu0.ru_utime - cpu0.ru_stime
    return {"count": parts.size / 1e6, "seconds": seconds, "cpu": cpu, "kept": kept}


def main() -> None:
    if harness.serve_child(child):
        return
    ap = argparse.ArgumentParser()
    ap.add_argument("--traces", type=int, default=50_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--dir", type=Path, default=Path("/tmp/jetwatch-bench-fetch"))
    ap.add_argument("--shared", type=Path, default=HERE.parent.parent / "shared" / "data")
    args = ap.parse_args()
    directory = args.dir / str(args.traces)
    directory.mkdir(parents=True, exist_ok=True)
    began = time.perf_counter()
    parts = make_day(directory, args.traces, args.shared)
    size = sum(p.stat().st_size for p in parts)
    print(
        f"SIMULATED day: {args.traces:,} traces, {len(parts)} parts, {size / 1e6:,.0f} MB "
        f"(made or found in {time.perf_counter() - began:.0f} s); {os.cpu_count()} cores"
    )
    runs: dict[str, list[dict[str, float]]] = {"jetwatch": [], "plain": [], "floor": []}
    for _ in range(args.repeat):
        for name in runs:  # A B C A B C: the machine's drift hits all alike
            runs[name].append(harness.run(__file__, name, str(directory)))
    for name, rs in runs.items():
        rs.sort(key=lambda r: r["seconds"])
        m = rs[len(rs) // 2]
        print(
            f"{name:9} kept {m['kept']:>6,.0f}  median {m['seconds']:7.2f} s  "
            f"{m['count'] / m['seconds']:7.1f} MB/s wall  "
            f"{m['count'] / max(m['cpu'], 1e-9):7.1f} MB/s per CPU s  "
            f"peak RSS {max(r['rss_mb'] for r in rs):5.0f} MB"
        )
    mine = sorted(r["seconds"] for r in runs["jetwatch"])[len(runs["jetwatch"]) // 2]
    theirs = sorted(r["seconds"] for r in runs["plain"])[len(runs["plain"]) // 2]
    print(f"jetwatch / plain (wall): {theirs / mine:.1f}x")


if __name__ == "__main__":
    main()
