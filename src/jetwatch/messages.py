"""Decoded messages in columns: the vocabulary shared by readers and the decoder.

A :class:`Messages` table has one row per message that updates one piece of an
aircraft's state (its *kind*): identification, surface or airborne position,
velocity, squawk or altitude. Raw frames become messages in
:mod:`jetwatch.decode.frames`; already-decoded inputs (SBS) are read straight into
messages. Missing values are NaN for numbers and empty for byte strings. Units:
feet, knots, degrees, feet per minute, unix seconds (UTC).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

F64 = npt.NDArray[np.float64]

# Message kinds (one per piece of state a message updates).
K_OTHER, K_IDENT, K_SURFACE, K_AIRBORNE, K_VELOCITY, K_SQUAWK, K_ALT, K_POSREF = range(8)
SOURCES = np.array(["adsb", "tisb", "adsr", "modes", "sbs"])
S_ADSB, S_TISB, S_ADSR, S_MODES, S_SBS = range(5)


@dataclass
class Messages:
    """Decoded fields of accepted frames (NaN / empty where a frame has no such field)."""

    row: npt.NDArray[np.int64]  # index in the source batch (-1 for carried state)
    icao: npt.NDArray[np.uint32]
    time: F64
    kind: npt.NDArray[np.uint8]
    source: npt.NDArray[np.uint8]
    non_icao: npt.NDArray[np.bool_]
    altitude: F64
    callsign: npt.NDArray[np.bytes_]
    category: npt.NDArray[np.bytes_]
    squawk: npt.NDArray[np.bytes_]
    gs: F64
    track: F64
    vrate: F64
    geo_diff: F64
    geo_altitude: F64
    odd: npt.NDArray[np.bool_]
    cpr_lat: F64
    cpr_lon: F64
    lat: F64
    lon: F64

    def __len__(self) -> int:
        return len(self.row)

    def take(self, idx: npt.NDArray[np.int64]) -> Messages:
        return Messages(**{k: v[idx] for k, v in self.__dict__.items()})

    @staticmethod
    def concat(parts: list[Messages]) -> Messages:
        return Messages(
            **{k: np.concatenate([p.__dict__[k] for p in parts]) for k in parts[0].__dict__}
        )

    @staticmethod
    def empty(n: int) -> Messages:
        nan = np.full(n, np.nan)
        return Messages(
            row=np.full(n, -1, dtype=np.int64),
            icao=np.zeros(n, dtype=np.uint32),
            time=nan.copy(),
            kind=np.zeros(n, dtype=np.uint8),
            source=np.zeros(n, dtype=np.uint8),
            non_icao=np.zeros(n, dtype=bool),
            altitude=nan.copy(),
            callsign=np.zeros(n, dtype="S8"),
            category=np.zeros(n, dtype="S2"),
            squawk=np.zeros(n, dtype="S4"),
            gs=nan.copy(),
            track=nan.copy(),
            vrate=nan.copy(),
            geo_diff=nan.copy(),
            geo_altitude=nan.copy(),
            odd=np.zeros(n, dtype=bool),
            cpr_lat=nan.copy(),
            cpr_lon=nan.copy(),
            lat=nan.copy(),
            lon=nan.copy(),
        )


def one_of(codes: npt.NDArray[np.integer], *options: int) -> npt.NDArray[np.bool_]:
    """``codes`` (small non-negative integers) that equal one of ``options``."""
    table = np.zeros(256, dtype=bool)
    table[list(options)] = True
    return table[codes]
