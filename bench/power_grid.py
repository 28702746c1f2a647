"""Power curves of the exodus statistics on worlds jetwatch's simulator did not make.

    python bench/eval_exodus.py --grid [--reps 12] [--quiet-years 2] [--out FILE]

A world here is drawn at the level the statistics see, departures per hour, by
rules that share nothing with :mod:`jetwatch.sim` (all data simulated, labelled so):

- a **city** (Moscow, London, Dubai: their real airports and time zones);
- a **weekday profile**: seven factors, lognormal (sigma 0.35), so Sunday may be the
  busiest day or the quietest;
- an **hour profile**: a floor plus two bumps at random local hours (widths 1.5-4 h);
- **day noise**: every day's rate times a gamma factor of dispersion ``K`` drawn
  from 5-60; **hour noise**: each hour times a gamma of dispersion 2-50 in half the
  worlds;
- take-off times uniform in their hour;
- **coverage** ``c``: on the day scored, each departure is heard with probability
  ``c`` and the activity around the airports is ``c`` times the usual.

A **surge** multiplies the rate by ``factor`` for ``duration`` hours from a random
local hour (06:00-20:00 start). Its true excess is the number of added departures
that were heard. Per grid cell (factor 1.5-5 x duration 1-14 h x base rate 0.3-5
departures/hour x coverage 60-100%), ``reps`` worlds with fresh seeds measure:

- **detected**: a surge flagged that overlaps the true one, at 1, 12 and 52 false
  alarms per area-year;
- **before end**: flagged before the surge ended (the live question);
- **delay**: hours from the surge's start to its flag;
- **excess error**: (estimated - true) / true for surges with >= 20 true extra
  departures (the surge's excess, and the day test's), and how often the surge's
  95% interval held the truth;
- **day test**: the day called above its usual level (the retrospective question).

**False alarms**: ``quiet-years`` area-years of days with no surge per city (the
same worlds' generator), each scored against its four weeks of history: surges
per area-year at each sensitivity, and the share of days the day test calls
unusual in either direction (nominal 5%).
"""

from __future__ import annotations

import datetime as dt
import math
import statistics
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyarrow as pa

from jetwatch.exodus.analysis import Settings, exodus
from jetwatch.exodus.departures import Scope, scope
from jetwatch.exodus.source import Slots

CITIES = ("moscow", "london", "dubai")
FACTORS = (1.5, 2.0, 3.0, 5.0)
DURATIONS = (1, 3, 6, 10, 14)
RATES = (0.3, 1.0, 2.0, 5.0)  # departures per hour, day average
COVERAGES = (0.6, 0.8, 1.0)
SENSITIVITIES = (1.0, 12.0, 52.0)  # false alarms per area-year
WEEKS = 4
HOUR = 3600


@dataclass
class World:
    """One city's departures over ``days`` days from ``first`` (local days)."""

    where: Scope
    first: dt.date
    days: int
    rate: float
    rng: np.random.Generator
    weekday: np.ndarray = field(init=False)
    profile: np.ndarray = field(init=False)
    day_k: float = field(init=False)
    hour_k: float = field(init=False)
    times: list[np.ndarray] = field(default_factory=list)
    cover: dict[int, float] = field(default_factory=dict)
    added: int = 0

    def __post_init__(self) -> None:
        r = self.rng
        w = np.exp(r.normal(0, 0.35, 7))
        self.weekday = w / w.mean()
        hours = np.arange(24) + 0.5
        bumps = sum(
            r.uniform(0.5, 1.5)
            * np.exp(-0.5 * ((hours - r.uniform(5, 21)) / r.uniform(1.5, 4)) ** 2)
            for _ in range(2)
        )
        shape = r.uniform(0.03, 0.15) + bumps
        self.profile = shape / shape.mean()  # mean 1 per hour
        self.day_k = float(r.uniform(5, 60))
        self.hour_k = float(r.uniform(2, 50)) if r.random() < 0.5 else math.inf
        self.times = [self._day(d) for d in range(self.days)]

    def start(self, d: int) -> int:
        day = self.first + dt.timedelta(days=d)
        return int(self.where.day_start(day).replace(tzinfo=dt.UTC).timestamp())

    def _rates(self, d: int) -> np.ndarray:
        day = self.first + dt.timedelta(days=d)
        lam = self.rate * self.weekday[day.weekday()] * self.profile
        lam = lam * self.rng.gamma(self.day_k, 1 / self.day_k)
        if math.isfinite(self.hour_k):
            lam = lam * self.rng.gamma(self.hour_k, 1 / self.hour_k, 24)
        return lam

    def _draw(self, d: int, lam: np.ndarray) -> np.ndarray:
        n = self.rng.poisson(lam)
        hours = np.repeat(np.arange(24), n)
        return self.start(d) + ((hours + self.rng.random(len(hours))) * HOUR).astype(np.int64)

    def _day(self, d: int) -> np.ndarray:
        return self._draw(d, self._rates(d))

    def surge(self, d: int, factor: float, hour: int, hours: int, coverage: float) -> None:
        """Add a surge on day ``d`` and hear that day with ``coverage``."""
        lam = np.zeros(24)
        lam[hour : hour + hours] = 1.0
        base = self.rate * self.weekday[(self.first + dt.timedelta(days=d)).weekday()]
        extra = self._draw(d, base * self.profile * lam * (factor - 1))
        heard = self.rng.random(len(extra)) < coverage
        self.added = int(heard.sum())
        self.thin(d, coverage)
        self.times[d] = np.sort(np.concatenate([self.times[d], extra[heard]]))

    def thin(self, d: int, coverage: float) -> None:
        keep = self.rng.random(len(self.times[d])) < coverage
        self.times[d] = self.times[d][keep]
        self.cover[d] = coverage

    # the Source protocol (jetwatch.exodus.source)
    def departures(self, where: Scope, since: dt.datetime, until: dt.datetime) -> pa.Table:
        t = np.concatenate(self.times)
        a, b = (int(x.replace(tzinfo=dt.UTC).timestamp()) for x in (since, until))
        t = np.sort(t[(t >= a) & (t < b)])
        n = len(t)
        return pa.table(
            {
                "id": pa.array([f"d{i}" for i in range(n)]),
                "time": pa.array(t * 1_000_000, pa.timestamp("us")),
                "class_known": pa.array(np.ones(n, dtype=bool)),
                "origin": pa.nulls(n, pa.string()),
                "last_lat": pa.nulls(n, pa.float64()),
                "last_lon": pa.nulls(n, pa.float64()),
                "last_track": pa.nulls(n, pa.float64()),
                "last_altitude": pa.nulls(n, pa.int32()),
                "destination": pa.nulls(n, pa.string()),
                "destination_country": pa.nulls(n, pa.string()),
                "abroad": pa.nulls(n, pa.bool_()),
            }
        )

    def activity(
        self,
        lat: tuple[float, float],
        lon: tuple[float, float],
        since: dt.datetime,
        until: dt.datetime,
    ) -> Slots:
        a, b = (int(x.replace(tzinfo=dt.UTC).timestamp()) for x in (since, until))
        slots = np.arange(a - a % 900, b, 900, dtype=np.int64)
        level = np.full(len(slots), 1000.0)
        for d, c in self.cover.items():
            level[(slots >= self.start(d)) & (slots < self.start(d + 1))] *= c
        return slots, level

    def labels(self) -> dict[str, int]:
        return {"SIMULATED DATA (bench/power_grid.py worlds)": 1}


FIRST = dt.date(2025, 3, 3)


def _score(world: World, d: int, fa: float) -> Any:
    return exodus(
        None,
        area=world.where.name,
        cls="business_jet",
        on=world.first + dt.timedelta(days=d),
        settings=Settings(false_alarms_per_year=fa),
        source=world,
        save=False,
    )


def cell(
    factor: float, hours: int, rate: float, coverage: float, reps: int, seed: int
) -> dict[str, Any]:
    """Detection, delay and excess error over ``reps`` worlds of one grid cell."""
    found = {fa: 0 for fa in SENSITIVITIES}
    before = 0
    delays: list[float] = []
    errors: list[float] = []
    covered: list[bool] = []
    day_errors: list[float] = []
    day_above = 0
    for rep in range(reps):
        rng = np.random.default_rng([seed, rep])
        where = scope(CITIES[rep % len(CITIES)], None, "business_jet")
        world = World(where, FIRST, 7 * WEEKS + 1, rate, rng)
        start_hour = int(rng.integers(6, max(7, 21 - hours)))
        hours_in = min(hours, 24 - start_hour)
        world.surge(7 * WEEKS, factor, start_hour, hours_in, coverage)
        t0 = world.start(7 * WEEKS) + start_hour * HOUR
        t1 = t0 + hours_in * HOUR
        result = _score(world, 7 * WEEKS, max(SENSITIVITIES))
        hits = [s for s in result.surges if _epoch(s["start"]) < t1 and _epoch(s["end"]) > t0]
        for fa in SENSITIVITIES:
            if any(s["p_value"] < _alpha(fa) for s in hits):
                found[fa] += 1
        strict = [s for s in hits if s["p_value"] < _alpha(1.0)]
        if strict:
            flagged = min(_epoch(s["flagged_at"]) for s in strict)
            delays.append((flagged - t0) / HOUR)
            before += flagged < t1
            if world.added >= 20:
                errors.append((sum(s["excess"] for s in strict) - world.added) / world.added)
                low = sum(s["excess_low"] for s in strict)
                covered.append(low <= world.added <= sum(s["excess_high"] for s in strict))
        if result.test is not None:
            day_above += result.test.level in ("above", "far above")
            if world.added >= 20:
                day_errors.append((result.test.excess - world.added) / world.added)
    return {
        "factor": factor,
        "hours": hours,
        "rate": rate,
        "coverage": coverage,
        "reps": reps,
        **{f"detected@{fa:g}": found[fa] / reps for fa in SENSITIVITIES},
        "before_end@1": before / reps,
        "delay_h": statistics.median(delays) if delays else None,
        "excess_error": statistics.median(errors) if errors else None,
        "excess_within_20pct": (sum(abs(e) <= 0.2 for e in errors) / len(errors))
        if errors
        else None,
        "excess_in_interval": sum(covered) / len(covered) if covered else None,
        "excess_errors": errors,
        "day_above": day_above / reps,
        "day_excess_error": statistics.median(day_errors) if day_errors else None,
    }


def quiet(years: float, seed: int) -> dict[str, Any]:
    """False alarms per area-year and the day test's rate on days with no surge."""
    surges = {fa: 0 for fa in SENSITIVITIES}
    unusual = scored = 0
    per_city = max(1, int(years * 365.25 / len(CITIES)))
    for i, city in enumerate(CITIES):
        done = 0
        block = 0
        while done < per_city:
            rng = np.random.default_rng([seed, i, block])
            rate = float(rng.choice(RATES))
            world = World(scope(city, None, "business_jet"), FIRST, 7 * WEEKS + 56, rate, rng)
            for d in range(7 * WEEKS, world.days):
                if done >= per_city:
                    break
                result = _score(world, d, max(SENSITIVITIES))
                for fa in SENSITIVITIES:
                    surges[fa] += any(s["p_value"] < _alpha(fa) for s in result.surges)
                if result.test is not None:
                    unusual += result.test.level != "within"
                    scored += 1
                done += 1
            block += 1
    days = per_city * len(CITIES)
    return {
        "area_years": days / 365.25,
        **{f"false_alarms@{fa:g}": surges[fa] / (days / 365.25) for fa in SENSITIVITIES},
        "day_test_unusual": unusual / max(scored, 1),
    }


def _alpha(fa: float) -> float:
    from jetwatch.exodus.surges import alpha

    return alpha(fa, 60)


def _epoch(iso: str) -> int:
    return int(dt.datetime.fromisoformat(iso.replace("Z", "+00:00")).timestamp())


def run(reps: int, quiet_years: float, seed: int = 2026) -> dict[str, Any]:
    rows = []
    for factor in FACTORS:
        for hours in DURATIONS:
            for rate in RATES:
                for coverage in COVERAGES:
                    rows.append(cell(factor, hours, rate, coverage, reps, seed + len(rows)))
    return {"cells": rows, "quiet": quiet(quiet_years, seed)}


def plot(rows: list[dict[str, Any]], path: str) -> None:
    """Detection at 1 false alarm per area-year against duration, one line per
    factor, for full coverage and 1 departure/hour (SVG, no dependencies)."""
    colours = {1.5: "#999", 2.0: "#3498db", 3.0: "#e67e22", 5.0: "#c0392b"}
    w, h, x0, y0 = 520, 300, 50, 260
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" font-size="11">']
    parts.append(f'<line x1="{x0}" y1="{y0}" x2="{w - 20}" y2="{y0}" stroke="#000"/>')
    parts.append(f'<line x1="{x0}" y1="{y0}" x2="{x0}" y2="20" stroke="#000"/>')
    sx = (w - 20 - x0) / (max(DURATIONS) - min(DURATIONS))
    for d in DURATIONS:
        x = x0 + (d - min(DURATIONS)) * sx
        parts.append(f'<text x="{x - 4}" y="{y0 + 15}">{d}</text>')
    for v in (0, 0.5, 1.0):
        parts.append(f'<text x="{x0 - 30}" y="{y0 - v * 240 + 4}">{v:.0%}</text>')
    parts.append(f'<text x="{w / 2 - 60}" y="{h - 5}">surge duration (hours)</text>')
    for i, (factor, colour) in enumerate(colours.items()):
        pts = [
            (x0 + (r["hours"] - min(DURATIONS)) * sx, y0 - r["detected@1"] * 240)
            for r in rows
            if r["factor"] == factor and r["rate"] == 1.0 and r["coverage"] == 1.0
        ]
        line = " ".join(f"{x:.0f},{y:.0f}" for x, y in pts)
        parts.append(f'<polyline points="{line}" fill="none" stroke="{colour}" stroke-width="2"/>')
        parts.append(f'<text x="{w - 110}" y="{30 + 14 * i}" fill="{colour}">x{factor:g}</text>')
    parts.append(
        f'<text x="{x0 + 5}" y="15">detected at 1 false alarm/area-year, '
        "1 departure/h, full coverage (simulated worlds)</text></svg>"
    )
    with open(path, "w") as fh:
        fh.write("\n".join(parts))


def main(reps: int, quiet_years: float, out: Any) -> None:
    import json

    result = run(reps, quiet_years)
    out.write_text(json.dumps(result, indent=1))
    plot(result["cells"], str(out.with_suffix(".svg")))
    q = result["quiet"]
    print(
        f"quiet: {q['area_years']:.2f} area-years; false surges per area-year "
        + ", ".join(f"{q[f'false_alarms@{fa:g}']:.2f} at {fa:g}" for fa in SENSITIVITIES)
        + f"; day test unusual on {q['day_test_unusual']:.1%} of days (nominal 5%)"
    )
    for c in COVERAGES:
        errs = [e for r in result["cells"] if r["coverage"] == c for e in r["excess_errors"]]
        if errs:
            print(
                f"coverage {c:.0%}: {len(errs)} flagged surges of >= 20 extra; excess within "
                f"±20% in {sum(abs(e) <= 0.2 for e in errs) / len(errs):.0%}, "
                f"median error {statistics.median(errs):+.1%}"
            )
    print("factor hours rate cover  det@1 det@12 det@52 before_end delay_h exc_err day_above")
    for r in result["cells"]:
        print(
            f"{r['factor']:>6} {r['hours']:>5} {r['rate']:>4} {r['coverage']:>5}  "
            f"{r['detected@1']:.2f}  {r['detected@12']:.2f}   {r['detected@52']:.2f}   "
            f"{r['before_end@1']:.2f}       {_f(r['delay_h'])}   {_f(r['excess_error'])}  "
            f"{r['day_above']:.2f}"
        )


def _f(v: float | None) -> str:
    return "  -  " if v is None else f"{v:5.2f}"
