"""ADS-B aircraft identification (TC 1-4, BDS 0,8): callsign and emitter category.

ME layout (56 bits, numbered from 1): TC 1-5, CA 6-8, then eight 6-bit characters
in bits 9-56 from the alphabet ``#ABCDEFGHIJKLMNOPQRSTUVWXYZ##### ###############
0123456789######`` (``#`` marks a code that is not allowed, as dump1090 shows
it). Trailing spaces are
dropped. The emitter category is the set letter (TC 4 = A, 3 = B, 2 = C, 1 = D)
followed by CA, as readsb and tar1090 show it (``A3`` = large aircraft). A
category of ``A0``/``B0``/... means "no information" and is returned empty.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

CHARSET = np.frombuffer(
    b"#ABCDEFGHIJKLMNOPQRSTUVWXYZ##### ###############0123456789######", dtype=np.uint8
)
_SET_LETTER = np.frombuffer(b"?DCBA", dtype=np.uint8)


def callsign(me: npt.NDArray[np.uint64]) -> npt.NDArray[np.bytes_]:
    """Callsigns (``S8``, right-padded with spaces) of identification MEs."""
    chars = np.empty((len(me), 8), dtype=np.uint8)
    for k in range(8):
        chars[:, k] = CHARSET[((me >> np.uint64(42 - 6 * k)) & np.uint64(0x3F)).astype(np.intp)]
    return chars.view("S8").ravel()


def category(me: npt.NDArray[np.uint64]) -> npt.NDArray[np.bytes_]:
    """Emitter categories (``S2``: ``A3``…; empty when CA is 0) of identification MEs."""
    tc = (me >> np.uint64(51)).astype(np.intp)
    ca = ((me >> np.uint64(48)) & np.uint64(7)).astype(np.uint8)
    out = np.empty((len(me), 2), dtype=np.uint8)
    out[:, 0] = _SET_LETTER[np.clip(tc, 0, 4)]
    out[:, 1] = ord("0") + ca
    cat = out.view("S2").ravel().copy()
    cat[ca == 0] = b""
    return cat
