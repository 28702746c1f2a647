"""Where departures that left coverage were heading: inferred from geometry, and
undetermined when the geometry does not settle it."""

from __future__ import annotations

import pyarrow as pa

from jetwatch.exodus.heading import infer


def _flights(rows: list[dict]) -> pa.Table:
    keys = ("destination", "origin", "last_lat", "last_lon", "last_track", "last_altitude")
    return pa.table(
        {
            "destination": pa.array([r.get("destination") for r in rows], pa.string()),
            "origin": pa.array([r.get("origin", "UUWW") for r in rows], pa.string()),
            **{k: pa.array([r.get(k) for r in rows], pa.float64()) for k in keys[2:5]},
            "last_altitude": pa.array([r.get("last_altitude") for r in rows], pa.int32()),
        }
    )


def test_heading_abroad_domestic_or_undetermined() -> None:
    flights = _flights(
        [
            # over the Black Sea southbound at FL400: Turkey and beyond
            {"last_lat": 43.0, "last_lon": 34.0, "last_track": 180.0, "last_altitude": 40000},
            # north of Arkhangelsk, north-east bound: Russia for a long way
            {"last_lat": 62.0, "last_lon": 40.0, "last_track": 45.0, "last_altitude": 38000},
            # a destination was observed: nothing inferred
            {"destination": "LTFM", "last_lat": 41.3, "last_lon": 28.7, "last_track": 0.0},
            # still climbing out near its origin: its track says little
            {"last_lat": 55.7, "last_lon": 37.1, "last_track": 200.0, "last_altitude": 3000},
            # no track
            {"last_lat": 53.0, "last_lon": 38.0, "last_altitude": 35000},
        ]
    )
    heads, countries = infer(flights, "RU")
    assert heads == ["abroad", "domestic", None, None, None]
    assert "RU" not in countries[0] and countries[1] == ["RU"]
    assert countries[2:] == [[], [], []]


def test_a_track_along_a_border_is_left_undetermined() -> None:
    """South of Moscow the cone holds Russian, Ukrainian, Georgian and Turkish
    airports: the simulated flights there all went to Sochi, and no call is made."""
    flights = _flights(
        [{"last_lat": 53.4, "last_lon": 37.93, "last_track": 172.0, "last_altitude": 35000}]
    )
    assert infer(flights, "RU")[0] == [None]


def test_no_flights_no_work() -> None:
    assert infer(_flights([]), "RU") == ([], [])
