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
# Two hex characters, read as one native-endian uint16, to their byte value (or 0x100).
_pair = np.arange(1 << 16, dtype=np.uint16).view(np.uint8).reshape(-1, 2)
_hi, _lo = _NIBBLE[_pair[:, 0]].astype(np.uint16), _NIBBLE[_pair[:, 1]].astype(np.uint16)
_BYTE = np.where((_hi == 255) | (_lo == 255), 0x100, (_hi << 4) | _lo).astype(np.uint16)


def windows(buf: npt.NDArray[np.uint8], width: int) -> npt.NDArray[np.uint8]:
    """A view of every ``width``-byte window of ``buf`` (row ``i`` starts at ``i``)."""
    if len(buf) < width:
        buf = np.concatenate([buf, np.zeros(width - len(buf), dtype=np.uint8)])
    return np.lib.stride_tricks.sliding_window_view(buf, width)


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
        chars = windows(buf, width)[starts[rows]]
        value = _BYTE[chars.view(np.uint16)]
        good = (value >> 8).max(axis=1, initial=0) == 0
        msg[rows, : width // 2] = value
        nbytes[rows] = width // 2
        ok[rows] = good
    return msg, nbytes, ok


def hex_int48(
    buf: npt.NDArray[np.uint8], starts: npt.NDArray[np.int64]
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.bool_]]:
    """12 hex digits at each start as integers (48 bits), and which were valid."""
    value = _BYTE[windows(buf, 12)[starts].view(np.uint16)]
    good = (value >> 8).max(axis=1, initial=0) == 0
    wide = np.zeros((len(starts), 8), dtype=np.uint8)
    wide[:, 2:] = value
    return wide.view(">u8").ravel().astype(np.int64), good
