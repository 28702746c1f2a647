"""Mode S CRC-24 parity, computed over whole columns of frames.

Generator polynomial 0xFFF409 (ICAO Annex 10 Vol IV, 3.1.2.3.3). The parity field is
the last 24 bits of a 56- or 112-bit frame. The *residual* is the CRC of the data
bits XOR the parity field:

- DF11/17/18: the residual is 0 for an intact frame (DF11: IID in the low 7 bits).
- DF0/4/5/16/20/21: the parity is overlaid with the aircraft address
  (address/parity, AP), so the residual *is* the address.

Single-bit repair (as readsb does by default for DF17/18): the residual of a frame
with bit ``i`` flipped is the residual XOR the syndrome of bit ``i``, so a residual
equal to a syndrome names the bit to flip. The five downlink-format bits are never
repaired, so a repair cannot change a frame's type. Two-bit repair is out of scope.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

POLY = 0xFFF409


def _byte_table() -> npt.NDArray[np.uint32]:
    table = np.zeros(256, dtype=np.uint32)
    for byte in range(256):
        crc = byte << 16
        for _ in range(8):
            crc = (crc << 1) ^ POLY if crc & 0x800000 else crc << 1
        table[byte] = crc & 0xFFFFFF
    return table


TABLE = _byte_table()


def _word_table() -> npt.NDArray[np.uint32]:
    """CRC of every 16-bit value shifted through an empty register, for two-byte steps."""
    v = np.arange(1 << 16, dtype=np.uint32)
    first = TABLE[v >> 8]
    return ((first << 8) & 0xFFFFFF) ^ TABLE[((first >> 16) ^ (v & 0xFF)) & 0xFF]


WORD_TABLE = _word_table()


def residual(msg: npt.NDArray[np.uint8], nbytes: int) -> npt.NDArray[np.uint32]:
    """CRC residual of each row of ``msg`` taken as an ``nbytes``-byte frame (7 or 14).

    The data bytes are fed two at a time through :data:`WORD_TABLE` (the register's
    low byte moves up 16 bits; its top 16 bits, XOR the next two data bytes, index
    the table), then a last odd byte through :data:`TABLE`.
    """
    crc = np.zeros(len(msg), dtype=np.uint32)
    data = nbytes - 3
    for k in range(0, data - 1, 2):
        word = (msg[:, k].astype(np.uint32) << 8) | msg[:, k + 1]
        crc = ((crc & 0xFF) << 16) ^ WORD_TABLE[(crc >> 8) ^ word]
    if data % 2:
        crc = ((crc << 8) & 0xFFFFFF) ^ TABLE[(crc >> 16) ^ msg[:, data - 1]]
    parity = (
        (msg[:, nbytes - 3].astype(np.uint32) << 16)
        | (msg[:, nbytes - 2].astype(np.uint32) << 8)
        | msg[:, nbytes - 1]
    )
    return (crc ^ parity).astype(np.uint32)


def _syndromes(nbytes: int) -> tuple[npt.NDArray[np.uint32], npt.NDArray[np.int64]]:
    nbits = nbytes * 8
    probe = np.zeros((nbits, nbytes), dtype=np.uint8)
    bits = np.arange(nbits)
    probe[bits, bits // 8] = 0x80 >> (bits % 8)
    syn = residual(probe, nbytes)
    keep = bits >= 5  # never repair the downlink-format field
    order = np.argsort(syn[keep])
    return syn[keep][order], bits[keep][order]


_SYN_LONG = _syndromes(14)


def repair_single_bit(
    msg: npt.NDArray[np.uint8], res: npt.NDArray[np.uint32]
) -> npt.NDArray[np.bool_]:
    """Flip, in place, the one bit that explains each long frame's residual.

    Returns a mask of the rows repaired. Rows whose residual matches no single-bit
    syndrome are left untouched.
    """
    syn, bit = _SYN_LONG
    pos = np.searchsorted(syn, res)
    pos = np.minimum(pos, len(syn) - 1)
    fixable = (syn[pos] == res) & (res != 0)
    rows = np.flatnonzero(fixable)
    b = bit[pos[rows]]
    msg[rows, b // 8] ^= (0x80 >> (b % 8)).astype(np.uint8)
    return fixable
