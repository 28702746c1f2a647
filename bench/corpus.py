"""Benchmark corpora built from the real recordings in ``../shared/data``.

- :func:`raw_frames`: every frame of the jet1090 CDG capture and the rs1090 Beast
  capture (230,225 real frames), repeated with each copy shifted in time after the
  previous one, to at least ``n`` frames.
- :func:`state_vectors`: the three OpenSky state-vector samples, repeated with
  shifted times and ``icao24`` made distinct per copy, to at least ``n`` rows.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import duckdb


def raw_frames(shared: Path, n: int) -> tuple[list[float], list[str]]:
    """``(times, hex frames)`` in time order, at least ``n`` of them."""
    with gzip.open(shared / "traffic/messages/full_flight_short.jsonl.gz") as fh:
        cdg = [json.loads(line) for line in fh]
    with gzip.open(shared / "rs1090/long_flight.csv.gz") as fh:
        klm = [line.decode().strip().split(",") for line in fh]
    base = [(r["timestamp"], r["frame"]) for r in cdg]
    offset = cdg[-1]["timestamp"] + 60 - float(klm[0][0])
    base += [(float(t) + offset, h[18:]) for t, h in klm]  # drop the Beast header
    span = base[-1][0] - base[0][0] + 60
    times: list[float] = []
    frames: list[str] = []
    copy = 0
    while len(frames) < n:
        times += [t + copy * span for t, _ in base]
        frames += [f for _, f in base]
        copy += 1
    return times, frames


def write_avr(path: Path, times: list[float], frames: list[str]) -> float:
    """Write AVR lines with a 12 MHz clock; returns the UTC time of the first frame."""
    t0 = times[0]
    with open(path, "w") as out:
        for t, f in zip(times, frames, strict=True):
            out.write(f"@{round((t - t0) * 12e6):012X}{f.upper()};\n")
    return t0


def state_vectors(shared: Path, n: int, out: Path) -> int:
    """Write OpenSky state vectors, at least ``n`` rows, as CSV, or as Parquet when
    ``out`` ends in ``.parquet``; returns the rows."""
    files = sorted((shared / "traffic/opensky_impala").glob("state_vectors_*.parquet"))
    src = ", ".join(f"'{f}'" for f in files)
    con = duckdb.connect()
    base = con.execute(f"SELECT count(*) FROM read_parquet([{src}])").fetchall()[0][0]
    copies = -(-n // base)
    kind = "FORMAT parquet" if out.suffix == ".parquet" else "HEADER, DELIMITER ','"
    con.execute(
        f"""COPY (
            SELECT CAST(epoch(time) AS BIGINT) + c * 86400 AS time,
                   printf('%06x', (('0x' || icao24)::INTEGER + c * 7919) % 16777216) AS icao24,
                   lat, lon, velocity, heading, vertrate, callsign, onground, alert, spi,
                   squawk, baroaltitude, geoaltitude, lastposupdate + c * 86400 AS lastposupdate,
                   lastcontact + c * 86400 AS lastcontact
            FROM read_parquet([{src}]), range({copies}) AS r(c)
            ORDER BY c, time
        ) TO '{out}' ({kind})"""
    )
    return base * copies
