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
- **preset** (``--preset``, slower): the ``moscow-2023-06-24`` preset itself with the
  seed changed: delay from its first in-event take-off, excess against its in-event
  flights plus the named business-jet trips out of Moscow that day, and the share
  of surge departures whose destination matches the truth.

Delays and false alarms are measured at several sensitivities (``FALSE_ALARMS``
per area-year) on the same stores, which gives the trade-off between how soon a
surge is flagged and how often a quiet day is.

Prints one line per seed and the totals.

``--grid`` instead measures power curves on worlds the simulator did not make
(:mod:`power_grid`): detection, delay and excess error over surge factor x
duration x base rate x coverage, and false alarms over quiet area-years, at 1, 12
and 52 false alarms per area-year; it writes the table (JSON) and an SVG plot.
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
from jetwatch.exodus.departures import scope
from jetwatch.flights import build
from jetwatch.sim import simulate
from jetwatch.sim.scenario import parse, presets
from jetwatch.store.db import Store

ROOT = Path(__file__).resolve().parents[1]
EVENT = tomllib.loads((ROOT / "tests/data/sim/exodus.toml").read_text())
EVENT.pop("trips")
PRESET = tomllib.loads(presets()["moscow-2023-06-24"])
FALSE_ALARMS = (1.0, 12.0, 52.0, 365.0)  # per area-year
MOSCOW = scope("moscow", None, "business_jet").airports


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


def _at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text[:19])


def surge_of(doc: dict, start: dt.datetime, end: dt.datetime) -> dict | None:
    """The first surge overlapping [start, end), or None."""
    hit = [s for s in doc["surges"] if _at(s["start"]) < end and _at(s["end"]) > start]
    return hit[0] if hit else None


def delays(
    store: Store, area: str, first: dt.datetime, span: tuple[dt.datetime, dt.datetime]
) -> dict[float, float | None]:
    """Minutes from ``first`` to the flag of the surge overlapping ``span``, per sensitivity."""
    out: dict[float, float | None] = {}
    for f in FALSE_ALARMS:
        doc = exodus(
            store,
            area=area,
            cls="business_jet",
            on="2023-06-24",
            settings=Settings(false_alarms_per_year=f),
            save=False,
        ).to_dict()
        hit = surge_of(doc, *span)
        out[f] = None if hit is None else (_at(hit["flagged_at"]) - first).total_seconds() / 60
    return out


def event_seed(seed: int, work: Path, r: dict) -> str:
    out, db = build_store(EVENT, seed, work)
    rows = truth(out)
    event = [t for t in rows if t["in_event"] == "1"]
    first = _at(min(t["takeoff"] for t in event))
    n = sum(
        1
        for t in rows
        if t["origin"] == "UUWW"
        and t["abroad"] == "1"
        and "2023-06-23T21" <= t["takeoff"] < "2023-06-24T21"
        and t["class"] == "business_jet"
    )
    span = (dt.datetime(2023, 6, 24, 5), dt.datetime(2023, 6, 24, 11))
    with Store(db) as store:
        doc = exodus(store, area="moscow", cls="business_jet", on="2023-06-24").to_dict()
        for claim, want in ((n, "supported"), (n + 10, "contradicted")):
            got = check_departures(
                store,
                airport="UUWW",
                cls="business_jet",
                on="2023-06-24",
                at_least=claim,
                abroad=True,
            )
            r["verdicts"].append(got["verdict"] == want)
        r["event_delay"].append(delays(store, "moscow", first, span))
    hit = surge_of(doc, *span)
    line = "event missed"
    if hit:
        r["event_error"].append((hit["excess"] - len(event)) / len(event))
        went = doc["destinations"]["surges"]["countries"]
        r["event_country"].append(went.get("TR", 0) / max(sum(went.values()), 1))
        line = (
            f"event flagged (delay {r['event_delay'][-1][1.0]:.0f} min, "
            f"excess {r['event_error'][-1]:+.0%}, right country {r['event_country'][-1]:.0%})"
        )
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
        r["dark_contradicted"].append(got["verdict"] == "contradicted")
    return line


def preset_seed(seed: int, work: Path, r: dict) -> str:
    out, db = build_store(PRESET, seed, work)
    rows = [
        t
        for t in truth(out)
        if t["class"] == "business_jet"
        and t["origin"] in MOSCOW
        and "2023-06-23T21" <= t["takeoff"] < "2023-06-24T21"
    ]
    event = [t for t in rows if t["in_event"] == "1"]
    extra = len(event) + sum(t["named"] == "1" for t in rows)
    first = _at(min(t["takeoff"] for t in event))
    span = (dt.datetime(2023, 6, 24, 3), dt.datetime(2023, 6, 24, 17))
    with Store(db) as store:
        r["preset_delay"].append(delays(store, "moscow", first, span))
        doc = exodus(
            store, area="moscow", cls="business_jet", on="2023-06-24", save=False
        ).to_dict()
    hit = surge_of(doc, *span)
    if not hit:
        return "preset missed"
    r["preset_error"].append((hit["excess"] - extra) / extra)
    known = {(t["icao24"], t["takeoff"][:16]): t["destination"] for t in rows}
    a, b = _at(hit["start"]), _at(hit["end"])
    right = placed = 0
    for f in doc["flights"]:
        if f["destination"] and a <= _at(f["time"]) < b:
            placed += 1
            want = [
                v
                for (hx, t), v in known.items()
                if hx == f["icao24"] and abs((_at(t) - _at(f["time"])).total_seconds()) < 600
            ]
            right += want == [f["destination"]]
    r["preset_dest"].append((right, placed))
    return (
        f"preset flagged (delay {r['preset_delay'][-1][1.0]:.0f} min, excess "
        f"{r['preset_error'][-1]:+.0%} of {extra}, destinations {right}/{placed})"
    )


def city_seed(seed: int, work: Path, r: dict) -> None:
    _, db = build_store(london(29, 2.0), seed, work)
    with Store(db) as store:
        r["city"].append(
            bool(exodus(store, area="london", cls="business_jet", on="2023-06-24").surges)
        )


def quiet_seed(seed: int, work: Path, r: dict) -> None:
    _, db = build_store(london(56, None), seed, work)
    with Store(db) as store:
        for i in range(28):
            day = dt.date(2023, 5, 28) + dt.timedelta(days=i)
            r["quiet_days"].append(day)
            for f in FALSE_ALARMS:
                found = exodus(
                    store,
                    area="london",
                    cls="business_jet",
                    on=day,
                    settings=Settings(false_alarms_per_year=f),
                    save=False,
                ).surges
                r["false"][f] = r["false"].get(f, 0) + len(found)


def _minutes(values: list[float | None]) -> str:
    got = sorted(v for v in values if v is not None)
    if not got:
        return f"flagged 0/{len(values)}"
    within = sum(v <= 60 for v in got)
    return (
        f"flagged {len(got)}/{len(values)}, median {statistics.median(got):.0f} min, "
        f"within 60 min {within}/{len(values)}"
    )


def report(r: dict, seeds: int) -> None:
    years = len(r["quiet_days"]) / 365.25
    print(f"event surge flagged: {len(r['event_error'])}/{seeds}")
    for f in FALSE_ALARMS:
        fa = r["false"].get(f, 0)
        parts = [f"event {_minutes([d[f] for d in r['event_delay']])}"]
        if r["preset_delay"]:
            parts.append(f"preset {_minutes([d[f] for d in r['preset_delay']])}")
        parts.append(f"quiet-day surges {fa} in {len(r['quiet_days'])} area-days")
        print(f"  at {f:g} false alarms/area-year: {'; '.join(parts)} ({fa / years:.2f}/area-year)")
    for name in ("event", "preset"):
        errors = r[f"{name}_error"]
        if errors:
            print(
                f"{name} excess error: median {statistics.median(errors):+.1%}, within 20%: "
                f"{sum(abs(e) <= 0.2 for e in errors)}/{len(errors)}"
            )
    if r["event_country"]:
        print(f"event surge departures to TR: median {statistics.median(r['event_country']):.0%}")
    if r["preset_dest"]:
        right = sum(a for a, _ in r["preset_dest"])
        placed = sum(b for _, b in r["preset_dest"])
        print(f"preset surge destinations matching the truth: {right}/{placed}")
    print(f"2x 3-hour surge in London detected: {sum(r['city'])}/{seeds}")
    print(
        f"claim verdicts right: {sum(r['verdicts'])}/{len(r['verdicts'])}; 'contradicted' under a "
        f"blackout: {sum(r['dark_contradicted'])}/{seeds}"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seeds", type=int, default=20)
    parser.add_argument("--first", type=int, default=1, help="First seed.")
    parser.add_argument("--preset", action="store_true", help="Also the moscow-2023-06-24 preset.")
    parser.add_argument("--grid", action="store_true", help="Power curves on independent worlds.")
    parser.add_argument("--reps", type=int, default=12, help="With --grid: worlds per cell.")
    parser.add_argument("--quiet-years", type=float, default=2.0, help="With --grid.")
    parser.add_argument("--out", type=Path, default=Path("power-grid.json"), help="With --grid.")
    args = parser.parse_args()
    if args.grid:
        import power_grid

        power_grid.main(args.reps, args.quiet_years, args.out)
        return
    r: dict = {
        k: []
        for k in (
            "event_delay",
            "event_error",
            "event_country",
            "verdicts",
            "dark_contradicted",
            "preset_delay",
            "preset_error",
            "preset_dest",
            "city",
            "quiet_days",
        )
    }
    r["false"] = {}
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        for seed in range(args.first, args.first + args.seeds):
            lines = [event_seed(seed, work, r)]
            if args.preset:
                lines.append(preset_seed(seed, work, r))
            city_seed(seed, work, r)
            quiet_seed(seed, work, r)
            for used in list(work.iterdir()):  # each seed's stores, archives and sims
                shutil.rmtree(used) if used.is_dir() else used.unlink()
            print(
                f"seed {seed}: {'; '.join(lines)}; city {sum(r['city'])}/{len(r['city'])}, "
                f"false alarms {r['false'].get(1.0, 0)} in {len(r['quiet_days'])} days",
                flush=True,
            )
    report(r, args.seeds)


if __name__ == "__main__":
    main()
