"""Flights from the real recordings in ``../shared/data`` (the flights known from them)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from jetwatch.flights import build
from jetwatch.flights.query import query
from jetwatch.ingest import ingest_file
from jetwatch.store.db import Store

RECORDINGS = (
    "rs1090/long_flight.csv.gz",  # KLM1302 Toulouse -> Amsterdam, Beast frames
    "traffic/messages/full_flight_short.jsonl.gz",  # AFR34ZG Paris CDG -> Toulouse
    "traffic/opensky_impala/state_vectors_EDW24_4b1901_20240406.parquet",  # Zurich take-off
    "traffic/readsb/trace_full_ac671b.json.gz",  # N899DN, a day of Delta legs at KMSP
    "roob1090/aircraft.json",  # one snapshot around Washington: no whole flight
)


@pytest.fixture(scope="module")
def flights(shared: Path, tmp_path_factory: pytest.TempPathFactory) -> list[dict]:
    db = tmp_path_factory.mktemp("real") / "real.duckdb"
    with Store(db) as store:
        for name in RECORDINGS:
            ingest_file(store, shared / name)
        build(store)
        return query(store).to_pylist()


def _one(flights: list[dict], callsign: str, origin: str | None) -> dict:
    found = [f for f in flights if callsign in (f["callsigns"] or []) and f["origin"] == origin]
    assert len(found) == 1, found
    return found[0]


def _near(t: datetime | None, hhmm: str) -> bool:
    return t is not None and t.strftime("%H:%M") == hhmm


def test_whole_flights_with_observed_takeoff_and_landing(flights: list[dict]) -> None:
    afr = _one(flights, "AFR34ZG", "LFPG")
    assert afr["destination"] == "LFBO"
    assert _near(afr["takeoff"], "06:59") and _near(afr["landing"], "07:58")
    assert (afr["origin_method"], afr["destination_method"]) == ("ground", "ground")
    klm = _one(flights, "KLM1302", "LFBO")
    assert klm["destination"] == "EHAM" and klm["origin_confidence"] == "high"
    assert _near(klm["takeoff"], "10:10") and _near(klm["landing"], "11:38")
    dal = _one(flights, "DAL1615", "KMSP")
    assert dal["destination"] == "KDEN" and _near(dal["landing"], "19:54")


def test_partial_recordings_never_invent_an_airport(flights: list[dict]) -> None:
    edw = _one(flights, "EDW24", "LSZH")
    assert edw["destination"] is None and edw["ends_airborne"]
    assert edw["destination_reason"].startswith("ends airborne at")
    arrivals = [f for f in flights if f["destination"] == "KMSP"]
    assert {f["landing_method"] for f in arrivals} == {"observed"}
    for f in flights:
        for side in ("origin", "destination"):
            assert (f[side] is None) == (f[f"{side}_reason"] is not None)
            if f[f"{side}_confidence"] == "high":
                assert f[f"{side}_distance_km"] <= 5
