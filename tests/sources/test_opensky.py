from __future__ import annotations

import gzip
import lzma
import re
from pathlib import Path

import duckdb
import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jetwatch.compress import Stream
from jetwatch.model import FLAG_STALE
from jetwatch.sources import opensky
from jetwatch.units import FPM_PER_MS, FT_PER_M, KT_PER_MS
from tests.conftest import real_path
from tests.helpers import opensky_csv, read_file

FILES = sorted(
    [
        "state_vectors_EDW24_4b1901_20240406.parquet",
        "state_vectors_EZY158T_406d95_20170205.parquet",
        "state_vectors_RYR2RG_4d2271_20220202.parquet",
    ]
)


def _csv(name: str, out: Path) -> Path:
    return opensky_csv(real_path(f"traffic/opensky_impala/{name}"), out)


@pytest.mark.parametrize("name", FILES)
def test_parquet_units_and_counts(name: str) -> None:
    path = real_path(f"traffic/opensky_impala/{name}")
    got = read_file(path, "opensky")
    src = duckdb.sql(f"SELECT * FROM read_parquet('{path}') WHERE lat IS NOT NULL").fetchall()
    cols = [d[0] for d in duckdb.sql(f"DESCRIBE SELECT * FROM read_parquet('{path}')").fetchall()]
    assert (
        got.records == duckdb.sql(f"SELECT count(*) FROM read_parquet('{path}')").fetchall()[0][0]
    )
    assert got.positions.num_rows == len(src)
    assert not got.rejects.reason
    first = dict(zip(cols, src[0], strict=True))
    row = got.positions.slice(0, 1).to_pylist()[0]
    if first["velocity"] is not None:
        assert row["ground_speed"] == pytest.approx(first["velocity"] * KT_PER_MS, rel=1e-6)
    if first["baroaltitude"] is not None:
        assert row["altitude"] == round(first["baroaltitude"] * FT_PER_M)
    if first["vertrate"] is not None:
        assert row["vertical_rate"] == round(first["vertrate"] * FPM_PER_MS)
    assert row["on_ground"] == first["onground"]
    assert row["icao24"] == first["icao24"]


@pytest.mark.parametrize("compress", [None, gzip.compress, lzma.compress])
def test_csv_plain_and_compressed_equal_parquet(tmp_path: Path, compress) -> None:
    name = FILES[0]
    csv = _csv(name, tmp_path / "states.csv")
    if compress:
        csv.write_bytes(compress(csv.read_bytes()))
    got = read_file(csv, "opensky")
    ref = read_file(real_path(f"traffic/opensky_impala/{name}"), "opensky")
    assert got.positions.num_rows == ref.positions.num_rows
    for col in ("lat", "lon", "altitude", "icao24", "callsign", "on_ground", "flags"):
        assert got.positions[col].to_pylist() == ref.positions[col].to_pylist(), col


def test_stale_positions_are_flagged(tmp_path: Path) -> None:
    csv = _csv(FILES[0], tmp_path / "states.csv")
    lines = csv.read_text().splitlines()
    header = lines[0].split(",")
    t, last = header.index("time"), header.index("lastposupdate")
    k = next(i for i, line in enumerate(lines[1:], 1) if line.split(",")[2])
    cells = lines[k].split(",")
    cells[last] = str(float(cells[t]) - 60)  # position a minute older than the row
    lines[k] = ",".join(cells)
    csv.write_text("\n".join(lines) + "\n")
    flags = read_file(csv, "opensky").positions["flags"].to_numpy()
    assert (flags & FLAG_STALE).astype(bool).sum() == 1
    real = read_file(real_path(f"traffic/opensky_impala/{FILES[0]}"), "opensky")
    assert not (real.positions["flags"].to_numpy() & FLAG_STALE).any()


def test_bad_cells_and_out_of_range_rows(tmp_path: Path) -> None:
    csv = _csv(FILES[0], tmp_path / "states.csv")
    lines = csv.read_text().splitlines()
    cells = lines[10].split(",")
    cells[2] = "abc"  # lat is not a number
    lines[10] = ",".join(cells)
    cells = lines[20].split(",")
    cells[2] = "95.5"  # lat out of range
    lines[20] = ",".join(cells)
    csv.write_text("\n".join(lines) + "\n")
    got = read_file(csv, "opensky")
    where = sorted(zip(got.rejects.line, got.rejects.reason, strict=True))
    assert where == [(11, "unparsable"), (21, "out_of_range")]
    assert got.records == len(lines) - 1


def test_missing_columns_are_one_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "states.csv"
    path.write_text("time,icao24,lat\n1,abcdef,1.0\n")
    got = read_file(path, "opensky")
    assert got.reasons == {"unparsable": 1}
    assert "lon" in got.rejects.detail[0]


def test_a_cut_off_last_line_is_one_reject(tmp_path: Path) -> None:
    csv = _csv(FILES[0], tmp_path / "states.csv")
    text = csv.read_text()
    cut = text[: text.rstrip("\n").rfind("\n") + 25]  # the last record stops after 24 chars
    csv.write_text(cut)
    got = read_file(csv, "opensky")
    lines = cut.count("\n") + 1
    assert got.reasons == {"unparsable": 1}
    assert got.rejects.line == [lines]
    assert got.records == lines - 1


def test_hostile_lines_are_screened_before_duckdb(tmp_path: Path) -> None:
    csv = _csv(FILES[0], tmp_path / "states.csv")
    lines = csv.read_bytes().split(b"\n")
    lines[5] = b"9" * 600_000  # one huge line
    lines[9] = lines[9][:10] + b"\x00\x00" + lines[9][10:]  # NUL bytes
    lines[12] = lines[12][:10] + b"\xff\xfe" + lines[12][10:]  # not UTF-8
    csv.write_bytes(b"\n".join(lines))
    got = read_file(csv, "opensky")
    assert sorted(zip(got.rejects.line, got.rejects.reason, strict=True)) == [
        (6, "unparsable"),
        (10, "unparsable"),
        (13, "unparsable"),
    ]
    assert len(got.rejects.data[0]) <= 4096
    clean = read_file(real_path(f"traffic/opensky_impala/{FILES[0]}"), "opensky")
    assert got.positions.num_rows >= clean.positions.num_rows - 3


def test_fields_out_of_bounds_are_dropped_and_times_rejected(tmp_path: Path) -> None:
    path = tmp_path / "states.csv"
    path.write_text(
        "time,icao24,lat,lon,velocity,heading,vertrate,callsign,onground,squawk,baroaltitude\n"
        "1700000000,4b1901,47.4,8.5,1e308,720,-1e9,<script>alert(1),false,77777,1e40\n"
        "99999999999999,4b1901,47.4,8.5,100,90,0,EDW24,false,1000,1000\n"
        "1700000001,4b1901,47.4,8.5,100,90,0,EDW24,false,1000,1000\n"
    )
    got = read_file(path, "opensky")
    assert got.reasons == {"out_of_range": 1} and got.rejects.line == [3]
    first, second = got.positions.to_pylist()
    assert [first[k] for k in ("ground_speed", "track", "vertical_rate", "altitude")] == [None] * 4
    assert first["callsign"] is None and first["squawk"] is None
    assert second["callsign"] == "EDW24" and second["squawk"] == "1000"


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    lines=st.lists(
        st.sampled_from(["1,abcdef,1.0,2.0", "", "x" * 40, "1," * 64, "a\x00b", "é"]),
        max_size=40,
    ),
    newline_at_end=st.booleans(),
    read_size=st.integers(1, 64),
)
def test_the_screen_counts_the_lines_it_checks_in_parallel(
    tmp_path: Path, lines: list[str], newline_at_end: bool, read_size: int
) -> None:
    """Chunks checked on two threads give the same rejects, in order, as the file's
    lines, and the screen's line count is the records DuckDB will see."""
    text = "\n".join(["time,icao24,lat,lon", *lines]) + ("\n" if newline_at_end else "")
    path = tmp_path / "s.csv"
    path.write_bytes(text.encode())
    found = opensky.screen(Stream(path, read_size=read_size), tmp_path)
    assert found.path == path or found.removed
    bad = [
        n + 2
        for n, line in enumerate(lines)
        if "\x00" in line or line.count(",") >= opensky.MAX_FIELDS
    ]
    assert [line for line, _ in found.removed] == bad
    if not found.removed:
        assert found.lines == opensky._data_lines(path)


_TEXT = st.text(
    st.characters(exclude_categories=("Cs",), exclude_characters="\x00"), max_size=12
) | st.sampled_from(
    [" EDW24 ", "\tEDW24", "12345678", "123456789", "'", "\\", "e\u0301", "\r\n", "0700", "7778"]
    + ["0\xa0", "\u3000EDW24", "7000\u2003"]  # Unicode spaces are not trimmed: not ASCII
)


@settings(max_examples=300, deadline=None)
@given(callsign=_TEXT, squawk=_TEXT, icao24=_TEXT)
def test_text_is_kept_only_in_its_wire_shape(callsign: str, squawk: str, icao24: str) -> None:
    """The SQL's character checks mean the patterns of :mod:`jetwatch.sources.bounds`
    on the space-trimmed text: a callsign of 1-8 printable ASCII characters, a squawk
    of 4 octal digits; the address check (SQL and Arrow) six hex digits."""
    columns = {"time": "BIGINT", "icao24": "VARCHAR", "lat": "DOUBLE", "lon": "DOUBLE"}
    columns |= {"callsign": "VARCHAR", "squawk": "VARCHAR"}
    done = duckdb.execute(
        f"SELECT {opensky.select_sql(columns)}, {opensky.valid_sql(columns)} AS valid FROM ("
        "SELECT 0 AS time, $3 AS icao24, 0.0 AS lat, 0.0 AS lon, $1 AS callsign, $2 AS squawk)",
        [callsign, squawk, icao24],
    )
    row = dict(zip([d[0] for d in done.description], done.fetchall()[0], strict=True))

    def shaped(text: str, pattern: str) -> str | None:
        return text.strip(" ") if re.fullmatch(pattern, text.strip(" ")) else None

    assert row["callsign"] == shaped(callsign, r"[\x20-\x7e]{1,8}")
    assert row["squawk"] == shaped(squawk, "[0-7]{4}")
    assert row["valid"] == bool(re.fullmatch("[0-9a-fA-F]{6}", icao24))
    lowered = pa.chunked_array([[icao24.lower()]])
    assert opensky._hex6(lowered)[0].as_py() == bool(re.fullmatch("[0-9a-f]{6}", icao24.lower()))
