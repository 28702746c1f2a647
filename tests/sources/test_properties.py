"""Every reader survives random and mutated input: no exception, accounted records."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jetwatch.sources import READERS
from tests.conftest import SHARED
from tests.helpers import read_file

SEEDS = {
    "avr": None,
    "beast": None,
    "hexcsv": "pymodes/sample_data_adsb.csv",
    "jsonl": "traffic/messages/full_flight_short.jsonl.gz",
    "sbs": None,
    "opensky": "traffic/opensky_impala/state_vectors_RYR2RG_4d2271_20220202.parquet",
    "opensky_raw": "traffic/opensky_impala/rollcall_replies_4b1901_20240406.parquet",
    "readsb_trace": "traffic/readsb/trace_full_ac671b.json.gz",
    "aircraft_json": "roob1090/aircraft.json",
}
SBS = (
    b"MSG,3,1,1,4AC8B3,1,2019/12/10,19:10:46.320,2019/12/10,19:10:47.789,,36017,,,51.1001,"
    b"10.1915,,,,,,\nMSG,4,1,1,4AC8B3,1,2019/12/10,19:10:46.500,2019/12/10,19:10:47.789,,,"
    b"420,90,,,64,,,,,\n"
)
SETTINGS = settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def _seed(fmt: str) -> bytes:
    name = SEEDS[fmt]
    if name is None:
        return SBS if fmt == "sbs" else b"*8D4840D6202CC371C32CE0576098;\n" * 20
    data = (SHARED / name).read_bytes()
    return gzip.decompress(data)[:20000] if name.endswith(".gz") else data


@pytest.mark.parametrize("fmt", sorted(READERS))
@SETTINGS
@given(data=st.binary(max_size=1500))
def test_random_bytes(tmp_path: Path, fmt: str, data: bytes) -> None:
    path = tmp_path / "random"
    path.write_bytes(data)
    got = read_file(path, fmt)
    assert got.records >= 0


@pytest.mark.parametrize("fmt", sorted(READERS))
@SETTINGS
@given(
    edits=st.lists(st.tuples(st.integers(0, 10**7), st.integers(0, 255)), min_size=1, max_size=20)
)
def test_mutated_real_input(tmp_path: Path, fmt: str, edits: list[tuple[int, int]]) -> None:
    data = bytearray(_seed(fmt))
    for pos, value in edits:
        data[pos % len(data)] = value
    path = tmp_path / "mutated"
    path.write_bytes(bytes(data))
    got = read_file(path, fmt)
    assert got.records >= 0
    lat = got.positions["lat"].to_numpy()
    assert ((lat >= -90) & (lat <= 90)).all()


@pytest.mark.parametrize("fmt", sorted(READERS))
def test_truncated_gzip_keeps_what_was_read(tmp_path: Path, fmt: str) -> None:
    data = gzip.compress(_seed(fmt) * 3)
    path = tmp_path / "truncated.gz"
    path.write_bytes(data[: len(data) // 2])
    got = read_file(path, fmt)
    assert got.stream_error is not None or fmt in ("opensky", "opensky_raw")
