"""Where an exodus analysis reads its data: departures, activity and labels.

An analysis (:mod:`.analysis`) asks its source three things: the departures of a
scope in ``[since, until)`` (:func:`.departures.departures_sql`), the positions per
15-minute slot in a lat/lon box (:func:`jetwatch.store.activity.around_sql`, for
coverage), and the labels of the data (e.g. simulated). :class:`StoreSource` (the
default) answers from a store; :class:`jetwatch.spark.exodus.SparkSource` from the
output directory of ``jetwatch flights build --engine spark``, with the same
statements transpiled. Counting per bucket, the baseline and the scan then run on
the answers, whichever engine gave them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Protocol

import numpy as np
import numpy.typing as npt
import pyarrow as pa

from jetwatch.exodus.departures import Scope, departures
from jetwatch.store.activity import around, record
from jetwatch.store.db import Store

Slots = tuple[npt.NDArray[np.int64], npt.NDArray[np.float64]]
Span = tuple[float, float]  # (low, high), degrees


class Source(Protocol):
    def departures(self, where: Scope, since: dt.datetime, until: dt.datetime) -> pa.Table:
        """Departures in ``[since, until)`` (naive UTC), oldest first."""
        ...

    def activity(self, lat: Span, lon: Span, since: dt.datetime, until: dt.datetime) -> Slots:
        """Slot starts (UTC epoch s) and positions in the cells covering the box."""
        ...

    def labels(self) -> dict[str, int]:
        """Labels of the data (e.g. simulated) and how many inputs carry each."""
        ...


@dataclass
class StoreSource:
    """Everything from one store."""

    store: Store

    def departures(self, where: Scope, since: dt.datetime, until: dt.datetime) -> pa.Table:
        return departures(self.store, where, since, until)

    def activity(self, lat: Span, lon: Span, since: dt.datetime, until: dt.datetime) -> Slots:
        record(self.store.con)  # ingests made before the summary existed, or not yet built
        return around(self.store.con, lat, lon, since, until)

    def labels(self) -> dict[str, int]:
        return self.store.labels()
