"""The output layer: every writer by name, on rows with hostile text, and the map
formats' geometry (GeoParquet's WKB and metadata read back by hand)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import struct
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from jetwatch.cli import main
from jetwatch.output import FORMATS, Output, write
from jetwatch.output.base import OutputFormatError

HOSTILE = '<script>alert(1)</script> "quoted", comma\nnew line [bold]x[/bold]'
ROWS = pa.Table.from_pylist(
    [
        {
            "id": "4b1805-20230624T100000",
            "icao24": "4b1805",
            "callsign": HOSTILE,
            "takeoff": dt.datetime(2023, 6, 24, 10, 0, 5),
            "positions": 3,
            "callsigns": [HOSTILE, "SWR1"],
        },
        {
            "id": "151f53-20230624T082510",
            "icao24": "151f53",
            "callsign": None,
            "takeoff": None,
            "positions": 0,
            "callsigns": None,
        },
    ]
)
TRACKS = {"4b1805-20230624T100000": [[8.55, 47.45], [8.6, 47.5], [8.7, 47.6]]}


def _read_wkb(blob: bytes) -> list[tuple[float, float]]:
    order, kind, n = struct.unpack_from("<BII", blob)
    assert (order, kind) == (1, 2)
    values = struct.unpack_from(f"<{2 * n}d", blob, 9)
    return list(zip(values[::2], values[1::2], strict=True))


def test_every_format_is_written_and_hostile_text_stays_text() -> None:
    out = Output(ROWS, tracks=TRACKS, describe=lambda r: (r["callsign"] or r["icao24"], HOSTILE))
    assert set(FORMATS) >= {"table", "csv", "json", "jsonl", "parquet", "geojson", "kml"}
    made = {fmt: write(fmt, out) for fmt in FORMATS}
    assert "[bold]" in made["table"].decode()  # markup shown as text, not applied
    rows = list(csv.DictReader(io.StringIO(made["csv"].decode())))
    assert rows[0]["callsign"] == HOSTILE and "callsigns" not in rows[0]
    assert rows[0]["takeoff"].startswith("2023-06-24")
    doc = json.loads(made["json"])
    assert doc[0]["callsign"] == HOSTILE and doc[0]["takeoff"] == "2023-06-24T10:00:05Z"
    assert [json.loads(line)["icao24"] for line in made["jsonl"].splitlines()] == [
        "4b1805",
        "151f53",
    ]
    assert pq.read_table(io.BytesIO(made["parquet"])).equals(ROWS)
    geo = json.loads(made["geojson"])
    assert geo["features"][0]["geometry"]["coordinates"] == TRACKS[ROWS["id"][0].as_py()]
    assert geo["features"][1]["geometry"]["coordinates"] == []
    assert "<script>" not in made["kml"].decode() and "&lt;script&gt;" in made["kml"].decode()


def test_geoparquet_has_wkb_lines_and_its_metadata() -> None:
    table = pq.read_table(io.BytesIO(write("geoparquet", Output(ROWS, tracks=TRACKS))))
    meta = json.loads(table.schema.metadata[b"geo"])
    assert meta["version"] == "1.1.0" and meta["primary_column"] == "geometry"
    column = meta["columns"]["geometry"]
    assert column["encoding"] == "WKB" and column["geometry_types"] == ["LineString"]
    assert column["bbox"] == [8.55, 47.45, 8.7, 47.6]
    lines = [_read_wkb(b) for b in table["geometry"].to_pylist()]
    assert lines == [[tuple(p) for p in TRACKS["4b1805-20230624T100000"]], []]
    assert table.drop_columns(["geometry"]).to_pylist() == ROWS.to_pylist()


def test_a_document_is_written_whole_as_json() -> None:
    doc = {"verdict": "supported", "when": dt.datetime(2023, 6, 24, 10)}
    assert json.loads(write("json", Output(ROWS, doc=doc))) == {
        "verdict": "supported",
        "when": "2023-06-24T10:00:00Z",
    }


def test_unknown_formats_and_map_formats_without_tracks_are_clear_errors() -> None:
    with pytest.raises(OutputFormatError, match="known: table"):
        write("xlsx", Output(ROWS))
    with pytest.raises(OutputFormatError, match="tracks"):
        write("geojson", Output(ROWS))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(max_size=40), max_size=8))
def test_csv_and_jsonl_keep_any_text(texts: list[str]) -> None:
    table = pa.table({"text": pa.array(texts, pa.string())})
    out = Output(table)
    lines = write("jsonl", out).splitlines()
    assert [json.loads(line)["text"] for line in lines] == texts
    if texts:
        back = list(csv.reader(io.StringIO(write("csv", out).decode(), newline="")))
        assert [r[0] if r else "" for r in back[1:]] == texts


def test_the_watch_listings_take_the_shared_options(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    runner = CliRunner()
    added = runner.invoke(
        main, ["watch", "add", "--db", str(db), "--hex", "4b1805", "--note", HOSTILE]
    )
    assert added.exit_code == 0, added.output
    listed = runner.invoke(main, ["watch", "list", "--db", str(db), "--format", "json"])
    assert json.loads(listed.output)[0]["note"] == HOSTILE
    out = tmp_path / "w.jsonl"
    got = runner.invoke(
        main, ["watch", "list", "--db", str(db), "--format", "jsonl", "--out", str(out)]
    )
    assert got.exit_code == 0 and json.loads(out.read_text())["value"] == "4b1805"
    table = runner.invoke(main, ["watch", "list", "--db", str(db)])
    assert "4b1805" in table.output and "<script>" in table.output  # text as stored
    for cmd in (["watch", "rules"], ["watch", "alerts"]):
        done = runner.invoke(main, [*cmd, "--db", str(db), "--format", "csv"])
        assert done.exit_code == 0, done.output
    binary = runner.invoke(main, ["flights", "--db", str(db), "--format", "geoparquet"])
    assert binary.exit_code != 0 and "--out FILE" in binary.output
