"""Scenario files: presets load; every invalid field is named with what is allowed."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from jetwatch.sim import ScenarioError, load, presets
from jetwatch.sim.scenario import parse

TINY = Path(__file__).parents[1] / "data" / "sim" / "tiny.toml"


def tiny() -> dict:
    return tomllib.loads(TINY.read_text())


def test_presets_load_with_their_areas_and_events() -> None:
    assert {"moscow-2023-06-24", "moscow-quiet-2023-06-17", "london-2023-06-24"} <= set(presets())
    moscow = load("moscow-2023-06-24")
    assert moscow.days == 29 and moscow.area.name == "moscow"
    assert [t.registration for t in moscow.trips] == [
        "RA-73555",
        "RA-96022",
        "RA-64520",
        "RA-11005",
    ]
    assert moscow.events and not load("moscow-quiet-2023-06-17").events
    assert load("london-2023-06-24").area.name == "london"
    first, last = moscow.span()
    assert last - first == 29 * 86400  # Moscow kept UTC+3 all year
    # 14:16 Moscow time is 11:16 UTC
    assert moscow.trips[1].takeoff == pytest.approx(first + 28 * 86400 + 14 * 3600 + 16 * 60)


@pytest.mark.parametrize(
    ("change", "field", "allowed"),
    [
        (
            lambda d: d["scenario"].update(colour="red"),
            "scenario.colour",
            "allowed: airports, area",
        ),
        (lambda d: d["scenario"].pop("seed"), "scenario.seed", "missing"),
        (lambda d: d["scenario"].update(days=0), "scenario.days", "from 1 to 3660"),
        (lambda d: d["scenario"].update(timezone="Mars/Olympus"), "", "IANA"),
        (lambda d: d["scenario"].update(area="atlantis"), "scenario.area", "known: "),
        (lambda d: d["traffic"].update(jumbo={}), "", "allowed: business_jet"),
        (lambda d: d["traffic"]["business_jet"].update(per_day=-1), "per_day", "from 0"),
        (lambda d: d["traffic"]["business_jet"].update(hours=[1] * 23), "hours", "24 non-negative"),
        (
            lambda d: d["traffic"]["business_jet"].update(airports={"EGLL": 1}),
            "traffic.business_jet.airports",
            "not an airport of the area; allowed: UUEE",
        ),
        (
            lambda d: d["traffic"]["business_jet"].update(destinations={"XXXX": 1}),
            "traffic.business_jet.destinations",
            "unknown airport",
        ),
        (
            lambda d: d["traffic"]["business_jet"].update(cruise_ft=[40000, 30000]),
            "cruise_ft",
            "low <= high",
        ),
        (lambda d: d["receivers"]["vnukovo"].update(position=[95, 0]), "position", "[lat, lon]"),
        (
            lambda d: d["events"][0].update(end=d["events"][0]["start"]),
            "events[0].end",
            "after start",
        ),
        (lambda d: d["events"][0].update({"class": "spaceship"}), "events[0].class", "one of"),
        (lambda d: d["trips"][0].update(icao24="zzzzzz"), "trips[0].icao24", "6 hex digits"),
        (lambda d: d["trips"][0].update(takeoff="noon"), "trips[0].takeoff", "date-time"),
    ],
)
def test_invalid_fields_are_named(change, field: str, allowed: str) -> None:
    doc = tiny()
    change(doc)
    with pytest.raises(ScenarioError) as err:
        parse(doc, "tiny.toml")
    assert field in str(err.value) and allowed in str(err.value)
    assert "tiny.toml" in str(err.value)


def test_unreadable_file_and_unknown_name(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("[scenario\nname=")
    with pytest.raises(ScenarioError, match="bad.toml"):
        load(bad)
    with pytest.raises(ScenarioError, match="presets: .*moscow-2023-06-24"):
        load("moscow-2099")
