"""The ``spark-submit`` entry point: build flights on the cluster ``spark-submit`` names.

    entry=$(python -c 'import jetwatch.spark.submit as m; print(m.__file__)')
    spark-submit [--master …] "$entry" --input 's3a://bucket/states/' \\
        --output 's3a://bucket/flights/' [--input-format opensky]

The same steps as ``jetwatch flights build --engine spark`` (:mod:`.flights`); the
master and resources come from ``spark-submit``.
"""

from __future__ import annotations

import argparse
import sys
import time

from jetwatch.spark import flights


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="jetwatch.spark.submit")
    parser.add_argument("--input", required=True, help="State vectors or positions Parquet/CSV.")
    parser.add_argument("--output", required=True, help="Directory for the flights Parquet.")
    parser.add_argument("--input-format", choices=flights.FORMATS, default="opensky")
    args = parser.parse_args(argv)
    began = time.perf_counter()
    spark = flights.session()
    built = flights.build(spark, flights.read_positions(spark, args.input, args.input_format))
    flights.write(built, args.output)
    print(
        f"flights written to {args.output} in {time.perf_counter() - began:.1f} s",
        file=sys.stderr,
    )
    spark.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
