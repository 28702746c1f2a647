"""Aggregator answers in the ADSBx v2 shape (airplanes.live, adsb.fi, adsb.lol)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from jetwatch.sources import detect
from tests.conftest import SNIPPETS
from tests.helpers import read_file

ANSWER = SNIPPETS / "derived" / "v2-point.json"


def test_an_answer_is_recognised_and_dated_from_now_in_ms() -> None:
    doc = json.loads(ANSWER.read_text())
    assert detect(ANSWER) == "adsbx_v2"
    got = read_file(ANSWER, "adsbx_v2")
    with_position = [a for a in doc["ac"] if "lat" in a]
    assert got.records == len(doc["ac"]) and not got.rejects.reason
    assert got.positions.num_rows == len(with_position) > 0
    rows = {r["icao24"]: r for r in got.positions.to_pylist()}
    for ac in with_position:
        row = rows[ac["hex"]]
        seconds = row["time"].replace(tzinfo=dt.UTC).timestamp()
        assert seconds == pytest.approx(doc["now"] / 1000 - ac["seen_pos"], abs=1e-3)
        assert (row["lat"], row["lon"]) == (ac["lat"], ac["lon"])


def test_answers_one_per_line_and_hostile_entries(tmp_path: Path) -> None:
    doc = json.loads(ANSWER.read_text())
    hostile = dict(doc["ac"][0], hex="<img src=x>")
    far = dict(doc["ac"][1], lat=123.0)
    last = {"hex": "4840d6", "lastPosition": {"lat": 52.3, "lon": 4.76, "seen_pos": 90.0}}
    other = dict(
        doc, ac=[hostile, far, last, dict(doc["ac"][2], flight="<script>alert(1)</script>", gs=1e9)]
    )
    path = tmp_path / "answers.jsonl"
    path.write_bytes(b"\xef\xbb\xbf" + (json.dumps(doc) + "\n" + json.dumps(other) + "\n").encode())
    assert detect(path) == "adsbx_v2"
    got = read_file(path, "adsbx_v2")
    assert sorted(got.reasons.items()) == [("out_of_range", 1), ("unparsable", 1)]
    rows = got.positions.to_pylist()
    stale = [r for r in rows if r["icao24"] == "4840d6"]
    assert len(stale) == 1 and stale[0]["flags"] & 1  # lastPosition: kept, flagged stale
    assert not any("script" in (r["callsign"] or "") for r in rows)  # not a callsign's shape
    assert all(r["ground_speed"] is None or r["ground_speed"] < 4000 for r in rows)


def test_a_large_answer_with_now_at_the_end_is_recognised(tmp_path: Path) -> None:
    """Real answers put ``now`` after every aircraft, past the 64 KiB detection reads."""
    doc = json.loads(ANSWER.read_text())
    doc["ac"] = doc["ac"] * 200
    path = tmp_path / "point.json"
    path.write_text(json.dumps(doc, separators=(",", ":")))
    assert path.stat().st_size > 1 << 16 and path.read_bytes().find(b'"now"') > 1 << 16
    assert detect(path) == "adsbx_v2"
    assert read_file(path, "adsbx_v2").positions.num_rows == 200 * len(
        [a for a in json.loads(ANSWER.read_text())["ac"] if "lat" in a]
    )
