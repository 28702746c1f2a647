"""OpenSky REST answers saved as files: states/all, tracks/all and flights, built from
OpenSky's own state vectors of RYR2RG (tests/fuzz.py ``_opensky_rest``)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from jetwatch.sources import detect
from jetwatch.units import FT_PER_M, KT_PER_MS
from tests.fuzz import SEEDS
from tests.helpers import read_file


@pytest.fixture()
def answers(tmp_path: Path) -> Path:
    path = tmp_path / "opensky.jsonl"
    path.write_bytes(SEEDS["opensky_rest"][0]())
    return path


def _docs(path: Path) -> list[object]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_states_tracks_and_flights_are_read_in_jetwatchs_units(answers: Path) -> None:
    docs = _docs(answers)
    states = [s for d in docs if isinstance(d, dict) and "states" in d for s in d["states"]]
    (track,) = [d for d in docs if isinstance(d, dict) and "path" in d]
    assert detect(answers) == "opensky_rest"
    got = read_file(answers, "opensky_rest")
    assert not got.rejects.reason
    assert got.records == len(states) + len(track["path"]) + 1
    rows = got.positions.to_pylist()
    from_states = [r for r in rows if r["source"] == "adsb"]
    assert len(from_states) == len({s[3] for s in states})
    assert len(rows) - len(from_states) == len(track["path"])
    first, row = states[0], from_states[0]
    assert row["time"].timestamp() == pytest.approx(first[3], abs=1e-3)  # time_position
    assert (row["lat"], row["lon"], row["category"]) == (first[6], first[5], "A3")
    if first[7] is not None and not first[8]:
        assert row["altitude"] == round(first[7] * FT_PER_M)
    if first[9] is not None:
        assert row["ground_speed"] == pytest.approx(first[9] * KT_PER_MS, rel=1e-6)
    (flight,) = got.reported.to_pylist()
    assert (flight["source"], flight["departure"], flight["arrival"]) == ("opensky", "EIDW", None)
    assert flight["callsign"] == "RYR2RG"


def test_repeated_states_in_later_answers_are_kept_once(tmp_path: Path) -> None:
    state = ["4b1805", "SWR1", "CH", 1_687_600_000, 1_687_600_004, 8.5, 47.4, 3000.0, False,
             120.0, 90.0, 0.0, None, 3100.0, "1000", False, 0]  # fmt: skip
    later = [*state[:3], 1_687_600_005, *state[4:]]
    path = tmp_path / "polls.jsonl"
    polls = [[state], [state], [later], [later, ["<svg>", *state[1:]]]]
    path.write_text("".join(json.dumps({"time": 1_687_600_010 + k, "states": s}) + "\n"
                            for k, s in enumerate(polls)))  # fmt: skip
    got = read_file(path, "opensky_rest")
    assert got.positions.num_rows == 2 and got.records == 5
    assert dict(got.reasons) == {"unparsable": 1}


def test_hostile_and_broken_answers_are_rejected_where_they_are(tmp_path: Path) -> None:
    path = tmp_path / "flights.json"
    flights = [
        {"icao24": "424b1c", "firstSeen": 1_687_600_000, "lastSeen": 1_687_603_000,
         "estDepartureAirport": "<b>UUWW</b>", "estArrivalAirport": "UUEE",
         "callsign": "<i>x</i>", "estDepartureAirportHorizDistance": 1e300},
        {"icao24": "424b1d", "firstSeen": 1_687_600_000, "lastSeen": 1_687_500_000},
        {"icao24": 42, "firstSeen": 1},
        "not a flight",
    ]  # fmt: skip
    path.write_text(json.dumps(flights, indent=1))
    assert detect(path) == "opensky_rest"
    got = read_file(path, "opensky_rest")
    assert dict(got.reasons) == {"out_of_range": 1, "unparsable": 2}
    assert sorted(got.rejects.offset) == [1, 2, 3]
    (row,) = got.reported.to_pylist()
    assert (row["departure"], row["arrival"], row["callsign"]) == (None, "UUEE", "<i>x</i>")
    assert row["departure_distance_m"] is None
