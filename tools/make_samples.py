"""Rebuild the samples bundled in ``src/jetwatch/data`` from ``../shared/data``.

Run from the repository root: ``python tools/make_samples.py [SHARED_DATA_DIR]``.
Every sample is real recorded data (see ``src/jetwatch/data/README.md``); where the
format differs from the recording's, the frames or positions are re-encoded
unchanged.
"""

from __future__ import annotations

import gzip
import json
import shutil
import sys
from pathlib import Path

from jetwatch.compress import Stream
from jetwatch.decode import Decoder
from jetwatch.sources import avr, beast, hexcsv, sbs
from jetwatch.sources.context import ReadContext

SHARED = Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/data")
OUT = Path("src/jetwatch/data")
CDG_MINUTES = 30
KLM_MINUTES = 10


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with gzip.open(SHARED / "traffic/messages/full_flight_short.jsonl.gz") as fh:
        rows = [json.loads(x) for x in fh]
    t0 = rows[0]["timestamp"]
    keep = [r for r in rows if r["timestamp"] < t0 + CDG_MINUTES * 60]
    clock = [round((r["timestamp"] - t0) * 12e6) for r in keep]
    text = avr.format_frames([bytes.fromhex(r["frame"]) for r in keep], clock)
    with gzip.GzipFile(OUT / "afr34zg-cdg.avr.gz", "wb", mtime=0) as fh:
        fh.write(text)
    print("afr34zg-cdg.avr.gz: start", t0, "frames", len(keep))

    with gzip.open(SHARED / "rs1090/long_flight.csv.gz") as fh:
        lines = [x.decode().strip().split(",") for x in fh]
    k0 = float(lines[0][0])
    klm = [(float(t), bytes.fromhex(h)) for t, h in lines if float(t) < k0 + KLM_MINUTES * 60]
    frames = [b[9:] for _, b in klm]
    clocks = [int.from_bytes(b[2:8], "big") for _, b in klm]
    data = beast.encode(frames, clocks)
    with gzip.GzipFile(OUT / "klm-beast.bin.gz", "wb", mtime=0) as fh:
        fh.write(data)
    print("klm-beast.bin.gz: start", k0, "frames", len(frames))

    # SBS made from positions decoded from the rest of the same real recording.
    later = Path("/tmp/klm-later.csv")
    later.write_text(
        "\n".join(
            f"{t},{h}"
            for t, h in lines
            if k0 + KLM_MINUTES * 60 <= float(t) < k0 + 2 * KLM_MINUTES * 60
        )
    )
    decoder = Decoder()
    positions = []
    for batch in hexcsv.read(Stream(later), ReadContext(later, 0.0)):
        table, _, _ = decoder.decode(batch)
        positions += table.to_pylist()
    with gzip.GzipFile(OUT / "klm-port30003.sbs.gz", "wb", mtime=0) as fh:
        fh.write(sbs.format_positions(positions))
    print("klm-port30003.sbs.gz: positions", len(positions))

    shutil.copyfile(
        SHARED / "traffic/readsb/trace_full_ac671b.json.gz", OUT / "trace_full_ac671b.json.gz"
    )
    shutil.copyfile(
        SHARED / "traffic/opensky_impala/state_vectors_EDW24_4b1901_20240406.parquet",
        OUT / "state_vectors_EDW24_20240406.parquet",
    )


if __name__ == "__main__":
    main()
