"""Compact Position Reporting (CPR) decoding, column-wise.

ADS-B positions carry 17-bit CPR latitude and longitude fractions ``YZ/2^17`` and
``XZ/2^17`` in an even (F=0) or odd (F=1) format (DO-260B, A.1.7).

- Latitude zone size ``Dlat = 360/(4 NZ - F)`` airborne and ``90/(4 NZ - F)`` on the
  surface, NZ = 15. Longitude zones: ``NL(lat) - F`` of them (at least one).
- **Global decoding** takes one even and one odd message of the same aircraft (the
  caller pairs them, within 10 s airborne) and gives an unambiguous position,
  taken at the time of the more recent one. It fails when the two latitudes fall
  in different NL bands (the aircraft crossed a band edge between the messages).
- **Local decoding** takes one message and a reference position within half a zone
  (about 180 NM airborne, 45 NM on the surface) of the truth.
- **Surface** global decoding leaves a four-fold ambiguity (lat in [0, 90) or that
  minus 90; longitude plus k x 90 deg): the candidate nearest a reference is kept.

Angles are in degrees; longitudes are returned in [-180, 180). Rows that cannot be
decoded are NaN. Choosing pairs and references is the caller's job (:mod:`.decoder`).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

F64 = npt.NDArray[np.float64]
NZ = 15
SCALE = float(1 << 17)


def nl(lat: F64) -> F64:
    """Number of longitude zones at each latitude (1..59)."""
    lat = np.asarray(lat, dtype=np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        a = 1 - np.cos(np.pi / (2 * NZ))
        b = np.cos(np.pi / 180.0 * np.abs(lat)) ** 2
        out = np.floor(2 * np.pi / np.arccos(1 - a / b))
    out = np.where(np.abs(lat) >= 87.0, np.where(np.abs(lat) > 87.0, 1.0, 2.0), out)
    out = np.where(lat == 0, 59.0, out)
    return np.where(np.isnan(lat), np.nan, out)


def _wrap_lon(lon: F64) -> F64:
    return (lon + 180.0) % 360.0 - 180.0


def global_position(
    lat_even: F64,
    lon_even: F64,
    lat_odd: F64,
    lon_odd: F64,
    recent_odd: npt.NDArray[np.bool_],
    surface: bool = False,
    ref_lat: F64 | None = None,
) -> tuple[F64, F64]:
    """Globally decode even/odd pairs (raw 17-bit values) at the more recent one.

    For surface pairs the latitude comes out in [0, 90) and the longitude in one
    quadrant. The hemisphere must be settled before the number of longitude zones
    is taken (NL(89) is not NL(-1)): with ``ref_lat`` the latitude nearer the
    reference (``lat`` or ``lat - 90``) is used. Then resolve the longitude with
    :func:`resolve_surface`.
    """
    span = 90.0 if surface else 360.0
    ye, xe = lat_even / SCALE, lon_even / SCALE
    yo, xo = lat_odd / SCALE, lon_odd / SCALE
    j = np.floor(59 * ye - 60 * yo + 0.5)
    rlat_e = span / 60 * (np.mod(j, 60) + ye)
    rlat_o = span / 59 * (np.mod(j, 59) + yo)
    if not surface:
        rlat_e = np.where(rlat_e >= 270, rlat_e - 360, rlat_e)
        rlat_o = np.where(rlat_o >= 270, rlat_o - 360, rlat_o)
    elif ref_lat is not None:
        south = np.abs(rlat_e - 90.0 - ref_lat) < np.abs(rlat_e - ref_lat)
        rlat_e = np.where(south, rlat_e - 90.0, rlat_e)
        rlat_o = np.where(south, rlat_o - 90.0, rlat_o)
    nl_e, nl_o = nl(rlat_e), nl(rlat_o)
    lat = np.where(recent_odd, rlat_o, rlat_e)
    nl_lat = np.where(recent_odd, nl_o, nl_e)
    ni = np.maximum(nl_lat - recent_odd, 1)
    m = np.floor(xe * (nl_lat - 1) - xo * nl_lat + 0.5)
    x = np.where(recent_odd, xo, xe)
    lon = span / ni * (np.mod(m, ni) + x)
    bad = (nl_e != nl_o) | (np.abs(lat) > 90)
    lat = np.where(bad, np.nan, lat)
    lon = np.where(bad, np.nan, lon if surface else _wrap_lon(lon))
    return lat, lon


def local_position(
    lat_cpr: F64,
    lon_cpr: F64,
    odd: npt.NDArray[np.bool_],
    ref_lat: F64,
    ref_lon: F64,
    surface: npt.NDArray[np.bool_] | bool = False,
) -> tuple[F64, F64]:
    """Decode single messages against reference positions within half a zone."""
    span = np.where(surface, 90.0, 360.0)
    y, x = lat_cpr / SCALE, lon_cpr / SCALE
    dlat = span / (60 - odd)
    j = np.floor(ref_lat / dlat) + np.floor(0.5 + np.mod(ref_lat, dlat) / dlat - y)
    lat = dlat * (j + y)
    ni = np.maximum(nl(lat) - odd, 1)
    dlon = span / ni
    m = np.floor(ref_lon / dlon) + np.floor(0.5 + np.mod(ref_lon, dlon) / dlon - x)
    lon = _wrap_lon(dlon * (m + x))
    bad = np.abs(lat) > 90
    return np.where(bad, np.nan, lat), np.where(bad, np.nan, lon)


def resolve_surface(lat: F64, lon: F64, ref_lat: F64, ref_lon: F64) -> tuple[F64, F64]:
    """Pick, among the four surface solutions, the one nearest the reference.

    Rows without a reference (NaN) stay undecoded (NaN).
    """
    south = lat - 90.0
    lat_out = np.where(np.abs(south - ref_lat) < np.abs(lat - ref_lat), south, lat)
    k = np.round(_wrap_lon(ref_lon - lon) / 90.0)
    lon_out = _wrap_lon(lon + 90.0 * k)
    unknown = np.isnan(ref_lat) | np.isnan(ref_lon)
    return np.where(unknown, np.nan, lat_out), np.where(unknown, np.nan, lon_out)
