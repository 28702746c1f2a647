"""Raw-frame ingest throughput: jetwatch against rs1090 and pyModeS, same frames, same run.

    python bench/bench_ingest.py [--frames 1000000] [--shared ../shared/data]

The corpus is every real frame of the jet1090 CDG capture and the rs1090 Beast
capture, repeated (shifted in time) to at least ``--frames`` frames
(:mod:`corpus`), written as AVR text with a 12 MHz clock. Each contender runs in its
own process, so its peak RSS is its own:

- **jetwatch**: ``jetwatch.ingest.ingest_file`` from the AVR file to the stored
  ``positions`` table in a new DuckDB file, CPR positions resolved (hashing, the
  archive copy, decoding and the database writes all counted).
- **rs1090**: ``rs1090.decode(frames, timestamps, batch=…)`` on the same frames
  (already in memory as hex strings: its time excludes reading the file), in
  batches of ``--rs1090-batch``; it pairs CPR messages itself.
- **pyModeS**: ``pyModeS.PipeDecoder().decode(frame, timestamp=t)`` per frame.

Prints frames/s for each, the ratios to jetwatch and each process's peak RSS.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import corpus  # noqa: E402


def child(which: str, avr: Path, start: float, batch: int) -> dict[str, float]:
    if which == "jetwatch":
        from jetwatch.ingest import ingest_file
        from jetwatch.store.db import Store

        with tempfile.TemporaryDirectory() as tmp:
            store = Store(Path(tmp) / "bench.duckdb")
            began = time.perf_counter()
            result = ingest_file(store, avr, start=start)
            seconds = time.perf_counter() - began
            store.close()
        return {"frames": result.records, "positions": result.positions, "seconds": seconds}
    t0 = start
    times: list[float] = []
    frames: list[str] = []
    for line in avr.read_text().splitlines():
        times.append(t0 + int(line[1:13], 16) / 12e6)
        frames.append(line[13:-1])
    if which == "rs1090":
        import rs1090

        began = time.perf_counter()
        positions = 0
        for k in range(0, len(frames), batch):
            out = rs1090.decode(frames[k : k + batch], times[k : k + batch], batch=batch)
            positions += sum(1 for m in out if "latitude" in m)
        seconds = time.perf_counter() - began
        return {"frames": len(frames), "positions": positions, "seconds": seconds}
    import pyModeS

    decoder = pyModeS.PipeDecoder()
    began = time.perf_counter()
    positions = 0
    for frame, t in zip(frames, times, strict=True):
        out = decoder.decode(frame, timestamp=t)
        if out and out.get("latitude") is not None:
            positions += 1
    seconds = time.perf_counter() - began
    return {"frames": len(frames), "positions": positions, "seconds": seconds}


def run(which: str, avr: Path, start: float, batch: int) -> dict[str, float]:
    proc = subprocess.Popen(
        [sys.executable, __file__, "--child", which, str(avr), str(start), str(batch)],
        stdout=subprocess.PIPE,
        text=True,
    )
    stdout, _ = proc.communicate()
    if proc.returncode:
        raise SystemExit(f"{which} failed with exit code {proc.returncode}")
    result = json.loads(stdout.strip().splitlines()[-1])
    result["rss_mb"] = result.pop("rss_kb") / 1024
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--frames", type=int, default=1_000_000)
    parser.add_argument("--shared", type=Path, default=HERE.parent.parent / "shared" / "data")
    parser.add_argument("--rs1090-batch", type=int, default=10_000)
    parser.add_argument("--skip", nargs="*", default=[], help="contenders to leave out")
    parser.add_argument("--child", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        import resource

        which, avr, start, batch = args.child
        result = child(which, Path(avr), float(start), int(batch))
        result["rss_kb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        print(json.dumps(result))
        return

    with tempfile.TemporaryDirectory() as tmp:
        avr = Path(tmp) / "corpus.avr"
        times, frames = corpus.raw_frames(args.shared, args.frames)
        start = corpus.write_avr(avr, times, frames)
        del times, frames
        print(f"corpus: {avr.stat().st_size / 1e6:.1f} MB of AVR text", flush=True)
        results = {}
        for which in ("jetwatch", "rs1090", "pyModeS"):
            if which in args.skip:
                continue
            results[which] = run(which, avr, start, args.rs1090_batch)
            r = results[which]
            rate = r["frames"] / r["seconds"]
            print(
                f"{which:9} {r['frames']:>10,.0f} frames {r['seconds']:8.2f} s "
                f"{rate:>12,.0f} frames/s  positions {r['positions']:>9,.0f}  "
                f"peak RSS {r['rss_mb']:7.0f} MB",
                flush=True,
            )
    jet = results["jetwatch"]["frames"] / results["jetwatch"]["seconds"]
    for which, r in results.items():
        if which != "jetwatch":
            print(f"jetwatch / {which}: {jet / (r['frames'] / r['seconds']):.1f}x")


if __name__ == "__main__":
    main()
