"""Surges: runs of buckets with more departures than the baseline allows.

This is the live question: is something happening now, anywhere in the year? Every
window of ``L`` consecutive buckets (``L`` = 1 .. ``max_buckets``, up to 24 hours by
default) ending at bucket ``e`` is tested: its total against ``NB(sum mu, k_W)``
(:mod:`.baseline`, with the day's shared noise, so a long window is not taken for
``L`` independent hours). The day's factor is updated from its own buckets before
the window (a gamma prior of dispersion ``K'`` and ``n`` departures seen where
``m`` were expected give ``Gamma(K' + n, K' + m)``): a window is judged against a
day that was running normally until then, as a live run sees it, so the day's
noise widens the test only as much as the day's start leaves unknown. A window is
flagged when its upper-tail probability is below

    alpha = false_alarms_per_year / (buckets per year * EFFECTIVE)

``EFFECTIVE`` (5) is how many independent tests each bucket's windows amount to.
Windows of neighbouring lengths overlap almost entirely, so Bonferroni over all
``max_buckets`` lengths (24 at most) would be 10-30 times too strict: simulating
the null (this model with its parameters known, 30,000 days per setting, base
rates of 7-120 departures a day, day dispersion 5 to none, hour dispersion 3 to
none, 60- and 15-minute buckets) gave at ``EFFECTIVE`` = 1.5 between 0.6 and 2.6
false surges per area-year at a nominal 1. With baselines fitted from four weeks
and the day's own conditioning (below), on worlds with other profiles and cities
(``bench/eval_exodus.py --grid``), 3 gave 2.5 per area-year; jetwatch uses 5. The
rate it gives is in ``docs/exodus.md``. Long
windows are what find a sustained 2-4x rise with no extreme single hour. Flagged
windows that touch merge into one surge, trimmed to its first and last bucket above
expectation.

**When it is known.** A flagged window needs ``c`` departures, the smallest count
with ``P(Y >= c) < alpha``. It is known at the take-off of its ``c``-th departure,
or at the start of its last bucket if that is later (a live run scores the current
bucket against its whole expectation, so it flags at that moment too).
``flagged_at`` is the earliest such time over the surge's windows, in UTC epoch
seconds: when ``jetwatch exodus --live`` raises the alert.

**How many more.** Each surge has its start, end, peak bucket (largest excess),
observed departures, its smallest p-value, and the departures expected in it *as
heard*: the baseline's ``mu`` times the surge's coverage (the activity heard over
its buckets against the usual, summed before dividing so that one quiet bucket is
not taken for an outage, at most 1): receivers hearing 60% of their usual traffic
hear 60% of the departures, so a deaf receiver does not shrink the excess. The
excess is observed - expected, with a 95% interval (observed minus the band of that
expectation, the day's and the hours' noise). Scaling by each bucket's capped
coverage instead biased the excess up on jetwatch's own simulator, where a normal
day's activity wanders by 20% bucket to bucket. Scaling by the day's level from its
other buckets was tried and dropped too: on the power grid it doubled the excess's
median bias, because a surge is flagged most easily on a day whose earlier hours
ran low by chance.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from jetwatch.exodus.baseline import Floats, needed, quantile, upper_tail

Epochs = npt.NDArray[np.int64]


@dataclass(frozen=True)
class Surge:
    first: int  # bucket index
    last: int
    peak: int
    flagged_at: int  # UTC epoch s: when the evidence was complete
    observed: int
    expected: float  # on this day as measured: coverage and the day's own level
    excess_low: int  # 95% interval of observed - expected
    excess_high: int
    p_value: float

    @property
    def excess(self) -> float:
        return self.observed - self.expected


EFFECTIVE = 5.0  # independent tests per bucket, all window lengths together (see above)


def alpha(false_alarms_per_year: float, bucket_minutes: int) -> float:
    per_year = 365.25 * 24 * 60 / bucket_minutes
    return false_alarms_per_year / (per_year * EFFECTIVE)


def scan(
    times: Epochs,
    starts: Epochs,
    mu: Floats,
    k: float,
    level: float,
    max_buckets: int,
    day_k: float = math.inf,
    heard: tuple[Floats, Floats] | None = None,
) -> list[Surge]:
    """The surges among the departures at ``times`` (sorted epoch s) in the buckets
    beginning at ``starts`` (one more than ``mu``: the last is the end), given ``mu``,
    the hour dispersion ``k``, the day dispersion ``day_k`` and, to size the excess,
    ``heard``: the activity the receivers heard per bucket that day and the usual
    (:mod:`.coverage`).
    """
    n = len(mu)
    y = np.bincount(
        np.searchsorted(starts, times[(times >= starts[0]) & (times < starts[n])], "right") - 1,
        minlength=n,
    ).astype(np.float64)
    before = np.concatenate([[0], np.cumsum(y)]).astype(np.int64)  # departures before bucket i
    inside = np.sort(times[(times >= starts[0]) & (times < starts[n])])
    lengths = np.arange(1, max_buckets + 1)
    ends = np.arange(n)
    ll, ee = np.meshgrid(lengths, ends, indexing="ij")
    ok = ee - ll + 1 >= 0
    windows = np.stack([(ee - ll + 1)[ok], ee[ok]], axis=1).astype(np.int64).reshape(-1, 2)
    lo, hi = windows[:, 0], windows[:, 1] + 1

    def sums(v: Floats) -> Floats:
        c = np.concatenate([[0.0], np.cumsum(v)])
        return c[hi] - c[lo]

    totals, expects, squares = sums(y), sums(mu), sums(mu * mu)
    # the day's own earlier buckets tell how busy it is: condition the day factor on them
    seen, due = before[lo].astype(np.float64), np.concatenate([[0.0], np.cumsum(mu)])[lo]
    with np.errstate(divide="ignore", invalid="ignore"):
        post_k = day_k + seen
        scale = np.where(np.isfinite(post_k), post_k / (day_k + due), 1.0)
        means = expects * scale
        extra = means * means / post_k + squares * scale * scale / k
        ks = np.where(extra > 0, means * means / np.maximum(extra, 1e-12), np.inf)
    p = np.ones(len(windows))
    test = totals > means
    if test.any():
        p[test] = upper_tail(totals[test], means[test], ks[test])
    hit = p < level
    flagged = np.zeros(n, dtype=bool)
    known = np.full(n, np.iinfo(np.int64).max)  # earliest evidence time covering each bucket
    best_p = np.ones(n)
    if hit.any():
        count = needed(means[hit], ks[hit], level)
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
        observed = int(y[span].sum())
        expected, low, high = _expected(mu[span] * _coverage(heard, span), k, day_k)
        surges.append(
            Surge(
                first=first,
                last=last,
                peak=peak,
                flagged_at=int(known[i : j + 1].min()),
                observed=observed,
                expected=expected,
                excess_low=observed - high,
                excess_high=observed - low,
                p_value=float(best_p[i : j + 1].min()),
            )
        )
        i = j + 1
    return surges


def _coverage(heard: tuple[Floats, Floats] | None, span: slice) -> float:
    """The share of the usual activity heard over ``span``, at most 1 (1 when unknown).
    Summed over the span before dividing: one quiet bucket is noise, not an outage."""
    if heard is None:
        return 1.0
    today, usual = heard[0][span], heard[1][span]
    total = float(np.nansum(usual))
    return min(1.0, float(np.nansum(today)) / total) if total > 0 else 1.0


def _expected(inside: Floats, k: float, day_k: float) -> tuple[float, int, int]:
    """What buckets expecting ``inside`` hold in all, with the 95% band of that count
    (the day's and the hours' noise)."""
    m = float(inside.sum())
    extra = m * m / day_k + float(np.sum(inside * inside)) / k
    kw = np.array([m * m / extra if extra > 0 else math.inf])
    band = [int(quantile(q, np.array([m]), kw)[0]) for q in (0.025, 0.975)]
    return m, band[0], band[1]
