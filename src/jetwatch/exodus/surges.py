"""Surges: runs of buckets with more departures than the baseline allows.

Every window of ``L`` consecutive buckets (``L`` = 1 .. ``max_buckets``) ending at
bucket ``e`` is tested: its total against ``NB(sum mu, k_L)``
(:mod:`.baseline`). A window is flagged when its upper-tail probability is below

    alpha = false_alarms_per_year / (buckets per year * max_buckets)

(Bonferroni over window lengths: under the baseline, at most
``false_alarms_per_year`` flagged windows a year are expected, and adjacent ones
merge, so the expected number of false surges is lower still). Flagged windows
that touch merge into one surge, trimmed to its first and last bucket above
expectation.

**When it is known.** A flagged window needs ``c`` departures, the smallest count
with ``P(Y >= c) < alpha``. It is known at the take-off of its ``c``-th departure,
or at the start of its last bucket if that is later (a live run scores the current
bucket against its whole expectation, so it flags at that moment too).
``flagged_at`` is the earliest such time over the surge's windows, in UTC epoch
seconds: when ``jetwatch exodus --live`` raises the alert.

Each surge has its start, end, peak bucket (largest excess), observed and expected
departures, the excess (observed - expected) and its smallest p-value.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from jetwatch.exodus.baseline import Floats, needed, sum_dispersion, upper_tail

Epochs = npt.NDArray[np.int64]


@dataclass(frozen=True)
class Surge:
    first: int  # bucket index
    last: int
    peak: int
    flagged_at: int  # UTC epoch s: when the evidence was complete
    observed: int
    expected: float
    p_value: float

    @property
    def excess(self) -> float:
        return self.observed - self.expected


def alpha(false_alarms_per_year: float, bucket_minutes: int, max_buckets: int) -> float:
    per_year = 365.25 * 24 * 60 / bucket_minutes
    return false_alarms_per_year / (per_year * max_buckets)


def scan(
    times: Epochs, starts: Epochs, mu: Floats, k: float, level: float, max_buckets: int
) -> list[Surge]:
    """The surges among the departures at ``times`` (sorted epoch s) in the buckets
    beginning at ``starts`` (one more than ``mu``: the last is the end), given ``mu`` and ``k``.
    """
    n = len(mu)
    y = np.bincount(
        np.searchsorted(starts, times[(times >= starts[0]) & (times < starts[n])], "right") - 1,
        minlength=n,
    ).astype(np.float64)
    before = np.concatenate([[0], np.cumsum(y)]).astype(np.int64)  # departures before bucket i
    inside = np.sort(times[(times >= starts[0]) & (times < starts[n])])
    windows = np.array(
        [
            (end - length + 1, end)
            for length in range(1, max_buckets + 1)
            for end in range(length - 1, n)
        ],
        dtype=np.int64,
    ).reshape(-1, 2)
    totals = np.array([y[a : b + 1].sum() for a, b in windows])
    expects = np.array([mu[a : b + 1].sum() for a, b in windows])
    ks = np.array([sum_dispersion(mu[a : b + 1], k) for a, b in windows])
    p = np.ones(len(windows))
    test = totals > expects
    if test.any():
        p[test] = upper_tail(totals[test], expects[test], ks[test])
    hit = p < level
    flagged = np.zeros(n, dtype=bool)
    known = np.full(n, np.iinfo(np.int64).max)  # earliest evidence time covering each bucket
    best_p = np.ones(n)
    if hit.any():
        count = needed(expects[hit], ks[hit], level)
        for (a, b), pw, c in zip(windows[hit], p[hit], count, strict=True):
            at = max(int(starts[b]), int(inside[before[a] + c - 1]))
            flagged[a : b + 1] = True
            known[a : b + 1] = np.minimum(known[a : b + 1], at)
            best_p[a : b + 1] = np.minimum(best_p[a : b + 1], pw)
    surges = []
    i = 0
    while i < n:
        if not flagged[i]:
            i += 1
            continue
        j = i
        while j + 1 < n and flagged[j + 1]:
            j += 1
        above = [b for b in range(i, j + 1) if y[b] > mu[b]]
        first, last = (above[0], above[-1]) if above else (i, j)
        span = slice(first, last + 1)
        peak = first + int(np.argmax(y[span] - mu[span]))
        surges.append(
            Surge(
                first=first,
                last=last,
                peak=peak,
                flagged_at=int(known[i : j + 1].min()),
                observed=int(y[span].sum()),
                expected=float(mu[span].sum()),
                p_value=float(best_p[i : j + 1].min()),
            )
        )
        i = j + 1
    return surges
