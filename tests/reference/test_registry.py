"""Registry import and merge on real files: plane-alert-db and FlightAware's export;
the tar1090-db, OpenSky and ADS-B Exchange formats are tested on real plane-alert-db
rows re-encoded in those formats (no such files are in ../shared/data)."""

from __future__ import annotations

import gzip
import json
import lzma
from pathlib import Path

import pytest

from jetwatch.ingest import ingest_file
from jetwatch.reference import registry
from jetwatch.samples import SAMPLES
from jetwatch.store.db import Store


@pytest.fixture
def store(tmp_path: Path) -> Store:
    with Store(tmp_path / "jw.duckdb") as s:
        yield s


@pytest.fixture(scope="module")
def plane_alert_rows(shared: Path) -> list[dict[str, str]]:
    import csv

    with gzip.open(shared / "plane-alert-db/plane-alert-db.csv.gz", "rt") as fh:
        return list(csv.DictReader(fh))


def test_plane_alert_db(store: Store, shared: Path) -> None:
    result = registry.import_file(store, shared / "plane-alert-db/plane-alert-db.csv.gz")
    assert result.format == "plane_alert"
    assert result.rows == 17_198
    assert result.merged == 17_196
    assert result.rejected == [(537, "bad address '10166'"), (538, "bad address '10177'")]
    answer = registry.lookup(store, "RA-96022").to_dict()
    assert answer["in_registry"] and answer["icao24"] == "157716"
    assert answer["typecode"] == "IL96" and answer["country_iso"] == "RU"
    assert answer["categories"] == ["Dictator Alert"]
    assert answer["interesting"] is True
    oligarchs = store.con.execute(
        "SELECT count(*) FROM aircraft WHERE list_contains(categories, 'Oligarch')"
    ).fetchall()[0][0]
    assert oligarchs == 39


def test_merging_keeps_known_fields_and_their_sources(
    store: Store, shared: Path, tmp_path: Path
) -> None:
    with lzma.open(shared / "flightaware-dump1090/flightaware-20250514.csv.xz", "rt") as fh:
        lines = fh.readlines()
    keep = [lines[0]] + [x for x in lines[1:] if x.startswith(("157716", "14FC08", "4B1901"))]
    keep += lines[1:20_000]
    fa = tmp_path / "flightaware.csv"
    fa.write_text("".join(keep))
    registry.import_file(store, shared / "plane-alert-db/plane-alert-db.csv.gz")
    first = registry.import_file(store, fa)
    assert first.format == "flightaware" and not first.rejected
    before = store.con.execute("SELECT count(*) FROM aircraft").fetchall()[0][0]
    again = registry.import_file(store, fa)
    assert store.con.execute("SELECT count(*) FROM aircraft").fetchall()[0][0] == before
    assert first.merged > 0 and again.merged == 0  # nothing new, nothing rewritten
    answer = registry.lookup(store, "157716").to_dict()
    assert answer["operator"] == "Russia Special Flight Detachment"  # plane-alert only
    assert answer["categories"] == ["Dictator Alert"]
    sources = answer["sources"]
    assert isinstance(sources, dict)
    assert sources["operator"].startswith("plane_alert:")
    assert sources["registration"].startswith("flightaware:")


def _reencode(rows: list[dict[str, str]], fmt: str, path: Path) -> None:
    if fmt == "tar1090_db":
        text = "".join(
            f"{r['$ICAO']};{r['$Registration']};{r['$ICAO Type']};"
            f"{'1' if r['#CMPG'] == 'Mil' else '0'}100;{r['$Type']};;{r['$Operator']};\n"
            for r in rows
        )
        path.write_bytes(gzip.compress(text.encode()))
    elif fmt == "opensky_db":
        head = (
            "'icao24','registration','manufacturername','model','typecode',"
            "'operator','owner','built'\n"
        )
        body = "".join(
            f"'{r['$ICAO'].lower()}','{r['$Registration']}','','{r['$Type']}',"
            f"'{r['$ICAO Type']}','{r['$Operator'].replace(chr(39), '')}','','2010-01-01'\n"
            for r in rows
        )
        path.write_text(head + body)
    else:
        path.write_text(
            "".join(
                json.dumps(
                    {
                        "icao": r["$ICAO"].lower(),
                        "reg": r["$Registration"],
                        "icaotype": r["$ICAO Type"],
                        "model": r["$Type"],
                        "ownop": r["$Operator"],
                        "mil": r["#CMPG"] == "Mil",
                        "year": "2010",
                    }
                )
                + "\n"
                for r in rows
            )
        )


@pytest.mark.parametrize("fmt", ["tar1090_db", "opensky_db", "adsbx_basic"])
def test_other_formats(store: Store, tmp_path: Path, plane_alert_rows, fmt: str) -> None:
    rows = [r for r in plane_alert_rows if len(r["$ICAO"]) == 6][:500]
    path = tmp_path / f"registry-{fmt}"
    _reencode(rows, fmt, path)
    assert registry.detect(path) == fmt
    result = registry.import_file(store, path)
    assert result.merged == len({r["$ICAO"].lower() for r in rows}), result.rejected[:3]
    for r in rows[:50]:
        answer = registry.lookup(store, r["$ICAO"]).to_dict()
        assert answer["registration"] == (r["$Registration"] or None)
        assert answer["typecode"] == (r["$ICAO Type"] or None)
        if fmt != "opensky_db":
            assert answer["military"] == (r["#CMPG"] == "Mil")


def test_bad_rows_are_reported_by_line(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "aircraft.csv"
    path.write_text(
        "4b1901;HB-JVN;E190;0000;EMBRAER 190;2010;Helvetic;\n"
        "ZZZ;X;;;;;;\n"
        "140ad7;RA-02775;;0100;;;;\n"
    )
    result = registry.import_file(store, path, "tar1090_db")
    assert result.rejected == [(2, "bad address 'zzz'")]
    assert result.merged == 2
    with pytest.raises(Exception, match="not a registry format"):
        registry.detect(Path(__file__))


def test_lookup_of_unknown_aircraft_still_says_what_it_can(store: Store) -> None:
    trace = next(s for s in SAMPLES if s.name.startswith("trace_full"))
    ingest_file(store, trace.path)
    answer = registry.lookup(store, "AC671B").to_dict()
    assert answer["in_registry"] is False
    assert answer["country_iso"] == "US"
    assert answer["emitter_category"] == "A3"
    assert registry.lookup(store, "1512ab").to_dict()["country"] == "Russia"
    nothing = registry.lookup(store, "RA-00000").to_dict()
    assert nothing["in_registry"] is False and "country" not in nothing


def test_a_vrs_file_with_three_columns_imports(store: Store, tmp_path: Path) -> None:
    # dump1090's tools/*.csv: icao24,r,t (no desc); the rows are the shape, not data
    path = tmp_path / "aircraft.csv"
    path.write_text("icao24,r,t\n157716,RA-96022,IL96\n4b1901,HB-JVN,E190\n")
    result = registry.import_file(store, path)
    assert result.format == "flightaware" and result.rows == 2 and not result.rejected
    answer = registry.lookup(store, "RA-96022").to_dict()
    assert answer["typecode"] == "IL96" and answer["description"] is None


def test_a_layout_without_the_address_names_the_column_it_needs(
    store: Store, tmp_path: Path
) -> None:
    from jetwatch.errors import UnknownFormatError

    path = tmp_path / "alert.csv"
    path.write_text("$Registration,$Operator\nRA-96022,Rossiya\n")
    with pytest.raises(UnknownFormatError, match=r"needs a '\$ICAO' column; this file has"):
        registry.import_file(store, path, "plane_alert")


def test_readsb_traces_fill_gaps_and_never_override(store: Store, tmp_path: Path) -> None:
    """The real trace of N899DN (r, t, desc, dbFlags) and a hostile one, in a tar."""
    import io
    import tarfile

    from tests.conftest import real_path

    real = real_path("traffic/readsb/trace_full_ac671b.json.gz").read_bytes()
    hostile = json.dumps({"icao": "abc123", "r": "<script>x</script>", "t": "glf6",
                          "dbFlags": 9, "year": "1e9", "trace": []}).encode()  # fmt: skip
    path = tmp_path / "traces.tar"
    with tarfile.open(path, "w") as archive:
        for name, data in (
            ("traces/1b/trace_full_ac671b.json", real),
            ("traces/23/trace_full_abc123.json", gzip.compress(hostile)),
            ("traces/00/trace_full_zz.json", b"not json"),
        ):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    assert registry.detect(path) == "readsb_traces"
    known = tmp_path / "fa.csv"
    known.write_text("icao24,r,t\nac671b,N899DN-KNOWN,\n")
    registry.import_file(store, known)
    got = registry.import_file(store, path)
    assert got.format == "readsb_traces" and got.rows == 2 and len(got.rejected) == 1
    rows = {
        r[0]: r[1:]
        for r in store.con.execute(
            "SELECT icao24, registration, typecode, military, ladd, year, sources FROM aircraft"
        ).fetchall()
    }
    doc = json.loads(gzip.decompress(real))
    assert rows["ac671b"][:2] == ("N899DN-KNOWN", doc["t"])  # filled, not overridden
    assert rows["ac671b"][5]["registration"].startswith("flightaware:")
    assert rows["ac671b"][5]["typecode"] == "readsb_traces:traces.tar"
    assert rows["abc123"][:5] == ("<script>x</script>", "GLF6", True, True, None)  # text
    single = tmp_path / "trace_full_ac671b.json.gz"
    single.write_bytes(real)
    assert registry.detect(single) == "readsb_traces"
