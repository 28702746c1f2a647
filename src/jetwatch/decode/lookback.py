"""Per-aircraft look-backs over messages sorted by (address, time), column-wise.

Sorting a batch by (address, time) makes every "latest earlier message of this
aircraft with property P" a running maximum of row indices (``np.maximum.accumulate``
over ``where(P, row, -1)``), checked for the same address and a time window. This
is how the decoder pairs CPR messages, finds reference positions and joins fields
as of each position without a loop over rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from jetwatch.messages import Messages

I64 = npt.NDArray[np.int64]
B = npt.NDArray[np.bool_]


@dataclass
class Sorted:
    """A batch (plus carried state) sorted by aircraft and time."""

    m: Messages
    carry: B
    timed: bool
    i: I64 = field(init=False)

    def __post_init__(self) -> None:
        self.i = np.arange(len(self.m), dtype=np.int64)

    def last(self, mask: B, window: float) -> I64:
        """Index of the latest row at or before each row with ``mask``, same aircraft,
        at most ``window`` seconds older; -1 where there is none."""
        return self._valid(np.maximum.accumulate(np.where(mask, self.i, -1)), window)

    def previous(self, mask: B, window: float) -> I64:
        """Like :meth:`last` but strictly before each row."""
        acc = np.maximum.accumulate(np.where(mask, self.i, -1))
        return self._valid(np.concatenate([[-1], acc])[: len(acc)].astype(np.int64), window)

    def _valid(self, idx: I64, window: float) -> I64:
        safe = np.maximum(idx, 0)
        ok = (idx >= 0) & (self.m.icao[safe] == self.m.icao)
        if self.timed:
            ok &= (self.m.time - self.m.time[safe]) <= window
        return np.where(ok, idx, -1)


def by_aircraft_and_time(m: Messages) -> I64:
    """Stable order by (address, time): one radix-friendly key when times allow."""
    if not len(m):
        return np.arange(0, dtype=np.int64)
    t0 = np.nanmin(m.time)
    offset_us = np.round((m.time - t0) * 1e6)
    if np.nanmax(offset_us) < 2**38 and not np.isnan(offset_us).any():
        key = (m.icao.astype(np.int64) << 38) | offset_us.astype(np.int64)
        return np.argsort(key, kind="stable")
    return np.lexsort((np.arange(len(m)), m.time, m.icao))


def last_per_key(rows: I64, key: npt.NDArray[np.uint64]) -> I64:
    """The last of ``rows`` (in order) for each distinct ``key``."""
    if not len(rows):
        return rows
    _, first = np.unique(key[rows][::-1], return_index=True)
    return rows[len(rows) - 1 - first]
