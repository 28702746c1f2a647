"""DF17 encoders: every frame decodes, with the values encoded, in jetwatch, pyModeS and rs1090."""

from __future__ import annotations

import numpy as np
import pyModeS
import rs1090
from hypothesis import given, settings
from hypothesis import strategies as st

from jetwatch.decode import Decoder
from jetwatch.decode.crc import residual
from jetwatch.geo import haversine_km
from jetwatch.messages import K_AIRBORNE, K_IDENT, K_SURFACE, K_VELOCITY
from jetwatch.model import FrameCollector
from jetwatch.sim import modes

LAT = st.floats(-85, 85, allow_nan=False)
LON = st.floats(-180, 179.999, allow_nan=False)
# 25 ft steps from -1,000 ft; rs1090 0.7 drops frames above 50,000 ft (valid up to 50,175)
ALT = st.integers(0, 2040).map(lambda n: n * 25 - 1000)


def decode_jetwatch(msg: np.ndarray, times: np.ndarray, reference=None):
    collect = FrameCollector()
    for k, (frame, t) in enumerate(zip(msg, times, strict=True)):
        collect.add(bytes(frame), float(t), k)
    from jetwatch.decode import DecoderSettings

    _, _, m = Decoder(DecoderSettings(receiver=reference)).decode(collect.batch(), keep_all=True)
    assert m is not None
    return m


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(LAT, LON, ALT), min_size=1, max_size=20))
def test_airborne_positions_round_trip(points: list[tuple[float, float, int]]) -> None:
    lat = np.repeat([p[0] for p in points], 2)
    lon = np.repeat([p[1] for p in points], 2)
    alt = np.repeat([float(p[2]) for p in points], 2)
    odd = np.tile([False, True], len(points))
    icao = np.repeat(0x140000 + np.arange(len(points)), 2)
    msg = modes.frames(icao, modes.airborne_position(lat, lon, alt, odd))
    assert (residual(msg, 14) == 0).all()
    times = 1e9 + np.arange(len(msg)) * 0.5
    m = decode_jetwatch(msg, times)
    pos = np.flatnonzero((m.kind == K_AIRBORNE) & ~np.isnan(m.lat))
    assert len(pos) >= len(points)  # at least the second frame of each pair
    rows = m.row[pos]
    assert (haversine_km(m.lat[pos], m.lon[pos], lat[rows], lon[rows]) * 1000 <= 5.0).all()
    assert (m.altitude[pos] == alt[rows]).all()
    hexes = [bytes(r).hex() for r in msg]
    for k, h in enumerate(hexes):
        theirs = pyModeS.decode(h, reference=(lat[k] + 0.3, ((lon[k] + 180.2) % 360) - 180))
        assert theirs["crc_valid"] and theirs["altitude"] == alt[k]
        d = haversine_km(
            np.array([theirs["latitude"]]),
            np.array([theirs["longitude"]]),
            lat[k : k + 1],
            lon[k : k + 1],
        )
        assert d[0] * 1000 <= 5.0
    out = rs1090.decode(hexes, times.tolist())
    assert len(out) == len(hexes)
    got = [(k, o) for k, o in enumerate(out) if o.get("latitude") is not None]
    assert got
    for k, o in got:
        d = haversine_km(
            np.array([o["latitude"]]), np.array([o["longitude"]]), lat[k : k + 1], lon[k : k + 1]
        )
        assert d[0] * 1000 <= 5.0 and o["altitude"] == alt[k]


@settings(max_examples=40, deadline=None)
@given(st.floats(-80, 80), st.floats(-179, 179), st.floats(0, 180), st.floats(0, 359.9))
def test_surface_positions_round_trip(lat: float, lon: float, gs: float, track: float) -> None:
    la, lo = np.array([lat, lat]), np.array([lon, lon])
    msg = modes.frames(
        np.full(2, 0x4CA123),
        modes.surface_position(la, lo, np.full(2, gs), np.full(2, track), np.array([False, True])),
    )
    ref = (lat + 0.05, lon - 0.05)
    m = decode_jetwatch(msg, np.array([1e9, 1e9 + 0.5]), reference=ref)
    pos = np.flatnonzero((m.kind == K_SURFACE) & ~np.isnan(m.lat))
    assert len(pos)
    assert (haversine_km(m.lat[pos], m.lon[pos], la[pos], lo[pos]) * 1000 <= 5.0).all()
    code = modes.movement_code(np.array([gs]))[0]
    for h in (bytes(r).hex() for r in msg):
        theirs = pyModeS.decode(h, surface_ref=ref)
        assert theirs["crc_valid"] and theirs["movement"] == code
        assert abs((theirs["track"] - track + 180) % 360 - 180) <= 360 / 256 + 1e-9
        d = haversine_km(
            np.array([theirs["latitude"]]), np.array([theirs["longitude"]]), la[:1], lo[:1]
        )
        assert d[0] * 1000 <= 5.0


@settings(max_examples=60, deadline=None)
@given(st.floats(0, 700), st.floats(0, 359.99), st.floats(-6000, 6000), st.integers(-120, 120))
def test_velocity_round_trip(gs: float, track: float, vrate: float, diff25: int) -> None:
    g, t, v = modes.velocity_values(np.array([gs]), np.array([track]), np.array([vrate]))
    msg = modes.frames(
        np.array([0x3C4B26]),
        modes.velocity(
            np.array([gs]), np.array([track]), np.array([vrate]), np.array([diff25 * 25.0])
        ),
    )
    h = bytes(msg[0]).hex()
    theirs = pyModeS.decode(h)
    assert theirs["crc_valid"] and theirs["vertical_rate"] == v[0]
    assert theirs["geo_minus_baro"] == diff25 * 25
    out = rs1090.decode([h], [1e9])[0]
    assert abs(out["groundspeed"] - g[0]) < 1e-6
    if g[0] > 0:
        assert abs((out["track"] - t[0] + 180) % 360 - 180) < 1e-6
    m = decode_jetwatch(msg, np.array([1e9]))
    row = np.flatnonzero(m.kind == K_VELOCITY)[0]
    assert abs(m.gs[row] - g[0]) < 1e-6 and m.vrate[row] == v[0]


@given(st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", min_size=1, max_size=8))
@settings(max_examples=60, deadline=None)
def test_identification_round_trip(callsign: str) -> None:
    msg = modes.frames(np.array([0x151F53]), modes.identification([callsign], ["A3"]))
    theirs = pyModeS.decode(bytes(msg[0]).hex())
    assert theirs["crc_valid"] and theirs["callsign"] == callsign and theirs["category"] == 3
    m = decode_jetwatch(msg, np.array([1e9]))
    row = np.flatnonzero(m.kind == K_IDENT)[0]
    assert m.callsign[row].decode().strip() == callsign
