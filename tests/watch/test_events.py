"""Events of watched aircraft from positions: take-off, landing, squawk, dark, areas."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jetwatch.demo import ingest_simulation
from jetwatch.model import POSITIONS_SCHEMA, positions_table
from jetwatch.sim import load, simulate
from jetwatch.store.db import Store
from jetwatch.watch.events import Tracker

TINY = Path(__file__).parents[1] / "data" / "sim" / "tiny.toml"

T0 = dt.datetime(2023, 6, 24, 8, 0)
UUWW = (55.5915, 37.2615)
ULLI = (59.8003, 30.2625)


def track(points: list[dict]) -> object:
    cols: dict[str, list] = {n: [] for n in POSITIONS_SCHEMA.names}
    for p in points:
        row = {
            "icao24": "157716",
            "callsign": "RSD352",
            "altitude": 0,
            "geo_altitude": None,
            "ground_speed": 10.0,
            "track": 0.0,
            "vertical_rate": 0,
            "on_ground": True,
            "squawk": None,
            "category": None,
            "source": "adsb",
            "flags": 0,
        } | p
        for n in POSITIONS_SCHEMA.names:
            cols[n].append(row[n])
    return positions_table(cols)


def at(s: float, lat: float, lon: float, **kw: object) -> dict:
    return {"time": T0 + dt.timedelta(seconds=s), "lat": lat, "lon": lon} | kw


def flight() -> list[dict]:
    """On the ground at Vnukovo, airborne, then down at Pulkovo."""
    up = [at(i * 10, UUWW[0], UUWW[1]) for i in range(3)]
    up += [
        at(
            40 + i * 10,
            UUWW[0] + 0.02 * i,
            UUWW[1],
            on_ground=False,
            altitude=800 + 500 * i,
            vertical_rate=2000,
        )
        for i in range(5)
    ]
    down = [
        at(
            3600 + i * 10,
            ULLI[0] + 0.01 * (4 - i),
            ULLI[1],
            on_ground=False,
            altitude=1500 - 300 * i,
            vertical_rate=-700,
            ground_speed=140.0,
        )
        for i in range(5)
    ]
    down += [at(3660 + i * 10, ULLI[0], ULLI[1]) for i in range(3)]
    return up + down


def test_takeoff_and_landing_with_their_airports() -> None:
    events = Tracker().feed(track(flight()), {"157716"})
    assert [(e.kind, e.airport) for e in events] == [("takeoff", "UUWW"), ("landing", "ULLI")]
    assert events[1].origin == "UUWW" and events[1].country == "RU"


def test_only_watched_aircraft_are_followed() -> None:
    assert Tracker().feed(track(flight()), {"abcdef"}) == []


def test_first_seen_climbing_out_near_an_airport_is_a_takeoff() -> None:
    climb = [
        at(
            i * 10,
            UUWW[0] + 0.01 * i,
            UUWW[1],
            on_ground=False,
            altitude=900 + 400 * i,
            vertical_rate=1800,
        )
        for i in range(4)
    ]
    (event,) = Tracker().feed(track(climb), {"157716"})
    assert (event.kind, event.airport, event.detail["method"]) == (
        "takeoff",
        "UUWW",
        "climbing out",
    )


def test_an_emergency_squawk_counts_once_held_a_minute() -> None:
    pts = [
        at(i * 10, 56.5, 35.0, on_ground=False, altitude=30000, squawk="7700" if i >= 2 else "2000")
        for i in range(12)
    ]
    tracker = Tracker()
    short = tracker.feed(track(pts[:8]), {"157716"})  # 7700 held 50 s
    assert short == []
    (event,) = tracker.feed(track(pts[8:]), {"157716"})
    assert event.kind == "squawk" and event.detail == {"squawk": "7700", "held_s": 60}


def test_silence_while_airborne_is_dark_with_the_nearest_airport() -> None:
    tracker = Tracker()
    tracker.feed(track(flight()[:8]), {"157716"})  # last seen climbing out of UUWW
    assert tracker.tick(T0 + dt.timedelta(seconds=100)) == []
    dark = tracker.tick(T0 + dt.timedelta(minutes=12))
    assert [(e.kind, e.detail["minutes"], e.airport) for e in dark] == [("dark", 10, "UUWW")]
    assert tracker.tick(T0 + dt.timedelta(minutes=12)) == []  # told once per minute count


def test_low_and_slow_near_an_airport_then_silent_is_a_landing() -> None:
    tracker = Tracker()
    pts = flight()
    tracker.feed(track(pts[:8] + pts[8:12]), {"157716"})  # descending into ULLI, then nothing
    (event,) = tracker.tick(T0 + dt.timedelta(seconds=3650 + 200))
    assert (event.kind, event.airport, event.detail["method"]) == (
        "landing",
        "ULLI",
        "last seen low near the airport",
    )


def test_crossing_an_area_and_heading_to_an_airport() -> None:
    tracker = Tracker(areas={"moscow": (55.7558, 37.6173, 50.0)}, airports=["ULLI"])
    pts = [
        at(
            i * 60,
            55.7558 + 0.2 * i,
            37.6173 - 0.3 * i,
            on_ground=False,
            altitude=30000,
            vertical_rate=-1000,
            track=320.0,
        )
        for i in range(6)
    ]
    kinds = [(e.kind, e.detail.get("area")) for e in tracker.feed(track(pts), {"157716"})]
    assert kinds[0] == ("enter", "moscow") and ("leave", "moscow") in kinds
    far = [
        at(
            4000 + i * 60,
            59.2 + 0.05 * i,
            31.0 - 0.05 * i,
            on_ground=False,
            altitude=9000,
            vertical_rate=-1000,
            track=325.0,
        )
        for i in range(3)
    ]
    approach = [e for e in tracker.feed(track(far), {"157716"}) if e.kind == "approach"]
    assert [(e.airport) for e in approach] == ["ULLI"]


@pytest.fixture(scope="module")
def day(tmp_path_factory: pytest.TempPathFactory) -> pa.Table:
    """A SIMULATED day (the ``tiny`` scenario, seed 11, AVR frames) as it arrives live,
    with one aircraft squawking 7700 for three minutes and one missing its flags."""
    work = tmp_path_factory.mktemp("events")
    simulate(replace(load(TINY), seed=11), work / "sim", ("avr",))
    with Store(work / "e.duckdb") as store:
        ingest_simulation(store, work / "sim")
        table = store.con.sql(
            "SELECT * EXCLUDE (ingest_id) FROM positions ORDER BY time"
        ).to_arrow_table()
    icao = table["icao24"].to_numpy(zero_copy_only=False)
    first, second = icao[0], icao[len(icao) // 2]
    t = table["time"].to_numpy()
    start = t[icao == first][len(t[icao == first]) // 2]
    mayday = (icao == first) & (t >= start) & (t < start + np.timedelta64(180, "s"))
    squawk = np.where(mayday, "7700", table["squawk"].to_numpy(zero_copy_only=False))
    table = table.set_column(table.schema.get_field_index("squawk"), "squawk", pa.array(squawk))
    flags = pc.if_else(pc.equal(table["icao24"], second), None, table["on_ground"])
    return table.set_column(table.schema.get_field_index("on_ground"), "on_ground", flags)


def _every_row(tracker: Tracker, batch: pa.Table, watched: set[str]) -> list:
    """The definition: every watched row through ``_one``, in order."""
    rows = batch.filter(pc.is_in(batch["icao24"], pa.array(sorted(watched))))
    out: list = []
    for r in rows.sort_by([("icao24", "ascending"), ("time", "ascending")]).to_pylist():
        out += tracker._one(r)
    return out


@settings(max_examples=6, deadline=None)
@given(cuts=st.lists(st.integers(1, 20_000), min_size=1, max_size=40))
def test_turning_points_give_the_events_every_row_gives(day: pa.Table, cuts: list[int]) -> None:
    areas = {"moscow": (55.7558, 37.6173, 50.0), "vnukovo": (55.5915, 37.2615, 8.0)}
    fast = Tracker(areas=areas, airports=["ULLI", "UUWW", "LTFM"])
    slow = Tracker(nearby=fast.nearby, areas=areas, airports=["ULLI", "UUWW", "LTFM"])
    watched = set(pc.unique(day["icao24"]).to_pylist())
    got, want, at = [], [], 0
    for size in cuts * (day.num_rows // sum(cuts) + 1):
        batch = day.slice(at, size)
        got += fast.feed(batch, watched)
        want += _every_row(slow, batch, watched)
        at += size
        if at >= day.num_rows:
            break
    assert got == want
    assert {e.kind for e in want} >= {"takeoff", "landing", "enter", "leave", "squawk"}
