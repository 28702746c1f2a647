"""Sorted positions, a batch of whole aircraft at a time, segmented on every core.

The segmentation (:func:`jetwatch.flights.summary.flights`) needs each aircraft's
positions together and in time order. :func:`whole_aircraft` takes Arrow record
batches of positions sorted by ``(icao24, time)`` (DuckDB's ``fetch_record_batch``,
any size) and yields tables that end where an aircraft ends: the last aircraft of a
batch waits for the next. Tables of about a million rows keep the arrays in cache
and memory bounded whatever the input.

:func:`flights_of` segments those tables on ``threads`` threads (numpy releases the
GIL in its array loops), at most two tables per thread in flight, and returns the
flights in input order with the count of positions left out.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from jetwatch.flights.segment import Settings
from jetwatch.flights.summary import SCHEMA, flights

BATCH_ROWS = 1_000_000


def whole_aircraft(batches: Iterable[pa.RecordBatch]) -> Iterator[pa.Table]:
    """Tables of whole aircraft from batches sorted by ``(icao24, time)``."""
    carry: list[pa.RecordBatch] = []
    for batch in batches:
        if not batch.num_rows:
            continue
        cut = _last_start(batch.column("icao24"))
        if cut == 0:  # one aircraft throughout: it goes on
            carry.append(batch)
            continue
        yield pa.Table.from_batches([*carry, batch.slice(0, cut)])
        carry = [batch.slice(cut)]
    if carry:
        yield pa.Table.from_batches(carry)


def _last_start(icao24: pa.Array) -> int:
    """Where the last aircraft of a sorted column begins (looking back from the end)."""
    last, span = icao24[-1], 4096
    while True:
        tail = icao24[max(0, len(icao24) - span) :]
        other = np.flatnonzero(~np.asarray(pc.fill_null(pc.equal(tail, last), False)))
        if len(other):
            return len(icao24) - len(tail) + int(other[-1]) + 1
        if len(tail) == len(icao24):
            return 0
        span *= 8


def flights_of(
    tables: Iterable[pa.Table], s: Settings, threads: int | None = None
) -> tuple[pa.Table, int]:
    """The flights of whole-aircraft ``tables`` and the positions left out."""
    workers = threads or min(4, os.cpu_count() or 1)
    found: list[pa.Table] = []
    excluded = 0
    with ThreadPoolExecutor(max_workers=workers) as pool:
        pending: deque[Future[tuple[pa.Table, int]]] = deque()
        for table in tables:
            pending.append(pool.submit(flights, table, s))
            while len(pending) > 2 * workers or (pending and pending[0].done()):
                part, left_out = pending.popleft().result()
                found.append(part)
                excluded += left_out
        for future in pending:
            part, left_out = future.result()
            found.append(part)
            excluded += left_out
    return pa.concat_tables(found) if found else SCHEMA.empty_table(), excluded
