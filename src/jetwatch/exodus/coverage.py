"""Coverage of a scope, measured from the data itself.

The activity of a bucket is the number of positions stored in the 0.5 deg cells
around the scope's airports (``radius_km`` beyond them), read from the
:mod:`jetwatch.store.activity` summary (15-minute slots) of the analysis' source
(:mod:`.source`: a store, or Spark's output). Its usual level is the
median activity of the same bucket over the history days, so a store's sampling
rate cancels out. The coverage of a bucket is activity / usual, capped at 1 (NaN when
the usual level is 0: nothing to compare with).

A period's coverage weights its buckets by the departures the baseline expects in
them, so a blackout at night counts less than one at the morning peak. Below
``poor`` (0.8) the period is poorly covered: absences are not evidence.

A **blackout** (:func:`gaps`) is a run of buckets whose coverage is below
``BLACKOUT`` (0.3): the receivers heard less than a third of what they usually
hear there, found from the data alone (quiet night hours vary by half from one
day to the next; a receiver outage takes most of it). Outputs show each one, and a verdict whose
hours overlap one says so.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from jetwatch.exodus.departures import Scope, bucket_counts, places
from jetwatch.exodus.source import Source

POOR = 0.8
BLACKOUT = 0.3
RADIUS_KM = 60.0


def activity(
    source: Source,
    where: Scope,
    bucket_edges: npt.NDArray[np.int64],
    radius_km: float = RADIUS_KM,
) -> npt.NDArray[np.float64]:
    """Positions seen near the scope, per (day, bucket) of ``bucket_edges``."""
    spots = [places().get(c) for c in where.airports]
    lats = [float(s["lat"]) for s in spots if s]  # type: ignore[arg-type]
    lons = [float(s["lon"]) for s in spots if s]  # type: ignore[arg-type]
    dlat = radius_km / 111.0
    dlon = radius_km / (111.0 * max(np.cos(np.radians(np.mean(lats))), 0.1))
    since = dt.datetime.fromtimestamp(int(bucket_edges[0, 0]), dt.UTC).replace(tzinfo=None)
    until = dt.datetime.fromtimestamp(int(bucket_edges[-1, -1]), dt.UTC).replace(tzinfo=None)
    slots, counts = source.activity(
        (min(lats) - dlat, max(lats) + dlat),
        (min(lons) - dlon, max(lons) + dlon),
        since,
        until,
    )
    return bucket_counts(slots, bucket_edges, counts)


def usual(history: npt.NDArray[np.float64], buckets: int) -> npt.NDArray[np.float64]:
    """The usual activity per bucket: the median over ``history`` (days x buckets)."""
    return np.median(history, axis=0) if history.size else np.zeros(buckets)


def ratio(
    day: npt.NDArray[np.float64], history: npt.NDArray[np.float64]
) -> npt.NDArray[np.float64]:
    """Coverage per bucket of ``day`` against the median of ``history`` (days x buckets)."""
    usual_ = usual(history, len(day))
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(usual_ > 0, np.minimum(day / np.where(usual_ > 0, usual_, 1), 1.0), np.nan)


def weighted(cover: npt.NDArray[np.float64], mu: npt.NDArray[np.float64]) -> float:
    """Coverage of a period: buckets weighted by expected departures; NaN when no
    bucket's coverage is known (never taken as full)."""
    known = ~np.isnan(cover)
    w = mu[known] + 1e-6
    return float(np.sum(cover[known] * w) / np.sum(w)) if known.any() else float("nan")


@dataclass(frozen=True)
class Gap:
    start: dt.datetime  # naive UTC
    end: dt.datetime
    coverage: float  # lowest bucket's

    def to_dict(self) -> dict[str, Any]:
        return {
            "start": self.start.isoformat() + "Z",
            "end": self.end.isoformat() + "Z",
            "coverage": round(self.coverage, 3),
        }

    def sentence(self) -> str:
        return (
            f"Blackout from {self.start:%H:%M} to {self.end:%H:%M} UTC: the receivers heard "
            f"{self.coverage:.0%} of their usual traffic, so departures then may be missing"
        )


def gaps(cover: npt.NDArray[np.float64], starts: list[dt.datetime], minutes: int) -> list[Gap]:
    """Runs of buckets with coverage below ``BLACKOUT`` (unknown coverage is not a gap)."""
    low = np.nan_to_num(cover, nan=1.0) < BLACKOUT
    edges = np.flatnonzero(np.diff(np.r_[0, low.astype(np.int8), 0]))
    width = dt.timedelta(minutes=minutes)
    return [
        Gap(starts[a], starts[b - 1] + width, float(np.min(cover[a:b])))
        for a, b in zip(edges[::2], edges[1::2], strict=True)
    ]
