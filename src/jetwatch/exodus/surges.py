"""Surges: runs of buckets with more departures than the baseline allows.

Every window of ``L`` consecutive buckets (``L`` = 1 .. ``max_buckets``) ending at
bucket ``e`` is tested: its total against ``NB(sum mu, k_L)``
(:mod:`.baseline`). A window is flagged when its upper-tail probability is below

    alpha = false_alarms_per_year / (buckets per year * max_buckets)

(Bonferroni over window lengths: under the baseline, at most
``false_alarms_per_year`` flagged windows a year are expected, and adjacent ones
merge, so the expected number of false surges is lower still). Flagged windows
that touch merge into one surge, trimmed to its first and last bucket above
expectation. A window only uses buckets up to its end, so ``flagged_at`` (the end
of the first flagged window of a surge) is when a live run would have raised it.

Each surge has its start, end, peak bucket (largest excess), observed and expected
departures, the excess (observed - expected) and its smallest p-value.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from jetwatch.exodus.baseline import Floats, sum_dispersion, upper_tail


@dataclass(frozen=True)
class Surge:
    first: int  # bucket index
    last: int
    peak: int
    flagged_at: int  # index of the bucket whose end first gave the evidence
    observed: int
    expected: float
    p_value: float

    @property
    def excess(self) -> float:
        return self.observed - self.expected


def alpha(false_alarms_per_year: float, bucket_minutes: int, max_buckets: int) -> float:
    per_year = 365.25 * 24 * 60 / bucket_minutes
    return false_alarms_per_year / (per_year * max_buckets)


def scan(y: Floats, mu: Floats, k: float, level: float, max_buckets: int) -> list[Surge]:
    """The surges among ``y`` (observed per bucket) given ``mu`` and ``k``."""
    n = len(y)
    flagged = np.zeros(n, dtype=bool)
    evidence = np.full(n, n, dtype=np.int64)  # earliest window end covering each bucket
    best_p = np.ones(n)
    windows = [
        (end - length + 1, end)
        for length in range(1, max_buckets + 1)
        for end in range(length - 1, n)
    ]
    totals = np.array([y[a : b + 1].sum() for a, b in windows])
    expects = np.array([mu[a : b + 1].sum() for a, b in windows])
    ks = np.array([sum_dispersion(mu[a : b + 1], k) for a, b in windows])
    test = totals > expects
    p = np.ones(len(windows))
    if test.any():
        p[test] = upper_tail(totals[test], expects[test], ks[test])
    for (a, b), pw in zip(windows, p, strict=True):
        if pw < level:
            flagged[a : b + 1] = True
            evidence[a : b + 1] = np.minimum(evidence[a : b + 1], b)
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
                flagged_at=int(evidence[i : j + 1].min()),
                observed=int(y[span].sum()),
                expected=float(mu[span].sum()),
                p_value=float(best_p[i : j + 1].min()),
            )
        )
        i = j + 1
    return surges
