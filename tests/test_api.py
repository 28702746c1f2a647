"""The notebook API: ``jetwatch.open`` and its verbs give the same answers as the
CLI's JSON, as typed results with tables and HTML views (SIMULATED exodus store)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

import jetwatch
from jetwatch.exodus.verdict import AircraftVerdict, DeparturesVerdict
from jetwatch.flights.record import FlightRecord
from tests.helpers import aircraft_claim_cli, exodus_cli

DAY = "2023-06-24"


def test_the_verbs_answer_as_the_cli_does(exodus_sim: tuple[Path, Path]) -> None:
    _, db = exodus_sim
    cli = exodus_cli(db)
    claim = aircraft_claim_cli(db)
    with jetwatch.open(db) as jw:
        ex = jw.exodus(area="moscow", cls="business_jet", on=DAY)
        assert ex.to_dict() == cli
        assert ex.to_arrow().num_rows == len(cli["buckets"])
        assert list(ex.to_pandas()["observed"]) == [b["observed"] for b in cli["buckets"]]
        assert "<table>" in ex._repr_html_()
        flights = jw.flights(origin="UUWW", on=DAY, cls="business_jet")
        first = next(iter(flights))
        assert isinstance(first, FlightRecord) and first.cls == "business_jet"
        assert len(flights) == flights.to_pandas().shape[0] > 0
        assert flights.to_dicts()[0]["class"] == "business_jet"
        assert "<table>" in flights._repr_html_()
        track = flights.positions()
        assert set(track.column("flight_id").to_pylist()) <= set(flights.table["id"].to_pylist())
        assert {"timestamp", "latitude", "longitude", "groundspeed"} <= set(track.column_names)
        verdict = jw.check(area="moscow", cls="business_jet", on=DAY, at_least=15)
        assert isinstance(verdict, DeparturesVerdict) and verdict.verdict == "supported"
        left = jw.check("RA-96022", left="moscow", on=DAY)
        assert isinstance(left, AircraftVerdict) and left.to_dict() == claim
        info = jw.aircraft("RA-96022")
        assert info.icao24 == left.icao24 and info.in_registry
        assert len(jw.alerts()) == 0 and jw.watchlist() == []
        assert repr(jw).startswith("jetwatch.open(")


def test_flights_become_a_traffic_collection(exodus_sim: tuple[Path, Path]) -> None:
    if importlib.util.find_spec("traffic") is None:
        pytest.skip("traffic is not installed (pip install 'jetwatch[bench]')")
    _, db = exodus_sim
    with jetwatch.open(db) as jw:
        flights = jw.flights(aircraft="RA-96022", on=DAY)
        t = flights.to_traffic()
    assert len(t) == len(flights) > 0
    assert {f.flight_id for f in t} == set(flights.table["id"].to_pylist())
