"""A report's map: flight tracks over a basemap, as inline SVG.

The projection is equirectangular, scaled by cos(mid latitude) so shapes look right
away from the poles. The basemap is drawn from data the package ships:

- country borders (:mod:`.borders`, Natural Earth 1:50m, public domain);
- a graticule every 1, 2, 5 or 10 degrees (whatever gives a few lines), labelled;
- towns: the municipalities of airports with an IATA code (OurAirports, public
  domain), placed at their airports' mean position: a town is on the map because
  airline traffic serves it, so small towns without one are missing;
- a scale bar in km (true at the map's middle latitude).

Airports the flights used are labelled first, then towns by their number of IATA
airports; a label that would overlap another (or a dot) is left out, never drawn
over. Every label is escaped. Out of scope: areas spanning the poles or the
antimeridian.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from html import escape

from jetwatch.reports import borders
from jetwatch.reports.svg import f1, svg_open

CHAR_PX = 6.3  # width of a character of the 11-px label font, about
LINE_PX = 12
KM_PER_DEG = 111.32
Box = tuple[float, float, float, float]


def _free(box: Box, taken: list[Box]) -> bool:
    x0, y0, x1, y1 = box
    return all(x1 <= a0 or x0 >= a1 or y1 <= b0 or y0 >= b1 for a0, b0, a1, b1 in taken)


def place(
    x: float, y: float, text: str, taken: list[Box], width: float, height: float
) -> tuple[float, float] | None:
    """Where ``text`` goes beside the dot at (x, y): right, left, above or below, the
    first that overlaps nothing in ``taken`` and stays on the map (added to it); None
    when none does."""
    w, h = len(text) * CHAR_PX, LINE_PX
    for tx, ty in ((x + 5, y + 4), (x - 5 - w, y + 4), (x - w / 2, y - 6), (x - w / 2, y + 15)):
        box = (tx, ty - h + 2, tx + w, ty + 3)
        if (
            box[0] >= 0
            and box[2] <= width
            and box[1] >= 0
            and box[3] <= height
            and _free(box, taken)
        ):
            taken.append(box)
            return tx, ty
    return None


def _step(span: float) -> float:
    return next((s for s in (0.5, 1.0, 2.0, 5.0, 10.0, 20.0) if span / s <= 8), 30.0)


def _scale_km(km_per_px: float, width: float) -> float:
    want = km_per_px * width / 5
    return max(
        (d for d in (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000) if d <= want), default=1
    )


def track_map(
    tracks: Sequence[tuple[str, Sequence[tuple[float, float]]]],
    airports: Sequence[tuple[str, float, float]],
    towns: Sequence[tuple[str, float, float]] = (),
    width: int = 900,
    margin_deg: float = 1.0,
    max_aspect: float = 0.75,
) -> str:
    """Tracks (id, [(lon, lat)…]) and the airports they used (code, lon, lat) over the
    basemap; ``towns`` (name, lon, lat), most important first."""
    points = [p for _, t in tracks for p in t] + [(lon, lat) for _, lon, lat in airports]
    if not points:
        return ""
    lon0 = min(p[0] for p in points) - margin_deg
    lon1 = max(p[0] for p in points) + margin_deg
    lat0 = min(p[1] for p in points) - margin_deg
    lat1 = max(p[1] for p in points) + margin_deg
    k = math.cos(math.radians((lat0 + lat1) / 2))
    widen = (lat1 - lat0) / max_aspect / k - (lon1 - lon0)
    if widen > 0:  # no taller than max_aspect: widen the view around the tracks
        lon0, lon1 = lon0 - widen / 2, lon1 + widen / 2
    sx = width / max((lon1 - lon0) * k, 1e-6)
    height = max(200, round((lat1 - lat0) * sx))

    def x(lon: float) -> float:
        return (lon - lon0) * k * sx

    def y(lat: float) -> float:
        return (lat1 - lat) * sx

    out = [svg_open(width, height, "map"), f'<rect width="{width}" height="{height}" class="sea"/>']
    for ring in borders.within(lon0, lat0, lon1, lat1):
        pts = " ".join(f"{f1(x(lon))},{f1(y(lat))}" for lon, lat in ring)
        out.append(f'<polygon points="{pts}" class="land"/>')
    step = _step(max(lon1 - lon0, lat1 - lat0))
    for g in range(math.ceil(lon0 / step), math.floor(lon1 / step) + 1):
        gx = f1(x(g * step))
        out.append(f'<line x1="{gx}" x2="{gx}" y1="0" y2="{height}" class="graticule"/>')
        out.append(f'<text x="{gx}" y="{height - 4}" class="grid-label">{g * step:g}°</text>')
    for g in range(math.ceil(lat0 / step), math.floor(lat1 / step) + 1):
        gy = f1(y(g * step))
        out.append(f'<line x1="0" x2="{width}" y1="{gy}" y2="{gy}" class="graticule"/>')
        out.append(f'<text x="3" y="{f1(y(g * step) - 3)}" class="grid-label">{g * step:g}°</text>')
    for ident, t in tracks:
        pts = " ".join(f"{f1(x(lon))},{f1(y(lat))}" for lon, lat in t)
        out.append(
            f'<polyline points="{pts}" class="track" id="track-{escape(ident)}">'
            f"<title>{escape(ident)}</title></polyline>"
        )
    scale = _scale_km(KM_PER_DEG / sx, width)
    bar = scale / KM_PER_DEG * sx
    taken: list[Box] = [(8, height - 40, 8 + bar + 60, height - 14)]  # the scale bar
    out.append(
        f'<rect x="8" y="{height - 40}" width="{f1(bar + 50)}" height="24" class="scale-back"/>'
        f'<line x1="14" x2="{f1(14 + bar)}" y1="{height - 22}" y2="{height - 22}" class="scale"/>'
        f'<text x="14" y="{height - 27}" class="grid-label">{scale:g} km</text>'
    )
    dots = [(x(lon), y(lat)) for _, lon, lat in airports]
    taken += [(dx - 3, dy - 3, dx + 3, dy + 3) for dx, dy in dots]
    for (code, _, _), (dx, dy) in zip(airports, dots, strict=True):
        out.append(f'<circle cx="{f1(dx)}" cy="{f1(dy)}" r="3" class="airport"/>')
        at = place(dx, dy, code, taken, width, height)
        if at is not None:
            out.append(f'<text x="{f1(at[0])}" y="{f1(at[1])}" class="label">{escape(code)}</text>')
    for name, lon, lat in towns:
        tx, ty = x(lon), y(lat)
        if not (0 <= tx <= width and 0 <= ty <= height) or not _free(
            (tx - 2, ty - 2, tx + 2, ty + 2), taken
        ):
            continue
        at = place(tx, ty, name, taken, width, height)
        if at is None:
            continue
        out.append(
            f'<rect x="{f1(tx - 2)}" y="{f1(ty - 2)}" width="4" height="4" class="town"/>'
            f'<text x="{f1(at[0])}" y="{f1(at[1])}" class="town-label">{escape(name)}</text>'
        )
    out.append("</svg>")
    return "".join(out)
