"""Raw-frame ingest throughput: jetwatch against rs1090 and pyModeS, same frames, same run.

    python bench/bench_ingest.py [--frames 1000000] [--shared ../shared/data] [--all-df]

The corpus is every real frame of the jet1090 CDG capture and the rs1090 Beast
capture, repeated (shifted in time) to at least ``--frames`` frames
(:mod:`corpus`), written as AVR text with a 12 MHz clock.

**The same work**: by default the corpus keeps only the extended squitters (DF17/18),
the frames all three decode fully; jetwatch does not decode Comm-B replies (DF20/21,
about 30% of a capture), which the peers do, so with them (``--all-df``) the peers do
more work than jetwatch and the ratio flatters jetwatch.

Contenders run in turns (A B A B …, ``--repeat`` rounds), each run in its own
process, so a busy spell falls on all and each peak RSS is its own. Each reports its
wall time and its CPU seconds (all threads): the ratios are given both ways, since
jetwatch uses both cores and the peers one.

- **jetwatch**: ``jetwatch.ingest.ingest_file`` from the AVR file to the stored
  ``positions`` table in a new DuckDB file, CPR positions resolved (hashing, the
  archive copy, decoding and the database writes all counted).
- **rs1090**: ``rs1090.decode(frames, timestamps, reference=…, batch=…)`` on the
  same frames (already in memory as hex strings: its time excludes reading the
  file), in one call over the whole file, so that CPR pairs are found across the
  whole file as jetwatch finds them, with CDG as the reference position.
- **pyModeS**: ``pyModeS.PipeDecoder().decode(frame, timestamp=t)`` per frame.

Prints each contender's median and best frames/s, its peak RSS and the ratios of
the medians, wall and per CPU-second.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
CDG = (49.0097, 2.5479)  # rs1090's reference position: the jet1090 capture's airport
sys.path.insert(0, str(HERE))

import corpus  # noqa: E402
import harness  # noqa: E402


def _frames(avr: Path, start: float) -> tuple[list[float], list[str]]:
    times: list[float] = []
    frames: list[str] = []
    for line in avr.read_text().splitlines():
        times.append(start + int(line[1:13], 16) / 12e6)
        frames.append(line[13:-1])
    return times, frames


def child(which: str, avr_path: str, start_text: str, batch_text: str) -> dict[str, float]:
    avr, start, batch = Path(avr_path), float(start_text), int(batch_text)
    if which == "jetwatch":
        from jetwatch.allocator import reuse_freed_memory

        reuse_freed_memory()  # as the jetwatch command does
        (result,), seconds = harness.timed_ingest([avr], start)
        return {
            "count": result.records,
            "positions": result.positions,
            "seconds": seconds,
            "cpu": harness.LAST_CPU[0],
        }
    times, frames = _frames(avr, start)
    positions = 0
    if which == "rs1090":
        import rs1090

        began, cpu = time.perf_counter(), time.process_time()
        out = rs1090.decode(frames, times, reference=CDG, batch=batch)
        positions += sum(1 for m in out if "latitude" in m)
    else:
        import pyModeS

        decoder = pyModeS.PipeDecoder()
        began, cpu = time.perf_counter(), time.process_time()
        for frame, t in zip(frames, times, strict=True):
            msg = decoder.decode(frame, timestamp=t)
            positions += bool(msg and msg.get("latitude") is not None)
    seconds, cpu = time.perf_counter() - began, time.process_time() - cpu
    return {"count": len(frames), "positions": positions, "seconds": seconds, "cpu": cpu}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--frames", type=int, default=1_000_000)
    parser.add_argument("--shared", type=Path, default=HERE.parent.parent / "shared" / "data")
    parser.add_argument(
        "--rs1090-batch", type=int, default=10_000, help="rs1090's batch (its parallel chunks)"
    )
    parser.add_argument(
        "--all-df", action="store_true", help="keep DF20/21 too (the peers then do more work)"
    )
    parser.add_argument(
        "--skip", nargs="*", default=[], help="contenders to leave out (any case: pymodes)"
    )
    parser.add_argument("--repeat", type=int, default=3, help="runs per contender (median)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        avr = Path(tmp) / "corpus.avr"
        times, frames = corpus.raw_frames(args.shared, args.frames)
        if not args.all_df:
            keep = [k for k, f in enumerate(frames) if int(f[:2], 16) >> 3 in (17, 18)]
            print(f"same work: {len(keep):,} of {len(frames):,} frames are DF17/18", flush=True)
            times, frames = [times[k] for k in keep], [frames[k] for k in keep]
        start = corpus.write_avr(avr, times, frames)
        del times, frames
        print(f"corpus: {avr.stat().st_size / 1e6:.1f} MB of AVR text", flush=True)
        skip = {name.lower() for name in args.skip}
        names = [n for n in ("jetwatch", "rs1090", "pyModeS") if n.lower() not in skip]
        results = harness.alternate(
            __file__, names, str(avr), repr(start), str(args.rs1090_batch), repeat=args.repeat
        )
        for which, r in results.items():
            print(f"  {which}: {r['positions']:,.0f} positions", flush=True)
    harness.report(results, "frames")


if __name__ == "__main__":
    if not harness.serve_child(child):
        main()
