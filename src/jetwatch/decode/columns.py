"""numpy columns to Arrow arrays for the positions table, without per-row Python.

Addresses become 6 lowercase hex digits; fixed-width byte strings (callsign, squawk,
category) become strings with padding removed and empty ones null; NaN becomes null.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pyarrow as pa

HEX = np.frombuffer(b"0123456789abcdef", dtype=np.uint8)


def hex_icao(icao: npt.NDArray[np.uint32]) -> pa.Array:
    """24-bit addresses as 6 lowercase hex digits."""
    n = len(icao)
    chars = np.empty((n, 6), dtype=np.uint8)
    for k in range(6):
        chars[:, k] = HEX[(icao >> np.uint32(20 - 4 * k)) & np.uint32(0xF)]
    return pa.Array.from_buffers(
        pa.string(),
        n,
        [None, pa.py_buffer(np.arange(0, 6 * n + 1, 6, dtype=np.int32)), pa.py_buffer(chars)],
    )


def text(values: npt.NDArray[np.bytes_], strip: bool = False) -> pa.Array:
    """Fixed-width byte strings to a string column; empty ones become null."""
    width = values.dtype.itemsize
    n = len(values)
    raw = (
        np.ascontiguousarray(values).view(np.uint8).reshape(n, width)
        if n
        else np.zeros((0, width), np.uint8)
    )
    filler = (raw == 0) | ((raw == ord(" ")) if strip else False)
    keep = ~filler
    lengths = np.where(keep.any(axis=1), width - np.argmax(keep[:, ::-1], axis=1), 0)
    offsets = np.zeros(n + 1, dtype=np.int32)
    np.cumsum(lengths, out=offsets[1:])
    mask = np.arange(width) < lengths[:, None]
    data = raw[mask]
    valid = lengths > 0
    return pa.Array.from_buffers(
        pa.string(),
        n,
        [
            pa.py_buffer(np.packbits(valid, bitorder="little")),
            pa.py_buffer(offsets),
            pa.py_buffer(data),
        ],
    )


def floats(values: npt.NDArray[np.float64]) -> pa.Array:
    """NaN as null (without ``from_pandas``, which imports pandas when installed)."""
    return pa.array(values.astype(np.float32), pa.float32(), mask=np.isnan(values))


def ints(values: npt.NDArray[np.float64]) -> pa.Array:
    ok = ~np.isnan(values)
    return pa.array(np.where(ok, np.round(values), 0).astype(np.int32), pa.int32(), mask=~ok)
