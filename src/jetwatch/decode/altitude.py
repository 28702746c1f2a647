"""Altitude codes (AC13, AC12) and 4096 identity codes (ID13), by lookup table.

AC13 (DF0/4/16/20, bits 20-32) is ``C1 A1 C2 A2 C4 A4 M B1 Q B2 D2 B4 D4``:

- ``M = 1``: metric altitude; not decoded (NaN), as in readsb.
- ``Q = 1``: 25 ft steps. Drop M and Q; the 11 bits left, N, give ``25 N - 1000`` ft.
- ``Q = 0``: Gillham code in 100 ft steps (the Q position then holds D1). The gray
  code ``D2 D4 A1 A2 A4 B1 B2 B4`` counts 500 ft steps and ``C1 C2 C4`` 100 ft steps.

AC12 (the ADS-B airborne position, ME bits 9-20) is AC13 without the M bit.
ID13 (DF5/21 and ADS-B TC28) is ``C1 A1 C2 A2 C4 A4 X B1 D1 B2 D2 B4 D4``; the
squawk digits are ``A4A2A1 B4B2B1 C4C2C1 D4D2D1`` in octal.

Every 13-bit value is decoded once into a table at import, so a column of codes is
decoded by indexing. Units: feet. Invalid codes are NaN (altitude) or ``b""`` (squawk).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

# Bit positions (from the most significant of 13) of the AC13 / ID13 letters.
C1, A1, C2, A2, C4, A4, M, B1, Q, B2, D2, B4, D4 = range(13)
D1 = Q


def _bit(code: int, pos: int) -> int:
    return (code >> (12 - pos)) & 1


def _gray_to_int(bits: list[int]) -> int:
    value = 0
    acc = 0
    for b in bits:
        acc ^= b
        value = (value << 1) | acc
    return value


def _ac13(code: int) -> float:
    if _bit(code, M):
        return np.nan
    if _bit(code, Q):
        n = ((code & 0x1F80) >> 2) | ((code & 0x0020) >> 1) | (code & 0x000F)
        return 25.0 * n - 1000.0
    if _bit(code, D1):
        return np.nan  # D1 set only above 126,750 ft: never valid for aircraft
    n500 = _gray_to_int([_bit(code, p) for p in (D2, D4, A1, A2, A4, B1, B2, B4)])
    n100 = _gray_to_int([_bit(code, p) for p in (C1, C2, C4)])
    if n100 in (0, 5, 6):
        return np.nan
    if n100 == 7:
        n100 = 5
    if n500 % 2:
        n100 = 6 - n100
    return float(n500 * 500 + n100 * 100 - 1300)


def _id13(code: int) -> bytes:
    def digit(a: int, b: int, c: int) -> int:
        return _bit(code, a) << 2 | _bit(code, b) << 1 | _bit(code, c)

    return bytes(
        str(d).encode()[0]
        for d in (digit(A4, A2, A1), digit(B4, B2, B1), digit(C4, C2, C1), digit(D4, D2, D1))
    )


AC13_FT: npt.NDArray[np.float64] = np.array([_ac13(c) for c in range(1 << 13)])
AC13_FT[0] = np.nan  # all zeros: altitude not available
SQUAWK: npt.NDArray[np.bytes_] = np.array([_id13(c) for c in range(1 << 13)], dtype="S4")


def ac13_ft(code: npt.NDArray[np.integer]) -> npt.NDArray[np.float64]:
    """Decode 13-bit altitude codes to feet (NaN when not available or invalid)."""
    return AC13_FT[code.astype(np.int64) & 0x1FFF]


def ac12_ft(code: npt.NDArray[np.integer]) -> npt.NDArray[np.float64]:
    """Decode the 12-bit ADS-B altitude code (AC13 without M) to feet."""
    c = code.astype(np.int64) & 0xFFF
    return AC13_FT[((c & 0xFC0) << 1) | (c & 0x3F)]


def squawk(code: npt.NDArray[np.integer]) -> npt.NDArray[np.bytes_]:
    """Decode 13-bit identity codes to 4-digit octal squawks."""
    return SQUAWK[code.astype(np.int64) & 0x1FFF]
