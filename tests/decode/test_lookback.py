"""The column-wise look-backs against a loop over the rows."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from jetwatch.decode.lookback import Sorted, by_aircraft_and_time
from jetwatch.messages import Messages

ROWS = st.lists(
    st.tuples(st.integers(0, 3), st.integers(0, 40), st.booleans()), min_size=0, max_size=60
)


def _sorted(rows: list[tuple[int, int, bool]], timed: bool) -> tuple[Sorted, np.ndarray]:
    m = Messages.empty(len(rows))
    m.icao = np.array([r[0] for r in rows], dtype=np.uint32)
    m.time = np.array([float(r[1]) for r in rows])
    order = by_aircraft_and_time(m)
    mask = np.array([r[2] for r in rows], dtype=np.bool_)[order]
    return Sorted(m.take(order), np.zeros(len(rows), dtype=np.bool_), timed), mask


@settings(max_examples=300, deadline=None)
@given(rows=ROWS, window=st.sampled_from([0.0, 5.0, 1e9]), timed=st.booleans())
def test_last_and_previous_are_the_latest_earlier_row_of_the_aircraft(
    rows: list[tuple[int, int, bool]], window: float, timed: bool
) -> None:
    s, mask = _sorted(rows, timed)
    icao, time = s.m.icao, s.m.time

    def expected(i: int, strictly: bool) -> int:
        for j in range(i - strictly, -1, -1):
            if icao[j] != icao[i]:
                return -1
            if mask[j] and (not timed or time[i] - time[j] <= window):
                return j
            if mask[j]:
                return -1  # the latest such row is too old: none
        return -1

    assert s.last(mask, window).tolist() == [expected(i, False) for i in range(len(rows))]
    assert s.previous(mask, window).tolist() == [expected(i, True) for i in range(len(rows))]
