from __future__ import annotations

from pathlib import Path

from jetwatch.sources import hexcsv
from tests.conftest import real_path
from tests.helpers import gz_lines, read_file


def test_pymodes_adsb_sample(shared: Path) -> None:
    got = read_file(shared / "pymodes/sample_data_adsb.csv", "hexcsv")
    assert got.records == 2000
    assert not got.rejects.reason
    # 937 position messages in the sample; every one but a few unpaired at the start
    assert 930 <= got.positions.num_rows <= 937
    assert set(got.positions["icao24"].to_pylist()) == {"406b90"}
    assert set(got.positions["callsign"].to_pylist()) == {"EZY85MH"}


def test_address_column_lets_comm_b_replies_in(shared: Path) -> None:
    # DF20 replies only: no DF11/17 proves the addresses, the CSV's ICAO column does
    got = read_file(shared / "pymodes/sample_data_commb_df20.csv", "hexcsv")
    assert got.records == 5000
    assert got.reasons["unknown_address"] <= 5


def test_hex_beast_frames() -> None:
    path = real_path("rs1090/long_flight.csv.gz")
    got = read_file(path, "hexcsv")
    lines = gz_lines(path)
    assert got.records == lines  # 172,432 in the whole capture
    assert got.positions.num_rows > 12_000 * lines // 172_432


def test_bad_lines_name_their_line(tmp_path: Path) -> None:
    path = tmp_path / "f.csv"
    path.write_text(
        "1457996400,8D406B902015A678D4D220AA4BDA\n"
        "garbage\n"
        "1457996401,8D406B902015A678D4D220AA4B\n"
        "1457996402,not-hex-at-all-not-hex-at-all\n"
    )
    got = read_file(path, "hexcsv")
    assert sorted(zip(got.rejects.line, got.rejects.reason, strict=True)) == [
        (2, "unparsable"),
        (3, "unparsable"),
        (4, "unparsable"),
    ]
    assert got.records == 4


def test_sniff() -> None:
    assert hexcsv.sniff(b'1457996400,"8D406B909945DE10000405999BE4","406B90",19\n')
    assert not hexcsv.sniff(b"icao24,r,t,desc\n004025,Z-WPA,B732,\n")
