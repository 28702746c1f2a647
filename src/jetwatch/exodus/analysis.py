"""One exodus analysis: a scope, a class and a day against its baseline.

``exodus(store, area="moscow", cls="business_jet", on="2023-06-24")`` counts the
departures per bucket of the day and of the ``weeks`` weeks before
(:mod:`.departures`), builds the baseline (:mod:`.baseline`), finds the surges
(:mod:`.surges`), measures the coverage (:mod:`.coverage`) and lists where the
aircraft went. The result is a plain document (:meth:`Exodus.to_dict`, the JSON
of ``jetwatch exodus --format json``, field names documented in
``docs/exodus.md``) and is stored in ``exodus_results`` for reports and the web
app. ``upto`` cuts the day at a time, as a live run sees it.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import pyarrow as pa

from jetwatch import __version__
from jetwatch.exodus import coverage
from jetwatch.exodus.baseline import BaselineError, NegBinBaseline, detector, upper_tail
from jetwatch.exodus.departures import Scope, bucket_counts, edges, epochs, scope
from jetwatch.exodus.source import Source, StoreSource
from jetwatch.exodus.surges import alpha, scan
from jetwatch.flights.build import build
from jetwatch.store.db import Store

DDL = """
CREATE TABLE IF NOT EXISTS exodus_results (
    scope VARCHAR, class VARCHAR, day DATE, bucket_minutes INTEGER, detector VARCHAR,
    computed_at TIMESTAMP, surges INTEGER, result JSON,
    PRIMARY KEY (scope, class, day, bucket_minutes, detector)
)
"""


@dataclass(frozen=True)
class Settings:
    bucket_minutes: int = 60
    weeks: int = 4
    false_alarms_per_year: float = 1.0
    max_hours: float = 6.0  # longest window tested for a surge

    @property
    def max_buckets(self) -> int:
        return max(1, int(self.max_hours * 60 // self.bucket_minutes))


@dataclass
class Exodus:
    where: Scope
    day: dt.date
    settings: Settings
    detector: str
    starts: list[dt.datetime]
    observed: np.ndarray
    expected: np.ndarray | None
    low: np.ndarray | None
    high: np.ndarray | None
    p_value: np.ndarray | None
    coverage: np.ndarray
    flights: pa.Table
    surges: list[dict[str, Any]] = field(default_factory=list)
    dispersion: float | None = None
    baseline_error: str | None = None
    upto: dt.datetime | None = None
    labels: dict[str, int] = field(default_factory=dict)  # of the source's data

    @property
    def period_coverage(self) -> float:
        mu = self.expected if self.expected is not None else np.ones(len(self.observed))
        return coverage.weighted(self.coverage, mu)

    def to_dict(self) -> dict[str, Any]:
        width = dt.timedelta(minutes=self.settings.bucket_minutes)
        buckets = []
        for i, start in enumerate(self.starts):
            b: dict[str, Any] = {
                "start": _iso(start),
                "end": _iso(start + width),
                "observed": int(self.observed[i]),
                "coverage": None
                if np.isnan(self.coverage[i])
                else round(float(self.coverage[i]), 3),
            }
            if self.expected is not None:
                assert self.low is not None and self.high is not None and self.p_value is not None
                b |= {
                    "expected": round(float(self.expected[i]), 3),
                    "low": int(self.low[i]),
                    "high": int(self.high[i]),
                    "p_value": float(self.p_value[i]),
                    "score": round(max(0.0, -float(np.log10(max(self.p_value[i], 1e-300)))), 3),
                    "surge": any(s["first"] <= i <= s["last"] for s in self.surges),
                }
            buckets.append(b)
        flights = self.flights.to_pylist()
        for f in flights:
            for k, v in f.items():
                if isinstance(v, dt.datetime):
                    f[k] = _iso(v)
        total = int(self.observed.sum())
        expected = None if self.expected is None else round(float(self.expected.sum()), 3)
        return {
            "labels": sorted(self.labels),
            "scope": self.where.name,
            "airports": list(self.where.airports),
            "country": self.where.country,
            "class": self.where.cls,
            "day": self.day.isoformat(),
            "timezone": self.where.tz,
            "upto": None if self.upto is None else _iso(self.upto),
            "bucket_minutes": self.settings.bucket_minutes,
            "detector": self.detector,
            "weeks": self.settings.weeks,
            "false_alarms_per_year": self.settings.false_alarms_per_year,
            "dispersion": self.dispersion
            if self.dispersion is None or np.isfinite(self.dispersion)
            else None,
            "baseline_error": self.baseline_error,
            "observed": total,
            "expected": expected,
            "coverage": _rounded(self.period_coverage),
            "buckets": buckets,
            "surges": [
                {k: v for k, v in s.items() if k not in ("first", "last")} for s in self.surges
            ],
            "destinations": _destinations(self.flights, self.surges, self.starts, width),
            "flights": flights,
            "jetwatch_version": __version__,
        }


def _rounded(value: float) -> float | None:
    """A ratio for output: None when unknown (NaN)."""
    return None if np.isnan(value) else round(value, 3)


def _utc(epoch: int) -> dt.datetime:
    return dt.datetime.fromtimestamp(epoch, dt.UTC).replace(tzinfo=None)


def _iso(t: dt.datetime) -> str:
    return t.replace(microsecond=0).isoformat() + "Z"


def _destinations(
    flights: pa.Table, surges: list[dict[str, Any]], starts: list[dt.datetime], width: dt.timedelta
) -> dict[str, Any]:
    def tally(rows: list[dict[str, Any]]) -> dict[str, Any]:
        return {
            "airports": dict(Counter(r["destination"] or "unknown" for r in rows).most_common()),
            "countries": dict(
                Counter(r["destination_country"] or "unknown" for r in rows).most_common()
            ),
            "abroad": sum(1 for r in rows if r["abroad"] is True),
            "domestic": sum(1 for r in rows if r["abroad"] is False),
            "unknown": sum(1 for r in rows if r["abroad"] is None),
        }

    rows = flights.select(["time", "destination", "destination_country", "abroad"]).to_pylist()
    out = {"day": tally(rows)}
    spans = [(starts[s["first"]], starts[s["last"]] + width) for s in surges]
    out["surges"] = tally([r for r in rows if any(a <= r["time"] < b for a, b in spans)])
    return out


def exodus(
    store: Store,
    *,
    area: str | None = None,
    airport: str | None = None,
    cls: str | None = None,
    on: str | dt.date,
    settings: Settings | None = None,
    method: str | NegBinBaseline = "negbin",
    upto: dt.datetime | None = None,
    save: bool = True,
    source: Source | None = None,
) -> Exodus:
    """The exodus analysis of a scope's day. ``source`` gives the departures, activity
    and labels (:mod:`.source`; default: the store's); the result is saved in the
    store."""
    s = settings or Settings()
    where = scope(area, airport, cls)
    day = on if isinstance(on, dt.date) else dt.date.fromisoformat(on)
    days = 7 * s.weeks
    first = day - dt.timedelta(days=days)
    grid = edges(where, first, days + 1, s.bucket_minutes)
    since = where.day_start(first)
    until = where.day_start(day + dt.timedelta(days=1))
    if upto is not None:
        until = min(until, upto)
    data = source or StoreSource(store)
    table = data.departures(where, since, until)
    times = epochs(table)
    counts = bucket_counts(times, grid)
    seen = coverage.activity(data, where, grid)
    cut = len(grid[-1]) - 2  # last bucket scanned: the day's last, or the one ``upto`` is in
    if upto is not None:
        now = int(upto.replace(tzinfo=dt.UTC).timestamp())
        cut = max(0, min(int(np.searchsorted(grid[-1], now, "right")) - 1, cut))
    today = counts[-1]
    history = counts[:-1]
    have = seen[:-1].sum(axis=1) > 0  # days with any data at all
    cover = coverage.ratio(seen[-1], seen[:-1][have])
    model = detector(method, s.weeks)
    day_start = grid[-1, 0]
    starts = [_utc(int(t)) for t in grid[-1, :-1]]
    in_day = times >= day_start
    result = Exodus(
        where=where,
        day=day,
        settings=s,
        detector=model.name,
        starts=starts,
        observed=today,
        expected=None,
        low=None,
        high=None,
        p_value=None,
        coverage=cover,
        flights=table.filter(pa.array(in_day)),
        upto=upto,
        labels=data.labels(),
    )
    weekdays = np.array([(first + dt.timedelta(days=i)).weekday() for i in range(days)])
    try:
        base = model.expect(history[have], weekdays[have], day.weekday())
    except BaselineError as exc:
        result.baseline_error = exc.message
    else:
        result.expected, result.low, result.high = base.mu, base.low, base.high
        result.dispersion = base.k
        result.p_value = upper_tail(today, base.mu, base.k)
        level = alpha(s.false_alarms_per_year, s.bucket_minutes, s.max_buckets)
        width = dt.timedelta(minutes=s.bucket_minutes)
        for sg in scan(
            times, grid[-1, : cut + 2], base.mu[: cut + 1], base.k, level, s.max_buckets
        ):
            result.surges.append(
                {
                    "first": sg.first,
                    "last": sg.last,
                    "start": _iso(starts[sg.first]),
                    "end": _iso(starts[sg.last] + width),
                    "peak": _iso(starts[sg.peak]),
                    "flagged_at": _iso(_utc(sg.flagged_at)),
                    "observed": sg.observed,
                    "expected": round(sg.expected, 3),
                    "excess": round(sg.excess, 3),
                    "p_value": sg.p_value,
                }
            )
    if save:
        _save(store, result)
    return result


def live(store: Store, *, at: dt.datetime | None = None, **kwargs: Any) -> Exodus:
    """One live step: extend the flights with what arrived, then score the day so far.

    ``at`` is the current time (naive UTC; default now), which a replay sets; the
    day defaults to the scope's local day at that time.
    """
    build(store)
    now = at or dt.datetime.now(dt.UTC).replace(tzinfo=None)
    if kwargs.get("on") is None:
        where = scope(kwargs.get("area"), kwargs.get("airport"), kwargs.get("cls"))
        kwargs["on"] = now.replace(tzinfo=dt.UTC).astimezone(ZoneInfo(where.tz)).date()
    return exodus(store, upto=now, **kwargs)


def _save(store: Store, result: Exodus) -> None:
    store.con.execute(DDL)
    doc = result.to_dict()
    store.con.execute(
        "INSERT OR REPLACE INTO exodus_results VALUES (?, ?, ?, ?, ?, now()::TIMESTAMP, ?, ?)",
        [
            doc["scope"],
            doc["class"] or "all",
            result.day,
            doc["bucket_minutes"],
            doc["detector"],
            len(doc["surges"]),
            json.dumps(doc),
        ],
    )
