"""Rebuild ``tests/data/real`` from ``../shared/data``: small snippets of real
recordings whose licence lets them travel with the tests (MIT, public domain).

Run from the repository root: ``python tools/make_test_snippets.py [SHARED_DATA_DIR]``.
The tests read ``../shared/data`` when it is there (CI) and these snippets when it is
not (a fresh clone); tests that need anything else skip with a one-line reason.
Paths mirror ``../shared/data`` so that a test names one file either way.
"""

from __future__ import annotations

import gzip
import shutil
import sys
from datetime import UTC
from pathlib import Path

import orjson

from jetwatch.compress import Stream
from jetwatch.ingest import decode_stream
from jetwatch.sources.context import ReadContext

SHARED = Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/data")
OUT = Path("tests/data/real")
CUTS = {  # gzip files cut to some of their lines: (first, last) line numbers, 0-based
    "traffic/messages/full_flight_short.jsonl.gz": (0, 12_000),  # the take-off
    "rs1090/long_flight.csv.gz": (142_432, 172_432),  # the last 30,000: airborne traffic
}
COPIES = (
    "traffic/LICENSE",
    "rs1090/LICENSE",
    "traffic/readsb/trace_full_ac671b.json.gz",
    "traffic/opensky_impala/rollcall_replies_4b1901_20240406.parquet",
    "traffic/opensky_impala/state_vectors_EDW24_4b1901_20240406.parquet",
    "traffic/opensky_impala/state_vectors_EZY158T_406d95_20170205.parquet",
    "traffic/opensky_impala/state_vectors_RYR2RG_4d2271_20220202.parquet",
)


def main() -> None:
    for name, (first, last) in CUTS.items():
        (OUT / name).parent.mkdir(parents=True, exist_ok=True)
        with gzip.open(SHARED / name) as fh:
            kept = b"".join(line for k, line in enumerate(fh) if first <= k < last)
        with gzip.GzipFile(OUT / name, "wb", mtime=0) as out:
            out.write(kept)
        print(name, f"lines {first:,} to {last:,}")
    for name in COPIES:
        (OUT / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(SHARED / name, OUT / name)
        print(name, "copied")
    derived()


def _snapshot(path: Path) -> tuple[float, list[dict]]:
    """The last position of every aircraft decoded from ``path``, as at the last
    one, with the fields readsb's aircraft.json gives (real positions, re-encoded)."""
    last: dict[str, dict] = {}
    for table, _, _ in decode_stream(Stream(path), "hexcsv", ReadContext(path, 0.0)):
        for r in table.sort_by("time").to_pylist():
            last[r["icao24"]] = r
    at = round(max(r["time"].replace(tzinfo=UTC).timestamp() for r in last.values()) + 0.5, 1)
    out = []
    for r in last.values():
        seen = at - r["time"].replace(tzinfo=UTC).timestamp()
        ac = {"hex": r["icao24"], "type": "adsb_icao"}
        if r["callsign"]:
            ac["flight"] = f"{r['callsign']:<8}"
        ac["alt_baro"] = "ground" if r["on_ground"] else r["altitude"]
        for key, name in (
            ("geo_altitude", "alt_geom"),
            ("ground_speed", "gs"),
            ("track", "track"),
            ("vertical_rate", "baro_rate"),
            ("squawk", "squawk"),
            ("category", "category"),
        ):
            if r[key] is not None:
                ac[name] = round(r[key], 1) if isinstance(r[key], float) else r[key]
        ac.update(
            lat=round(r["lat"], 6),
            lon=round(r["lon"], 6),
            seen_pos=round(seen, 1),
            seen=round(seen, 1),
            mlat=[],
            tisb=[],
            messages=100,
            rssi=-20.0,
        )
        out.append(ac)
    return at, out


def derived() -> None:
    """aircraft.json and ADSBx v2 answers re-encoded from the real Beast snippet."""
    at, aircraft = _snapshot(OUT / "rs1090/long_flight.csv.gz")
    (OUT / "derived").mkdir(exist_ok=True)
    doc = {"now": at, "messages": 123456, "aircraft": aircraft}
    (OUT / "derived/aircraft.json").write_bytes(orjson.dumps(doc, option=orjson.OPT_INDENT_2))
    v2 = {
        "ac": aircraft,
        "msg": "No error",
        "now": int(at * 1000),
        "total": len(aircraft),
        "ctime": int(at * 1000),
        "ptime": 3,
    }
    (OUT / "derived/v2-point.json").write_bytes(orjson.dumps(v2))
    print("derived: aircraft.json and v2-point.json,", len(aircraft), "aircraft at", at)


if __name__ == "__main__":
    main()
