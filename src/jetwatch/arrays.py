"""Arrow columns as numpy arrays, and the few array steps that sorted data needs.

Used where a pass over sorted positions is vectorised (flights, the watch tracker):
NULLs become NaN (:func:`floats`), timestamps µs since the epoch (:func:`micros`),
and :func:`changes` marks where a sorted column takes a new value.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

Ints = npt.NDArray[np.int64]
Floats = npt.NDArray[np.float64]
Bools = npt.NDArray[np.bool_]


def floats(column: pa.ChunkedArray | pa.Array) -> Floats:
    """A numeric column as float64, NULL as NaN."""
    return np.asarray(column.to_numpy(zero_copy_only=False), dtype=np.float64)


def micros(column: pa.ChunkedArray | pa.Array) -> Ints:
    """A timestamp column as µs since the epoch (UTC)."""
    unit = column.type
    if unit.unit != "us":
        column = pc.cast(column, pa.timestamp("us", unit.tz))
    return np.asarray(column.cast(pa.int64()), dtype=np.int64)


def shifted(a: npt.NDArray, first: object) -> npt.NDArray:
    """``a`` one place later: the previous value at each position."""
    out = np.empty_like(a)
    out[0] = first
    out[1:] = a[:-1]
    return out


def changes(column: pa.ChunkedArray | pa.Array) -> Bools:
    """Where a value differs from the one before (NULLs equal; the first: True)."""
    a = column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column
    out = np.ones(len(a), dtype=bool)
    if len(a) > 1:
        valid = np.asarray(a.is_valid())
        out[1:] = np.asarray(pc.fill_null(pc.not_equal(a[1:], a[:-1]), False)) | (
            valid[1:] != valid[:-1]
        )
    return out
