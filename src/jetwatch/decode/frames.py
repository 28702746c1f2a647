"""Whole Mode S frames to a table of decoded fields, one row per accepted frame.

Frame layout: the downlink format (DF) is the first 5 bits; DF 0/4/5/11 frames are
56 bits, the others 112. A 56-bit format delivered in 112 bits (some receivers do)
is read from its first 56 bits; a 112-bit format in 56 bits is ``bad_length``.
Acceptance, as readsb does it:

- DF17/18 (extended squitter): CRC residual 0, else one flipped bit is repaired.
  The address is in bits 9-32. DF18 control field: CF 0/1 ADS-B, CF 2/5 TIS-B,
  CF 6 ADS-R; CF 3, 4 and 7 carry no ME decoded here (``unsupported``).
- DF11 (all-call reply): residual zero but for the 7-bit interrogator code.
- DF0/4/5/16/20/21: the parity is overlaid with the address, so the residual is the
  address. It is accepted only when that address is *known*: seen in a DF11/17/18
  of the same batch or earlier, or named by the recording itself next to the frame
  (``unknown_address`` otherwise).
- DF19, DF22 and DF24 and above are counted ``unsupported``.

Fields decoded: altitude (DF0/4/16/20, ADS-B airborne positions), squawk (DF5/21,
TC 28), callsign and category (TC 1-4), surface movement (TC 5-8), airborne
velocity (TC 19) and the raw CPR fields (TC 5-18, 20-22). Comm-B registers
(BDS 4,0 / 5,0 / 6,0 in DF20/21) are out of scope.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from jetwatch.decode import altitude, crc, identity, surface, velocity
from jetwatch.messages import (
    K_AIRBORNE,
    K_ALT,
    K_IDENT,
    K_SQUAWK,
    K_SURFACE,
    K_VELOCITY,
    S_ADSB,
    S_ADSR,
    S_MODES,
    S_TISB,
    Messages,
    one_of,
)
from jetwatch.model import FrameBatch, Rejects
from jetwatch.units import FT_PER_M

F64 = npt.NDArray[np.float64]

LONG_DF = np.zeros(32, dtype=bool)
LONG_DF[[16, 17, 18, 19, 20, 21, 22]] = True
LONG_DF[24:] = True


def _be(msg: npt.NDArray[np.uint8], first: int, count: int) -> npt.NDArray[np.uint64]:
    """Bytes ``first``..``first+count-1`` of each row as a big-endian integer."""
    out = np.zeros(len(msg), dtype=np.uint64)
    for k in range(count):
        out = (out << np.uint64(8)) | msg[:, first + k].astype(np.uint64)
    return out


def _reject(rejects: Rejects, batch: FrameBatch, rows: npt.NDArray[np.int64], reason: str) -> None:
    lines = batch.line
    for r in rows.tolist():
        n = int(batch.nbytes[r])
        rejects.add(
            int(batch.offset[r]),
            reason,
            batch.msg[r, :n].tobytes(),
            line=None if lines is None else int(lines[r]),
        )


def accept(
    batch: FrameBatch, known: npt.NDArray[np.bool_]
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.uint32], Rejects, int]:
    """Check length and parity.

    Returns accepted rows, their addresses, rejects and repairs. ``known`` is a
    table of 2^24 flags, one per address, updated in place with the addresses this
    batch proves; repaired frames are fixed in ``batch.msg`` in place.
    """
    rejects = Rejects()
    msg = batch.msg
    df = (msg[:, 0] >> 3).astype(np.intp)
    long_expected = LONG_DF[df]
    bad_len = long_expected & (batch.nbytes != 14)
    _reject(rejects, batch, np.flatnonzero(bad_len), "bad_length")

    res = np.zeros(len(msg), dtype=np.uint32)
    is_long = long_expected & ~bad_len
    is_short = ~long_expected
    res[is_long] = crc.residual(msg[is_long], 14)
    res[is_short] = crc.residual(msg[is_short], 7)

    es = ((df == 17) | (df == 18)) & ~bad_len
    broken = np.flatnonzero(es & (res != 0))
    repaired = 0
    if len(broken):
        sub = msg[broken]
        fixed = crc.repair_single_bit(sub, res[broken])
        msg[broken[fixed]] = sub[fixed]
        res[broken[fixed]] = 0
        repaired = int(fixed.sum())

    addr_in_frame = _be(msg, 1, 3).astype(np.uint32)
    es_ok = es & (res == 0)
    df11_ok = (df == 11) & ~bad_len & ((res & ~np.uint32(0x7F)) == 0)
    es_bad = es & (res != 0)
    df11_bad = (df == 11) & ~bad_len & ~df11_ok
    _reject(rejects, batch, np.flatnonzero(es_bad | df11_bad), "bad_crc")

    known[addr_in_frame[es_ok | df11_ok]] = True
    ap = one_of(df, 0, 4, 5, 16, 20, 21) & ~bad_len
    ap_known = ap & known[res & 0xFFFFFF]
    if batch.address is not None:
        ap_known |= ap & (res.astype(np.int64) == batch.address)
    _reject(rejects, batch, np.flatnonzero(ap & ~ap_known), "unknown_address")
    other = ~(bad_len | es | ap | (df == 11))
    _reject(rejects, batch, np.flatnonzero(other), "unsupported")

    rows = np.flatnonzero(es_ok | df11_ok | ap_known).astype(np.int64)
    icao = np.where(ap_known, res, addr_in_frame)[rows].astype(np.uint32)
    return rows, icao, rejects, repaired


def decode(batch: FrameBatch, known: npt.NDArray[np.bool_]) -> tuple[Messages, Rejects, int]:
    """Decode a batch of frames.

    Returns the accepted messages, the rejects and the number of single-bit repairs;
    ``known`` (see :func:`accept`) is updated in place.
    """
    rows, icao, rejects, repaired = accept(batch, known)
    n = len(rows)
    m = Messages.empty(n)
    m.row = rows
    m.icao = icao
    m.time = batch.time[rows]
    m.source[:] = S_MODES
    msg = batch.msg[rows]
    df = (msg[:, 0] >> 3).astype(np.intp)

    ac = one_of(df, 0, 4, 16, 20)
    m.altitude[ac] = altitude.ac13_ft(_be(msg[ac], 2, 2) & np.uint64(0x1FFF))
    m.kind[ac] = K_ALT
    sq = (df == 5) | (df == 21)
    m.squawk[sq] = altitude.squawk(_be(msg[sq], 2, 2) & np.uint64(0x1FFF))
    m.kind[sq] = K_SQUAWK

    cf = msg[:, 0] & 7
    es = (df == 17) | ((df == 18) & one_of(cf, 0, 1, 2, 5, 6))
    m.source[es] = S_ADSB
    m.source[(df == 18) & one_of(cf, 2, 5)] = S_TISB
    m.source[(df == 18) & (cf == 6)] = S_ADSR
    m.non_icao[(df == 18) & one_of(cf, 1, 5)] = True
    unsupported_es = (df == 18) & ~es
    if unsupported_es.any():
        _reject(rejects, batch, rows[unsupported_es], "unsupported")
    me = _be(msg, 4, 7)
    tc = np.where(es, (me >> np.uint64(51)).astype(np.intp), 0)

    ident = (tc >= 1) & (tc <= 4)
    m.callsign[ident] = identity.callsign(me[ident])
    m.category[ident] = identity.category(me[ident])
    m.kind[ident] = K_IDENT

    surf = (tc >= 5) & (tc <= 8)
    air = ((tc >= 9) & (tc <= 18)) | ((tc >= 20) & (tc <= 22))
    pos = surf | air
    m.odd[pos] = ((me[pos] >> np.uint64(34)) & np.uint64(1)).astype(bool)
    m.cpr_lat[pos] = ((me[pos] >> np.uint64(17)) & np.uint64(0x1FFFF)).astype(np.float64)
    m.cpr_lon[pos] = (me[pos] & np.uint64(0x1FFFF)).astype(np.float64)
    m.kind[surf] = K_SURFACE
    m.kind[air] = K_AIRBORNE
    m.gs[surf], m.track[surf] = surface.movement(me[surf])
    baro = (tc >= 9) & (tc <= 18)
    alt12 = ((me >> np.uint64(36)) & np.uint64(0xFFF)).astype(np.int64)
    m.altitude[baro] = altitude.ac12_ft(alt12[baro])
    gnss = (tc >= 20) & (tc <= 22)
    m.geo_altitude[gnss] = np.where(alt12[gnss] > 0, alt12[gnss] * FT_PER_M, np.nan)

    vel = tc == 19
    m.gs[vel], m.track[vel], m.vrate[vel], m.geo_diff[vel] = velocity.velocity(me[vel])
    m.kind[vel] = K_VELOCITY

    emerg = (tc == 28) & (((me >> np.uint64(48)) & np.uint64(7)) == 1)
    m.squawk[emerg] = altitude.squawk((me[emerg] >> np.uint64(32)) & np.uint64(0x1FFF))
    m.kind[emerg] = K_SQUAWK
    return m, rejects, repaired
