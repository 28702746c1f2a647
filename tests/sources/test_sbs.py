"""SBS both ways: positions decoded from real frames, written as SBS, read back."""

from __future__ import annotations

from pathlib import Path

import pytest

from jetwatch.sources import sbs
from tests.conftest import real_path
from tests.helpers import read_file

FIELDS = ("icao24", "callsign", "lat", "lon", "altitude", "on_ground", "squawk")


@pytest.fixture(scope="module")
def decoded() -> list[dict]:
    got = read_file(real_path("rs1090/long_flight.csv.gz"), "hexcsv")
    return got.positions.slice(0, 6000).to_pylist()


def test_round_trip_of_real_positions(tmp_path: Path, decoded: list[dict]) -> None:
    path = tmp_path / "port30003.sbs"
    path.write_bytes(sbs.format_positions(decoded))
    got = read_file(path, "sbs")
    assert not got.rejects.reason
    back = got.positions.to_pylist()
    assert len(back) == len(decoded)
    for a, b in zip(decoded, back, strict=True):
        assert abs((a["time"] - b["time"]).total_seconds()) < 1e-3
        for name in FIELDS:
            assert a[name] == b[name], name
        if a["ground_speed"] is not None and not a["on_ground"]:
            assert abs(a["ground_speed"] - b["ground_speed"]) <= 0.05
            assert abs(a["track"] - b["track"]) <= 0.05
    assert {r["source"] for r in back} == {"sbs"}


def test_bad_lines(tmp_path: Path, decoded: list[dict]) -> None:
    lines = sbs.format_positions(decoded[:50]).split(b"\r\n")
    lines[2] = b"MSG,3,1,1,XYZ,1,2023/10/24,09:49:27.316,2023/10/24,09:49:27.316,,1000,,,1,1,,,,,,0"
    lines[4] = lines[4].replace(b"2023/10/24", b"2023/13/99", 1)
    lines[6] = b"MSG,3,1,1,3944ED,1,2023/10/24,09:49:27.316,,,,1000,,,95.0,1.0,,,,,,0"
    lines[8] = b"MSG,3,too,short"
    lines.insert(10, b"STA,,5,179,400AE7,10103,2008/11/28,14:58:51.153,2008/11/28,14:58:51.153,RM")
    path = tmp_path / "bad.sbs"
    path.write_bytes(b"\n".join(lines))
    got = read_file(path, "sbs")
    assert sorted(zip(got.rejects.line, got.rejects.reason, strict=True)) == [
        (3, "unparsable"),
        (5, "unparsable"),
        (7, "out_of_range"),
        (9, "unparsable"),
    ]


def test_sniff() -> None:
    assert sbs.sniff(
        b"MSG,3,1,1,4AC8B3,1,2019/12/10,19:10:46.320,2019/12/10,19:10:47.789,,36017,,,51.1001,10.1915,,,,,,\n"
    )
