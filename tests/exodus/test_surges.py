"""Surge scanning: flagged windows, merging, and when a live run would know."""

from __future__ import annotations

import numpy as np

from jetwatch.exodus.surges import alpha, scan


def test_alpha_is_the_false_alarm_rate_spread_over_buckets_and_windows() -> None:
    assert alpha(1.0, 60, 6) == 1.0 / (365.25 * 24 * 6)


def test_counts_at_their_expectation_raise_nothing() -> None:
    mu = np.full(24, 2.0)
    assert scan(mu.copy(), mu, 10.0, 1e-5, 6) == []


def test_a_sustained_surge_is_one_event_with_its_excess() -> None:
    mu = np.full(24, 1.0)
    y = mu.copy()
    y[8:14] = 5.0
    (surge,) = scan(y, mu, 20.0, 1e-5, 6)
    assert (surge.first, surge.last) == (8, 13)
    assert surge.observed == 30 and surge.excess == 24.0
    assert 8 <= surge.flagged_at <= 13  # known before it ended
    assert surge.p_value < 1e-5
