"""tar1090 / readsb heatmaps, written from the real readsb trace of N899DN
(xoolive/traffic, MIT) as readsb writes them (tests/heatmaps.py)."""

from __future__ import annotations

import gzip
import struct
from pathlib import Path
from typing import Any

import numpy as np
import orjson
import pytest

from jetwatch.fetch.window import Box
from jetwatch.sources import detect
from jetwatch.sources.heatmap import cut
from tests.conftest import real_path
from tests.heatmaps import MAGIC, heatmap
from tests.helpers import read_file


@pytest.fixture(scope="module")
def trace() -> dict[str, Any]:
    raw = gzip.decompress(real_path("traffic/readsb/trace_full_ac671b.json.gz").read_bytes())
    return dict(orjson.loads(raw))


def _half_hours(doc: dict[str, Any]) -> list[int]:
    first = doc["timestamp"] + doc["trace"][0][0]
    last = doc["timestamp"] + doc["trace"][-1][0]
    return list(range(int(first // 1800 * 1800), int(last), 1800))


def _expected(data: bytes) -> list[tuple[int, float, float, int | None, bool]]:
    """(slice ms, lat, lon, altitude ft, on ground) of every position entry."""
    out, stamp = [], 0
    for k in range(0, len(data), 16):
        hexid, lat, lon, alt, _ = struct.unpack_from("<iiihh", data, k)
        if hexid == MAGIC:
            stamp = (lat << 32) | (lon & 0xFFFFFFFF)
        elif stamp and lat < (1 << 30):
            ground = alt == -123
            out.append((stamp, lat / 1e6, lon / 1e6, None if ground else alt * 25, ground))
    return out


def test_every_sampled_position_is_read_at_its_slice(tmp_path: Path, trace: dict) -> None:
    hours = _half_hours(trace)
    busy = max(hours, key=lambda h: len(_expected(heatmap([trace], h))))
    data = heatmap([trace], busy)
    path = tmp_path / "23.bin.ttf"
    path.write_bytes(gzip.compress(data))
    assert detect(path) == "heatmap"
    got = read_file(path, "heatmap")
    want = _expected(data)
    rows = got.positions.to_pylist()
    assert len(rows) == len(want) > 30 and not got.rejects.reason
    for row, (ms, lat, lon, alt, ground) in zip(rows, want, strict=True):
        assert row["time"].timestamp() * 1000 == pytest.approx(ms)
        assert (row["lat"], row["lon"], row["altitude"], row["on_ground"]) == (
            lat,
            lon,
            alt,
            ground,
        )
        assert row["icao24"] == "ac671b" and row["source"] == "adsb" and row["flags"] == 64
    # every sampled point lies on the trace, within the 30 s after its slice starts
    t = trace["timestamp"] + np.array([p[0] for p in trace["trace"]])
    for row in rows:
        near = np.abs(t - row["time"].timestamp() - 15) <= 15
        assert near.any()
    named = {r["callsign"] for r in rows} - {None}
    assert named and all(len(c) <= 8 for c in named)


def test_a_cut_keeps_the_box_and_stays_a_heatmap(tmp_path: Path, trace: dict) -> None:
    data = b"".join(heatmap([trace], h) for h in _half_hours(trace)[:1])
    rows = read_file(_write(tmp_path / "a", data), "heatmap").positions.to_pylist()
    lats = sorted(r["lat"] for r in rows)
    box = Box(lats[len(lats) // 2], 90.0, -180.0, 180.0, "north half")
    inside = cut(data, box)
    assert inside is not None
    path = _write(tmp_path / "b", inside)
    assert detect(path) == "heatmap"
    kept = read_file(path, "heatmap").positions.to_pylist()
    assert kept == [r for r in rows if r["lat"] >= box.south]
    assert cut(data, Box(-10, -5, 0, 5, "nowhere")) is None


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(gzip.compress(data))
    return path


def test_damaged_and_hostile_entries(tmp_path: Path, trace: dict) -> None:
    data = heatmap([trace], _half_hours(trace)[0])
    far = struct.pack("<iiihh", 0xABCDEF, 95_000_000, 0, 100, 10)
    future = struct.pack("<iIIhh", MAGIC, 0x7FFFFFFF, 0, 30000, 0)
    after = struct.pack("<iiihh", 0xABCDEF, 10_000_000, 0, 100, 10)
    hostile_name = struct.pack("<ii", 0xABCDEF, (1 << 30) | 7700) + b"<b>x</b>"
    path = _write(tmp_path / "h", data + far + hostile_name + future + after + b"\x01\x02\x03")
    got = read_file(path, "heatmap")
    assert dict(got.reasons) == {"out_of_range": 2, "truncated": 1}
    assert all(r["icao24"] == "ac671b" for r in got.positions.to_pylist())
