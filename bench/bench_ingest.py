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

Each contender runs ``--repeat`` times (default 3); prints the median and best
frames/s, the ratios of the medians and the peak RSS.
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
        (result,), seconds = harness.timed_ingest([avr], start)
        return {"count": result.records, "positions": result.positions, "seconds": seconds}
    times, frames = _frames(avr, start)
    positions = 0
    if which == "rs1090":
        import rs1090

        began = time.perf_counter()
        for k in range(0, len(frames), batch):
            out = rs1090.decode(frames[k : k + batch], times[k : k + batch], batch=batch)
            positions += sum(1 for m in out if "latitude" in m)
    else:
        import pyModeS

        decoder = pyModeS.PipeDecoder()
        began = time.perf_counter()
        for frame, t in zip(frames, times, strict=True):
            out = decoder.decode(frame, timestamp=t)
            positions += bool(out and out.get("latitude") is not None)
    seconds = time.perf_counter() - began
    return {"count": len(frames), "positions": positions, "seconds": seconds}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--frames", type=int, default=1_000_000)
    parser.add_argument("--shared", type=Path, default=HERE.parent.parent / "shared" / "data")
    parser.add_argument("--rs1090-batch", type=int, default=10_000)
    parser.add_argument("--skip", nargs="*", default=[], help="contenders to leave out")
    parser.add_argument("--repeat", type=int, default=3, help="runs per contender (median)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        avr = Path(tmp) / "corpus.avr"
        times, frames = corpus.raw_frames(args.shared, args.frames)
        start = corpus.write_avr(avr, times, frames)
        del times, frames
        print(f"corpus: {avr.stat().st_size / 1e6:.1f} MB of AVR text", flush=True)
        results = {}
        for which in ("jetwatch", "rs1090", "pyModeS"):
            if which not in args.skip:
                results[which] = harness.run(
                    __file__,
                    which,
                    str(avr),
                    repr(start),
                    str(args.rs1090_batch),
                    repeat=args.repeat,
                )
                print(f"  {which}: {results[which]['positions']:,.0f} positions", flush=True)
    harness.report(results, "frames")


if __name__ == "__main__":
    if not harness.serve_child(child):
        main()
