"""``jetwatch fetch adsblol`` against a real HTTP server on 127.0.0.1 that serves
GitHub's release layout, with a globe_history day built from the simulator
(SIMULATED) plus traces elsewhere on Earth and the real trace of N899DN."""

from __future__ import annotations

import datetime as dt
import gzip
import json
import os
import signal
import subprocess
import sys
import time
import tomllib
from collections.abc import Iterator
from pathlib import Path

import orjson
import pytest
from click.testing import CliRunner

from jetwatch.cli import main
from jetwatch.fetch.window import area_box
from jetwatch.reference.registry import import_file
from jetwatch.reports.page import provenance
from jetwatch.sim.run import simulate
from jetwatch.sim.scenario import parse
from jetwatch.store.db import Store
from tests.conftest import ROOT, real_path
from tests.fetch.mirror import Faults, Mirror, globe_tar, serve, sim_traces

DAY = "2023-06-24"
TAG = "v2023.06.24-planes-readsb-prod-0"
STAGING = "v2023.06.25-planes-readsb-staging-0"
T0 = 1_687_564_800  # 2023-06-24T00:00Z


def _trace(hexid: str, points: list[tuple[float, float, float]], t0: int = T0) -> bytes:
    return orjson.dumps(
        {
            "icao": hexid,
            "timestamp": t0,
            "trace": [
                [t, lat, lon, 35000, 450, 90, 0, 0, None, "adsb_icao"] for t, lat, lon in points
            ],
        }
    )


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, bytes], set[str]]:
    """The day's traces and the hexes that enter the Moscow area that day."""
    out = tmp_path_factory.mktemp("sim") / "out"
    scenario = ROOT / "tests" / "data" / "sim" / "tiny.toml"
    simulate(parse(tomllib.loads(scenario.read_text()), str(scenario)), out, ("readsb",))
    traces = sim_traces(out, DAY)
    box = area_box("moscow")
    inside = {
        h
        for h, doc in traces.items()
        if any(
            box.south <= p[1] <= box.north and box.west <= p[2] <= box.east
            for p in orjson.loads(doc)["trace"]
        )
    }
    # elsewhere on Earth: a grid of cruising aircraft far from Moscow
    for k in range(300):
        lat, lon = -40 + (k % 20) * 5, -170 + (k // 20) * 20
        traces[f"f{k:05x}"] = _trace(
            f"f{k:05x}", [(i * 60.0, lat, lon + i * 0.1) for i in range(40)]
        )
    # one point inside the box at noon, the rest far away
    traces["e00001"] = _trace(
        "e00001", [(0.0, 40.0, 20.0), (43200.0, 55.6, 37.3), (43260.0, 45.0, 30.0)]
    )
    # inside the box, but the day before
    traces["e00002"] = _trace("e00002", [(0.0, 55.6, 37.3), (60.0, 55.7, 37.4)], T0 - 86400)
    inside.add("e00001")
    traces["ac671b"] = gzip.decompress(
        real_path("traffic/readsb/trace_full_ac671b.json.gz").read_bytes()
    )
    return traces, inside


@pytest.fixture()
def mirror(world: tuple[dict[str, bytes], set[str]]) -> Iterator[Mirror]:
    traces, _ = world
    m = Mirror()
    m.add_release(TAG, globe_tar(traces), 150_000)
    later = {h: d for h, d in traces.items() if h.startswith("f")}
    m.add_release(STAGING, globe_tar(later), 150_000)
    with serve(m) as running:
        yield running


def _args(db: Path, mirror: Mirror, *extra: str, days: str = DAY) -> list[str]:
    where = ["--area", "moscow", "--db", str(db), "--mirror", mirror.url]
    return ["fetch", "adsblol", days, *where, "--json", "--no-progress", *extra]


def _fetch(db: Path, mirror: Mirror, *extra: str, days: str = DAY) -> dict:
    got = CliRunner().invoke(main, _args(db, mirror, *extra, days=days))
    assert got.exit_code == 0, got.output
    return json.loads(got.stdout)


def _positions(db: Path) -> int:
    with Store(db) as store:
        return int(store.con.execute("SELECT count(*) FROM positions").fetchone()[0])  # type: ignore[index]


def _points(traces: dict[str, bytes], hexes: set[str]) -> int:
    return sum(len(orjson.loads(traces[h])["trace"]) for h in hexes)


def test_the_traces_that_enter_the_area_are_kept_and_cited(
    world: tuple[dict[str, bytes], set[str]], mirror: Mirror, tmp_path: Path
) -> None:
    traces, inside = world
    db = tmp_path / "s.duckdb"
    doc = _fetch(db, mirror)
    (day,) = doc["days"]
    assert (day["status"], day["release"], day["kind"]) == ("fetched", TAG, "prod")
    assert day["traces_seen"] == len(traces) and day["traces_kept"] == len(inside)
    assert day["positions"] == _points(traces, inside) == _positions(db)
    assert not (tmp_path / "s-fetch" / f"{TAG}.moscow.tar").exists()  # only the store keeps it
    with Store(db) as store:
        row = store.con.execute(
            "SELECT source, release, day, area, url, assets, licence, attribution, ingest_id "
            "FROM fetches"
        ).fetchone()
        label = store.con.execute("SELECT label FROM ingests").fetchone()
    assert row is not None and row[:4] == (
        "adsblol",
        TAG,
        dt.date(2023, 6, 24),
        "moscow",
    )
    assert row[4].endswith(f"/repos/adsblol/globe_history_2023/releases/tags/{TAG}")
    assets = json.loads(row[5])
    assert [a["name"] for a in assets] == sorted(mirror.releases[TAG])
    for a in assets:
        assert "sha256:" + a["sha256"] == a["published_digest"]
        assert a["size"] == len(mirror.releases[TAG][a["name"]])
    assert row[6] == "ODbL-1.0" and "adsb.lol" in row[7] and row[8] is not None
    assert label is not None and "SIMULATED" in label[0]  # the simulator's traces say so
    with Store(db) as store:
        every = [i for (i,) in store.con.execute("SELECT id FROM ingests").fetchall()]
        cited = provenance(store, {}, ["jetwatch"], ingests=every, data_hash="0" * 64, data_id="d")
    assert "Public sources" in cited and TAG in cited and "ODbL-1.0" in cited
    with Store(db) as store:  # a report that read none of its ingests does not cite it
        unread = provenance(store, {}, ["jetwatch"], ingests=[], data_hash="0" * 64, data_id="d")
    assert "Public sources" not in unread and "It read 0 of" in unread
    agents = {agent for _, _, agent in mirror.requests}
    assert all(a.startswith("jetwatch/") for a in agents)


def test_heatmaps_are_cut_to_the_area_and_flagged_sampled(
    world: tuple[dict[str, bytes], set[str]], mirror: Mirror, tmp_path: Path
) -> None:
    traces, _ = world
    db = tmp_path / "s.duckdb"
    (day,) = _fetch(db, mirror, "--heatmaps")["days"]
    assert day["heatmaps_kept"] == 1
    assert day["positions"] > _points(traces, world[1])  # the traces' and the samples
    box = area_box("moscow")
    with Store(db) as store:
        sampled = store.con.execute(
            "SELECT count(*), min(lat), max(lat), min(lon), max(lon), "
            "count(DISTINCT epoch(time)::BIGINT % 30) FROM positions WHERE flags & 64 > 0"
        ).fetchall()[0]
    n, south, north, west, east, phases = sampled
    assert n > 0 and phases == 1  # every sample at a 30 s slice's start
    assert box.south <= south and north <= box.north and box.west <= west and east <= box.east


def test_the_traces_name_their_aircraft_without_overriding_a_registry(
    world: tuple[dict[str, bytes], set[str]], mirror: Mirror, tmp_path: Path
) -> None:
    traces, inside = world
    named = sorted(h for h in inside if orjson.loads(traces[h]).get("r"))
    db = tmp_path / "s.duckdb"
    registry = tmp_path / "fa.csv"
    registry.write_text(f"icao24,r,t\n{named[0]},RA-00001,GLF6\n")
    with Store(db) as store:
        import_file(store, registry)
    (day,) = _fetch(db, mirror)["days"]
    with Store(db) as store:
        rows = {
            r[0]: r[1:]
            for r in store.con.execute(
                "SELECT icao24, registration, typecode, sources['registration'] FROM aircraft"
            ).fetchall()
        }
        classes = dict(store.con.execute("SELECT icao24, class FROM aircraft_classes").fetchall())
    assert rows[named[0]][:2] == ("RA-00001", "GLF6")  # the imported registry stands
    assert rows[named[0]][2].startswith("flightaware:")
    for h in named[1:]:
        doc = orjson.loads(traces[h])
        assert rows[h][:2] == (doc["r"], doc["t"]) and rows[h][2].startswith("readsb_traces:")
    assert set(rows) >= set(named) and day["aircraft_facts"] >= len(named) - 1
    assert sum(classes[h] != "unknown" for h in named) > len(named) // 2


def test_staging_is_used_and_a_missing_day_is_said(mirror: Mirror, tmp_path: Path) -> None:
    doc = _fetch(tmp_path / "s.duckdb", mirror, days="2023-06-24..2023-06-26")
    got = [(d["day"], d["status"], d["kind"]) for d in doc["days"]]
    assert got == [
        ("2023-06-24", "fetched", "prod"),
        ("2023-06-25", "fetched", "staging"),
        ("2023-06-26", "missing", None),
    ]
    assert "no adsb.lol release for 2023-06-26" in doc["days"][2]["error"]


def test_a_second_fetch_adds_nothing(mirror: Mirror, tmp_path: Path) -> None:
    db = tmp_path / "s.duckdb"
    first = _fetch(db, mirror)["days"][0]["positions"]
    again = _fetch(db, mirror)["days"][0]
    assert again["status"] == "skipped" and _positions(db) == first
    refreshed = _fetch(db, mirror, "--refresh")["days"][0]
    assert refreshed["status"] == "fetched"  # fetched again; the same bytes ingest once
    assert _positions(db) == first
    with Store(db) as store:
        assert store.con.execute("SELECT count(*) FROM fetches").fetchone() == (1,)


def test_429_and_a_dropped_connection_are_retried(mirror: Mirror, tmp_path: Path) -> None:
    reference = _fetch(tmp_path / "a.duckdb", mirror)["days"][0]["positions"]
    mirror.faults = Faults(too_many_once=True, drop_part_after=40_000)
    mirror.requests.clear()
    day = _fetch(tmp_path / "b.duckdb", mirror)["days"][0]
    assert day["status"] == "fetched" and day["positions"] == reference
    ranges = [r for path, r, _ in mirror.requests if path.endswith(".tar.aa")]
    assert "bytes=40000-" in ranges  # resumed where the connection dropped


def test_a_server_that_ignores_range_fails_clearly(mirror: Mirror, tmp_path: Path) -> None:
    mirror.faults = Faults(drop_part_after=40_000, ignore_range=True)
    got = CliRunner().invoke(
        main,
        [
            "fetch",
            "adsblol",
            DAY,
            "--area",
            "moscow",
            "--db",
            str(tmp_path / "s.duckdb"),
            "--mirror",
            mirror.url,
            "--no-progress",
        ],
    )
    assert got.exit_code == 1
    assert "ignored a Range request" in got.stderr


def test_kept_parts_are_written_and_reused(mirror: Mirror, tmp_path: Path) -> None:
    keep = tmp_path / "parts"
    db = tmp_path / "s.duckdb"
    _fetch(db, mirror, "--keep-archive", str(keep))
    for name, data in mirror.releases[TAG].items():
        assert (keep / name).read_bytes() == data
    mirror.requests.clear()
    _fetch(db, mirror, "--keep-archive", str(keep), "--refresh")
    assert not [p for p, _, _ in mirror.requests if p.startswith("/objects/")]


def test_bad_area_and_days_are_messages(mirror: Mirror, tmp_path: Path) -> None:
    run = CliRunner().invoke
    db = str(tmp_path / "s.duckdb")
    bad = [
        (["fetch", "adsblol", DAY, "--db", db], "give --area NAME or --bbox"),
        (["fetch", "adsblol", DAY, "--area", "atlantis", "--db", db], "no such area"),
        (["fetch", "adsblol", DAY, "--bbox", "56,55,37,38", "--db", db], "-90 <= S < N"),
        (
            ["fetch", "adsblol", "2023-06-30..2023-06-24", "--area", "moscow", "--db", db],
            "ends before",
        ),
    ]
    for args, message in bad:
        got = run(main, args)
        assert got.exit_code != 0 and message in got.output, got.output
        assert "Traceback" not in got.output


def test_a_killed_fetch_resumes_where_it_stopped(
    world: tuple[dict[str, bytes], set[str]], mirror: Mirror, tmp_path: Path
) -> None:
    traces, inside = world
    db = tmp_path / "s.duckdb"
    mirror.faults = Faults(delay_per_chunk_s=0.25)  # about 8 s for the whole release
    args = [sys.executable, "-m", "jetwatch", *_args(db, mirror)]
    child = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=os.environ)
    state = tmp_path / "s-fetch" / f"{TAG}.moscow.json"
    deadline = time.monotonic() + 60
    while not state.exists() and time.monotonic() < deadline and child.poll() is None:
        time.sleep(0.05)
    assert state.exists(), child.communicate()
    child.send_signal(signal.SIGKILL)
    child.wait()
    saved = json.loads(state.read_text())
    assert saved["offset"] > 0
    mirror.faults = Faults()
    day = _fetch(db, mirror)["days"][0]
    assert day["status"] == "fetched" and day["resumed_at"] == saved["offset"]
    assert day["positions"] == _points(traces, inside) == _positions(db)
    with Store(db) as store:
        (assets,) = store.con.execute("SELECT assets FROM fetches").fetchone()  # type: ignore[misc]
        (note,) = store.con.execute("SELECT note FROM fetches").fetchone()  # type: ignore[misc]
    hashed = [a for a in json.loads(assets) if a["sha256"]]
    assert len(hashed) < len(mirror.releases[TAG])  # a part entered mid-way is not hashed
    assert "not hashed (entered mid-way)" in note
