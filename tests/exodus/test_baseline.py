"""The baseline model: negative-binomial tails, robust levels, detectors by name."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jetwatch.exodus.baseline import (
    BaselineError,
    NegBinBaseline,
    PoissonBaseline,
    detector,
    quantile,
    sum_dispersion,
    upper_tail,
)


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


def test_sum_dispersion_of_equal_parts_adds_up() -> None:
    assert sum_dispersion(np.array([2.0, 2.0, 2.0]), 4.0) == pytest.approx(12.0)
    assert math.isinf(sum_dispersion(np.array([1.0]), math.inf))


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


def test_too_little_history_is_an_error_not_a_made_up_baseline() -> None:
    history, weekdays = _history(2, 20.0)
    with pytest.raises(BaselineError, match="needs 4 earlier weeks"):
        NegBinBaseline().expect(history, weekdays, 0)


def test_detectors_by_name_or_object() -> None:
    assert detector("poisson").name == "poisson"
    mine = PoissonBaseline(weeks=2)
    assert detector(mine) is mine
    with pytest.raises(BaselineError, match="known: negbin, poisson"):
        detector("magic")
