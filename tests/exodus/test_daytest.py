"""The day test (the retrospective question) and the long-window scan (the live one),
on count worlds drawn here with their own rules (gamma day noise, random profiles),
not by jetwatch's simulator."""

from __future__ import annotations

import math

import numpy as np
import pytest

from jetwatch.exodus.baseline import NegBinBaseline
from jetwatch.exodus.daytest import day_test
from jetwatch.exodus.surges import alpha, scan

HOUR = 3600
STARTS = np.arange(25, dtype=np.int64) * HOUR


def _world(seed: int, per_day: float, weeks: int = 4) -> tuple[np.ndarray, np.ndarray, tuple]:
    """History (days x 24) and weekdays, and how to draw one more day."""
    rng = np.random.default_rng(seed)
    hours = np.arange(24) + 0.5
    shape = 0.1 + np.exp(-0.5 * ((hours - rng.uniform(7, 17)) / rng.uniform(2, 5)) ** 2)
    shape = shape / shape.sum()
    weekday = np.exp(rng.normal(0, 0.3, 7))
    k = rng.uniform(5, 60)

    def day(d: int) -> np.ndarray:
        return rng.poisson(per_day * weekday[d % 7] * rng.gamma(k, 1 / k) * shape)

    days = 7 * weeks
    history = np.array([day(d) for d in range(days)], dtype=float)
    return history, np.arange(days) % 7, (day, rng, shape, weekday)


@pytest.mark.parametrize("weeks", [1, 4])
def test_a_usual_day_is_called_unusual_at_about_the_nominal_rate(weeks: int) -> None:
    """Over many seeds, a day drawn from the same world as its history is outside
    the 95% band about 5% of the time, never far above it."""
    calls = []
    for seed in range(1500):
        history, weekdays, (day, _, _, _) = _world(
            seed, per_day=float(seed % 5 * 10 + 5), weeks=weeks
        )
        base = NegBinBaseline(weeks).expect(history, weekdays, 7 * weeks % 7)
        calls.append(day_test(int(day(7 * weeks).sum()), base).level != "within")
    rate = float(np.mean(calls))
    assert rate < 0.08, rate  # nominal 0.05; a short history widens the band, not narrows it
    assert rate > 0.005, rate  # and the test still says something


def test_the_day_test_speaks_in_words() -> None:
    history, weekdays, _ = _world(3, per_day=27.5)
    base = NegBinBaseline().expect(history, weekdays, 0)
    high = day_test(int(base.mu.sum() * 2.5), base)
    assert high.level == "far above" and high.p_value < 1e-3
    text = high.sentence("2023-06-24: 69 business-jet departures from moscow")
    assert "far above the usual level (p < 0.001); about" in text and "more than usual (" in text
    assert high.excess_low <= high.excess <= high.excess_high
    usual = day_test(int(round(base.mu.sum())), base)
    assert usual.level == "within" and "within the usual range" in usual.sentence("x")
    low = day_test(0, base)
    assert low.level in ("below", "far below") and "fewer than usual" in low.sentence("x")


def test_a_sustained_rise_with_no_extreme_hour_is_flagged_before_it_ends() -> None:
    """The issue's day: x3.5 from 08:00 to 20:00 on 27.5 departures a day. No single
    hour is extreme; the long windows find it, at 1 false alarm per area-year."""
    flagged = 0
    for seed in range(20):
        history, weekdays, (_, rng, shape, weekday) = _world(100 + seed, per_day=27.5)
        base = NegBinBaseline().expect(history, weekdays, 0)
        lam = 27.5 * weekday[0] * shape
        lam[8:20] *= 3.5
        n = rng.poisson(lam)
        times = np.sort(
            np.repeat(np.arange(24), n) * HOUR + (rng.random(n.sum()) * HOUR).astype(np.int64)
        )
        found = scan(times, STARTS, base.mu, base.k, alpha(1.0, 60), 24, base.day_k)
        flagged += any(s.first < 20 and s.last >= 8 and s.flagged_at < 20 * HOUR for s in found)
    assert flagged >= 18, flagged


def test_a_quiet_day_raises_no_surge_at_the_default_rate() -> None:
    raised = 0
    for seed in range(300):
        history, weekdays, (day, _, _, _) = _world(1000 + seed, per_day=40.0)
        base = NegBinBaseline().expect(history, weekdays, 0)
        counts = day(28)
        times = np.repeat(np.arange(24), counts) * HOUR + 1
        raised += bool(scan(times, STARTS, base.mu, base.k, alpha(1.0, 60), 24, base.day_k))
    assert raised <= 3, raised  # 1 per area-year is 300/365 expected at most; fitted baselines


def test_an_unmeasured_day_dispersion_is_assumed_not_zero() -> None:
    history, weekdays, _ = _world(5, per_day=20.0, weeks=1)
    base = NegBinBaseline(4).expect(history, weekdays, 0)
    assert base.weeks == 1 and math.isfinite(base.day_k) and base.day_k < 4
