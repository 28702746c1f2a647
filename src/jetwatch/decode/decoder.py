"""Decoded messages into positions, with per-aircraft state kept across batches.

Within a batch, messages are sorted by (aircraft, time) and every look-back ("the
last odd CPR message of this aircraft", "its last callsign") is a running maximum of
row indices (:mod:`.lookback`), so the whole batch is handled in column operations,
never row by row.

1. **Airborne CPR, global.** Each airborne position message is paired with the last
   message of the other parity from the same aircraft, at most
   ``pair_window_s`` (10 s) older, and decoded globally at the newer one.
2. **Receiver reference.** ``receiver`` if given, else the median of the first
   batch's globally decoded airborne positions. It only resolves the 90-degree
   ambiguity of surface positions, so it may be hundreds of km off.
3. **Surface CPR, global** (pairs within ``surface_pair_window_s``), resolved
   against the aircraft's last known position, else the receiver reference.
4. **Local CPR.** Messages still without a position are decoded against the
   aircraft's last global position, if it is at most ``local_window_s`` old.
5. **Speed check** (:mod:`.speed`): a position no neighbour of the same aircraft
   can explain at ``max_speed_kt`` (+ ``speed_margin_km``) is implausible.
6. **Other fields** are taken as of each position: callsign and category from the
   last identification (``ident_window_s``), ground speed, track, vertical rate
   and GNSS-baro difference from the last velocity (``velocity_window_s``), squawk
   from the last DF5/21 or TC 28 (``squawk_window_s``), barometric altitude for
   GNSS-only positions from the last DF0/4/16/20 (``altitude_window_s``).

Between batches the decoder keeps, per aircraft, the last message of each kind and
the last accepted position (dropped after ``state_ttl_s``), and the set of trusted
addresses. Inputs without time stamps (plain AVR) are paired in arrival order with
no time windows, and get no speed check.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pyarrow as pa

from jetwatch import model
from jetwatch.decode import columns, cpr, speed
from jetwatch.decode.frames import decode
from jetwatch.decode.lookback import Sorted, by_aircraft_and_time, last_per_key
from jetwatch.messages import (
    K_AIRBORNE,
    K_ALT,
    K_IDENT,
    K_OTHER,
    K_POSREF,
    K_SQUAWK,
    K_SURFACE,
    K_VELOCITY,
    SOURCES,
    Messages,
    one_of,
)
from jetwatch.model import FrameBatch, Rejects

I64 = npt.NDArray[np.int64]
B = npt.NDArray[np.bool_]
F = npt.NDArray[np.float64]


@dataclass(frozen=True)
class DecoderSettings:
    """Windows (seconds) and limits of :class:`Decoder`; see the module docstring."""

    pair_window_s: float = 10.0
    surface_pair_window_s: float = 25.0
    local_window_s: float = 60.0
    surface_local_window_s: float = 30.0
    ident_window_s: float = 1800.0
    velocity_window_s: float = 10.0
    squawk_window_s: float = 300.0
    altitude_window_s: float = 10.0
    max_speed_kt: float = 1000.0
    speed_margin_km: float = 2.0
    state_ttl_s: float = 3600.0
    receiver: tuple[float, float] | None = None


@dataclass
class DecodeStats:
    """Counters over everything a decoder has seen."""

    frames: int = 0
    accepted: int = 0
    repaired: int = 0
    positions: int = 0
    position_messages: int = 0


class Decoder:
    """Stateful column-wise Mode S decoder: frames in, positions out."""

    def __init__(self, settings: DecoderSettings | None = None) -> None:
        self.settings = settings or DecoderSettings()
        self.known = np.zeros(1 << 24, dtype=bool)  # addresses proven by DF11/17/18
        self.carry = Messages.empty(0)
        self.reference = self.settings.receiver
        self.stats = DecodeStats()

    def fields(self, batch: FrameBatch) -> tuple[Messages, Rejects]:
        """Check and decode a batch of frames into messages (no positions yet).

        Only the set of trusted addresses is shared with :meth:`process`'s state, so
        this may run in another thread, one batch ahead of :meth:`process`.
        """
        msgs, rejects, repaired = decode(batch, self.known)
        self.stats.frames += len(batch)
        self.stats.repaired += repaired
        return msgs, rejects

    def decode(
        self, batch: FrameBatch, keep_all: bool = False
    ) -> tuple[pa.Table, Rejects, Messages | None]:
        """Decode one batch of raw frames.

        Returns the positions (:data:`~jetwatch.model.POSITIONS_SCHEMA`), the
        rejected frames, and (with ``keep_all``) every accepted message in batch order
        with its decoded position (NaN where none), for inspection and cross-checks.
        """
        msgs, rejects = self.fields(batch)
        return self.positions(batch, msgs, rejects, keep_all)

    def positions(
        self, batch: FrameBatch, msgs: Messages, rejects: Rejects, keep_all: bool = False
    ) -> tuple[pa.Table, Rejects, Messages | None]:
        """The second half of :meth:`decode`, for messages from :meth:`fields`."""
        table, implausible, out = self.process(msgs, batch.timed, batch.anchored, keep_all)
        for r in implausible.tolist():
            rejects.add(
                int(batch.offset[r]),
                "implausible_position",
                batch.msg[r, : int(batch.nbytes[r])].tobytes(),
                line=None if batch.line is None else int(batch.line[r]),
            )
        return table, rejects, out

    def process(
        self, msgs: Messages, timed: bool = True, anchored: bool = True, keep_all: bool = False
    ) -> tuple[pa.Table, npt.NDArray[np.int64], Messages | None]:
        """Positions from decoded messages (CPR where a position is still undecoded).

        Returns the positions, the ``row`` of each message whose position failed the
        speed check, and (with ``keep_all``) every message in input order with its
        decoded position, for inspection and cross-checks.
        """
        self.stats.accepted += len(msgs)
        if not keep_all:
            msgs = msgs.take(np.flatnonzero(self._useful(msgs)))
        merged = Messages.concat([self.carry, msgs])
        carry = np.zeros(len(merged), dtype=bool)
        carry[: len(self.carry)] = True
        order = by_aircraft_and_time(merged)
        s = Sorted(merged.take(order), carry[order], timed)
        flags = np.zeros(len(s.m), dtype=np.uint16)

        self._global_airborne(s)
        self._surface(s)
        self._local(s, flags)
        is_pos = one_of(s.m.kind, K_AIRBORNE, K_SURFACE) & ~s.carry
        self.stats.position_messages += int(is_pos.sum())
        implausible = self._implausible(s)
        s.m.lat[implausible] = np.nan
        s.m.lon[implausible] = np.nan
        emit = is_pos & ~np.isnan(s.m.lat)
        table = self._positions(s, emit, flags, anchored)
        self.stats.positions += table.num_rows
        self._keep_state(s, emit)

        if not keep_all:
            return table, s.m.row[implausible], None
        out = s.m.take(np.flatnonzero(~s.carry))
        return table, s.m.row[implausible], out.take(np.argsort(out.row, kind="stable"))

    @staticmethod
    def _useful(msgs: Messages) -> npt.NDArray[np.bool_]:
        """Messages that can change a position row: Mode S altitudes only matter for
        positions that carry no barometric altitude of their own (TC 20-22)."""
        gnss_only = (msgs.kind == K_AIRBORNE) & np.isnan(msgs.altitude)
        if gnss_only.any():
            return msgs.kind != K_OTHER
        return ~one_of(msgs.kind, K_OTHER, K_ALT)

    def _global_airborne(self, s: Sorted) -> None:
        m = s.m
        air = (m.kind == K_AIRBORNE) & ~s.carry & np.isnan(m.lat)
        cpr_air = (m.kind == K_AIRBORNE) & ~np.isnan(m.cpr_lat)
        self._pair(s, cpr_air, air, self.settings.pair_window_s, surface=False)
        if self.reference is None:
            got = air & ~np.isnan(m.lat)
            if got.any():
                self.reference = (float(np.median(m.lat[got])), float(np.median(m.lon[got])))

    def _pair(
        self, s: Sorted, kind: B, todo: B, window: float, surface: bool, ref_lat: F | None = None
    ) -> B:
        m = s.m
        even = s.last(kind & ~m.odd, window)
        odd = s.last(kind & m.odd, window)
        partner = np.where(m.odd, even, odd)
        rows = np.flatnonzero(todo & (partner >= 0))
        pe = np.where(m.odd[rows], partner[rows], rows)
        po = np.where(m.odd[rows], rows, partner[rows])
        lat, lon = cpr.global_position(
            m.cpr_lat[pe],
            m.cpr_lon[pe],
            m.cpr_lat[po],
            m.cpr_lon[po],
            m.odd[rows],
            surface,
            None if ref_lat is None else ref_lat[rows],
        )
        m.lat[rows], m.lon[rows] = lat, lon
        done = np.zeros(len(m), dtype=bool)
        done[rows] = ~np.isnan(lat)
        return done

    def _surface(self, s: Sorted) -> None:
        m = s.m
        surf = (m.kind == K_SURFACE) & ~np.isnan(m.cpr_lat)
        todo = surf & ~s.carry & np.isnan(m.lat)
        if not todo.any():
            return
        ref = s.previous(~np.isnan(m.lat), self.settings.state_ttl_s)
        fallback = self.reference or (np.nan, np.nan)
        ref_lat = np.where(ref >= 0, m.lat[np.maximum(ref, 0)], fallback[0])
        ref_lon = np.where(ref >= 0, m.lon[np.maximum(ref, 0)], fallback[1])
        window = self.settings.surface_pair_window_s
        done = self._pair(s, surf, todo, window, surface=True, ref_lat=ref_lat)
        rows = np.flatnonzero(done)
        m.lat[rows], m.lon[rows] = cpr.resolve_surface(
            m.lat[rows], m.lon[rows], ref_lat[rows], ref_lon[rows]
        )

    def _local(self, s: Sorted, flags: npt.NDArray[np.uint16]) -> None:
        m = s.m
        st = self.settings
        has = ~np.isnan(m.lat)
        cpr_ok = ~s.carry & ~has & ~np.isnan(m.cpr_lat)
        air = (m.kind == K_AIRBORNE) & cpr_ok
        surf = (m.kind == K_SURFACE) & cpr_ok
        ref_air = s.previous(has, st.local_window_s)
        ref_surf = s.previous(has, st.surface_local_window_s)
        ref = np.where(surf, ref_surf, ref_air)
        rows = np.flatnonzero((air | surf) & (ref >= 0))
        r = ref[rows]
        lat, lon = cpr.local_position(
            m.cpr_lat[rows], m.cpr_lon[rows], m.odd[rows], m.lat[r], m.lon[r], surf[rows]
        )
        m.lat[rows], m.lon[rows] = lat, lon
        flags[rows] |= model.FLAG_LOCAL_CPR

    def _implausible(self, s: Sorted) -> B:
        """The speed check (:mod:`.speed`) over this batch's positions, carried ones
        included as neighbours but never rejected."""
        m = s.m
        bad = np.zeros(len(m), dtype=bool)
        if not s.timed:
            return bad
        pos = np.flatnonzero(one_of(m.kind, K_AIRBORNE, K_SURFACE, K_POSREF) & ~np.isnan(m.lat))
        st = self.settings
        bad[pos] = speed.implausible(
            m.icao[pos], m.time[pos], m.lat[pos], m.lon[pos], st.max_speed_kt, st.speed_margin_km
        )
        return bad & ~s.carry & (m.kind != K_POSREF)

    def _positions(
        self, s: Sorted, emit: B, flags: npt.NDArray[np.uint16], anchored: bool
    ) -> pa.Table:
        m, st = s.m, self.settings
        ident = s.last(m.kind == K_IDENT, st.ident_window_s)
        vel = s.last(m.kind == K_VELOCITY, st.velocity_window_s)
        sq = s.last(m.kind == K_SQUAWK, st.squawk_window_s)
        alt = s.last(m.kind == K_ALT, st.altitude_window_s)
        rows = np.flatnonzero(emit)
        surf = m.kind[rows] == K_SURFACE

        def pick(values: npt.NDArray, idx: I64, empty: float | bytes) -> npt.NDArray:
            k = idx[rows]
            return np.where(k >= 0, values[np.maximum(k, 0)], empty)

        altitude = np.where(
            np.isnan(m.altitude[rows]), pick(m.altitude, alt, np.nan), m.altitude[rows]
        )
        altitude = np.where(surf, np.nan, altitude)
        geo = np.where(
            np.isnan(m.geo_altitude[rows]),
            m.altitude[rows] + pick(m.geo_diff, vel, np.nan),
            m.geo_altitude[rows],
        )
        gs = np.where(surf, m.gs[rows], pick(m.gs, vel, np.nan))
        track = np.where(surf, m.track[rows], pick(m.track, vel, np.nan))
        vrate = np.where(surf, np.nan, pick(m.vrate, vel, np.nan))
        f = flags[rows].copy()
        f[surf] |= model.FLAG_SURFACE_CPR
        f[m.non_icao[rows]] |= model.FLAG_NON_ICAO
        if not anchored:
            f |= model.FLAG_TIME_ESTIMATED
        cols = {
            "time": pa.array((m.time[rows] * 1e6).astype(np.int64), pa.timestamp("us")),
            "icao24": columns.hex_icao(m.icao[rows]),
            "callsign": columns.text(pick(m.callsign, ident, b""), strip=True),
            "lat": pa.array(m.lat[rows]),
            "lon": pa.array(m.lon[rows]),
            "altitude": columns.ints(altitude),
            "geo_altitude": columns.ints(geo),
            "ground_speed": columns.floats(gs),
            "track": columns.floats(track),
            "vertical_rate": columns.ints(vrate),
            "on_ground": pa.array(surf),
            "squawk": columns.text(pick(m.squawk, sq, b"")),
            "category": columns.text(pick(m.category, ident, b"")),
            "source": pa.DictionaryArray.from_arrays(
                pa.array(m.source[rows].astype(np.int8)), pa.array(SOURCES)
            ).cast(pa.string()),
            "flags": pa.array(f, pa.uint16()),
        }
        return pa.table(cols, schema=model.POSITIONS_SCHEMA)

    def _keep_state(self, s: Sorted, emit: B) -> None:
        """Carry, per aircraft, the last message of each kind and the last position."""
        m = s.m
        icao = m.icao.astype(np.uint64) << np.uint64(8)
        kinds = (K_IDENT, K_VELOCITY, K_SQUAWK, K_ALT, K_AIRBORNE, K_SURFACE)
        parity = (one_of(m.kind, K_AIRBORNE, K_SURFACE) & m.odd).astype(np.uint64)
        key_msg = icao | (m.kind.astype(np.uint64) << np.uint64(1)) | parity
        msg_rows = last_per_key(np.flatnonzero(one_of(m.kind, *kinds)), key_msg)
        refs_at = np.flatnonzero(emit | ((m.kind == K_POSREF) & s.carry))
        pos_rows = last_per_key(refs_at, icao)
        messages = m.take(msg_rows)
        messages.lat[:] = np.nan
        messages.lon[:] = np.nan
        refs = m.take(pos_rows)
        refs.kind[:] = K_POSREF
        state = Messages.concat([messages, refs])
        state.row[:] = -1
        if len(state) and s.timed:
            fresh = state.time >= np.nanmax(m.time) - self.settings.state_ttl_s
            state = state.take(np.flatnonzero(fresh))
        self.carry = state
