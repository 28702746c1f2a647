"""The runway ends against a plain row-by-row reading of the same file."""

from __future__ import annotations

import csv
import gzip
from importlib import resources

import pytest

from jetwatch.geo import bearing
from jetwatch.reference import runways


def _rows() -> list[dict[str, str]]:
    path = resources.files("jetwatch") / "data" / "runways.csv.gz"
    with path.open("rb") as raw, gzip.open(raw, "rt") as fh:
        return list(csv.DictReader(fh))


def test_every_runway_gives_both_ends_in_file_order() -> None:
    rows, table = _rows(), runways.table()
    assert table.num_rows == 2 * len(rows)
    got = table.to_pylist()
    for i in range(0, len(rows), 97):  # a spread of runways, each checked field by field
        r, low, high = rows[i], got[2 * i], got[2 * i + 1]
        la, lo, ha, ho = (float(r[k]) for k in ("le_lat", "le_lon", "he_lat", "he_lon"))
        assert low == {
            "airport": r["icao"],
            "ident": r["le_ident"],
            "lat": la,
            "lon": lo,
            "heading": pytest.approx(float(bearing(la, lo, ha, ho)), abs=1e-9),
            "length_ft": float(r["length_ft"]),
        }
        assert high["ident"] == r["he_ident"] and (high["lat"], high["lon"]) == (ha, ho)
        assert high["heading"] == pytest.approx(float(bearing(ha, ho, la, lo)), abs=1e-9)


def test_ends_of_one_airport() -> None:
    vko = runways.ends("uuww")
    assert vko == runways.ends("UUWW")
    assert {e.ident for e in vko} == {r["le_ident"] for r in _rows() if r["icao"] == "UUWW"} | {
        r["he_ident"] for r in _rows() if r["icao"] == "UUWW"
    }
    assert all(e.airport == "UUWW" for e in vko)
    assert runways.ends("ZZZZ") == ()
    first, last = _rows()[0]["icao"], _rows()[-1]["icao"]
    assert runways.ends(first) and runways.ends(last)  # the edges of the sorted list
