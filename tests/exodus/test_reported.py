"""OpenSky's flights beside jetwatch's in a departures check, on the simulated exodus
store (SIMULATED): OpenSky's account is made here from jetwatch's own departures,
with two left out, one added and every firstSeen moved a few minutes."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

from click.testing import CliRunner

from jetwatch.cli import main
from jetwatch.exodus.claims import check_departures
from jetwatch.ingest import ingest_file
from jetwatch.store.db import Store

DAY = "2023-06-24"


def _check(db: Path) -> dict:
    with Store(db) as store:
        return check_departures(
            store, area="moscow", cls="business_jet", on=DAY, at_least=15
        ).to_dict()


def _epoch(iso: str) -> int:
    return int(dt.datetime.fromisoformat(iso.replace("Z", "+00:00")).timestamp())


def test_opensky_flights_are_set_beside_the_verdict(
    exodus_sim: tuple[Path, Path], tmp_path: Path
) -> None:
    db = tmp_path / "s.duckdb"
    shutil.copy(exodus_sim[1], db)
    before = _check(db)
    assert before["reported"] is None  # no OpenSky fetch: nothing said, nothing counted
    ours = before["flights"]
    assert len(ours) > 10
    theirs = [
        {
            "icao24": f["icao24"],
            "firstSeen": _epoch(f["time"]) + (-240 if k % 2 else 180),
            "estDepartureAirport": f["origin"],
            "lastSeen": _epoch(f["time"]) + 7200,
            "estArrivalAirport": None,
            "callsign": f["callsign"],
        }
        for k, f in enumerate(ours[2:])
    ]
    later = theirs[0]["firstSeen"] + 6 * 3600  # a second leg, which jetwatch did not see
    extra = dict(theirs[0], firstSeen=later, lastSeen=later + 3600)
    path = tmp_path / "departures.json"
    path.write_text(json.dumps([*theirs, extra]))
    with Store(db) as store:
        assert ingest_file(store, path).reported == len(theirs) + 1
    after = _check(db)
    reported = after["reported"]
    assert (reported["departures"], reported["matched"]) == (len(theirs) + 1, len(theirs))
    assert [r["icao24"] for r in reported["only_reported"]] == [extra["icao24"]]
    assert {r["icao24"] for r in reported["only_jetwatch"]} == {f["icao24"] for f in ours[:2]}
    assert after["verdict"] == before["verdict"]  # beside the verdict, never in it
    said = [r for r in after["reasons"] if r.startswith("opensky reports")]
    assert said and f"{len(theirs)} of them are among jetwatch's" in said[0]
    got = CliRunner().invoke(
        main,
        ["check", "departures", "--area", "moscow", "--class", "business_jet", "--on", DAY,
         "--at-least", "15", "--db", str(db)],
    )  # fmt: skip
    assert got.exit_code == 0 and "opensky reports" in got.output
