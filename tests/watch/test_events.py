"""Events of watched aircraft from positions: take-off, landing, squawk, dark, areas."""

from __future__ import annotations

import datetime as dt

from jetwatch.model import POSITIONS_SCHEMA, positions_table
from jetwatch.watch.events import Tracker

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
