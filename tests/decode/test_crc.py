from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from jetwatch.decode import crc

GOOD = "8D4840D6202CC371C32CE0576098"


def _row(hexmsg: str) -> np.ndarray:
    return np.frombuffer(bytes.fromhex(hexmsg), np.uint8).reshape(1, -1).copy()


def _bitwise(data: bytes) -> int:
    """A plain bit-by-bit CRC-24 (Annex 10) to check the table-driven one."""
    reg = 0
    for byte in data:
        reg ^= byte << 16
        for _ in range(8):
            reg = ((reg << 1) ^ crc.POLY if reg & 0x800000 else reg << 1) & 0xFFFFFF
    return reg


def test_valid_frame_has_zero_residual() -> None:
    assert crc.residual(_row(GOOD), 14)[0] == 0


def test_address_parity_residual_is_the_address() -> None:
    # DF4 from the CDG capture of 393322
    assert crc.residual(_row("212800bf40f1ef"), 7)[0] == 0x393322


def test_every_single_bit_error_is_repaired_except_the_df_field() -> None:
    good = _row(GOOD)
    for bit in range(112):
        msg = good.copy()
        msg[0, bit // 8] ^= 0x80 >> (bit % 8)
        res = crc.residual(msg, 14)
        fixed = crc.repair_single_bit(msg, res)
        if bit < 5:
            assert not fixed[0]
        else:
            assert fixed[0], bit
            assert msg.tobytes() == good.tobytes()


def test_two_bit_errors_are_not_repaired_into_a_wrong_frame() -> None:
    msg = _row(GOOD)
    msg[0, 6] ^= 0x11
    res = crc.residual(msg, 14)
    before = msg.copy()
    fixed = crc.repair_single_bit(msg, res)
    if fixed[0]:
        assert crc.residual(msg, 14)[0] == 0
    else:
        assert (msg == before).all()


@given(st.lists(st.binary(min_size=14, max_size=14), min_size=1, max_size=40))
def test_table_crc_matches_bitwise(frames: list[bytes]) -> None:
    msg = np.frombuffer(b"".join(frames), np.uint8).reshape(-1, 14)
    got = crc.residual(msg, 14)
    short = crc.residual(np.ascontiguousarray(msg[:, :7]), 7)
    for k, f in enumerate(frames):
        assert got[k] == _bitwise(f[:11]) ^ int.from_bytes(f[11:], "big")
        assert short[k] == _bitwise(f[:4]) ^ int.from_bytes(f[4:7], "big")
