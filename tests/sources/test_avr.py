from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow.compute as pc
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jetwatch.model import FLAG_TIME_ESTIMATED
from jetwatch.sources import avr
from tests.helpers import read_file


def _avr(cdg_rows: list[dict], clock: bool = True) -> tuple[bytes, float]:
    t0 = cdg_rows[0]["timestamp"]
    frames = [bytes.fromhex(r["frame"]) for r in cdg_rows]
    clocks = [round((r["timestamp"] - t0) * 12e6) for r in cdg_rows] if clock else None
    return avr.format_frames(frames, clocks), t0


def test_real_capture_decodes_like_rs1090(tmp_path: Path, cdg_rows: list[dict]) -> None:
    text, t0 = _avr(cdg_rows)
    path = tmp_path / "cdg.avr"
    path.write_bytes(text)
    got = read_file(path, "avr", anchor=t0)
    assert got.records == len(cdg_rows)
    assert not got.rejects.reason
    times = pc.cast(got.positions["time"], "int64").to_numpy() / 1e6
    lats = got.positions["lat"].to_numpy()
    theirs = [(r["timestamp"], r["latitude"]) for r in cdg_rows if r.get("latitude") is not None]
    # each rs1090 position is ours too, at the same time (the 12 MHz clock keeps it
    # within a microsecond) and latitude
    k = np.clip(np.searchsorted(times, [t for t, _ in theirs]), 0, len(times) - 1)
    hits = [
        any(
            abs(times[j] - t) < 2e-6 and abs(lats[j] - lat) < 1e-6
            for j in (i - 1, i, i + 1)
            if 0 <= j < len(times)
        )
        for i, (t, lat) in zip(k, theirs, strict=True)
    ]
    assert len(theirs) > 2000 and sum(hits) >= len(theirs) - 2  # 8,000+ in the whole capture
    flags = got.positions["flags"].to_numpy()
    assert (flags & FLAG_TIME_ESTIMATED).all()


def test_lines_without_time_are_dated_at_the_anchor(tmp_path: Path, cdg_rows: list[dict]) -> None:
    text, _ = _avr(cdg_rows[:20000], clock=False)
    path = tmp_path / "plain.avr"
    path.write_bytes(text)
    got = read_file(path, "avr", anchor=1_700_000_000.0)
    assert got.positions.num_rows > 1000
    times = pc.unique(got.positions["time"]).to_pylist()
    assert len(times) == 1 and times[0].timestamp() == 1_700_000_000.0


def test_bad_lines_are_rejected_with_their_line_and_the_rest_is_kept(
    tmp_path: Path, cdg_rows: list[dict]
) -> None:
    text, t0 = _avr(cdg_rows[:5000])
    lines = text.splitlines(keepends=True)
    clean = tmp_path / "clean.avr"
    clean.write_bytes(text)
    bad = {
        10: b"this is not a frame\n",
        20: b"@00000000ZZZZ8D4840D6202CC371C32CE0576098;\n",
        30: b"*1234;\n",
        40: b"*8D4840D6202CC371C32CE05760;\n",
        50: b"*8D4840D6202CC371C32CE057609B;\n",
    }
    for k in sorted(bad):
        lines.insert(k, bad[k])
    dirty = tmp_path / "dirty.avr"
    dirty.write_bytes(b"".join(lines))
    a = read_file(clean, "avr", anchor=t0)
    b = read_file(dirty, "avr", anchor=t0)
    assert b.positions.equals(a.positions)
    where = dict(zip(b.rejects.line, b.rejects.reason, strict=True))
    assert where == {
        11: "unparsable",
        21: "unparsable",
        31: "unsupported",
        41: "unparsable",
        51: "bad_crc",
    }
    assert b.records == a.records + len(bad)


def test_sniff() -> None:
    assert avr.sniff(b"*8D4840D6202CC371C32CE0576098;\n*8D4840D6202CC371C32CE0576098;\n")
    assert not avr.sniff(b"MSG,3,1,1,4AC8B3,1,2019/12/10,19:10:46.320,\n")


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.binary(max_size=2000))
def test_random_bytes_never_crash(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "random.avr"
    path.write_bytes(data)
    got = read_file(path, "avr")
    assert got.records >= len(got.rejects) - got.reasons["implausible_position"]


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(st.tuples(st.integers(0, 4000), st.integers(0, 255)), max_size=30))
def test_mutated_real_lines_never_crash(tmp_path: Path, cdg_rows: list[dict], edits) -> None:
    text, t0 = _avr(cdg_rows[:150])
    data = bytearray(text)
    for pos, value in edits:
        data[pos % len(data)] = value
    path = tmp_path / "mutated.avr"
    path.write_bytes(bytes(data))
    got = read_file(path, "avr", anchor=t0)
    assert got.positions.num_rows <= 150
    assert np.isfinite(got.positions["lat"].to_numpy()).all()
