"""``jetwatch fetch opensky`` against a real HTTP server on 127.0.0.1 in OpenSky's
layouts (tests/fetch/opensky_mirror.py). The flights are made up in this file; the
states and the track of the last test are OpenSky's own state vectors of EDW24 at
Zurich (xoolive/traffic, MIT; OpenSky terms), moved to the last hour."""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner, Result

from jetwatch.cli import main
from jetwatch.reports.page import provenance
from jetwatch.store.db import Store
from tests.conftest import real_path
from tests.fetch.opensky_mirror import OpenSky, serve

DAY = "2023-06-24"
T0 = 1_687_564_800  # 2023-06-24T00:00Z


def _flight(icao24: str, dep: str | None, arr: str | None, first: int, last: int, cs: str) -> dict:
    return {
        "icao24": icao24,
        "firstSeen": first,
        "estDepartureAirport": dep,
        "lastSeen": last,
        "estArrivalAirport": arr,
        "callsign": cs,
        "estDepartureAirportHorizDistance": 812,
        "estDepartureAirportVertDistance": 40,
        "estArrivalAirportHorizDistance": 1500 if arr else None,
        "estArrivalAirportVertDistance": 60 if arr else None,
        "departureAirportCandidatesCount": 1 if dep else 0,
        "arrivalAirportCandidatesCount": 1 if arr else 0,
    }


FLIGHTS = [
    _flight("4b1805", "UUWW", "LSZH", T0 + 3600, T0 + 15000, "SWR9AB  "),
    _flight("155e3a", "UUWW", None, T0 + 7200, T0 + 12000, "RA09000 "),
    _flight("424b1c", "UUEE", "UUWW", T0 + 40000, T0 + 43000, "<b>X</b>"),
    _flight("3c6444", "LSZH", "UUDD", T0 + 50000, T0 + 60000, "DLH1   "),
    _flight("4b1806", "LSZH", "EDDF", T0 + 50000, T0 + 55000, "SWR1   "),  # not the area's
    _flight("155e3b", "UUWW", None, T0 - 7200, T0 - 3600, "RA09001 "),  # the day before
]
IN_AREA = 4  # three departures from Moscow's airports, one arrival at UUDD


@pytest.fixture()
def sky(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[OpenSky]:
    s = OpenSky(flights=list(FLIGHTS))
    monkeypatch.setenv("OPENSKY_CLIENT_ID", s.client_id)
    monkeypatch.setenv("OPENSKY_CLIENT_SECRET", s.client_secret)
    monkeypatch.setenv("JETWATCH_CONFIG", str(tmp_path / "none.toml"))
    (tmp_path / "none.toml").write_text("")
    with serve(s) as running:
        yield running


def _run(db: Path, sky: OpenSky, *extra: str, days: str = DAY, area: bool = True) -> Result:
    where = ["--area", "moscow"] if area else []
    args = ["fetch", "opensky", days, *where, "--db", str(db), "--mirror", sky.url]
    return CliRunner().invoke(main, [*args, "--json", "--no-progress", *extra])


def _ok(got: Result) -> dict[str, Any]:
    assert got.exit_code == 0, got.output
    return json.loads(got.stdout)


def _reported(db: Path) -> list[tuple[Any, ...]]:
    with Store(db) as store:
        return store.con.execute(
            "SELECT icao24, callsign, departure, arrival, first_seen FROM reported_flights "
            "ORDER BY first_seen"
        ).fetchall()


def test_an_areas_flights_are_stored_apart_and_cited(sky: OpenSky, tmp_path: Path) -> None:
    db = tmp_path / "s.duckdb"
    got = _run(db, sky)
    doc = _ok(got)
    (day,) = doc["days"]
    assert doc["airports"][:2] == ["UUEE", "UUWW"]
    assert (day["status"], day["flights"], day["reported_flights"]) == ("fetched", 4, 5)
    rows = _reported(db)
    assert {r[0] for r in rows} == {"4b1805", "155e3a", "424b1c", "3c6444"}
    assert ("424b1c", "<b>X</b>", "UUEE", "UUWW") in {r[:4] for r in rows}  # text, kept
    assert len(rows) == IN_AREA  # the flight both left and reached the area: once
    # every request: authenticated, named, within the day, in allowed spans
    asked = [q for p, q, _, _ in sky.requests if p.startswith("/api/flights/")]
    assert len(asked) == 2 * 9
    assert all(T0 <= int(q["begin"]) < int(q["end"]) < T0 + 86400 for q in asked)
    assert all(a == "Bearer token-1" and ua.startswith("jetwatch/") for _, _, a, ua in sky.requests)
    with Store(db) as store:
        row = store.con.execute(
            "SELECT source, release, area, url, assets, licence, attribution, ingest_id FROM "
            "fetches"
        ).fetchone()
        everything = json.dumps(store.con.execute("SELECT * FROM fetches").fetchall(), default=str)
        every = [i for (i,) in store.con.execute("SELECT id FROM ingests").fetchall()]
        cited = provenance(store, {}, ["jetwatch"], ingests=every, data_hash="0" * 64, data_id="d")
    assert row is not None and row[:3] == ("opensky", f"{DAY} flights", "moscow")
    assert row[3] == f"{sky.url}/api" and "OpenSky" in row[5] and "Schäfer" in row[6]
    assets = json.loads(row[4])
    assert len(assets) == 18 and {a["status"] for a in assets} == {200, 404}
    assert all(len(a["sha256"]) == 64 for a in assets if a["status"] == 200)
    assert "Public sources" in cited and "18 API requests: 4 answered" in cited
    assert sky.client_secret not in everything + got.output + cited
    assert not list((tmp_path / "s-fetch").glob("opensky.*"))  # the work files are gone


def test_a_re_run_is_skipped_and_refresh_adds_nothing_twice(sky: OpenSky, tmp_path: Path) -> None:
    db = tmp_path / "s.duckdb"
    _ok(_run(db, sky))
    asked = len(sky.requests)
    assert _ok(_run(db, sky))["days"][0]["status"] == "skipped"
    assert len(sky.requests) == asked
    assert _ok(_run(db, sky, "--refresh"))["days"][0]["status"] == "fetched"
    assert len(_reported(db)) == IN_AREA


def test_a_day_without_flights_is_not_an_error(sky: OpenSky, tmp_path: Path) -> None:
    db = tmp_path / "s.duckdb"
    (day,) = _ok(_run(db, sky, days="2023-06-20"))["days"]
    assert (day["status"], day["flights"], day["not_found"], day["error"]) == (
        "fetched",
        0,
        18,
        None,
    )
    assert day["ingest_id"] is None and _reported(db) == []


def test_missing_credentials_are_named(
    sky: OpenSky, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("OPENSKY_CLIENT_SECRET")
    got = _run(tmp_path / "s.duckdb", sky)
    assert got.exit_code == 1
    assert "OPENSKY_CLIENT_ID and OPENSKY_CLIENT_SECRET" in got.output
    assert "Traceback" not in got.output and sky.requests == []


def test_credentials_from_the_config_file(
    sky: OpenSky, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("OPENSKY_CLIENT_ID", "OPENSKY_CLIENT_SECRET"):
        monkeypatch.delenv(name)
    config = tmp_path / "jetwatch.toml"
    config.write_text(
        f'[opensky]\nclient_id = "{sky.client_id}"\nclient_secret = "{sky.client_secret}"\n'
    )
    monkeypatch.setenv("JETWATCH_CONFIG", str(config))
    assert _ok(_run(tmp_path / "s.duckdb", sky))["days"][0]["flights"] == 4


def test_refused_credentials_are_said_without_the_secret(
    sky: OpenSky, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENSKY_CLIENT_SECRET", "wrong-secret-123")
    got = _run(tmp_path / "s.duckdb", sky)
    assert got.exit_code == 1
    assert "OpenSky refused the client credentials of 'jw-test-client'" in got.output
    assert "wrong-secret-123" not in got.output and "Traceback" not in got.output


def test_rate_limits_and_a_revoked_token_are_survived(sky: OpenSky, tmp_path: Path) -> None:
    sky.faults.too_many_once = sky.faults.revoke_once = True
    db = tmp_path / "s.duckdb"
    assert _ok(_run(db, sky))["days"][0]["flights"] == 4
    assert sky.tokens == ["token-2"]  # the revoked token was replaced once
    assert len(_reported(db)) == IN_AREA


def test_spent_credits_stop_and_the_same_command_resumes(sky: OpenSky, tmp_path: Path) -> None:
    sky.faults.credits_after = 7
    db = tmp_path / "s.duckdb"
    got = _run(db, sky)
    assert got.exit_code == 1
    (day,) = json.loads(got.stdout)["days"]
    assert day["status"] == "failed" and "asks to wait 3,600 s" in day["error"]
    assert list((tmp_path / "s-fetch").glob("opensky.*.done"))
    sky.faults.credits_after = None
    sky.requests.clear()
    (day,) = _ok(_run(db, sky))["days"]
    assert (day["status"], day["resumed"], day["requests"]) == ("fetched", 7, 11)
    assert len(sky.requests) == 11
    assert len(_reported(db)) == IN_AREA


def _edw24_now(now: float) -> tuple[dict[int, list[list[Any]]], dict[str, Any], float]:
    """EDW24's state vectors moved so that they end a minute ago, as states/all answers
    every 10 s, and its track; and the shift applied."""
    table = pq.read_table(
        real_path("traffic/opensky_impala/state_vectors_EDW24_4b1901_20240406.parquet")
    ).to_pylist()
    table.sort(key=lambda r: r["time"])
    last = table[-1]["time"].timestamp()
    shift = float(int(now - 60 - last) // 10 * 10)
    states: dict[int, list[list[Any]]] = {}
    for r in table:
        t = int(r["time"].timestamp() + shift)
        pos = None if r["lastposupdate"] is None else r["lastposupdate"] + shift
        state = [
            r["icao24"], r["callsign"], "Switzerland", pos, r["lastcontact"] + shift,
            r["lon"], r["lat"], r["baroaltitude"], r["onground"], r["velocity"], r["heading"],
            r["vertrate"], None, r["geoaltitude"], r["squawk"], r["spi"], 0, 0,
        ]  # fmt: skip
        states.setdefault(t - t % 10, [state])
    path = [
        [int(r["time"].timestamp() + shift), r["lat"], r["lon"], r["baroaltitude"],
         r["heading"], r["onground"]]
        for r in [r for r in table if r["lat"] is not None][::30]
    ]  # fmt: skip
    track = {
        "icao24": "4b1901",
        "startTime": path[0][0],
        "endTime": path[-1][0],
        "callsign": "EDW24",
        "path": path,
    }
    return states, track, shift


def test_states_and_tracks_of_the_last_hour_from_real_state_vectors(
    sky: OpenSky, tmp_path: Path
) -> None:
    now = time.time()
    states, track, _ = _edw24_now(now)
    sky.states, sky.tracks = states, [track]
    first = track["startTime"]
    sky.flights = [_flight("4b1901", "LSZH", "LEPA", first, first + 7000, "EDW24")]
    day = dt.datetime.fromtimestamp(first, dt.UTC).date().isoformat()
    db = tmp_path / "s.duckdb"
    got = _run(
        db,
        sky,
        "--bbox", "46,49,7,10", "--airport", "LSZH", "--what", "flights,tracks,states",
        "--step", "60",
        days=day, area=False,
    )  # fmt: skip
    (summary,) = _ok(got)["days"]
    assert summary["flights"] == 1 and summary["reported_flights"] == 1
    asked = [int(q["time"]) for q in sky.api_requests("/api/states/all")]
    assert asked and all(t % 60 == 0 and now - 3600 < t <= now for t in asked)
    served = {(s[0], s[3]) for t in asked for s in states.get(t, []) if s[3] is not None and s[6]}
    with Store(db) as store:
        kinds = dict(
            store.con.execute(
                "SELECT source = 'adsb', count(*) FROM positions GROUP BY ALL"
            ).fetchall()
        )
    assert kinds[True] == len(served) > 0  # states: ADS-B, one row per position time
    assert kinds[False] == len(track["path"])  # the track's waypoints
    assert sky.api_requests("/api/tracks/all") == [{"icao24": "4b1901", "time": str(first)}]
