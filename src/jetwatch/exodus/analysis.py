"""One exodus analysis: a scope, a class and a day against its baseline.

``exodus(store, area="moscow", cls="business_jet", on="2023-06-24")`` counts the
departures per bucket of the day and of the ``weeks`` weeks before
(:mod:`.departures`), builds the baseline (:mod:`.baseline`), tests the day as a
whole (:mod:`.daytest`: the retrospective question, which every output leads
with), scans for surges (:mod:`.surges`: the live question), measures the coverage
and finds blackouts (:mod:`.coverage`) and lists where the aircraft went.
Departures whose class no registry settled are counted apart (``unknown_class``),
never as zero. The result is a plain document (:meth:`Exodus.to_dict`, the JSON
of ``jetwatch exodus --format json``, field names documented in
``docs/exodus.md``) and is stored in ``exodus_results`` for reports and the web
app. ``upto`` cuts the day at a time, as a live run sees it.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import pyarrow as pa

from jetwatch import __version__
from jetwatch.exodus import coverage, heading
from jetwatch.exodus.baseline import (
    Baseline,
    BaselineError,
    Expectation,
    detector,
    upper_tail,
)
from jetwatch.exodus.coverage import Gap
from jetwatch.exodus.daytest import DayTest, day_test
from jetwatch.exodus.departures import Scope, bucket_counts, edges, epochs, scope
from jetwatch.exodus.result import (
    Blackout,
    Bucket,
    Departure,
    Destinations,
    ExodusResult,
    HeadedDeparture,
    Surge,
    Tally,
)
from jetwatch.exodus.source import Source, StoreSource
from jetwatch.exodus.surges import alpha, scan
from jetwatch.flights.build import build
from jetwatch.store.db import Store


@dataclass(frozen=True)
class Settings:
    bucket_minutes: int = 60
    weeks: int = 4
    false_alarms_per_year: float = 1.0
    max_hours: float = 24.0  # longest window tested for a surge

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
    unknown_class: pa.Table | None = None  # departures that might be of the class
    surges: list[dict[str, Any]] = field(default_factory=list)
    base: Expectation | None = None
    test: DayTest | None = None
    baseline_error: str | None = None
    upto: dt.datetime | None = None
    labels: dict[str, int] = field(default_factory=dict)  # of the source's data

    @property
    def period_coverage(self) -> float:
        mu = self.expected if self.expected is not None else np.ones(len(self.observed))
        return coverage.weighted(self.coverage, mu)

    @property
    def blackouts(self) -> list[Gap]:
        return coverage.gaps(self.coverage, self.starts, self.settings.bucket_minutes)

    @property
    def unknown_count(self) -> int:
        return 0 if self.unknown_class is None else self.unknown_class.num_rows

    def what(self) -> str:
        """The day's count in words: '2023-06-24: 52 business-jet departures from moscow'."""
        cls = f"{self.where.cls.replace('_', '-')} " if self.where.cls else ""
        until = f" until {self.upto:%H:%M} UTC" if self.upto is not None else ""
        n = int(self.observed.sum())
        return f"{self.day}{until}: {n} {cls}departure{'s' * (n != 1)} from {self.where.name}"

    def headline(self) -> str:
        """The day test in words, with what weakens it: unknown classes, blackouts."""
        if self.test is None:
            text = f"{self.what()}; no baseline: {self.baseline_error}"
        else:
            text = self.test.sentence(self.what())
        if self.unknown_count:
            text += (
                f". {self.unknown_count} more departure{'s' * (self.unknown_count != 1)} "
                f"of unknown class might be {self.where.cls}s (not counted; "
                "`jetwatch registry import FILE` settles them)"
            )
        for gap in self.blackouts:
            text += f". {gap.sentence()}"
        return text

    def result(self) -> ExodusResult:
        """The typed result (its ``to_dict()`` is ``jetwatch exodus --format json``)."""
        width = dt.timedelta(minutes=self.settings.bucket_minutes)
        buckets = []
        for i, start in enumerate(self.starts):
            b: dict[str, Any] = {
                "start": start,
                "end": start + width,
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
            buckets.append(Bucket(**b))
        expected = None if self.expected is None else round(float(self.expected.sum()), 3)
        return ExodusResult(
            labels=sorted(self.labels),
            scope=self.where.name,
            airports=list(self.where.airports),
            country=self.where.country,
            cls=self.where.cls,
            day=self.day.isoformat(),
            timezone=self.where.tz,
            upto=None if self.upto is None else self.upto.replace(microsecond=0),
            bucket_minutes=self.settings.bucket_minutes,
            detector=self.detector,
            weeks=self.settings.weeks,
            false_alarms_per_year=self.settings.false_alarms_per_year,
            headline=self.headline(),
            test=self.test,
            dispersion=None if self.base is None else _finite(self.base.k),
            day_dispersion=None if self.base is None else _finite(self.base.day_k),
            baseline_error=self.baseline_error,
            observed=int(self.observed.sum()),
            expected=expected,
            unknown_class=self.unknown_count,
            coverage=_rounded(self.period_coverage),
            blackouts=[Blackout.model_validate(g.to_dict()) for g in self.blackouts],
            buckets=buckets,
            surges=[
                Surge.model_validate({k: v for k, v in s.items() if k not in ("first", "last")})
                for s in self.surges
            ],
            destinations=_destinations(self.flights, self.surges, self.starts, width),
            flights=[HeadedDeparture.model_validate(r) for r in _rows(self.flights)],
            unknown_class_flights=[Departure.model_validate(r) for r in _rows(self.unknown_class)],
            jetwatch_version=__version__,
        )

    def to_dict(self) -> dict[str, Any]:
        return self.result().to_dict()


def _finite(value: float) -> float | None:
    return round(value, 3) if np.isfinite(value) else None


def _rows(table: pa.Table | None) -> list[dict[str, Any]]:
    """Rows for the result, whole seconds (the store keeps microseconds)."""
    rows = [] if table is None else table.to_pylist()
    for r in rows:
        for k, v in r.items():
            if isinstance(v, dt.datetime):
                r[k] = v.replace(microsecond=0)
    return rows


def _with_headings(flights: pa.Table, home: str) -> pa.Table:
    """The departures with where those that left coverage were heading (inferred)."""
    heads, lists = heading.infer(flights, home)
    return flights.append_column("heading", pa.array(heads, pa.string())).append_column(
        "heading_countries", pa.array(lists, pa.list_(pa.string()))
    )


def _rounded(value: float) -> float | None:
    """A ratio for output: None when unknown (NaN)."""
    return None if np.isnan(value) else round(value, 3)


def _utc(epoch: int) -> dt.datetime:
    return dt.datetime.fromtimestamp(epoch, dt.UTC).replace(tzinfo=None)


def _destinations(
    flights: pa.Table, surges: list[dict[str, Any]], starts: list[dt.datetime], width: dt.timedelta
) -> Destinations:
    def tally(rows: list[dict[str, Any]]) -> Tally:
        return Tally(
            airports=dict(Counter(r["destination"] or "unknown" for r in rows).most_common()),
            countries=dict(
                Counter(r["destination_country"] or "unknown" for r in rows).most_common()
            ),
            abroad=sum(1 for r in rows if r["abroad"] is True),
            domestic=sum(1 for r in rows if r["abroad"] is False),
            heading_abroad=sum(1 for r in rows if r["heading"] == "abroad"),
            heading_domestic=sum(1 for r in rows if r["heading"] == "domestic"),
            unknown=sum(1 for r in rows if r["abroad"] is None and r["heading"] is None),
        )

    rows = flights.select(
        ["time", "destination", "destination_country", "abroad", "heading"]
    ).to_pylist()
    spans = [(starts[s["first"]], starts[s["last"]] + width) for s in surges]
    return Destinations(
        day=tally(rows),
        surges=tally([r for r in rows if any(a <= r["time"] < b for a, b in spans)]),
    )


def exodus(
    store: Store | None,
    *,
    area: str | None = None,
    airport: str | None = None,
    cls: str | None = None,
    on: str | dt.date,
    settings: Settings | None = None,
    method: str | Baseline = "negbin",
    upto: dt.datetime | None = None,
    save: bool = True,
    source: Source | None = None,
) -> Exodus:
    """The exodus analysis of a scope's day. ``source`` gives the departures, activity
    and labels (:mod:`.source`; default: the store's); the result is saved in the
    store (``store`` may be None with a ``source`` and ``save=False``)."""
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
    if store is None and (source is None or save):
        raise ValueError("exodus needs a store, unless it reads a source and saves nothing")
    data = source or StoreSource(store)  # type: ignore[arg-type]
    found = data.departures(where, since, until)
    known = found["class_known"].to_numpy(zero_copy_only=False).astype(bool)
    table = found.filter(pa.array(known)).drop_columns(["class_known"])
    unsure = found.filter(pa.array(~known)).drop_columns(["class_known"])
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
        flights=_with_headings(table.filter(pa.array(in_day)), where.country),
        unknown_class=unsure.filter(pa.array(epochs(unsure) >= day_start)),
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
        result.base = base
        result.p_value = upper_tail(today, base.mu, base.bucket_k)
        so_far = slice(0, cut + 1) if upto is not None else None
        result.test = day_test(int(today[: cut + 1].sum()), base, so_far)
        level = alpha(s.false_alarms_per_year, s.bucket_minutes)
        width = dt.timedelta(minutes=s.bucket_minutes)
        for sg in scan(
            times,
            grid[-1, : cut + 2],
            base.mu[: cut + 1],
            base.k,
            level,
            s.max_buckets,
            base.day_k,
            (seen[-1], coverage.usual(seen[:-1][have], seen.shape[1])),
        ):
            result.surges.append(
                {
                    "first": sg.first,
                    "last": sg.last,
                    "start": starts[sg.first],
                    "end": starts[sg.last] + width,
                    "peak": starts[sg.peak],
                    "flagged_at": _utc(sg.flagged_at),
                    "observed": sg.observed,
                    "expected": round(sg.expected, 3),
                    "excess": round(sg.excess, 3),
                    "excess_low": sg.excess_low,
                    "excess_high": sg.excess_high,
                    "p_value": sg.p_value,
                }
            )
    if save and store is not None:
        _save(store, result)
    return result


def live(
    store: Store, *, at: dt.datetime | None = None, extend: bool = True, **kwargs: Any
) -> Exodus:
    """One live step: extend the flights with what arrived, then score the day so far.

    ``at`` is the current time (naive UTC; default now), which a replay sets; the
    day defaults to the scope's local day at that time. ``extend=False``: the caller
    has just built the flights (a listener scoring several scopes builds once).
    """
    if extend:
        build(store)
    now = at or dt.datetime.now(dt.UTC).replace(tzinfo=None)
    if kwargs.get("on") is None:
        where = scope(kwargs.get("area"), kwargs.get("airport"), kwargs.get("cls"))
        kwargs["on"] = now.replace(tzinfo=dt.UTC).astimezone(ZoneInfo(where.tz)).date()
    return exodus(store, upto=now, **kwargs)


@dataclass(frozen=True)
class LiveStep:
    """One scoring of a live run, with the surges not flagged by an earlier step."""

    result: ExodusResult
    new: list[Surge]


def watch(
    store: Store,
    *,
    at: dt.datetime | None = None,
    interval: float = 60.0,
    once: bool = False,
    **kwargs: Any,
) -> Iterator[LiveStep]:
    """Score the day so far every ``interval`` s (:func:`live`), yielding each step
    with its new surges (one surge is reported once, by its start). ``at`` (a replay's
    clock) or ``once`` stops after one step."""
    seen: set[dt.datetime] = set()
    while True:
        doc = live(store, at=at, **kwargs).result()
        new = [s for s in doc.surges if s.start not in seen]
        seen.update(s.start for s in new)
        yield LiveStep(doc, new)
        if once or at is not None:
            return
        time.sleep(interval)


def _save(store: Store, result: Exodus) -> None:
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
