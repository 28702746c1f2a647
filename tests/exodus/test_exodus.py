"""Exodus and claim checks on a labelled simulated scenario (tests/data/sim/exodus.toml)."""

from __future__ import annotations

import csv
import datetime as dt
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from jetwatch.cli import main
from jetwatch.exodus.analysis import exodus
from jetwatch.exodus.claims import ClaimError, check_aircraft, check_departures
from jetwatch.store.db import Store
from tests.helpers import aircraft_claim_cli

DAY = "2023-06-24"


@pytest.fixture(scope="module")
def sim(exodus_sim: tuple[Path, Path]) -> tuple[Path, Path]:
    return exodus_sim


@pytest.fixture(scope="module")
def dark(exodus_dark: tuple[Path, Path]) -> tuple[Path, Path]:
    return exodus_dark


def _truth(out: Path) -> list[dict[str, str]]:
    with (out / "truth" / "flights.csv").open() as fh:
        return [r for r in csv.DictReader(fh) if r["class"] == "business_jet"]


def test_surge_flagged_with_its_excess_and_destinations(sim: tuple[Path, Path]) -> None:
    out, db = sim
    event = [r for r in _truth(out) if r["in_event"] == "1"]
    with Store(db) as store:
        doc = exodus(store, area="moscow", cls="business_jet", on=DAY).to_dict()
        stored = store.con.execute("SELECT surges, result FROM exodus_results").fetchall()
    assert doc["labels"] and "SIMULATED" in doc["labels"][0]
    (surge,) = doc["surges"]
    first_event = min(r["takeoff"] for r in event)
    assert surge["start"] <= first_event[:13] + ":00:00Z" < surge["end"]
    assert abs(surge["excess"] - len(event)) <= 0.2 * len(event)
    went = doc["destinations"]["surges"]["countries"]
    assert max(went, key=went.get) == "TR"  # the event's flights go to Istanbul
    assert stored[0][0] == 1 and json.loads(stored[0][1])["surges"] == doc["surges"]


def test_live_scoring_sees_only_the_past(sim: tuple[Path, Path]) -> None:
    _, db = sim
    with Store(db) as store:
        early = exodus(
            store,
            area="moscow",
            cls="business_jet",
            on=DAY,
            upto=dt.datetime(2023, 6, 24, 4),
            save=False,
        ).to_dict()
        late = exodus(
            store,
            area="moscow",
            cls="business_jet",
            on=DAY,
            upto=dt.datetime(2023, 6, 24, 12),
            save=False,
        ).to_dict()
    assert early["surges"] == [] and late["surges"]
    assert late["surges"][0]["flagged_at"] <= "2023-06-24T12:00:00Z"
    assert all(f["time"] < "2023-06-24T04" for f in early["flights"])


def test_quiet_days_raise_no_surge(sim: tuple[Path, Path]) -> None:
    _, db = sim
    with Store(db) as store:
        for day in ("2023-06-21", "2023-06-22", "2023-06-23"):
            assert exodus(store, area="moscow", cls="business_jet", on=day).surges == []


def test_claims_against_the_truth(sim: tuple[Path, Path]) -> None:
    out, db = sim
    local = [r for r in _truth(out) if r["origin"] == "UUWW" and r["takeoff"] >= "2023-06-23T21"]
    abroad = sum(1 for r in local if r["abroad"] == "1" and r["takeoff"] < "2023-06-24T21")
    with Store(db) as store:
        yes = check_departures(
            store, airport="UUWW", cls="business_jet", on=DAY, at_least=abroad - 2, abroad=True
        ).to_dict()
        no = check_departures(
            store, airport="UUWW", cls="business_jet", on=DAY, at_least=abroad + 15, abroad=True
        ).to_dict()
        few = check_departures(
            store, area="moscow", cls="business_jet", on=DAY, at_most=3
        ).to_dict()
        left = check_aircraft(store, "RA-96022", left="moscow", on=DAY).to_dict()
        unhyphenated = check_aircraft(store, "RA96022", left="moscow", on=DAY).to_dict()
        early = check_departures(
            store, area="moscow", cls="business_jet", on="2023-06-03", at_least=500
        ).to_dict()
        inferred = check_departures(
            store,
            airport="UUWW",
            cls="business_jet",
            on=DAY,
            at_least=abroad - 2,
            abroad=True,
            infer_destinations=True,
        ).to_dict()
        with pytest.raises(ClaimError, match="goes with --abroad"):
            check_departures(
                store, airport="UUWW", on=DAY, at_least=1, infer_destinations=True
            ).to_dict()
        first = check_departures(
            store, area="moscow", cls="business_jet", on="2023-05-27", at_least=500
        ).to_dict()
    assert yes["verdict"] == "supported"
    assert any(r.startswith("observed abroad ") for r in yes["reasons"])
    assert "observed destinations only" in " ".join(yes["reasons"])
    assert no["verdict"] == "contradicted" and no["coverage"] >= 0.8
    assert few["verdict"] == "contradicted"
    assert left["verdict"] == "supported" and "last seen airborne" in left["reasons"][0]
    assert left["icao24"] == "157716" == unhyphenated["icao24"]
    assert inferred["inferred_destinations"] and inferred["observed"] >= yes["observed"]
    assert "includes the inferred" in " ".join(inferred["reasons"])
    # one week of history is used, with a band to match; none at all is refused
    assert early["verdict"] == "contradicted" and "1 week of history" in early["reasons"][0]
    assert first["verdict"] == "cannot be determined" and first["test"] is None
    assert "no earlier day of this weekday" in first["reasons"][0]
    assert not any("None" in r for r in first["reasons"] + early["reasons"])


def test_unknown_class_is_not_zero(sim: tuple[Path, Path], tmp_path: Path) -> None:
    """With no registry, the business jets' class is unknown: no claim about business
    jets is settled by their absence, either way, and the output says what to import."""
    _, db = sim
    bare = tmp_path / "bare.duckdb"
    shutil.copy(db, bare)
    with Store(bare) as store:
        store.con.execute("DELETE FROM aircraft")
        many = check_departures(
            store, airport="UUWW", cls="business_jet", on=DAY, at_least=15
        ).to_dict()
        two = check_departures(
            store, airport="UUWW", cls="business_jet", on=DAY, at_most=2
        ).to_dict()
        doc = exodus(store, area="moscow", cls="business_jet", on=DAY, save=False).to_dict()
    for result in (many, two):
        assert result["verdict"] == "cannot be determined", result["reasons"]
        assert result["unknown_class"] >= 15
        assert any("registry import" in r for r in result["reasons"])
    assert two["claim"] == "at most 2 business-jet departures from UUWW on 2023-06-24"
    assert doc["unknown_class"] >= 15 and "of unknown class" in doc["headline"]
    got = CliRunner().invoke(
        main,
        ["check", "departures", "--db", str(bare), "--from", "UUWW", "--on", DAY]
        + ["--class", "business_jet", "--at-most", "2"],
    )
    lines = got.output.splitlines()
    assert lines[1].startswith("claim: at most 2 business-jet departures from UUWW")
    assert "CANNOT BE DETERMINED" in lines[2]


def test_poor_coverage_never_contradicts(dark: tuple[Path, Path]) -> None:
    _, db = dark
    with Store(db) as store:
        result = check_departures(
            store, airport="UUWW", cls="business_jet", on=DAY, at_least=40, abroad=True
        ).to_dict()
        doc = exodus(store, area="moscow", cls="business_jet", on=DAY, save=False).to_dict()
    assert result["verdict"] == "cannot be determined"
    assert any("coverage was" in r for r in result["reasons"])
    assert doc["coverage"] < 0.8
    # the outage (every receiver down 07:00-19:00 Moscow time, 04-16 UTC) is found
    # from the data alone
    (gap,) = [g for g in doc["blackouts"] if g["end"] > "2023-06-24T10"]
    assert (gap["start"], gap["end"]) == ("2023-06-24T04:00:00Z", "2023-06-24T16:00:00Z")
    assert "Blackout from" in doc["headline"] and "Blackout from" in result["reasons"][-2]


def test_cli_formats_and_errors(sim: tuple[Path, Path]) -> None:
    _, db = sim
    run = CliRunner().invoke
    base = ["--db", str(db), "--area", "moscow", "--class", "business_jet", "--on", DAY]
    got = run(main, ["exodus", *base, "--format", "json"])
    assert got.exit_code == 0, got.output
    doc = json.loads(got.output)
    assert {"surges", "buckets", "destinations", "flights", "expected"} <= set(doc)
    assert len(doc["buckets"]) == 24
    got = run(main, ["exodus", *base, "--format", "csv", "--bucket", "15"])
    assert got.output.splitlines()[0].startswith("start,end,observed,coverage,expected")
    assert len(got.output.splitlines()) == 1 + 96
    got = run(main, ["exodus", *base])
    assert "SURGE" in got.output and "SIMULATED" in got.output
    got = run(main, ["exodus", *base, "--live", "--at", "2023-06-24T12:00:00Z"])
    assert got.output.startswith("SURGE")
    got = run(
        main,
        [
            "check",
            "departures",
            "--db",
            str(db),
            "--from",
            "UUWW",
            "--on",
            DAY,
            "--class",
            "business_jet",
            "--at-least",
            "5",
            "--abroad",
        ],
    )
    assert "SUPPORTED" in got.output
    assert aircraft_claim_cli(db, DAY)["verdict"] == "supported"
    got = run(main, ["exodus", "--db", str(db), "--area", "atlantis", "--on", DAY])
    assert got.exit_code != 0 and "known: beijing" in got.output
    got = run(main, ["exodus", "--db", str(db), "--airport", "ZZZZ", "--on", DAY])
    assert got.exit_code != 0 and "UUWW" in got.output
    got = run(main, ["exodus", "--db", str(db), "--area", "moscow", "--class", "jets", "--on", DAY])
    assert got.exit_code != 0 and "business_jet" in got.output
