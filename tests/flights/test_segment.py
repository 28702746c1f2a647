"""Segmentation edge cases on hand-made tracks: gaps, touch-and-go, noisy flags,
duplicate feeds, rows out of order, and a landing inferred from data loss."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest

from jetwatch.flights import build
from jetwatch.flights.query import query
from jetwatch.geo import offset
from jetwatch.reference.runways import ends
from jetwatch.store.db import Store

T0 = dt.datetime(2023, 6, 24, 8, 0)
VKO = next(e for e in ends("UUWW") if e.ident == "24")  # runway 24 threshold and heading
SVO = next(e for e in ends("UUEE") if e.ident == "24L")


def leg(
    lat: float,
    lon: float,
    heading: float,
    seconds: int,
    step: int,
    gs: float,
    alt0: float,
    climb_fpm: float,
    ground: bool,
    t0: float = 0.0,
) -> list[dict]:
    """Positions every ``step`` s flying straight from (lat, lon)."""
    t = np.arange(0, seconds, step, dtype=float)
    la, lo = offset(
        np.full(len(t), lat), np.full(len(t), lon), np.full(len(t), heading), gs * 1.852 / 3600 * t
    )
    return [
        {
            "t": t0 + ti,
            "lat": a,
            "lon": o,
            "alt": None if ground else alt0 + climb_fpm * ti / 60,
            "gs": gs,
            "track": heading,
            "ground": ground,
        }
        for ti, a, o in zip(t, la, lo, strict=True)
    ]


def store_with(tmp_path: Path, tracks: dict[str, list[dict]], copies: int = 1) -> Store:
    store = Store(tmp_path / "seg.duckdb")
    for k in range(copies):
        store.con.execute(
            "INSERT INTO ingests (id, status, path, sha256, size, format, compression) "
            "VALUES (?, 'done', ?, ?, 0, 'test', 'none')",
            [k + 1, f"feed{k}", f"sha{k}"],
        )
        rows = [
            {
                "time": T0 + dt.timedelta(seconds=p["t"]),
                "icao24": icao,
                "callsign": "TEST1",
                "lat": p["lat"],
                "lon": p["lon"],
                "altitude": p["alt"],
                "geo_altitude": None,
                "ground_speed": p["gs"],
                "track": p["track"],
                "vertical_rate": 0,
                "on_ground": p["ground"],
                "squawk": None,
                "category": None,
                "source": "test",
                "flags": 0,
                "ingest_id": k + 1,
            }
            for icao, points in tracks.items()
            for p in points
        ]
        rows.reverse()  # time going backwards in the feed must not matter
        store.con.register("new_rows", pa.Table.from_pylist(rows))
        store.con.execute("INSERT INTO position_rows BY NAME SELECT * FROM new_rows")
        store.con.unregister("new_rows")
    return store


def departure(t0: float = 0.0) -> list[dict]:
    """Taxi on VKO's runway 24, take-off roll, climb out along the runway."""
    roll = leg(VKO.lat, VKO.lon, VKO.heading, 40, 5, 140, 0, 0, True, t0)
    end = roll[-1]
    la, lo = offset(
        np.array([end["lat"]]),
        np.array([end["lon"]]),
        np.array([VKO.heading]),
        np.array([140 * 1.852 / 3600 * 5]),
    )
    climb = leg(float(la[0]), float(lo[0]), VKO.heading, 600, 5, 250, 1000, 2500, False, t0 + 45)
    return roll + climb


@pytest.mark.parametrize("copies", [1, 2])
def test_departure_from_vnukovo_and_duplicate_feeds(tmp_path: Path, copies: int) -> None:
    with store_with(tmp_path, {"aaaaaa": departure()}, copies) as store:
        build(store)
        rows = query(store).to_pylist()
    assert len(rows) == 1
    f = rows[0]
    assert f["origin"] == "UUWW" and f["origin_method"] == "ground"
    assert f["takeoff_method"] == "observed"
    assert (
        f["takeoff"] - T0
    ).total_seconds() == 40.0  # between the roll (35 s) and the climb (45 s)
    assert f["positions"] == len(departure())  # one position per second, feeds merged


def test_overnight_gap_and_far_reappearance_split(tmp_path: Path) -> None:
    evening = leg(56.5, 36.0, 300, 600, 10, 450, 35000, 0, False)
    morning = leg(56.6, 35.9, 120, 600, 10, 450, 35000, 0, False, t0=12 * 3600)
    far = leg(48.0, 20.0, 120, 600, 10, 450, 35000, 0, False, t0=12 * 3600 + 600 + 1200)
    with store_with(tmp_path, {"bbbbbb": evening + morning + far}) as store:
        build(store)
        rows = query(store).to_pylist()
    assert len(rows) == 3
    assert all(
        r["origin"] is None and "starts airborne at 35,000 ft" in r["origin_reason"] for r in rows
    )


def test_plausible_gap_in_cruise_is_not_a_new_flight(tmp_path: Path) -> None:
    track = leg(56.5, 36.0, 300, 3600, 10, 450, 35000, 0, False)
    kept = [p for p in track if not 600 <= p["t"] < 2100]  # 25 min out of coverage
    with store_with(tmp_path, {"cccccc": kept}) as store:
        build(store)
        rows = query(store).to_pylist()
    assert len(rows) == 1 and rows[0]["gaps"] == 1 and rows[0]["longest_gap_s"] == 1510


def test_touch_and_go_and_noisy_ground_flag(tmp_path: Path) -> None:
    first = leg(56.5, 36.0, 90, 300, 5, 140, 2000, 0, False)
    touch = leg(first[-1]["lat"], first[-1]["lon"], 90, 20, 5, 120, 0, 0, True, t0=305)
    second = leg(touch[-1]["lat"], touch[-1]["lon"], 90, 300, 5, 150, 1000, 1500, False, t0=330)
    glitch = dict(second[30], ground=True)
    second[30] = glitch
    with store_with(tmp_path, {"dddddd": first + touch + second}) as store:
        build(store)
        rows = query(store).to_pylist()
    assert len(rows) == 1
    assert rows[0]["touch_and_go"] == 1 and rows[0]["landing"] is None


def test_lost_low_on_final_is_a_marked_landing(tmp_path: Path) -> None:
    # approaching Sheremetyevo's runway 24L: 12 km out to 2 km out, descending
    start = offset(
        np.array([SVO.lat]), np.array([SVO.lon]), np.array([SVO.heading + 180]), np.array([12.0])
    )
    approach = leg(
        float(start[0][0]), float(start[1][0]), SVO.heading, 150, 5, 140, 2500, -700, False
    )
    for p in approach:
        p["alt"] += 622  # field elevation
    with store_with(tmp_path, {"eeeeee": approach}) as store:
        build(store)
        rows = query(store).to_pylist()
    assert len(rows) == 1
    f = rows[0]
    assert f["destination"] == "UUEE" and f["destination_method"] == "runway"
    assert f["destination_confidence"] == "medium" and f["landing_method"] == "lost_low"
    assert f["destination_runway"] == "24L"
