"""Every AC13 altitude and ID13 squawk code, checked against pyModeS."""

from __future__ import annotations

import numpy as np
import pyModeS

from jetwatch.decode import altitude


def _df_frame(df: int, code: int) -> str:
    return (((df << 27) | code).to_bytes(4, "big") + b"\0\0\0").hex()


def test_all_altitude_codes_match_pymodes() -> None:
    codes = np.arange(1 << 13)
    mine = altitude.ac13_ft(codes)
    for code in codes.tolist():
        theirs = pyModeS.decode(_df_frame(4, code)).get("altitude")
        if theirs is None:
            assert np.isnan(mine[code]), code
        else:
            assert mine[code] == theirs, code


def test_all_squawks_match_pymodes() -> None:
    codes = np.arange(1 << 13)
    mine = altitude.squawk(codes)
    for code in codes.tolist():
        assert mine[code].decode() == pyModeS.decode(_df_frame(5, code))["squawk"]


def test_ac12_is_ac13_without_the_m_bit() -> None:
    # 0xC38 -> 38,000 ft (Q bit set, 25 ft steps) as in the classic example frame
    assert altitude.ac12_ft(np.array([0xC38]))[0] == 38000
