from __future__ import annotations

from pathlib import Path

import pyarrow as pa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jetwatch.sources import beast
from tests.helpers import read_file

N = 40_000


def _beast(klm_lines: list[tuple[float, bytes]], n: int = N) -> tuple[bytes, float, list[bytes]]:
    rows = klm_lines[:n]  # all of them in the 30,000-line snippet
    frames = [b[9:] for _, b in rows]
    clocks = [int.from_bytes(b[2:8], "big") for _, b in rows]
    return beast.encode(frames, clocks), rows[0][0], frames


def test_real_capture_round_trips_with_escapes(tmp_path: Path, klm_lines) -> None:
    data, t0, frames = _beast(klm_lines)
    assert sum(b"\x1a" in f for f in frames) > 100  # escaping is exercised
    path = tmp_path / "klm.bin"
    path.write_bytes(data)
    got = read_file(path, "beast", anchor=t0)
    assert got.records == len(frames)
    assert not got.rejects.reason
    # the same frames as hex CSV with the capture's own times decode the same
    csv = tmp_path / "klm.csv"
    csv.write_text("".join(f"{t},{b.hex()}\n" for t, b in klm_lines[:N]))
    ref = read_file(csv, "hexcsv")

    def rows(t: pa.Table) -> list[tuple]:  # in any batch order
        return sorted(zip(t["icao24"].to_pylist(), t["lat"].to_pylist(), strict=True))

    assert rows(got.positions) == rows(ref.positions)


def test_chunk_boundaries_do_not_matter(tmp_path: Path, klm_lines) -> None:
    data, t0, _ = _beast(klm_lines, 3000)
    path = tmp_path / "klm.bin"
    path.write_bytes(data)
    whole = read_file(path, "beast", anchor=t0)
    tiny = read_file(path, "beast", anchor=t0, read_size=7)
    assert tiny.records == whole.records == 3000
    assert tiny.positions.equals(whole.positions)


def test_corrupt_frames_are_rejected_at_their_offset(tmp_path: Path, klm_lines) -> None:
    data, t0, frames = _beast(klm_lines, 3000)
    cut = data.index(b"\x1a3", 50_000)
    broken = data[: cut + 5] + data[cut + 9 :]  # drop 4 bytes inside one long frame
    path = tmp_path / "broken.bin"
    path.write_bytes(b"junk!" + broken)
    got = read_file(path, "beast", anchor=t0)
    assert got.reasons["bad_length"] == 1
    assert got.reasons["unparsable"] == 1  # the bytes before the first frame
    bad = got.rejects.reason.index("bad_length")
    assert got.rejects.offset[bad] == cut + 5
    assert got.records == 3000 + 1  # the broken frame counts once, the junk once


def test_mode_ac_and_status_frames_are_counted(tmp_path: Path) -> None:
    status = b"\x1a4" + bytes(6) + b"\x00" + b"\x00\x00"
    modeac = b"\x1a1" + bytes(6) + b"\x10" + b"\x12\x34"
    path = tmp_path / "f.bin"
    path.write_bytes(modeac + status)
    got = read_file(path, "beast")
    assert got.reasons["unsupported"] == 2


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.binary(max_size=3000))
def test_random_bytes_never_crash(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "random.bin"
    path.write_bytes(b"\x1a2" + data)
    read_file(path, "beast")


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 255)), max_size=40))
def test_mutated_capture_never_crashes(tmp_path: Path, klm_lines, edits) -> None:
    data, t0, _ = _beast(klm_lines, 500)
    buf = bytearray(data)
    for pos, value in edits:
        buf[pos % len(buf)] = value
    path = tmp_path / "mutated.bin"
    path.write_bytes(bytes(buf))
    got = read_file(path, "beast", anchor=t0)
    assert got.records <= 500 + len(edits) + 1
