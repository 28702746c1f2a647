"""SBS-1 / BaseStation CSV, as dump1090/readsb serve it on TCP port 30003.

``MSG,<type>,session,aircraft,HEX,flight,date gen,time gen,date log,time log,
callsign,altitude,gs,track,lat,lon,vrate,squawk,alert,emergency,spi,onground``
(22 fields). Units as sent: altitude ft, ground speed kt, track deg, vertical rate
ft/min. Transmission types used: 1 identification (callsign), 2 surface position,
3 airborne position, 4 velocity, 5 and 7 altitude, 6 squawk; 8 carries nothing kept.
``SEL``/``ID``/``AIR``/``STA``/``CLK`` lines are skipped without counting as errors.

Times are the "generated" date and time, read as UTC, which readsb writes
(dump1090-mutability writes the receiver's local time: convert such logs to UTC
first). A ``~`` before the hex marks a non-ICAO address. Lines with a
bad hex, type or date are ``unparsable``; values outside physical limits
(|lat| > 90, |lon| > 180, a time outside 1970–2100, and altitude, speed, track or
vertical rate outside :data:`jetwatch.sources.bounds.LIMITS`) are ``out_of_range``.
A callsign that is not up to 8 printable characters, or a squawk that is not 4
octal digits, is dropped. Messages are assembled into positions by the decoder, so
callsign, velocity and squawk join each position as of its time.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from jetwatch.compress import Stream
from jetwatch.messages import (
    K_AIRBORNE,
    K_ALT,
    K_IDENT,
    K_OTHER,
    K_SQUAWK,
    K_SURFACE,
    K_VELOCITY,
    S_SBS,
    Messages,
)
from jetwatch.model import MessageBatch, Rejects
from jetwatch.sources import bounds
from jetwatch.sources.context import ReadContext
from jetwatch.sources.lines import line_chunks

NAME = "sbs"
KIND = {1: K_IDENT, 2: K_SURFACE, 3: K_AIRBORNE, 4: K_VELOCITY, 5: K_ALT, 6: K_SQUAWK, 7: K_ALT}
OTHER_LINES = (b"SEL", b"ID", b"AIR", b"STA", b"CLK")
REPEAT_S = 60.0
LIMITS = {
    "altitude": bounds.LIMITS["altitude"],
    "gs": bounds.LIMITS["ground_speed"],
    "track": bounds.LIMITS["track"],
    "vrate": bounds.LIMITS["vertical_rate"],
    "lat": (-90, 90),
    "lon": (-180, 180),
    "time": (bounds.TIME_MIN, bounds.TIME_MAX),
}


def sniff(head: bytes) -> bool:
    lines = [ln for ln in head.splitlines()[:20] if ln.strip()]
    good = [ln for ln in lines if ln.split(b",", 1)[0] in (b"MSG", *OTHER_LINES)]
    return bool(lines) and len(good) >= max(1, len(lines) // 2)


class _Dates:
    """Parses ``YYYY/MM/DD`` once per distinct date."""

    def __init__(self) -> None:
        self.cache: dict[bytes, float] = {}

    def __call__(self, date: bytes, clock: bytes) -> float:
        day = self.cache.get(date)
        if day is None:
            y, m, d = (int(x) for x in date.split(b"/"))
            day = dt.datetime(y, m, d, tzinfo=dt.UTC).timestamp()
            self.cache[date] = day
        h, mi, sec = clock.split(b":")
        hh, mm, ss = int(h), int(mi), float(sec)
        if not (0 <= hh < 24 and 0 <= mm < 60 and 0 <= ss < 61):
            raise ValueError("time of day out of range")
        return day + hh * 3600 + mm * 60 + ss


def _within(value: float, limits: tuple[float, float]) -> bool:
    return bool(np.isnan(value)) or limits[0] <= value <= limits[1]


def _text(check: Callable[[object], str | None], cell: bytes) -> bytes:
    value = check(cell.decode("ascii", "replace"))
    return value.encode() if value else b""


def _num(cell: bytes) -> float:
    return float(cell) if cell.strip() else np.nan


def read(stream: Stream, ctx: ReadContext) -> Iterator[MessageBatch]:
    dates = _Dates()
    for chunk in line_chunks(stream.chunks()):
        rejects = Rejects()
        rows: list[tuple] = []
        offsets: list[int] = []
        lines: list[int] = []
        raws: list[bytes] = []
        for line_no, here, text in chunk.lines():
            f = text.split(b",")
            if f[0] in OTHER_LINES:
                continue
            try:
                if f[0] != b"MSG" or len(f) < 22:
                    raise ValueError("not a 22-field MSG line")
                kind = KIND.get(int(f[1]), K_OTHER)
                ident = bounds.address(f[4].decode("ascii", "replace"))
                if ident is None:
                    raise ValueError("hex ident is not 6 hex digits")
                icao, non_icao = int(ident[0], 16), ident[1]
                t = dates(f[6] or f[8], f[7] or f[9])
                alt, gs, trk = _num(f[11]), _num(f[12]), _num(f[13])
                lat, lon, vr = _num(f[14]), _num(f[15]), _num(f[16])
            except ValueError as exc:
                rejects.add(here, "unparsable", text, str(exc)[:80], line=line_no)
                continue
            values = {
                "altitude": alt,
                "gs": gs,
                "track": trk,
                "vrate": vr,
                "lat": lat,
                "lon": lon,
                "time": t,
            }
            bad = [n for n, v in values.items() if not _within(v, LIMITS[n])]
            if bad:
                rejects.add(here, "out_of_range", text, ", ".join(bad), line=line_no)
                continue
            if kind in (K_AIRBORNE, K_SURFACE) and (np.isnan(lat) or np.isnan(lon)):
                kind = K_ALT if kind == K_AIRBORNE and not np.isnan(alt) else K_OTHER
            callsign = _text(bounds.callsign, f[10])
            squawk = _text(bounds.squawk, f[17])
            rows.append((icao, t, kind, non_icao, alt, callsign, squawk, gs, trk, vr, lat, lon))
            offsets.append(here)
            lines.append(line_no)
            raws.append(text)
        yield MessageBatch(_messages(rows), offsets, lines, raws, rejects)


def _messages(rows: list[tuple]) -> Messages:
    m = Messages.empty(len(rows))
    if not rows:
        return m
    icao, t, kind, non_icao, alt, callsign, squawk, gs, trk, vr, lat, lon = zip(*rows, strict=True)
    m.row = np.arange(len(rows), dtype=np.int64)
    m.icao = np.array(icao, dtype=np.uint32)
    m.time = np.array(t)
    m.kind = np.array(kind, dtype=np.uint8)
    m.source[:] = S_SBS
    m.non_icao = np.array(non_icao, dtype=bool)
    m.altitude = np.array(alt)
    m.callsign = np.array(callsign, dtype="S8")
    m.squawk = np.array(squawk, dtype="S4")
    m.gs = np.array(gs)
    m.track = np.array(trk)
    m.vrate = np.array(vr)
    m.lat = np.array(lat)
    m.lon = np.array(lon)
    return m


def format_positions(rows: list[dict[str, object]]) -> bytes:
    """SBS lines (MSG 1, 3 or 2, 4, 6) for position rows in the positions schema.

    Before each position: an identification line and a squawk line when the value
    changes or was last written :data:`REPEAT_S` ago (as a live feed repeats
    them), and a velocity line when the ground speed is known, so that a reader
    joining them "as of" the position gets them back.
    """
    out: list[str] = []
    last_call: dict[str, tuple[object, dt.datetime]] = {}
    last_squawk: dict[str, tuple[object, dt.datetime]] = {}

    def due(
        last: dict[str, tuple[object, dt.datetime]], icao: str, value: object, when: object
    ) -> bool:
        assert isinstance(when, dt.datetime)
        before = last.get(icao)
        if before is None or before[0] != value or (when - before[1]).total_seconds() >= REPEAT_S:
            last[icao] = (value, when)
            return True
        return False

    def line(kind: int, r: dict[str, object], fields: list[object]) -> str:
        when = r["time"]
        assert isinstance(when, dt.datetime)
        date, clock = when.strftime("%Y/%m/%d"), when.strftime("%H:%M:%S.%f")[:-3]
        hexid = str(r["icao24"]).upper()
        cells = ["" if v is None else str(v) for v in fields]
        return f"MSG,{kind},1,1,{hexid},1,{date},{clock},{date},{clock}," + ",".join(cells)

    def num(value: object, digits: int = 0) -> object:
        if value is None:
            return None
        return round(float(value), digits) if digits else int(round(float(value)))  # type: ignore[arg-type]

    for r in rows:
        icao = str(r["icao24"])
        ground = "-1" if r["on_ground"] else "0"
        if r["callsign"] and due(last_call, icao, r["callsign"], r["time"]):
            out.append(line(1, r, [r["callsign"], *[None] * 10, "0"]))
        if r["squawk"] and due(last_squawk, icao, r["squawk"], r["time"]):
            ident = [None, num(r["altitude"]), *[None] * 5, r["squawk"], "0", "0", "0", ground]
            out.append(line(6, r, ident))
        if r["on_ground"]:
            pos = [None, None, num(r["ground_speed"], 1), num(r["track"], 1)]
            out.append(line(2, r, [*pos, r["lat"], r["lon"], None, None, None, None, None, ground]))
            continue
        if r["ground_speed"] is not None:
            vel = [num(r["ground_speed"], 1), num(r["track"], 1), None, None]
            out.append(line(4, r, [None, None, *vel, num(r["vertical_rate"]), *[None] * 5]))
        pos = [None, num(r["altitude"]), None, None, r["lat"], r["lon"]]
        out.append(line(3, r, [*pos, None, None, "0", "0", "0", ground]))
    return ("\r\n".join(out) + "\r\n").encode() if out else b""


def format_table(table: pa.Table) -> list[str]:
    """Port-30003 lines (without line ends) for rows of ``kind`` 1 (identification),
    2 (surface position), 3 (airborne position) or 4 (velocity), with ``time`` (unix s,
    float), ``icao24``, ``callsign``, ``altitude``, ``ground_speed``, ``track``,
    ``lat``, ``lon``, ``vertical_rate``, ``on_ground`` and, optionally, ``squawk``
    (on position rows). Column-wise: no Python loop over rows."""
    t = table.column("time").to_numpy()
    whole = np.floor(t).astype(np.int64)
    stamp = pc.strftime(
        pa.array(whole, pa.int64()).cast(pa.timestamp("s", "UTC")), format="%Y/%m/%d,%H:%M:%S"
    )
    millis = np.minimum(np.round((t - whole) * 1000).astype(np.int64), 999)
    ms = pc.utf8_lpad(pc.cast(pa.array(millis), pa.string()), 3, "0")
    when = pc.binary_join_element_wise(stamp, ms, ".")
    kind = table.column("kind").to_numpy()
    n = len(kind)

    def cell(name: str, digits: int | None, rows: npt.NDArray[np.bool_]) -> pa.Array:
        col = table.column(name)
        if digits is not None:
            col = pc.round(col, digits) if digits else pc.cast(pc.round(col, 0), pa.int64())
        text = pc.fill_null(pc.cast(col, pa.string()), "")
        return pc.if_else(pa.array(rows), text, "")

    def same(text: str) -> pa.Array:
        return pa.array([text] * n)

    pos = (kind == 2) | (kind == 3)
    ground = pc.if_else(table.column("on_ground"), "-1", "0")
    squawk = cell("squawk", None, pos) if "squawk" in table.column_names else same("")
    cells = [
        pc.binary_join_element_wise(same("MSG"), pc.cast(pa.array(kind), pa.string()), ","),
        same("1"),
        same("1"),
        pc.utf8_upper(table.column("icao24")),
        same("1"),
        when,
        when,
        pc.fill_null(pc.if_else(pa.array(kind == 1), table.column("callsign"), ""), ""),
        cell("altitude", 0, kind == 3),
        cell("ground_speed", 1, (kind == 4) | (kind == 2)),
        cell("track", 1, (kind == 4) | (kind == 2)),
        cell("lat", None, pos),
        cell("lon", None, pos),
        cell("vertical_rate", 0, kind == 4),
        squawk,
        pc.if_else(pa.array(pos), "0", ""),
        pc.if_else(pa.array(pos), "0", ""),
        pc.if_else(pa.array(pos), "0", ""),
        pc.if_else(pa.array(pos), pc.fill_null(ground, "0"), ""),
    ]
    return [str(x) for x in pc.binary_join_element_wise(*cells, ",").to_pylist()]
