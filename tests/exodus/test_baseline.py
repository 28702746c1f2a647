"""The baseline model: negative-binomial tails, robust levels, detectors by name."""

from __future__ import annotations

import dataclasses
import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jetwatch.exodus.analysis import exodus
from jetwatch.exodus.baseline import (
    BaselineError,
    Expectation,
    NegBinBaseline,
    PoissonBaseline,
    detector,
    quantile,
    upper_tail,
    window_dispersion,
)
from jetwatch.store.db import Store


def _tail(y: int, mu: float, k: float) -> float:
    def pmf(j: int) -> float:
        if math.isinf(k):
            return math.exp(-mu + j * math.log(mu) - math.lgamma(j + 1))
        p = k / (k + mu)
        return math.exp(
            math.lgamma(j + k)
            - math.lgamma(k)
            - math.lgamma(j + 1)
            + k * math.log(p)
            + j * math.log(1 - p)
        )

    return 1.0 - sum(pmf(j) for j in range(y))


@settings(max_examples=200, deadline=None)
@given(
    y=st.integers(0, 40),
    mu=st.floats(0.01, 30),
    k=st.one_of(st.floats(0.5, 500), st.just(math.inf)),
)
def test_upper_tail_matches_the_sum_of_the_pmf(y: int, mu: float, k: float) -> None:
    got = float(upper_tail(np.array([y]), np.array([mu]), k)[0])
    assert got == pytest.approx(max(_tail(y, mu, k), 0.0), abs=1e-9)


def test_quantiles_bracket_the_mass() -> None:
    mu = np.array([0.5, 3.0, 12.0])
    low, high = quantile(0.025, mu, 5.0), quantile(0.975, mu, 5.0)
    assert (low <= mu).all() and (high >= mu).all()
    assert (1 - upper_tail(high + 1, mu, 5.0) >= 0.975).all()


def test_window_dispersion_adds_hour_noise_and_keeps_the_day_noise() -> None:
    parts = np.array([2.0, 2.0, 2.0])
    assert window_dispersion(parts, 4.0) == pytest.approx(12.0)  # independent hours add up
    assert math.isinf(window_dispersion(np.array([1.0]), math.inf))
    # a shared day factor does not average out: a long window keeps its dispersion
    assert window_dispersion(np.full(24, 2.0), math.inf, 10.0) == pytest.approx(10.0)
    assert window_dispersion(parts, 4.0, 10.0) == pytest.approx(1 / (1 / 12 + 1 / 10))


def _history(weeks: int, per_day: float, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    days = 7 * weeks
    shape = np.r_[np.full(6, 0.2), np.full(12, 1.6), np.full(6, 0.6)]
    shape = shape / shape.sum()
    return rng.poisson(per_day * shape, size=(days, 24)).astype(float), np.arange(days) % 7


def test_expectation_is_robust_to_one_past_surge() -> None:
    history, weekdays = _history(4, 20.0)
    calm = NegBinBaseline().expect(history, weekdays, 3)
    history[3] *= 5  # a surge four weeks ago on the same weekday
    surged = NegBinBaseline().expect(history, weekdays, 3)
    assert calm.mu.sum() == pytest.approx(surged.mu.sum(), rel=0.25)
    assert 10 < calm.mu.sum() < 30


def test_no_history_is_an_error_not_a_made_up_baseline() -> None:
    history, weekdays = _history(1, 20.0)
    keep = weekdays != 0
    with pytest.raises(BaselineError, match="no earlier day of this weekday has data"):
        NegBinBaseline().expect(history[keep], weekdays[keep], 0)


def test_a_short_history_is_used_with_a_wider_band() -> None:
    history, weekdays = _history(4, 20.0, seed=3)
    full = NegBinBaseline().expect(history, weekdays, 3)
    one = NegBinBaseline().expect(history[:7], weekdays[:7], 3)
    assert (full.weeks, one.weeks) == (4, 1)
    assert one.day_k < full.day_k  # less known about the level: more spread
    day = np.array([full.mu.sum()])
    assert quantile(0.975, day, one.window_k(one.mu)) > quantile(0.975, day, full.window_k(full.mu))


def test_day_to_day_noise_is_measured_from_daily_totals() -> None:
    rng = np.random.default_rng(7)
    days = 7 * 8
    factor = rng.gamma(5.0, 1 / 5.0, size=days)  # days vary with dispersion 5
    shape = np.full(24, 1 / 24)
    history = rng.poisson(40 * factor[:, None] * shape).astype(float)
    base = NegBinBaseline(weeks=8).expect(history, np.arange(days) % 7, 0)
    assert 1.5 < base.day_k < 10  # about 5, less the uncertainty of an 8-day median
    assert base.k > 20  # within a day the hours are Poisson


def test_detectors_by_name_or_object() -> None:
    assert detector("poisson").name == "poisson"
    mine = PoissonBaseline(weeks=2)
    assert detector(mine) is mine
    with pytest.raises(BaselineError, match="known: negbin, poisson"):
        detector("magic")


def test_a_detector_is_anything_with_a_name_and_an_expectation(
    exodus_sim: tuple[Path, Path],
) -> None:
    """Not a subclass: an object with ``name`` and ``expect`` (the Baseline protocol)."""

    class Doubled:
        name = "doubled"

        def expect(self, history: Any, weekdays: Any, weekday: int) -> Expectation:
            e = NegBinBaseline().expect(history, weekdays, weekday)
            return dataclasses.replace(e, mu=2 * e.mu, low=2 * e.low, high=2 * e.high)

    with Store(exodus_sim[1]) as store:
        usual = exodus(store, area="moscow", cls="business_jet", on="2023-06-17", save=False)
        mine = exodus(
            store, area="moscow", cls="business_jet", on="2023-06-17", method=Doubled(), save=False
        )
    assert mine.detector == "doubled" and usual.detector == "negbin"
    assert usual.expected is not None and mine.expected is not None
    assert np.allclose(mine.expected, 2 * usual.expected)
