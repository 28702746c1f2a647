"""Baselines for departure counts: what a bucket of a day should hold, and how unusual it is.

Counts ``y[d, h]`` are departures of one class from one area on day ``d`` in time
bucket ``h`` (hours, or 15-minute buckets). The day scored is compared with the
``weeks`` (default 4) weeks before it; nothing after it is used.

**``negbin``** (default, :class:`NegBinBaseline`): a day level times an hour profile,
with noise at two levels: the day as a whole (a busy or quiet day lifts or lowers
every hour together) and the hour within the day.

- Day level ``D`` = the median of the daily totals on the same weekday in the
  ``weeks`` weeks before (robust to one past surge). ``n``, the number of those
  days with data, may be fewer than ``weeks`` (a short history), but not 0.
- Hour profile ``s_h`` = (sum over the history days of ``y[., h]`` + 0.5) / (sum of
  all their counts + 0.5 H), leaving out days whose total is more than twice the
  median daily total (past surges).
- Expected count ``mu_h = D s_h`` (``D`` at least ``0.5 / n``: a weekday with no
  departures in the history still expects a little).
- **Day dispersion** ``K`` (a gamma factor shared by the day's buckets), by the
  method of moments over the history's daily totals ``T_e`` against their weekday's
  median ``m_e`` (past surges, as above, left out):
  ``K = sum m^2 / sum(c (T - m)^2 - m)``, ``c = n_w / (n_w - 1)``
  correcting for the fitted level (weekdays with one day say nothing). Infinite
  (no day-level noise) when the denominator is not positive; with one week of
  history it cannot be measured and ``K = 4`` (days vary by about ±50%) is assumed.
- **Hour dispersion** ``k`` (noise of a bucket given its day's total), by moments on
  ``y[e, h]`` against ``T_e s_h``: ``k = sum (T s)^2 / sum((y - T s)^2 - T s)``.
- **Level uncertainty**: the median of ``n`` days estimates ``D`` with variance
  about ``pi / (2n)`` times a day's, so the predictive day dispersion is
  ``1 / K' = 1 / K + (pi / 2n)(1 / D + 1 / K)``: fewer weeks, wider bands.
- A window of buckets with expected total ``M = sum mu`` is ``NB(M, k_W)`` with
  ``M^2 / k_W = M^2 / K' + sum mu^2 / k`` (moment matching); a single bucket is the
  window of one. Both dispersions are clamped to [0.5, 1000].
- Upper tail ``p = P(Y >= y)``; the score is ``-log10 p``. The band is the 2.5% and
  97.5% quantiles.

**``poisson``** (:class:`PoissonBaseline`): the same ``mu`` with Poisson noise (no
over-dispersion, no level uncertainty); it flags more often and is kept to compare.

No history at all for the weekday is a :class:`BaselineError` naming what is
missing: no baseline is made up.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

import numpy as np
import numpy.typing as npt

from jetwatch.errors import JetwatchError

Floats = npt.NDArray[np.float64]


class BaselineError(JetwatchError):
    """Not enough history to build a baseline."""


@dataclass(frozen=True)
class Expectation:
    mu: Floats  # expected count per bucket
    k: float  # hour dispersion: of a bucket given its day (inf: Poisson)
    day_k: float  # predictive day dispersion K' (inf: none)
    weeks: int  # same-weekday days of history the level rests on
    low: Floats  # 2.5% quantile per bucket
    high: Floats  # 97.5% quantile per bucket

    def window_k(self, mu: Floats) -> float:
        """Dispersion of the total of buckets with expectations ``mu``."""
        return window_dispersion(mu, self.k, self.day_k)

    @property
    def bucket_k(self) -> float:
        """Dispersion of one bucket on its own: ``1 / (1 / K' + 1 / k)``, whatever its mean."""
        return bucket_dispersion(self.k, self.day_k)


def _pmf(mu: Floats, k: float | Floats, top: int) -> Floats:
    """``P(Y = j)`` for ``j = 0 .. top - 1``, shape ``mu.shape + (top,)``, by the
    recurrence ``P(j + 1) / P(j) = (j + k) / (j + 1) * mu / (k + mu)`` (Poisson:
    ``mu / (j + 1)``) summed in logs."""
    mu = np.maximum(np.asarray(mu, dtype=np.float64), 1e-9)
    kk = np.broadcast_to(np.asarray(k, dtype=np.float64), mu.shape)
    poisson = ~np.isfinite(kk) | (kk > 1e8)  # beyond this the NB is Poisson to float precision
    kf = np.where(poisson, 1.0, kk)
    j = np.arange(max(top, 1) - 1, dtype=np.float64)
    m, kf, poisson = mu[..., None], kf[..., None], poisson[..., None]
    first = np.where(poisson, -m, kf * np.log(kf / (kf + m)))
    step = np.where(
        poisson,
        np.log(m) - np.log1p(j),
        np.log(j + kf) - np.log1p(j) + np.log(m / (kf + m)),
    )
    return np.exp(np.concatenate([first, first + np.cumsum(step, axis=-1)], axis=-1))


def upper_tail(y: Floats, mu: Floats, k: float | Floats) -> Floats:
    """``P(Y >= y)`` for ``Y ~ NB(mu, k)`` (Poisson where ``k`` is infinite), elementwise."""
    y = np.asarray(y, dtype=np.float64)
    top = int(np.max(y, initial=0))
    pmf = _pmf(mu, k, top)
    below = np.arange(pmf.shape[-1])[None, :] < y.reshape(-1, 1)
    cdf = np.sum(pmf.reshape(-1, pmf.shape[-1]) * below, axis=1).reshape(y.shape)
    return np.where(y <= 0, 1.0, np.clip(1.0 - cdf, 0.0, 1.0))


def lower_tail(y: Floats, mu: Floats, k: float | Floats) -> Floats:
    """``P(Y <= y)``, elementwise."""
    y = np.asarray(y, dtype=np.float64)
    return np.where(y < 0, 0.0, 1.0 - upper_tail(y + 1, mu, k))


def quantile(q: float, mu: Floats, k: float | Floats) -> Floats:
    """Smallest ``n`` with ``P(Y <= n) >= q``, elementwise."""
    top = int(np.max(mu, initial=0) * 10 + 50)
    cdf = np.cumsum(_pmf(mu, k, top), axis=-1)
    reached = cdf >= q - 1e-12
    return np.where(reached[..., -1], np.argmax(reached, axis=-1), top).astype(np.float64)


def needed(mu: Floats, k: float | Floats, level: float) -> npt.NDArray[np.int64]:
    """The smallest count ``c`` with ``P(Y >= c) < level`` for ``Y ~ NB(mu, k)``, elementwise."""
    top = int(np.max(mu, initial=0) * 10 + 60)
    while True:
        pmf = _pmf(mu, k, top)
        tail = 1.0 - np.concatenate([np.zeros(pmf.shape[:-1] + (1,)), np.cumsum(pmf, -1)], -1)
        reached = tail < level
        if reached[..., -1].all() or top > 1 << 20:
            return np.argmax(reached, axis=-1).astype(np.int64)
        top *= 4


def bucket_dispersion(k: float, day_k: float) -> float:
    """The window of one bucket: ``mu^2 / k_W = mu^2 / K' + mu^2 / k`` for any ``mu``."""
    extra = 1 / day_k + 1 / k
    return math.inf if extra <= 0 else 1 / extra


def window_dispersion(mu: Floats, k: float, day_k: float = math.inf) -> float:
    """``k_W`` of the total of buckets with means ``mu``, each NB with hour dispersion
    ``k`` given a shared day factor of dispersion ``day_k`` (moment matching)."""
    total = float(np.sum(mu))
    extra = total * total / day_k + float(np.sum(mu * mu)) / k
    return math.inf if extra <= 0 else total * total / max(extra, 1e-12)


UNMEASURED_DAY_K = 4.0  # assumed day dispersion when one week cannot measure it
LOW, HIGH = 0.5, 1000.0  # dispersion clamp


class Baseline(Protocol):
    """What the exodus analysis needs of a detector: its name (stored with each
    result) and a day's expectation from the days before that have data."""

    name: str

    def expect(
        self, history: Floats, weekdays: npt.NDArray[np.int64], weekday: int
    ) -> Expectation: ...


class NegBinBaseline:
    name = "negbin"
    poisson = False

    def __init__(self, weeks: int = 4) -> None:
        self.weeks = weeks

    def expect(self, history: Floats, weekdays: npt.NDArray[np.int64], weekday: int) -> Expectation:
        """``history[e, h]``: counts of the days before that have data; ``weekdays[e]``
        theirs."""
        same = history[weekdays == weekday]
        n = same.shape[0]
        if n == 0:
            raise BaselineError(
                f"no earlier day of this weekday has data (looked back {self.weeks} weeks)",
                value=0,
            )
        totals = history.sum(axis=1)
        level = max(float(np.median(same.sum(axis=1))), 0.5 / n)
        typical = float(np.median(totals)) if totals.size else 0.0
        quiet = totals <= 2 * max(typical, 1.0)
        calm = history[quiet]
        buckets = history.shape[1]
        shares = (calm.sum(axis=0) + 0.5) / (calm.sum() + 0.5 * buckets)
        mu = level * shares
        if self.poisson:
            k = day_k = math.inf
        else:
            k = self._hour_dispersion(calm, shares)
            day = self._day_dispersion(totals[quiet], weekdays[quiet])
            spread = math.pi / (2 * n) * (1 / level + 1 / day)
            day_k = float(np.clip(1 / (1 / day + spread), LOW, HIGH))
        one = bucket_dispersion(k, day_k)
        return Expectation(mu, k, day_k, n, quantile(0.025, mu, one), quantile(0.975, mu, one))

    @staticmethod
    def _day_dispersion(totals: Floats, weekdays: npt.NDArray[np.int64]) -> float:
        top = bottom = 0.0
        for wd in np.unique(weekdays):
            t = totals[weekdays == wd]
            if len(t) < 2:
                continue
            m = float(np.median(t))
            top += len(t) * m * m
            bottom += float(np.sum(len(t) / (len(t) - 1) * (t - m) ** 2 - m))
        if top == 0 and bottom == 0:
            return UNMEASURED_DAY_K
        return math.inf if bottom <= 0 else float(np.clip(top / bottom, LOW, HIGH))

    @staticmethod
    def _hour_dispersion(history: Floats, shares: Floats) -> float:
        mu = history.sum(axis=1)[:, None] * shares[None, :]
        excess = float(np.sum((history - mu) ** 2 - mu))
        if excess <= 0:
            return math.inf
        return float(np.clip(np.sum(mu * mu) / excess, LOW, HIGH))


class PoissonBaseline(NegBinBaseline):
    name = "poisson"
    poisson = True


DETECTORS: dict[str, Callable[[int], Baseline]] = {
    "negbin": NegBinBaseline,
    "poisson": PoissonBaseline,
}


def detector(name: str | Baseline, weeks: int = 4) -> Baseline:
    """A baseline by name (``negbin``, ``poisson``) or any object that is one
    (:class:`Baseline`)."""
    if not isinstance(name, str):
        return name
    try:
        return DETECTORS[name](weeks)
    except KeyError:
        raise BaselineError(
            f"no such baseline; known: {', '.join(sorted(DETECTORS))}", value=name
        ) from None
