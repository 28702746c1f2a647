"""Every reader survives random and mutated input: no exception, accounted records,
positions within bounds (the larger mutation fuzzer is ``tests/fuzz.py``)."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jetwatch.sources import READERS
from tests.fuzz import check_positions, seeds
from tests.helpers import read_file

SETTINGS = settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def _seed(fmt: str) -> bytes:
    return seeds(fmt)[0]


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
    assert check_positions(got.positions) is None


@pytest.mark.parametrize("fmt", sorted(READERS))
def test_truncated_gzip_keeps_what_was_read(tmp_path: Path, fmt: str) -> None:
    data = gzip.compress(_seed(fmt) * 3)
    path = tmp_path / "truncated.gz"
    path.write_bytes(data[: len(data) // 2])
    got = read_file(path, fmt)
    assert got.stream_error is not None or fmt in ("opensky", "opensky_raw")
