"""Surge scanning: flagged windows, merging, and when a live run would know."""

from __future__ import annotations

import numpy as np

from jetwatch.exodus.baseline import needed, upper_tail
from jetwatch.exodus.surges import alpha, scan

HOUR = 3600
STARTS = np.arange(25, dtype=np.int64) * HOUR


def departures(per_hour: list[int]) -> np.ndarray:
    """Take-off times spread evenly within each hour."""
    return np.array(
        [h * HOUR + (i + 1) * HOUR // (n + 1) for h, n in enumerate(per_hour) for i in range(n)],
        dtype=np.int64,
    )


def test_alpha_is_the_false_alarm_rate_spread_over_buckets_and_windows() -> None:
    assert alpha(1.0, 60) == 1.0 / (365.25 * 24 * 5)
    assert alpha(12.0, 15) == 12.0 / (365.25 * 96 * 5)


def test_needed_is_the_first_count_below_the_level() -> None:
    mu, k = np.array([1.0, 4.0, 30.0]), np.array([20.0, 5.0, np.inf])
    c = needed(mu, k, 1e-4)
    assert (upper_tail(c, mu, k) < 1e-4).all()
    assert (upper_tail(c - 1, mu, k) >= 1e-4).all()


def test_counts_at_their_expectation_raise_nothing() -> None:
    mu = np.full(24, 2.0)
    assert scan(departures([2] * 24), STARTS, mu, 10.0, 1e-5, 6) == []


def test_a_sustained_surge_is_one_event_flagged_at_the_deciding_take_off() -> None:
    mu = np.full(24, 1.0)
    per_hour = [1] * 24
    per_hour[8:14] = [5] * 6
    times = departures(per_hour)
    (surge,) = scan(times, STARTS, mu, 20.0, 1e-5, 6)
    assert (surge.first, surge.last) == (8, 13)
    assert surge.observed == 30 and surge.excess == 24.0
    assert surge.p_value < 1e-5
    assert 8 * HOUR < surge.flagged_at < 14 * HOUR  # known before it ended
    assert surge.flagged_at in times  # at a take-off, not at a bucket's end
    # one departure fewer before that moment and no window would have been flagged yet
    early = times[times < surge.flagged_at]
    assert scan(early, STARTS, mu, 20.0, 1e-5, 6) == []


def test_a_partial_day_flags_no_later_than_the_full_day() -> None:
    mu = np.full(24, 1.0)
    per_hour = [1] * 24
    per_hour[8:12] = [6] * 4
    times = departures(per_hour)
    (full,) = scan(times, STARTS, mu, 20.0, 1e-5, 6)
    cut = full.flagged_at // HOUR
    (live,) = scan(times[times <= full.flagged_at], STARTS[: cut + 2], mu[: cut + 1], 20.0, 1e-5, 6)
    assert live.flagged_at == full.flagged_at


def test_the_excess_is_counted_against_what_the_receivers_could_hear() -> None:
    """Receivers hearing half their usual traffic over the surge hear half the usual
    departures: its expectation is scaled by that coverage, and its interval holds
    the excess."""
    mu = np.full(24, 2.0)
    per_hour = [1] * 24
    per_hour[8:14] = [11] * 6  # 10 more than the 1 a half-deaf receiver hears, 6 hours
    times = departures(per_hour)
    usual = np.full(24, 100.0)
    (deaf,) = scan(times, STARTS, mu, 20.0, 1e-5, 6, 10.0, (usual / 2, usual))
    assert (deaf.first, deaf.last) == (8, 13)
    assert deaf.expected == 6.0 and deaf.excess == 60.0
    assert deaf.excess_low <= 60 <= deaf.excess_high
    assert deaf.excess_high - deaf.excess_low < 30
    # one quiet bucket is noise, not an outage; more activity than usual is full
    noisy = usual.copy()
    noisy[9] = 60.0
    (full,) = scan(times, STARTS, mu, 20.0, 1e-5, 6, 10.0, (usual * 1.3, noisy))
    assert full.expected == 12.0 and full.excess == 54.0
    # unknown activity (no history) counts as full: the expectation is the baseline's
    (none,) = scan(times, STARTS, mu, 20.0, 1e-5, 6, 10.0, (usual, np.zeros(24)))
    assert none.expected == 12.0
