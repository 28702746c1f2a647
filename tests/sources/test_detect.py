from __future__ import annotations

from pathlib import Path

import pytest

from jetwatch.errors import UnknownFormatError
from jetwatch.sources import detect
from tests.conftest import SNIPPETS, real_path
from tests.helpers import read_file

REAL = {
    "pymodes/sample_data_adsb.csv": "hexcsv",
    "pymodes/sample_data_commb_df20.csv": "hexcsv",
    "rs1090/long_flight.csv.gz": "hexcsv",
    "traffic/messages/full_flight_short.jsonl.gz": "jsonl",
    "traffic/readsb/trace_full_ac671b.json.gz": "readsb_trace",
    "roob1090/aircraft.json": "aircraft_json",
    "traffic/opensky_impala/state_vectors_EDW24_4b1901_20240406.parquet": "opensky",
    "traffic/opensky_impala/rollcall_replies_4b1901_20240406.parquet": "opensky_raw",
}


@pytest.mark.parametrize("name", sorted(REAL))
def test_real_files_are_recognised(name: str) -> None:
    assert detect(real_path(name)) == REAL[name]


@pytest.mark.parametrize(
    "content, fmt",
    [
        (b"*8D4840D6202CC371C32CE0576098;\n", "avr"),
        (b"@0000A1B2C3D48D4840D6202CC371C32CE0576098;\n", "avr"),
        (b"\x1a3" + bytes(6) + b"\x80" + bytes.fromhex("8D4840D6202CC371C32CE0576098"), "beast"),
        (
            b"MSG,3,1,1,4AC8B3,1,2019/12/10,19:10:46.320,2019/12/10,19:10:47.789,,36017,,,51.1,10.1,,,,,,\n",
            "sbs",
        ),
        (b"time,icao24,lat,lon,velocity\n1,abcdef,1,2,3\n", "opensky"),
    ],
)
def test_formats_by_content(tmp_path: Path, content: bytes, fmt: str) -> None:
    path = tmp_path / "no-extension"
    path.write_bytes(content)
    assert detect(path) == fmt


def test_unknown_and_empty_files_name_the_file(tmp_path: Path) -> None:
    with pytest.raises(UnknownFormatError, match="README.md"):
        detect(real_path("README.md"))
    empty = tmp_path / "empty.bin"
    empty.write_bytes(b"")
    with pytest.raises(UnknownFormatError, match="empty"):
        detect(empty)


@pytest.mark.parametrize(
    "name, fmt",
    [
        ("derived/aircraft.json", "aircraft_json"),
        ("derived/v2-point.json", "adsbx_v2"),
        ("traffic/readsb/trace_full_ac671b.json.gz", "readsb_trace"),
        ("traffic/messages/full_flight_short.jsonl.gz", "jsonl"),
    ],
)
def test_a_byte_order_mark_before_json_is_accepted(tmp_path: Path, name: str, fmt: str) -> None:
    import gzip

    data = (SNIPPETS / name).read_bytes()
    data = gzip.decompress(data) if name.endswith(".gz") else data
    path = tmp_path / "with-bom"
    path.write_bytes(b"\xef\xbb\xbf" + data)
    assert detect(path) == fmt
    got = read_file(path, fmt)
    plain = tmp_path / "plain"
    plain.write_bytes(data)
    assert not got.rejects.reason
    assert got.positions.num_rows == read_file(plain, fmt).positions.num_rows > 0
