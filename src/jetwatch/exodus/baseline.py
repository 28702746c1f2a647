"""Baselines for departure counts: what a bucket of a day should hold, and how unusual it is.

Counts ``y[d, h]`` are departures of one class from one area on day ``d`` in time
bucket ``h`` (hours, or 15-minute buckets). The day scored is compared with the
``weeks`` (default 4) weeks before it; nothing after it is used.

**``negbin``** (default, :class:`NegBinBaseline`): a day level times an hour profile,
with negative-binomial noise.

- Day level ``D`` = the median of the daily totals on the same weekday in the
  ``weeks`` weeks before (robust to one past surge).
- Hour profile ``s_h`` = (sum over the history days of ``y[., h]`` + 0.5) / (sum of
  all their counts + 0.5 H), leaving out days whose total is more than twice the
  median daily total (past surges).
- Expected count ``mu_h = D s_h``.
- Dispersion ``k`` by the method of moments over every history day and bucket,
  each predicted the same way (``m_e s_h``, ``m_e`` the median total of its
  weekday): ``Var = mu + mu^2 / k`` gives ``k = sum mu^2 / sum((y - mu)^2 - mu)``,
  clamped to [0.5, 1000] (Poisson when the denominator is not positive).
- Upper tail ``p = P(Y >= y)`` for ``Y ~ NB(mu, k)``; the score is ``-log10 p``.
  The band is the 2.5% and 97.5% quantiles.

**``poisson``** (:class:`PoissonBaseline`): the same ``mu`` with Poisson noise (no
over-dispersion); it flags more often and is kept to compare.

Sums of ``L`` buckets (for surges longer than one bucket) are ``NB(sum mu, k_L)``
with ``k_L = (sum mu)^2 / sum(mu^2 / k)`` (moment matching). Too little history
(fewer than ``weeks`` same-weekday days with data) is a :class:`BaselineError`
naming what is missing: no baseline is made up.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from jetwatch.errors import JetwatchError

Floats = npt.NDArray[np.float64]


class BaselineError(JetwatchError):
    """Not enough history to build a baseline."""


@dataclass(frozen=True)
class Expectation:
    mu: Floats  # expected count per bucket
    k: float  # negative-binomial dispersion (inf: Poisson)
    low: Floats  # 2.5% quantile per bucket
    high: Floats  # 97.5% quantile per bucket


def _pmf(mu: Floats, k: float | Floats, top: int) -> Floats:
    """``P(Y = j)`` for ``j = 0 .. top - 1``, shape ``mu.shape + (top,)``."""
    mu = np.maximum(np.asarray(mu, dtype=np.float64), 1e-9)
    kk = np.broadcast_to(np.asarray(k, dtype=np.float64), mu.shape)
    poisson = ~np.isfinite(kk)
    kf = np.where(poisson, 1.0, kk)
    p = kf / (kf + mu)
    j = np.arange(max(top, 1), dtype=np.float64)[None, :]
    m, kf, p, poisson = mu[..., None], kf[..., None], p[..., None], poisson[..., None]
    log_poisson = j * np.log(m) - m - _lgamma(j + 1)
    log_nb = _lgamma(j + kf) - _lgamma(kf) - _lgamma(j + 1) + kf * np.log(p) + j * np.log1p(-p)
    return np.exp(np.where(poisson, log_poisson, log_nb))


def _lgamma(x: Floats) -> Floats:
    return np.vectorize(math.lgamma, otypes=[np.float64])(x)


def upper_tail(y: Floats, mu: Floats, k: float | Floats) -> Floats:
    """``P(Y >= y)`` for ``Y ~ NB(mu, k)`` (Poisson where ``k`` is infinite), elementwise."""
    y = np.asarray(y, dtype=np.float64)
    top = int(np.max(y, initial=0))
    pmf = _pmf(mu, k, top)
    below = np.arange(pmf.shape[-1])[None, :] < y.reshape(-1, 1)
    cdf = np.sum(pmf.reshape(-1, pmf.shape[-1]) * below, axis=1).reshape(y.shape)
    return np.where(y <= 0, 1.0, np.clip(1.0 - cdf, 0.0, 1.0))


def quantile(q: float, mu: Floats, k: float) -> Floats:
    """Smallest ``n`` with ``P(Y <= n) >= q``, elementwise."""
    top = int(np.max(mu, initial=0) * 10 + 50)
    cdf = np.cumsum(_pmf(mu, k, top), axis=-1)
    reached = cdf >= q - 1e-12
    return np.where(reached[..., -1], np.argmax(reached, axis=-1), top).astype(np.float64)


def needed(mu: Floats, k: float | Floats, level: float) -> npt.NDArray[np.int64]:
    """The smallest count ``c`` with ``P(Y >= c) < level`` for ``Y ~ NB(mu, k)``, elementwise."""
    top = int(np.max(mu, initial=0) * 10 + 60)
    pmf = _pmf(mu, k, top)
    tail = 1.0 - np.concatenate([np.zeros(pmf.shape[:-1] + (1,)), np.cumsum(pmf, axis=-1)], -1)
    return np.argmax(tail < level, axis=-1).astype(np.int64)


def sum_dispersion(mu: Floats, k: float) -> float:
    """``k`` of a sum of independent NB counts with means ``mu`` (moment matching)."""
    if not math.isfinite(k):
        return math.inf
    total = float(np.sum(mu))
    return total * total / max(float(np.sum(mu * mu)) / k, 1e-12)


class NegBinBaseline:
    name = "negbin"
    poisson = False

    def __init__(self, weeks: int = 4) -> None:
        self.weeks = weeks

    def expect(self, history: Floats, weekdays: npt.NDArray[np.int64], weekday: int) -> Expectation:
        """``history[e, h]``: counts of the ``7 * weeks`` days before; ``weekdays[e]`` theirs."""
        same = history[weekdays == weekday]
        if same.shape[0] < self.weeks:
            raise BaselineError(
                f"the baseline needs {self.weeks} earlier weeks of data for this weekday; "
                f"found {same.shape[0]}",
                value=same.shape[0],
            )
        totals = history.sum(axis=1)
        level = float(np.median(same.sum(axis=1)))
        typical = float(np.median(totals)) if totals.size else 0.0
        calm = history[totals <= 2 * max(typical, 1.0)]
        buckets = history.shape[1]
        shares = (calm.sum(axis=0) + 0.5) / (calm.sum() + 0.5 * buckets)
        mu = level * shares
        k = math.inf if self.poisson else self._dispersion(history, weekdays, shares)
        return Expectation(mu, k, quantile(0.025, mu, k), quantile(0.975, mu, k))

    @staticmethod
    def _dispersion(history: Floats, weekdays: npt.NDArray[np.int64], shares: Floats) -> float:
        levels = np.zeros(history.shape[0])
        for wd in np.unique(weekdays):
            rows = weekdays == wd
            levels[rows] = np.median(history[rows].sum(axis=1))
        mu = levels[:, None] * shares[None, :]
        excess = float(np.sum((history - mu) ** 2 - mu))
        if excess <= 0:
            return math.inf
        return float(np.clip(np.sum(mu * mu) / excess, 0.5, 1000.0))


class PoissonBaseline(NegBinBaseline):
    name = "poisson"
    poisson = True


DETECTORS: dict[str, type[NegBinBaseline]] = {
    "negbin": NegBinBaseline,
    "poisson": PoissonBaseline,
}


def detector(name: str | NegBinBaseline, weeks: int = 4) -> NegBinBaseline:
    """A baseline by name (``negbin``, ``poisson``) or the object itself."""
    if isinstance(name, NegBinBaseline):
        return name
    try:
        return DETECTORS[name](weeks)
    except KeyError:
        raise BaselineError(
            f"no such baseline; known: {', '.join(sorted(DETECTORS))}", value=name
        ) from None
