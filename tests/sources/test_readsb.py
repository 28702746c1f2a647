from __future__ import annotations

import gzip
import json
from pathlib import Path

import numpy as np

from jetwatch.model import FLAG_NEW_LEG, FLAG_STALE
from tests.conftest import real_path
from tests.helpers import read_file


def _trace() -> dict:
    with gzip.open(real_path("traffic/readsb/trace_full_ac671b.json.gz")) as fh:
        return json.load(fh)


def test_real_trace_keeps_flags_and_ground() -> None:
    doc = _trace()
    got = read_file(real_path("traffic/readsb/trace_full_ac671b.json.gz"), "readsb_trace")
    assert got.records == got.positions.num_rows == len(doc["trace"])
    flags = got.positions["flags"].to_numpy()
    src_flags = np.array([p[6] for p in doc["trace"]])
    assert ((flags & FLAG_NEW_LEG) > 0).sum() == ((src_flags & 2) > 0).sum() > 0
    assert ((flags & FLAG_STALE) > 0).sum() == ((src_flags & 1) > 0).sum()
    ground = np.array([p[3] == "ground" for p in doc["trace"]])
    assert (got.positions["on_ground"].to_numpy() == ground).all()
    first = got.positions.slice(0, 1).to_pylist()[0]
    assert first["time"].timestamp() == doc["timestamp"]
    assert first["icao24"] == "ac671b"
    assert "DAL1812" in got.positions["callsign"].to_pylist()


def test_bad_points_are_rejected_by_index(tmp_path: Path) -> None:
    doc = _trace()
    doc["trace"][5] = "nonsense"
    doc["trace"][6][1] = 123.0
    path = tmp_path / "trace_full_ac671b.json"
    path.write_text(json.dumps(doc))
    got = read_file(path, "readsb_trace")
    assert sorted(zip(got.rejects.offset, got.rejects.reason, strict=True)) == [
        (5, "unparsable"),
        (6, "out_of_range"),
    ]
    assert got.positions.num_rows == len(doc["trace"]) - 2


def test_not_a_trace(tmp_path: Path) -> None:
    path = tmp_path / "t.json"
    path.write_text('{"icao": "abc", "trace": 5')
    got = read_file(path, "readsb_trace")
    assert got.reasons == {"unparsable": 1}
