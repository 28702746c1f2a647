"""Ground truth written beside simulated data, and the fleet as registry files.

- ``truth/flights.csv``: one row per flight flown, with what a perfect pipeline
  would find: aircraft (icao24, registration, type, class, operator), callsign,
  origin and destination with the runway used, off-block, take-off, landing and on-block times (UTC,
  ISO 8601), whether the flight is an extra departure of a surge event
  (``in_event``, ``event``) or a named trip, when the transponder was switched
  off, and coverage labels: ``takeoff_covered`` / ``landing_covered`` (a receiver
  was in range and up 30 s after take-off / before landing), the number of state
  vectors seen and the first and last seen.
- ``truth/hourly.csv``: per class and local hour, the model's expected departures
  from the area without and with events, the departures actually drawn, how many
  were in an event, and how many went abroad (destination in another country).
- ``registry/aircraft.csv``: the fleet in tar1090-db format, and
  ``registry/watchlist.csv``: aircraft with a watch category (named trips, state
  aircraft) in plane-alert-db format; ``jetwatch registry import`` reads both.
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

from jetwatch.sim.fleet import Aircraft
from jetwatch.sim.places import Places
from jetwatch.sim.scenario import Scenario
from jetwatch.sim.schedule import Leg, buckets

TIMES = (
    "off_block",
    "takeoff",
    "landing",
    "on_block",
    "transponder_off",
    "first_seen",
    "last_seen",
)


def iso(t: object) -> str:
    if not isinstance(t, int | float):
        return ""
    return (
        dt.datetime.fromtimestamp(t, dt.UTC)
        .isoformat(timespec="milliseconds")
        .replace("+00:00", "Z")
    )


def write(
    root: Path,
    scenario: Scenario,
    legs: list[Leg],
    columns: dict[str, list[object]],
    aircraft: list[Aircraft],
) -> dict[str, Path]:
    (root / "truth").mkdir(exist_ok=True)
    (root / "registry").mkdir(exist_ok=True)
    places = Places(scenario.seed, scenario.days)
    home = places.airport(scenario.area.airports[0]).country
    flights = root / "truth" / "flights.csv"
    area = set(scenario.area.airports)
    order = sorted(range(len(legs)), key=lambda k: (legs[k].takeoff, str(columns["flight_id"][k])))
    with flights.open("w", newline="") as fh:
        out = csv.writer(fh)
        head = ["flight_id", "icao24", "registration", "typecode", "class", "operator", "callsign"]
        head += ["origin", "origin_runway", "destination", "destination_runway", "direction"]
        head += ["abroad", *TIMES[:4], "in_event", "event"]
        head += ["named", "transponder_off", "takeoff_covered", "landing_covered", "positions"]
        head += ["first_seen", "last_seen", "cruise_ft", "aircraft_source"]
        out.writerow(head)
        for k in order:
            leg, a = legs[k], legs[k].aircraft
            col = {name: values[k] for name, values in columns.items()}
            direction = (
                "departure"
                if leg.origin in area
                else "arrival"
                if leg.destination in area
                else "other"
            )
            abroad = places.airport(leg.destination).country != places.airport(leg.origin).country
            out.writerow(
                [col["flight_id"], f"{a.icao24:06x}", a.registration, a.typecode, a.cls, a.operator]
                + [leg.callsign, leg.origin, col["origin_runway"], leg.destination]
                + [col["destination_runway"], direction, int(abroad)]
                + [iso(col[name]) for name in TIMES[:4]]
                + [int(leg.in_event), leg.event, int(leg.named), iso(col["transponder_off"])]
                + [int(bool(col["takeoff_covered"])), int(bool(col["landing_covered"]))]
                + [col["positions"], iso(col["first_seen"]), iso(col["last_seen"])]
                + [int(float(str(col["cruise_ft"]))), a.source]
            )
    hourly = root / "truth" / "hourly.csv"
    drawn: dict[tuple[str, int], list[int]] = {}
    for leg in legs:
        if leg.origin in area:
            key = (leg.aircraft.cls, int(leg.takeoff // 3600))
            row = drawn.setdefault(key, [0, 0, 0])
            row[0] += 1
            row[1] += int(leg.in_event)
            row[2] += int(places.airport(leg.destination).country != home)
    classes = {t.cls for t in scenario.traffic} | {t.cls for t in scenario.trips}
    with hourly.open("w", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(
            ["hour_start", "local_hour", "area", "class", "expected_baseline", "expected"]
            + ["departures", "in_event", "abroad"]
        )
        expected = {(b.cls, int(b.start // 3600)): b for b in buckets(scenario)}
        hours = sorted({h for _, h in expected})
        for cls in sorted(classes):
            for h in hours:
                b = expected.get((cls, h))
                n = drawn.get((cls, h), [0, 0, 0])
                local = dt.datetime.fromtimestamp(h * 3600, scenario.tz).isoformat()
                out.writerow(
                    [iso(h * 3600), local, scenario.area.name, cls]
                    + [round(b.baseline, 4) if b else 0, round(b.expected, 4) if b else 0, *n]
                )
    registry = root / "registry" / "aircraft.csv"
    watch = root / "registry" / "watchlist.csv"
    with registry.open("w") as reg, watch.open("w", newline="") as wl:
        alert = csv.writer(wl)
        alert.writerow(
            ["$ICAO", "$Registration", "$Operator", "$Type", "$ICAO Type", "#CMPG", "$Tag 1"]
            + ["$#Tag 2", "$#Tag 3", "Category", "$#Link"]
        )
        for a in sorted(aircraft, key=lambda x: x.icao24):
            flags = "1000" if a.cls == "military" else "0000"
            reg.write(f"{a.icao24:06x};{a.registration};{a.typecode};{flags};;;{a.operator};\n")
            category = a.category or ("Governments" if a.cls == "government" else "")
            if category:
                cmpg = "Gov" if a.cls == "government" else "Civ"
                alert.writerow(
                    [f"{a.icao24:06X}", a.registration, a.operator, a.typecode, a.typecode, cmpg]
                    + ["simulated", "", "", category, ""]
                )
    return {"flights": flights, "hourly": hourly, "registry": registry, "watchlist": watch}
