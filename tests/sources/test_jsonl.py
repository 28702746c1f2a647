from __future__ import annotations

import gzip
from pathlib import Path

from tests.helpers import read_file


def test_jet1090_capture(shared: Path) -> None:
    got = read_file(shared / "traffic/messages/full_flight_short.jsonl.gz", "jsonl")
    assert got.records == 57_793
    assert not got.rejects.reason
    assert got.positions.num_rows >= 8_320
    assert set(got.positions["callsign"].drop_null().to_pylist()) == {"AFR34ZG"}


def test_bad_lines(tmp_path: Path, shared: Path) -> None:
    with gzip.open(shared / "traffic/messages/full_flight_short.jsonl.gz") as fh:
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
