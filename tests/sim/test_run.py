"""A whole simulation: atomic, deterministic, consistent with its ground truth, and
readable by jetwatch, pyModeS and rs1090 with the values it meant to encode."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import json
from pathlib import Path

import duckdb
import numpy as np
import pyarrow.parquet as pq
import pyModeS
import pytest
import rs1090

from jetwatch.demo import ingest_simulation
from jetwatch.geo import haversine_km
from jetwatch.reference.runways import ends
from jetwatch.sim import ScenarioError, load, simulate
from jetwatch.sim.places import Places
from jetwatch.store.db import Store

TINY = Path(__file__).parents[1] / "data" / "sim" / "tiny.toml"
ALL = ("opensky", "readsb", "beast", "avr", "sbs")


@pytest.fixture(scope="module")
def sim(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("sim") / "tiny"
    simulate(load(TINY), out, ALL)
    return out


@pytest.fixture(scope="module")
def flights(sim: Path) -> list[dict[str, str]]:
    with (sim / "truth" / "flights.csv").open() as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def store(sim: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("db") / "sim.duckdb"
    with Store(db) as s:
        results = ingest_simulation(s, sim)
    assert all(r.status == "ingested" for r in results)
    assert sum(sum(r.rejected.values()) for r in results) == 0
    with Store(db, read_only=True) as s:
        labels = s.labels()
    assert list(labels.values()) == [len(results)] and "SIMULATED" in next(iter(labels))
    return db


def test_every_output_is_labelled_and_listed(sim: Path) -> None:
    manifest = json.loads((sim / "manifest.json").read_text())
    assert manifest["simulated"] is True and "SIMULATED" in manifest["label"]
    assert "SIMULATED" in (sim / "SIMULATED.txt").read_text()
    readers = {"opensky", "readsb_trace", "beast", "avr", "sbs"}  # jetwatch reader names
    assert {f["format"] for f in manifest["files"]} == readers
    avr = next(f for f in manifest["files"] if f["format"] == "avr")
    assert (sim / avr["path"]).read_text().startswith("# SIMULATED DATA")
    opensky = next(f for f in manifest["files"] if f["format"] == "opensky")
    assert b"SIMULATED" in pq.read_schema(sim / opensky["path"]).metadata[b"jetwatch"]
    for entry in manifest["files"]:
        assert (sim / entry["path"]).stat().st_size > 0
        if entry["format"] in ("beast", "avr"):
            assert entry["start"] > 0 and len(entry["receiver_position"]) == 2


def test_same_seed_same_bytes(sim: Path, tmp_path: Path) -> None:
    again = tmp_path / "again"
    simulate(load(TINY), again, ALL)
    first = json.loads((sim / "manifest.json").read_text())["files"]
    second = json.loads((again / "manifest.json").read_text())["files"]
    assert [(f["path"], f["sha256"]) for f in first] == [(f["path"], f["sha256"]) for f in second]
    for name in ("flights.csv", "hourly.csv"):
        assert (sim / "truth" / name).read_bytes() == (again / "truth" / name).read_bytes()


def test_output_appears_atomically(sim: Path, tmp_path: Path) -> None:
    with pytest.raises(ScenarioError, match="output exists"):
        simulate(load(TINY), sim)

    def stop(done: int, total: int) -> None:
        raise KeyboardInterrupt

    target = tmp_path / "never"
    with pytest.raises(KeyboardInterrupt):
        simulate(load(TINY), target, progress=stop)
    assert list(tmp_path.iterdir()) == []
    with pytest.raises(ScenarioError, match="allowed: opensky"):
        simulate(load(TINY), target, ("kml",))


def test_truth_matches_the_data(sim: Path, flights: list[dict[str, str]]) -> None:
    con = duckdb.connect()
    con.execute(f"CREATE VIEW states AS SELECT icao24, time FROM '{sim}/opensky/*.parquet'")
    con.execute(f"CREATE TABLE f AS SELECT * FROM read_csv('{sim}/truth/flights.csv')")
    seen = dict(
        con.execute(
            "SELECT f.flight_id, count(s.time) FROM f LEFT JOIN states s "
            "ON s.icao24 = f.icao24 AND s.time >= epoch(f.off_block) - 5 "
            "AND s.time <= epoch(f.on_block) GROUP BY ALL"
        ).fetchall()
    )
    assert flights and all(seen[f["flight_id"]] == int(f["positions"]) for f in flights)
    covered = [f for f in flights if f["takeoff_covered"] == "1"]
    assert covered and all(int(f["positions"]) > 0 for f in covered)
    off = [f for f in flights if f["transponder_off"]]
    assert [f["registration"] for f in off] == ["RA-96022"]
    assert off[0]["last_seen"] <= off[0]["transponder_off"] < off[0]["landing"]
    surge = [f for f in flights if f["in_event"] == "1"]
    assert surge and all(
        f["destination"] == "LTFM" and f["direction"] == "departure" for f in surge
    )
    with (sim / "truth" / "hourly.csv").open() as fh:
        hourly = list(csv.DictReader(fh))
    departures = [f for f in flights if f["direction"] == "departure"]
    assert sum(int(h["departures"]) for h in hourly) == len(departures)
    assert sum(int(h["in_event"]) for h in hourly) == len(surge)
    assert sum(int(h["abroad"]) for h in hourly) == sum(f["abroad"] == "1" for f in departures)
    assert sum(float(h["expected"]) for h in hourly) > sum(
        float(h["expected_baseline"]) for h in hourly
    )


def test_trajectories_are_plausible(sim: Path, flights: list[dict[str, str]]) -> None:
    con = duckdb.connect()
    con.execute(f"CREATE TABLE f AS SELECT * FROM read_csv('{sim}/truth/flights.csv')")
    rows = con.execute(
        f"SELECT f.flight_id, f.origin, f.origin_runway, s.heading, s.velocity * 3600 / 1852 "
        f"FROM f JOIN '{sim}/opensky/*.parquet' s ON s.icao24 = f.icao24 "
        "AND s.time > epoch(f.takeoff) AND s.time <= epoch(f.takeoff) + 15 "
        "WHERE f.class <> 'helicopter'"
    ).fetchall()
    assert len(rows) > 20
    for _, origin, runway, track, speed in rows:
        heading = next(e.heading for e in ends(origin) if e.ident == runway)
        assert abs((track - heading + 180) % 360 - 180) < 2.0  # climbing out along the runway
        assert 120 < speed < 200
    limits = con.execute(
        f"SELECT max(velocity) * 3600 / 1852, max(abs(vertrate)) * 60 / 0.3048, "
        f"max(baroaltitude) / 0.3048 FROM '{sim}/opensky/*.parquet'"
    ).fetchone()
    assert limits[0] < 500 and limits[1] <= 3600 and limits[2] <= 43000 + 1
    places = Places(7, 1)
    stands = 0
    for f in flights[:50]:
        o = places.airport(f["origin"])
        stand = con.execute(
            f"SELECT lat, lon, onground FROM '{sim}/opensky/*.parquet' WHERE icao24 = ? "
            "AND time >= epoch(CAST(? AS TIMESTAMP)) ORDER BY time LIMIT 1",
            [f["icao24"], f["off_block"]],
        ).fetchone()
        if stand is not None and f["takeoff_covered"] == "1" and stand[2]:
            assert (
                haversine_km(
                    np.array([stand[0]]), np.array([stand[1]]), np.array([o.lat]), np.array([o.lon])
                )[0]
                < 6
            )
            stands += 1
    assert stands > 10  # first positions on the ground near the origin were checked


def test_raw_frames_decode_to_the_encoded_values(sim: Path, store: Path) -> None:
    """Beast positions in the store against the values written to SBS for the same messages."""
    with Store(store, read_only=True) as s:
        rows = s.con.execute(
            "WITH b AS (SELECT p.*, regexp_extract(i.path, '([a-z-]+)_[0-9-]+[.]', 1) AS rx "
            "  FROM positions p JOIN ingests i ON p.ingest_id = i.id AND i.format = 'beast'), "
            "t AS (SELECT p.*, regexp_extract(i.path, '([a-z-]+)_[0-9-]+[.]', 1) AS rx "
            "  FROM positions p JOIN ingests i ON p.ingest_id = i.id AND i.format = 'sbs') "
            "SELECT b.lat, b.lon, t.lat, t.lon, b.altitude, t.altitude FROM b JOIN t "
            "ON t.icao24 = b.icao24 AND t.rx = b.rx "
            "AND round(epoch(t.time) * 1000) = round(epoch(b.time) * 1000)"
        ).fetchall()
    assert len(rows) > 10_000
    a = np.array(rows, dtype=float)
    dist_m = haversine_km(a[:, 0], a[:, 1], a[:, 2], a[:, 3]) * 1000
    assert dist_m.max() <= 5.0
    airborne = ~np.isnan(a[:, 5])
    assert (a[airborne, 4] == a[airborne, 5]).all()


def test_peers_decode_the_capture(sim: Path) -> None:
    manifest = json.loads((sim / "manifest.json").read_text())
    entry = next(f for f in manifest["files"] if f["format"] == "avr")
    lines = [ln for ln in (sim / entry["path"]).read_text().splitlines()[:20_000] if ln[0] == "@"]
    clock = np.array([int(line[1:13], 16) for line in lines]) / 12e6
    hexes = [line[13:-1] for line in lines]
    times = (entry["start"] + clock - clock[0]).tolist()
    assert all(pyModeS.decode(h)["crc_valid"] for h in hexes[:5000])
    out = rs1090.decode(hexes, times, reference=tuple(entry["receiver_position"]))
    assert len(out) == len(hexes)
    with Store(sim.parent / "peer.duckdb") as s:
        ingest_simulation(s, sim)
        truth = {
            (r[0], round(r[1], 3)): (r[2], r[3])
            for r in s.con.execute(
                "SELECT p.icao24, epoch(p.time), p.lat, p.lon FROM positions p JOIN ingests i "
                "ON p.ingest_id = i.id WHERE i.path LIKE ? AND i.format = 'sbs'",
                [f"%{Path(entry['path']).stem}.sbs"],
            ).fetchall()
        }
    compared = 0
    for o, t in zip(out, times, strict=True):
        if o.get("latitude") is None:
            continue
        ref = truth.get((o["icao24"], round(t, 3)))
        if ref is None:
            continue
        d = haversine_km(
            np.array([o["latitude"]]),
            np.array([o["longitude"]]),
            np.array([ref[0]]),
            np.array([ref[1]]),
        )
        assert d[0] * 1000 <= 5.0
        compared += 1
    assert compared > 1000


def test_fleet_drawn_from_a_real_registry(shared: Path, tmp_path: Path) -> None:
    registry = shared / "plane-alert-db" / "plane-alert-db.csv.gz"
    simulate(load(TINY), tmp_path / "real", registry=registry)
    with (tmp_path / "real" / "truth" / "flights.csv").open() as fh:
        rows = [r for r in csv.DictReader(fh) if r["aircraft_source"].startswith("registry")]
    assert rows, "no aircraft drawn from plane-alert-db"
    for r in rows:
        assert 0x100000 <= int(r["icao24"], 16) <= 0x1FFFFF  # Russian block
        assert r["class"] in ("business_jet", "helicopter")


@pytest.mark.parametrize(
    "preset", ["moscow-2023-06-24", "moscow-quiet-2023-06-17", "london-2023-06-24"]
)
def test_presets_are_deterministic(preset: str, tmp_path: Path) -> None:
    scenario = load(preset)
    short = dataclasses.replace(
        scenario, days=1, start=scenario.start + dt.timedelta(days=scenario.days - 1)
    )
    a = simulate(short, tmp_path / "a")
    b = simulate(short, tmp_path / "b")
    assert [f["sha256"] for f in a["files"]] == [f["sha256"] for f in b["files"]]
    assert (tmp_path / "a/truth/flights.csv").read_bytes() == (
        tmp_path / "b/truth/flights.csv"
    ).read_bytes()
    with (tmp_path / "a/truth/flights.csv").open() as fh:
        flights = list(csv.DictReader(fh))
    assert flights and all(int(f["positions"]) > 0 for f in flights)


def test_blackout_leaves_departures_unseen(tmp_path: Path) -> None:
    """The Moscow preset's regional blackout (3 June, 09:00-13:00 local) hides take-offs."""
    scenario = load("moscow-2023-06-24")
    day = dataclasses.replace(scenario, days=1, start=dt.date(2023, 6, 3))
    simulate(day, tmp_path / "s")
    with (tmp_path / "s/truth/flights.csv").open() as fh:
        flights = [f for f in csv.DictReader(fh) if f["direction"] == "departure"]
    hidden = [f for f in flights if "T06:00" <= f["takeoff"][10:16] < "T10:00"]
    assert hidden and all(f["takeoff_covered"] == "0" for f in hidden)
    assert all(
        f["takeoff_covered"] == "1"
        for f in flights
        if f not in hidden and f["takeoff"][11:13] >= "11"
    )
