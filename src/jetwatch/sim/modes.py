"""Mode S extended squitter (DF17) encoders, column-wise, with real CPR and CRC-24.

Frames are 14 bytes: ``0x8D`` (DF17, capability 5), the 24-bit address, a 56-bit
ME field and the 24-bit parity (:func:`jetwatch.decode.crc.residual` of the data).
ME layouts (DO-260B, bits numbered from 1):

- identification, TC 4..1 for emitter sets A..D: TC(5) category(3) 8 x 6-bit chars
  (A-Z = 1-26, space = 32, 0-9 = 48-57);
- airborne position, TC 11: TC(5) SS(2) SAF(1) altitude(12, Q-bit set, 25 ft steps
  from -1,000 to 50,175 ft) T(1) F(1) lat(17) lon(17);
- surface position, TC 7: TC(5) movement(7) track status(1) track(7, 360/128 deg)
  T(1) F(1) lat(17) lon(17);
- airborne velocity, TC 19 subtype 1 (ground speed): east-west and north-south
  speeds in kt (sign + value + 1), vertical rate in 64 ft/min steps from the
  barometric source, and the GNSS minus baro altitude difference in 25 ft steps.

CPR encoding follows DO-260B A.1.7.7 with 17 bits (airborne: 360 deg zones,
surface: 90 deg). Altitudes are rounded to 25 ft, speeds to 1 kt, vertical rates
to 64 ft/min: a decoder gets those values back exactly. Comm-B, DF11 and Mode A/C
replies are out of scope.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from jetwatch.decode.cpr import nl
from jetwatch.decode.crc import residual
from jetwatch.decode.surface import MOVEMENT_KT

F64 = npt.NDArray[np.float64]
U64 = npt.NDArray[np.uint64]
CHARS = "#ABCDEFGHIJKLMNOPQRSTUVWXYZ##### ###############0123456789######"
EMITTER_SET = {"A": 4, "B": 3, "C": 2, "D": 1}


def _bits(fields: list[tuple[npt.ArrayLike, int]]) -> U64:
    """Pack (value, width) columns, most significant first, into 56-bit MEs."""
    me = np.zeros(np.broadcast(*[np.asarray(v) for v, _ in fields]).shape, dtype=np.uint64)
    for value, width in fields:
        v = np.asarray(value).astype(np.uint64) & np.uint64((1 << width) - 1)
        me = (me << np.uint64(width)) | v
    return me


def frames(icao: npt.ArrayLike, me: U64) -> npt.NDArray[np.uint8]:
    """DF17 frames (N, 14) for addresses and ME fields, parity included."""
    icao = np.asarray(icao, dtype=np.uint64)
    n = len(me)
    msg = np.zeros((n, 14), dtype=np.uint8)
    msg[:, 0] = 0x8D
    for k in range(3):
        msg[:, 1 + k] = (icao >> np.uint64(16 - 8 * k)) & np.uint64(0xFF)
    for k in range(7):
        msg[:, 4 + k] = (me >> np.uint64(48 - 8 * k)) & np.uint64(0xFF)
    parity = residual(msg, 14)
    msg[:, 11] = parity >> 16
    msg[:, 12] = (parity >> 8) & 0xFF
    msg[:, 13] = parity & 0xFF
    return msg


def cpr(lat: F64, lon: F64, odd: npt.NDArray[np.bool_], surface: bool = False) -> tuple[U64, U64]:
    """17-bit CPR latitude and longitude of positions, even or odd format."""
    span = 90.0 if surface else 360.0
    i = odd.astype(np.float64)
    dlat = span / (60.0 - i)
    yz = np.floor(131072.0 * np.mod(lat, dlat) / dlat + 0.5)
    rlat = dlat * (yz / 131072.0 + np.floor(lat / dlat))
    zones = nl(rlat) - i
    dlon = np.where(zones > 0, span / np.maximum(zones, 1), span)
    xz = np.floor(131072.0 * np.mod(lon, dlon) / dlon + 0.5)
    return np.mod(yz, 131072).astype(np.uint64), np.mod(xz, 131072).astype(np.uint64)


def identification(callsign: list[str], emitter: list[str]) -> U64:
    """TC 1-4 MEs for callsigns (up to 8 characters, A-Z, 0-9, space)."""
    codes = np.zeros((len(callsign), 8), dtype=np.uint64)
    for row, text in enumerate(callsign):
        padded = (text.upper() + " " * 8)[:8]
        codes[row] = [CHARS.index(c) if c in CHARS and c != "#" else 32 for c in padded]
    tc = np.array([EMITTER_SET.get(e[:1], 4) for e in emitter])
    cat = np.array([int(e[1:] or 0) for e in emitter])
    return _bits([(tc, 5), (cat, 3), *[(codes[:, k], 6) for k in range(8)]])


def altitude_code(alt_ft: F64) -> U64:
    n = np.clip(np.round((alt_ft + 1000.0) / 25.0), 0, 2047).astype(np.uint64)
    return ((n >> np.uint64(4)) << np.uint64(5)) | np.uint64(0x10) | (n & np.uint64(0xF))


def airborne_position(lat: F64, lon: F64, alt_ft: F64, odd: npt.NDArray[np.bool_]) -> U64:
    y, x = cpr(lat, lon, odd)
    return _bits(
        [(11, 5), (0, 2), (0, 1), (altitude_code(alt_ft), 12), (0, 1), (odd, 1), (y, 17), (x, 17)]
    )


def movement_code(gs_kt: F64) -> U64:
    """The movement code whose scale value is nearest each ground speed."""
    table = np.nan_to_num(MOVEMENT_KT[1:125], nan=-1.0)
    idx = np.searchsorted(table, gs_kt)
    lo = np.clip(idx - 1, 0, len(table) - 1)
    hi = np.clip(idx, 0, len(table) - 1)
    best = np.where(np.abs(table[lo] - gs_kt) <= np.abs(table[hi] - gs_kt), lo, hi)
    return (best + 1).astype(np.uint64)


def surface_position(lat: F64, lon: F64, gs_kt: F64, track: F64, odd: npt.NDArray[np.bool_]) -> U64:
    y, x = cpr(lat, lon, odd, surface=True)
    trk = np.round(np.mod(track, 360.0) * 128.0 / 360.0).astype(np.uint64) % np.uint64(128)
    return _bits(
        [(7, 5), (movement_code(gs_kt), 7), (1, 1), (trk, 7), (0, 1), (odd, 1), (y, 17), (x, 17)]
    )


def velocity(gs_kt: F64, track: F64, vrate_fpm: F64, geo_minus_baro_ft: F64) -> U64:
    rad = np.radians(track)
    ew = np.round(gs_kt * np.sin(rad))
    ns = np.round(gs_kt * np.cos(rad))
    vr = np.round(np.abs(vrate_fpm) / 64.0)
    diff = np.round(np.abs(geo_minus_baro_ft) / 25.0)
    return _bits(
        [
            (19, 5),
            (1, 3),
            (0, 1),
            (0, 1),
            (0, 3),
            (ew < 0, 1),
            (np.minimum(np.abs(ew), 1022) + 1, 10),
            (ns < 0, 1),
            (np.minimum(np.abs(ns), 1022) + 1, 10),
            (1, 1),
            (vrate_fpm < 0, 1),
            (np.minimum(vr, 510) + 1, 9),
            (0, 2),
            (geo_minus_baro_ft < 0, 1),
            (np.minimum(diff, 126) + 1, 7),
        ]
    )


def velocity_values(gs_kt: F64, track: F64, vrate_fpm: F64) -> tuple[F64, F64, F64]:
    """Ground speed, track and vertical rate as a decoder reads them back from :func:`velocity`."""
    rad = np.radians(track)
    ew, ns = np.round(gs_kt * np.sin(rad)), np.round(gs_kt * np.cos(rad))
    vr = np.round(np.abs(vrate_fpm) / 64.0) * 64.0 * np.sign(vrate_fpm)
    return np.hypot(ew, ns), np.degrees(np.arctan2(ew, ns)) % 360.0, vr
