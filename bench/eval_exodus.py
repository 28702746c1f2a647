"""Exodus accuracy over many seeds of labelled simulated scenarios.

    python bench/eval_exodus.py [--seeds 20]

Per seed (all data simulated, business jets only, OpenSky state vectors):

- **event**: ``tests/data/sim/exodus.toml`` (four baseline weeks, then a 4x surge
  to Istanbul, 08:00-14:00 local): is the surge flagged, how long after its first
  in-event take-off, its excess against the in-event flights of the truth, and the
  share of its departures going to the right country.
- **city**: the same shape for London (150 business jets a day from EGLF, EGGW and
  EGLL) with a 2x
  surge for 3 hours: detection rate.
- **quiet**: the London scenario without an event and 8 weeks long; every day
  with four weeks of history is scored and its surges counted as false alarms,
  at the default sensitivity and at 100x it (to extrapolate).
- **claims**: "at least N abroad" with N the true count (supported), N + 10
  (contradicted), and the same with every receiver down on the day (never
  contradicted).

Prints one line per seed and the totals.
"""

from __future__ import annotations

import argparse
import copy
import csv
import datetime as dt
import shutil
import statistics
import tempfile
import tomllib
from pathlib import Path

from jetwatch.demo import ingest_simulation
from jetwatch.exodus.analysis import Settings, exodus
from jetwatch.exodus.claims import check_departures
from jetwatch.flights import build
from jetwatch.sim import simulate
from jetwatch.sim.scenario import parse
from jetwatch.store.db import Store

ROOT = Path(__file__).resolve().parents[1]
EVENT = tomllib.loads((ROOT / "tests/data/sim/exodus.toml").read_text())
EVENT.pop("trips")


def london(days: int, factor: float | None) -> dict:
    doc = copy.deepcopy(EVENT)
    doc["scenario"] |= {
        "name": f"london-{days}",
        "area": "london",
        "timezone": "Europe/London",
        "start": dt.date(2023, 6, 24) - dt.timedelta(days=days - 1),
        "days": days,
    }
    doc["traffic"]["business_jet"] |= {
        "airports": {"EGLF": 0.5, "EGGW": 0.3, "EGLL": 0.2},
        "destinations": {"LFMN": 0.4, "LSGG": 0.3, "EGPH": 0.3},
        "country": "GB",
        "per_day": 150,
    }
    doc["traffic"]["airliner"] |= {
        "airports": {"EGLL": 0.6, "EGKK": 0.4},
        "destinations": {"LFPG": 0.4, "EHAM": 0.3, "EDDF": 0.3},
        "country": "GB",
        "callsign": "BAW",
    }
    doc["receivers"] = {
        "london": {"position": [51.5, -0.3], "radius_km": 250, "height_m": 40, "loss": 0.1},
        "nice": {"position": [43.66, 7.2], "radius_km": 200, "height_m": 40, "loss": 0.1},
        "geneva": {"position": [46.24, 6.1], "radius_km": 200, "height_m": 40, "loss": 0.1},
        "edinburgh": {"position": [55.95, -3.37], "radius_km": 200, "height_m": 40, "loss": 0.1},
    }
    if factor is None:
        doc.pop("events")
    else:
        doc["events"] = [
            {
                "name": "2x for 3 h",
                "class": "business_jet",
                "factor": factor,
                "start": dt.datetime(2023, 6, 24, 9),
                "end": dt.datetime(2023, 6, 24, 12),
            }
        ]
    return doc


def build_store(doc: dict, seed: int, work: Path, blackout: bool = False) -> tuple[Path, Path]:
    doc = copy.deepcopy(doc)
    doc["scenario"]["seed"] = seed
    if blackout:
        for rx in doc["receivers"].values():
            rx["outages"] = [[dt.datetime(2023, 6, 24, 6), dt.datetime(2023, 6, 24, 20)]]
    out = work / f"{doc['scenario']['name']}-{seed}-{blackout}"
    db = out.with_suffix(".duckdb")
    simulate(parse(doc, "eval"), out, ("opensky",))
    with Store(db) as store:
        ingest_simulation(store, out)
        build(store)
    return out, db


def truth(out: Path) -> list[dict[str, str]]:
    with (out / "truth/flights.csv").open() as fh:
        return list(csv.DictReader(fh))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seeds", type=int, default=20)
    parser.add_argument("--first", type=int, default=1, help="First seed.")
    args = parser.parse_args()
    delays, errors, right_country, detected, city, quiet_days = [], [], [], 0, 0, 0
    false_default = false_lenient = 0
    verdicts_right = verdicts = dark_contradicted = 0
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        for seed in range(args.first, args.first + args.seeds):
            out, db = build_store(EVENT, seed, work)
            event = [r for r in truth(out) if r["in_event"] == "1"]
            with Store(db) as store:
                doc = exodus(store, area="moscow", cls="business_jet", on="2023-06-24").to_dict()
                n = sum(
                    1
                    for r in truth(out)
                    if r["origin"] == "UUWW"
                    and r["abroad"] == "1"
                    and "2023-06-23T21" <= r["takeoff"] < "2023-06-24T21"
                    and r["class"] == "business_jet"
                )
                for claim, want in ((n, "supported"), (n + 10, "contradicted")):
                    got = check_departures(
                        store,
                        airport="UUWW",
                        cls="business_jet",
                        on="2023-06-24",
                        at_least=claim,
                        abroad=True,
                    )
                    verdicts += 1
                    verdicts_right += got["verdict"] == want
            hit = [
                s
                for s in doc["surges"]
                if s["start"] < "2023-06-24T11" and s["end"] > "2023-06-24T05"
            ]
            if hit:
                detected += 1
                first = dt.datetime.fromisoformat(min(r["takeoff"] for r in event)[:19])
                flagged = dt.datetime.fromisoformat(hit[0]["flagged_at"][:19])
                delays.append((flagged - first).total_seconds() / 60)
                errors.append((hit[0]["excess"] - len(event)) / len(event))
                went = doc["destinations"]["surges"]["countries"]
                right_country.append(went.get("TR", 0) / max(sum(went.values()), 1))
            out, db = build_store(EVENT, seed, work, blackout=True)
            with Store(db) as store:
                got = check_departures(
                    store,
                    airport="UUWW",
                    cls="business_jet",
                    on="2023-06-24",
                    at_least=n + 10,
                    abroad=True,
                )
                dark_contradicted += got["verdict"] == "contradicted"
            out, db = build_store(london(29, 2.0), seed, work)
            with Store(db) as store:
                city += bool(
                    exodus(store, area="london", cls="business_jet", on="2023-06-24").surges
                )
            out, db = build_store(london(56, None), seed, work)
            with Store(db) as store:
                for i in range(28):
                    day = dt.date(2023, 5, 28) + dt.timedelta(days=i)
                    quiet_days += 1
                    false_default += len(
                        exodus(store, area="london", cls="business_jet", on=day, save=False).surges
                    )
                    lenient = Settings(false_alarms_per_year=100.0)
                    false_lenient += len(
                        exodus(
                            store,
                            area="london",
                            cls="business_jet",
                            on=day,
                            settings=lenient,
                            save=False,
                        ).surges
                    )
            for used in list(work.iterdir()):  # each seed's stores, archives and sims
                shutil.rmtree(used) if used.is_dir() else used.unlink()
            detail = (
                f" (delay {delays[-1]:.0f} min, excess {errors[-1]:+.0%}, "
                f"right country {right_country[-1]:.0%})"
                if hit
                else ""
            )
            print(
                f"seed {seed}: event {'flagged' if hit else 'missed'}{detail}, "
                f"city {city}/{seed - args.first + 1}, false alarms {false_default} "
                f"(lenient {false_lenient}) "
                f"in {quiet_days} days, verdicts {verdicts_right}/{verdicts}, "
                f"blackout contradicted {dark_contradicted}",
                flush=True,
            )
    years = quiet_days / 365.25
    print(f"event surge flagged: {detected}/{args.seeds}")
    if delays:
        print(
            f"delay from first in-event take-off to flag: median {statistics.median(delays):.0f}"
            f" min, max {max(delays):.0f} min"
        )
        print(
            f"excess error: median {statistics.median(errors):+.1%}, within 20%: "
            f"{sum(abs(e) <= 0.2 for e in errors)}/{len(errors)}"
        )
        print(
            f"surge departures to the right country: median {statistics.median(right_country):.0%}"
        )
    print(f"2x 3-hour surge in London detected: {city}/{args.seeds}")
    print(
        f"false surges on quiet days: {false_default} in {quiet_days} area-days "
        f"({false_default / years:.2f} per area-year); at 100/year sensitivity "
        f"{false_lenient} ({false_lenient / years:.1f} per area-year)"
    )
    print(
        f"claim verdicts right: {verdicts_right}/{verdicts}; 'contradicted' under a "
        f"blackout: {dark_contradicted}/{args.seeds}"
    )


if __name__ == "__main__":
    main()
