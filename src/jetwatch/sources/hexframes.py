"""Hex text of Mode S frames to a byte matrix, column-wise.

Given a text buffer and, per frame, where its hex digits start and how many there
are, returns the ``(N, 14)`` byte matrix that :mod:`jetwatch.decode` takes (short
56-bit frames fill the first 7 bytes) and a mask of the rows that were valid: 14 or
28 hex digits (either case), nothing else.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

_NIBBLE = np.full(256, 255, dtype=np.uint8)
for _i, _c in enumerate(b"0123456789abcdef"):
    _NIBBLE[_c] = _i
    _NIBBLE[ord(chr(_c).upper())] = _i


def hex_matrix(
    buf: npt.NDArray[np.uint8], starts: npt.NDArray[np.int64], lengths: npt.NDArray[np.int64]
) -> tuple[npt.NDArray[np.uint8], npt.NDArray[np.uint8], npt.NDArray[np.bool_]]:
    """Decode hex digits ``buf[starts[i] : starts[i] + lengths[i]]`` per row."""
    n = len(starts)
    msg = np.zeros((n, 14), dtype=np.uint8)
    nbytes = np.zeros(n, dtype=np.uint8)
    ok = np.zeros(n, dtype=bool)
    for width in (14, 28):
        rows = np.flatnonzero(lengths == width)
        if not len(rows):
            continue
        idx = starts[rows, None] + np.arange(width)
        nib = _NIBBLE[buf[idx]]
        good = (nib != 255).all(axis=1)
        msg[rows, : width // 2] = (nib[:, 0::2] << 4) | nib[:, 1::2]
        nbytes[rows] = width // 2
        ok[rows] = good
    return msg, nbytes, ok
