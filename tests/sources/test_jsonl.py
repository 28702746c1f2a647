from __future__ import annotations

import gzip
from pathlib import Path

from tests.conftest import real_path
from tests.helpers import gz_lines, read_file


def test_jet1090_capture() -> None:
    path = real_path("traffic/messages/full_flight_short.jsonl.gz")
    got = read_file(path, "jsonl")
    lines = gz_lines(path)
    assert got.records == lines  # 57,793 in the whole capture
    assert not got.rejects.reason
    # 8,320 in the whole capture: every airborne position of the 15,573 DF17 frames
    assert got.positions.num_rows >= 8_320 * lines // 57_793
    assert set(got.positions["callsign"].drop_null().to_pylist()) == {"AFR34ZG"}


def test_bad_lines(tmp_path: Path) -> None:
    with gzip.open(real_path("traffic/messages/full_flight_short.jsonl.gz")) as fh:
        lines = [next(fh) for _ in range(100)]
    lines[3] = b'{"timestamp": 1, "frame": "zz"}\n'
    lines[7] = b"{not json\n"
    lines[9] = b'{"timestamp": 1}\n'
    path = tmp_path / "f.jsonl"
    path.write_bytes(b"".join(lines))
    got = read_file(path, "jsonl")
    assert sorted(zip(got.rejects.line, got.rejects.reason, strict=True)) == [
        (4, "unparsable"),
        (8, "unparsable"),
        (10, "unparsable"),
    ]
    assert got.records == 100
