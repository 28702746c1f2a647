"""Where and when to keep: a box and a UTC time range, from the command line.

``--bbox S,N,W,E`` (degrees) is taken as given. ``--area NAME`` becomes the box
around the area's airports widened by ``margin_km`` (default 60 km: a departure
is kept from its take-off roll, an arrival from its approach). A box may cross the
antimeridian (W > E). Days are ``DAY`` or ``DAY..DAY`` (inclusive), UTC: a
day's window runs from its midnight to the next.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from jetwatch.dates import parse_day, unix
from jetwatch.errors import JetwatchError
from jetwatch.reference import areas as area_lib
from jetwatch.reference.airports import Airports

MARGIN_KM = 60.0
KM_PER_DEG = 111.2


@dataclass(frozen=True)
class Box:
    south: float
    north: float
    west: float
    east: float
    name: str  # the area's name, or the box as given

    def contains(
        self, lat: npt.NDArray[np.float64], lon: npt.NDArray[np.float64]
    ) -> npt.NDArray[np.bool_]:
        inside_lat = (lat >= self.south) & (lat <= self.north)
        if self.west <= self.east:
            return inside_lat & (lon >= self.west) & (lon <= self.east)
        return inside_lat & ((lon >= self.west) | (lon <= self.east))

    @property
    def text(self) -> str:
        return f"{self.south:g},{self.north:g},{self.west:g},{self.east:g}"


def parse_bbox(text: str) -> Box:
    """``S,N,W,E`` in degrees."""
    try:
        s, n, w, e = (float(v) for v in text.split(","))
    except ValueError:
        raise JetwatchError("expected S,N,W,E in degrees", value=text, where="--bbox") from None
    finite = all(math.isfinite(v) for v in (s, n, w, e))
    if not finite or not -90 <= s < n <= 90 or not -180 <= w <= 180 or not -180 <= e <= 180:
        raise JetwatchError(
            "expected -90 <= S < N <= 90 and W, E within -180..180", value=text, where="--bbox"
        )
    return Box(s, n, w, e, text)


def area_box(name: str, margin_km: float = MARGIN_KM) -> Box:
    """The box around a named area's airports, widened by ``margin_km``."""
    airports = Airports()
    codes = area_lib.get(name).resolve(airports)
    places = [airports.get(c) or {} for c in codes]
    lat = np.array([float(p["lat"]) for p in places])  # type: ignore[arg-type]
    lon = np.array([float(p["lon"]) for p in places])  # type: ignore[arg-type]
    dlat = margin_km / KM_PER_DEG
    dlon = margin_km / (KM_PER_DEG * max(math.cos(math.radians(float(np.abs(lat).max()))), 0.05))
    return Box(
        max(-90.0, float(lat.min()) - dlat),
        min(90.0, float(lat.max()) + dlat),
        max(-180.0, float(lon.min()) - dlon),
        min(180.0, float(lon.max()) + dlon),
        name,
    )


def box(area: str | None, bbox: str | None) -> Box:
    if (area is None) == (bbox is None):
        raise JetwatchError("give --area NAME or --bbox S,N,W,E (one of them)")
    return area_box(area) if area is not None else parse_bbox(bbox or "")


MAX_AIRPORTS = 60


def airports(area: str | None, box: Box, given: Sequence[str] = ()) -> list[str]:
    """The airports to ask an API about: those given, else the area's, else the box's
    airports with an IATA code (those with scheduled service), at most
    :data:`MAX_AIRPORTS`."""
    if given:
        codes = [c.strip().upper() for c in given]
        bad = [c for c in codes if not re.fullmatch(r"[A-Z0-9]{4}", c)]
        if bad:
            raise JetwatchError("expected a four-letter ICAO code", value=bad[0], where="--airport")
        return codes
    table = Airports()
    if area is not None:
        return area_lib.get(area).resolve(table)
    lat = table.table.column("lat").to_numpy()
    lon = table.table.column("lon").to_numpy()
    served = np.array([c is not None for c in table.table.column("iata").to_pylist()])
    inside = box.contains(lat, lon) & served
    codes = sorted(str(c) for c in np.array(table.table.column("icao").to_pylist())[inside])
    if not codes:
        raise JetwatchError("no airport with scheduled service in the box: give --airport")
    if len(codes) > MAX_AIRPORTS:
        raise JetwatchError(
            f"{len(codes)} airports with scheduled service in the box: name some with "
            "--airport, or use --area",
            value=box.text,
            where="--bbox",
        )
    return codes


def days(text: str) -> list[dt.date]:
    """``DAY`` or ``DAY..DAY`` (inclusive), at most 366 days."""
    first, sep, last = text.partition("..")
    a = parse_day(first, "DAYS")
    b = parse_day(last, "DAYS") if sep else a
    if b < a:
        raise JetwatchError("the range ends before it starts", value=text, where="DAYS")
    if (b - a).days >= 366:
        raise JetwatchError("at most 366 days at a time", value=text, where="DAYS")
    return [a + dt.timedelta(days=i) for i in range((b - a).days + 1)]


def span(day: dt.date) -> tuple[float, float]:
    """Unix seconds of a UTC day's start and end."""
    start = dt.datetime.combine(day, dt.time())
    return unix(start), unix(start + dt.timedelta(days=1))
