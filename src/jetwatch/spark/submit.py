"""The ``spark-submit`` entry point: decode raw files or build flights on the cluster
``spark-submit`` names (YARN cluster mode needs the driver there too).

    entry=$(python -c 'import jetwatch.spark.submit as m; print(m.__file__)')
    spark-submit [--master …] "$entry" ingest 's3a://bucket/globe_history/' \\
        --output-dir 's3a://bucket/raw/' [--start ISO] [--label TEXT]
    spark-submit [--master …] "$entry" --input 's3a://bucket/states/' \\
        --output-dir 's3a://bucket/flights/' [--input-format opensky|positions] [--label TEXT]

The same steps as ``jetwatch ingest --engine spark`` (:mod:`.ingest`) and ``jetwatch
flights build --engine spark`` (:mod:`.flights`); the master and resources come from
``spark-submit``.
"""

from __future__ import annotations

import argparse
import sys
import time

from jetwatch import dates
from jetwatch.ingest import MTIME
from jetwatch.spark import flights, ingest


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    began = time.perf_counter()
    if args[:1] == ["ingest"]:
        parser = argparse.ArgumentParser(prog="jetwatch.spark.submit ingest")
        parser.add_argument("paths", nargs="+", help="Files, directories or globs to decode.")
        parser.add_argument(
            "--output-dir",
            "--output",
            dest="output",
            required=True,
            help="Directory for positions etc.",
        )
        parser.add_argument(
            "--start", help="Beast/AVR: UTC time of the first frame, or 'mtime' (assumed)."
        )
        parser.add_argument("--label", help="Label the data (e.g. simulated).")
        got = parser.parse_args(args[1:])
        start = got.start
        if start not in (None, MTIME):
            start = dates.unix(dates.parse_time(start, "--start"))
        made, _ = ingest.run(flights.session(), got.paths, got.output, start=start, label=got.label)
        what = f"{made.positions:,} positions of {made.files} files ({made.failed} failed)"
    else:
        parser = argparse.ArgumentParser(prog="jetwatch.spark.submit")
        parser.add_argument("--input", required=True, help="State vectors or positions.")
        parser.add_argument(
            "--output-dir",
            "--output",
            dest="output",
            required=True,
            help="Directory for the flights.",
        )
        parser.add_argument("--input-format", choices=flights.FORMATS, default="opensky")
        parser.add_argument("--label", help="Label the data (e.g. simulated).")
        got = parser.parse_args(args)
        built = flights.run(flights.session(), got.input, got.output, got.input_format, got.label)
        what = f"{built.flights:,} flights"
    print(f"{what} written to {got.output} in {time.perf_counter() - began:.1f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
