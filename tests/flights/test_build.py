"""Flights from simulated traffic, measured against the simulator's ground truth."""

from __future__ import annotations

import dataclasses
import json
import tomllib
from pathlib import Path

import orjson
import pytest
from click.testing import CliRunner

from jetwatch.cli import main
from jetwatch.demo import ingest_simulation
from jetwatch.flights import build
from jetwatch.flights.accuracy import evaluate
from jetwatch.flights.query import Flight, query
from jetwatch.ingest import ingest_file
from jetwatch.sim import load, simulate
from jetwatch.sim.scenario import parse
from jetwatch.store.db import Store

TINY = Path(__file__).parents[1] / "data" / "sim" / "tiny.toml"


@pytest.fixture(scope="module")
def sim(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("sim") / "tiny"
    simulate(load(TINY), out, ("opensky",))
    return out


@pytest.fixture(scope="module")
def built(sim: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("db") / "f.duckdb"
    with Store(db) as store:
        ingest_simulation(store, sim)
        result = build(store)
        assert result.flights > 0
    return db


def test_accuracy_against_the_truth(sim: Path, built: Path) -> None:
    with Store(built) as store:
        m = evaluate(store, sim / "truth" / "flights.csv")
    assert m["matched"] == m["true_flights"]
    assert m["takeoffs_covered"] > 20 and m["origin_correct"] >= 0.99
    assert m["takeoff_error_median_s"] <= 30
    assert m["landings_covered"] > 10 and m["destination_correct"] >= 0.99
    assert m["landing_error_median_s"] <= 30
    assert m["wrong_high_confidence"] == 0
    assert m["aircraft_days_equal"] >= 0.98


def test_named_trip_and_transponder_off(built: Path) -> None:
    with Store(built) as store:
        rows = query(store, aircraft="RA-96022").to_pylist()
        assert len(rows) == 1
        f = rows[0]
        assert f["origin"] == "UUWW" and f["origin_confidence"] == "high"
        assert f["destination"] is None and f["ends_airborne"]
        assert "ends airborne at" in f["destination_reason"]
        flight = Flight.get(store, f["id"])
        assert flight is not None and flight.positions().num_rows == f["positions"]


def test_build_is_incremental_and_idempotent(sim: Path, tmp_path: Path) -> None:
    manifest = json.loads((sim / "manifest.json").read_text())
    files = [sim / e["path"] for e in manifest["files"]]
    db = tmp_path / "inc.duckdb"
    with Store(db) as store:
        ingest_file(store, files[0])
        first = build(store)
        again = build(store)
        assert again.ingests == 0 and again.flights == 0
        for path in files[1:]:
            ingest_file(store, path)
        build(store)
        inc = store.con.execute("SELECT * FROM flights ORDER BY id").fetchall()
        build(store, rebuild=True)
        full = store.con.execute("SELECT * FROM flights ORDER BY id").fetchall()
    assert first.flights > 0
    assert inc == full


def test_lossy_receivers_and_raw_frames(tmp_path: Path) -> None:
    """Beast captures only, 40% message loss: flights per aircraft-day still match."""
    doc = tomllib.loads(TINY.read_text())
    for rx in doc["receivers"].values():
        rx["loss"] = 0.4
    scenario = dataclasses.replace(parse(doc, "tiny-lossy"), name="tiny-lossy")
    out = tmp_path / "lossy"
    simulate(scenario, out, ("beast",))
    with Store(tmp_path / "l.duckdb") as store:
        ingest_simulation(store, out)
        build(store)
        m = evaluate(store, out / "truth" / "flights.csv")
    assert m["aircraft_days_equal"] >= 0.98
    assert m["origin_correct"] >= 0.99 and m["wrong_high_confidence"] == 0


def test_cli_listing_formats_and_escaping(built: Path, tmp_path: Path) -> None:
    with Store(built) as store:
        store.con.execute(
            "UPDATE flights SET callsigns = ['<script>x</script>'] "
            "WHERE id = (SELECT min(id) FROM flights)"
        )
    runner = CliRunner()
    table = runner.invoke(main, ["flights", "--db", str(built), "--from", "UUWW"])
    assert table.exit_code == 0 and "UUWW" in table.output
    geo = runner.invoke(
        main, ["flights", "--db", str(built), "--format", "geojson", "--limit", "3"]
    )
    doc = orjson.loads(geo.stdout_bytes)
    assert doc["type"] == "FeatureCollection" and len(doc["features"]) == 3
    assert all(len(f["geometry"]["coordinates"]) > 1 for f in doc["features"])
    kml = runner.invoke(main, ["flights", "--db", str(built), "--format", "kml"])
    assert "<script>" not in kml.output and "&lt;script&gt;" in kml.output
    js = runner.invoke(
        main, ["flights", "--db", str(built), "--format", "json", "--on", "2023-06-24"]
    )
    rows = json.loads(js.output)
    assert rows and any(r["takeoff"] for r in rows)
    assert all(r["takeoff"] is None or r["takeoff"].endswith("Z") for r in rows)
    pq_file = tmp_path / "f.parquet"
    res = runner.invoke(
        main, ["flights", "--db", str(built), "--format", "parquet", "--out", str(pq_file)]
    )
    assert res.exit_code == 0 and pq_file.stat().st_size > 0
    bad = runner.invoke(main, ["flights", "--db", str(built), "--on", "24/06/2023"])
    assert bad.exit_code != 0 and "2023-06-24" in bad.output


def test_impossible_values_are_left_out_and_counted(sim: Path, tmp_path: Path) -> None:
    db = tmp_path / "bad.duckdb"
    with Store(db) as store:
        ingest_simulation(store, sim)
        clean = build(store)
        store.con.execute(
            "INSERT INTO position_rows SELECT * REPLACE (altitude + 90000 AS altitude, "
            "time + INTERVAL 1 MILLISECOND AS time) FROM position_rows "
            "WHERE altitude IS NOT NULL USING SAMPLE 50 ROWS"
        )
        n_before = store.con.execute("SELECT count(*) FROM flights").fetchall()[0][0]
        again = build(store, rebuild=True)
        assert again.excluded == 50 and again.flights == clean.flights == n_before
        assert store.con.execute("SELECT max(altitude) FROM positions").fetchall()[0][0] > 60000
