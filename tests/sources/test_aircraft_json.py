from __future__ import annotations

import json
from pathlib import Path

from tests.helpers import read_file


def test_real_snapshot(shared: Path) -> None:
    path = shared / "roob1090/aircraft.json"
    doc = json.loads(path.read_text())
    got = read_file(path, "aircraft_json")
    with_pos = [a for a in doc["aircraft"] if "lat" in a]
    assert got.records == len(doc["aircraft"]) == 36
    assert got.positions.num_rows == len(with_pos)
    rows = {r["icao24"]: r for r in got.positions.to_pylist()}
    for a in with_pos:
        r = rows[a["hex"]]
        assert r["time"].timestamp() == doc["now"] - a.get("seen_pos", 0)
        assert r["on_ground"] == (a.get("alt_baro") == "ground")
        assert r["source"] == ("mlat" if "lat" in a.get("mlat", []) else "adsb")
        assert r["callsign"] == ((a.get("flight") or "").strip() or None)


def test_bad_aircraft_and_snapshot_lines(tmp_path: Path, shared: Path) -> None:
    doc = json.loads((shared / "roob1090/aircraft.json").read_text())
    doc["aircraft"][0] = ["no", "hex"]
    lines = [json.dumps(doc), "not json", json.dumps({"now": 1})]
    path = tmp_path / "snapshots.jsonl"
    path.write_text("\n".join(lines))
    got = read_file(path, "aircraft_json")
    assert got.reasons["unparsable"] == 3
