"""The retrospective question: was this named day (or window) unusual?

A day someone asks about is one pre-specified hypothesis, not a scan of a year, so
it gets one test at the usual 5% level: its total against the same-weekday
baseline (:mod:`.baseline`). The total of the buckets in question, with expected
total ``M = sum mu``, is ``NB(M, k_W)`` with the day's shared noise and the
uncertainty of a level taken from ``n`` weeks (fewer weeks, wider band).

- **band**: the 2.5% and 97.5% quantiles of that distribution;
- **p**: two-sided, ``min(1, 2 min(P(Y >= y), P(Y <= y)))``;
- **excess**: ``y - M``, with the interval ``y - band`` (what the day had beyond
  what the baseline allows, at 95%);
- **words**: above the band is "above the usual level" ("far above" when
  ``p < 0.001``), below it "below", else "within the usual range".

A live run cuts the day at the current bucket: the total so far against the
expectation so far. Counts are of departures whose class is known; the unknowns
are reported beside the test, never counted as zero (:mod:`.analysis`).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from jetwatch.exodus.baseline import Expectation, Floats, lower_tail, quantile, upper_tail

FAR = 1e-3  # p below which a day is "far" from its usual level


@dataclass(frozen=True)
class DayTest:
    observed: int
    expected: float
    low: int  # 95% band
    high: int
    p_value: float  # two-sided
    excess: float  # observed - expected
    excess_low: int  # observed - high
    excess_high: int  # observed - low
    weeks: int  # same-weekday days of history
    level: str  # "far above", "above", "within", "below", "far below"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def sentence(self, what: str) -> str:
        """``what`` (e.g. "2023-06-24: 52 business-jet departures from moscow") in words."""
        weeks = f"{self.weeks} week{'s' * (self.weeks != 1)} of history"
        band = f"95% band {self.low}–{self.high}"
        head = f"{what} against {self.expected:.1f} expected ({band}, {weeks})"
        if self.level == "within":
            return f"{head}: within the usual range ({_p(self.p_value)})"
        more = self.excess > 0
        size = f"about {abs(self.excess):.0f} {'more' if more else 'fewer'} than usual"
        lo, hi = (
            (self.excess_low, self.excess_high) if more else (-self.excess_high, -self.excess_low)
        )
        return f"{head}: {self.level} the usual level ({_p(self.p_value)}); {size} ({lo}–{hi})"


def _p(p: float) -> str:
    return "p < 0.001" if p < 0.001 else f"p = {p:.3f}" if p < 0.1 else f"p = {p:.2f}"


def day_test(observed: int, base: Expectation, buckets: slice | None = None) -> DayTest:
    """The test of ``observed`` departures in ``buckets`` (default: all) of a day."""
    mu: Floats = base.mu[buckets or slice(None)]
    m = float(mu.sum())
    k = base.window_k(mu)
    y = np.array([float(observed)])
    low = int(quantile(0.025, np.array([m]), k)[0])
    high = int(quantile(0.975, np.array([m]), k)[0])
    up = float(upper_tail(y, np.array([m]), k)[0])
    down = float(lower_tail(y, np.array([m]), k)[0])
    p = min(1.0, 2 * min(up, down))
    if observed > high:
        level = "far above" if p < FAR else "above"
    elif observed < low:
        level = "far below" if p < FAR else "below"
    else:
        level = "within"
    return DayTest(
        observed=observed,
        expected=round(m, 3),
        low=low,
        high=high,
        p_value=p,
        excess=round(observed - m, 3),
        excess_low=observed - high,
        excess_high=observed - low,
        weeks=base.weeks,
        level=level,
    )
