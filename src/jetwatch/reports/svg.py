"""Charts and maps as inline SVG: no script, no network, any browser or PDF printer.

- :func:`timeline`: departures per bucket as bars, the baseline's 95% band as a grey
  area with its expectation as a line, surge buckets shaded.
- :func:`bars`: a horizontal bar chart (destinations).
- :func:`profile`: an aircraft's altitude (ft) over a UTC day, with the gaps in which
  it went quiet while airborne shaded.
- :func:`track_map`: flight tracks over country borders (:mod:`.borders`) in an
  equirectangular projection scaled by cos(mid latitude), so shapes look right
  away from the poles; airports as labelled dots.

Every label is escaped: callsigns and registrations come from transponders.
Out of scope: interactivity (the web app has it) and map projections for areas
spanning the poles or the antimeridian.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from html import escape
from typing import Any

from jetwatch.reports import borders


def _f(x: float) -> str:
    return f"{x:.1f}"


def _svg(width: int, height: int, cls: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'class="{cls}" role="img">'
    )


def timeline(buckets: Sequence[dict[str, Any]], width: int = 900, height: int = 260) -> str:
    """Observed per bucket against the band; ``buckets`` as in the exodus JSON."""
    left, right, top, bottom = 40, 10, 10, 40
    n = max(len(buckets), 1)
    top_value = max([b["observed"] for b in buckets] + [b.get("high") or 0 for b in buckets] + [1])
    w = (width - left - right) / n
    h = height - top - bottom

    def y(v: float) -> float:
        return top + h - h * v / top_value

    out = [_svg(width, height, "chart")]
    for i, b in enumerate(buckets):
        if b.get("surge"):
            x = _f(left + i * w)
            out.append(f'<rect x="{x}" y="{top}" width="{_f(w)}" height="{h}" class="surge"/>')
    if buckets and buckets[0].get("expected") is not None:
        upper = " ".join(
            f"{_f(left + (i + 0.5) * w)},{_f(y(b['high']))}" for i, b in enumerate(buckets)
        )
        lower = " ".join(
            f"{_f(left + (i + 0.5) * w)},{_f(y(b['low']))}"
            for i, b in reversed(list(enumerate(buckets)))
        )
        out.append(f'<polygon points="{upper} {lower}" class="band"/>')
        line = " ".join(
            f"{_f(left + (i + 0.5) * w)},{_f(y(b['expected']))}" for i, b in enumerate(buckets)
        )
        out.append(f'<polyline points="{line}" class="expected"/>')
    for i, b in enumerate(buckets):
        if b["observed"]:
            x, top_y = _f(left + i * w + w * 0.2), _f(y(b["observed"]))
            tall = _f(h * b["observed"] / top_value)
            out.append(
                f'<rect x="{x}" y="{top_y}" width="{_f(w * 0.6)}" height="{tall}" class="observed">'
                f"<title>{escape(b['start'])}: {b['observed']} observed, "
                f"{b.get('expected')} expected</title></rect>"
            )
    step = max(1, n // 12)
    for i in range(0, n, step):
        label = escape(buckets[i]["start"][11:16]) if buckets else ""
        out.append(
            f'<text x="{_f(left + i * w)}" y="{height - bottom + 16}" class="tick">{label}</text>'
        )
    for v in sorted({0, top_value // 2, top_value}):
        out.append(
            f'<text x="{left - 6}" y="{_f(y(v) + 4)}" class="tick" text-anchor="end">{v}</text>'
        )
        out.append(
            f'<line x1="{left}" x2="{width - right}" y1="{_f(y(v))}" y2="{_f(y(v))}" class="grid"/>'
        )
    out.append(f'<text x="{left}" y="{height - 6}" class="tick">UTC</text></svg>')
    return "".join(out)


def profile(
    points: Sequence[tuple[float, float]],
    gaps: Sequence[tuple[float, float]] = (),
    width: int = 900,
    height: int = 220,
    span_s: float = 86400.0,
) -> str:
    """Altitude (ft) against seconds since the start of the day; ``gaps`` as (from, to)
    seconds. Points more than 10 minutes apart are not joined."""
    left, right, top, bottom = 56, 10, 10, 30
    w, h = width - left - right, height - top - bottom
    top_value = max([a for _, a in points] + [1000.0])

    def x(s: float) -> float:
        return left + w * s / span_s

    def y(a: float) -> float:
        return top + h - h * a / top_value

    out = [_svg(width, height, "chart")]
    for g0, g1 in gaps:
        out.append(
            f'<rect x="{_f(x(g0))}" y="{top}" width="{_f(max(1.0, x(g1) - x(g0)))}" '
            f'height="{h}" class="surge"><title>transponder quiet</title></rect>'
        )
    runs: list[list[tuple[float, float]]] = []
    for s, a in points:
        if not runs or s - runs[-1][-1][0] > 600:
            runs.append([])
        runs[-1].append((s, a))
    for run in runs:
        pts = " ".join(f"{_f(x(s))},{_f(y(a))}" for s, a in run)
        out.append(f'<polyline points="{pts}" class="profile"/>')
    for hour in range(0, 24, 3):
        out.append(
            f'<text x="{_f(x(hour * 3600))}" y="{height - 10}" class="tick">{hour:02d}:00</text>'
        )
    for v in (0, top_value / 2, top_value):
        out.append(
            f'<text x="{left - 6}" y="{_f(y(v) + 4)}" class="tick" text-anchor="end">'
            f"{v:,.0f} ft</text>"
            f'<line x1="{left}" x2="{width - right}" y1="{_f(y(v))}" y2="{_f(y(v))}" class="grid"/>'
        )
    out.append("</svg>")
    return "".join(out)


def bars(items: Sequence[tuple[str, int]], width: int = 420) -> str:
    """One bar per (label, count), largest first as given."""
    row = 22
    height = row * max(len(items), 1) + 4
    top = max([c for _, c in items] + [1])
    out = [_svg(width, height, "bars")]
    for k, (label, count) in enumerate(items):
        w = (width - 160) * count / top
        out.append(
            f'<text x="0" y="{k * row + 15}" class="tick">{escape(label)}</text>'
            f'<rect x="110" y="{k * row + 3}" width="{_f(w)}" height="{row - 6}" class="observed"/>'
            f'<text x="{_f(115 + w)}" y="{k * row + 15}" class="tick">{count}</text>'
        )
    out.append("</svg>")
    return "".join(out)


def track_map(
    tracks: Sequence[tuple[str, Sequence[tuple[float, float]]]],
    airports: Sequence[tuple[str, float, float]],
    width: int = 900,
    margin_deg: float = 1.0,
    max_aspect: float = 0.75,
) -> str:
    """Tracks (id, [(lon, lat)…]) and airports (code, lon, lat) over country borders."""
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

    def xy(lon: float, lat: float) -> str:
        return f"{_f((lon - lon0) * k * sx)},{_f((lat1 - lat) * sx)}"

    out = [
        _svg(width, height, "map"),
        f'<rect width="{width}" height="{height}" class="sea"/>',
    ]
    for ring in borders.within(lon0, lat0, lon1, lat1):
        pts = " ".join(xy(lon, lat) for lon, lat in ring)
        out.append(f'<polygon points="{pts}" class="land"/>')
    for ident, t in tracks:
        pts = " ".join(xy(lon, lat) for lon, lat in t)
        out.append(
            f'<polyline points="{pts}" class="track" id="track-{escape(ident)}">'
            f"<title>{escape(ident)}</title></polyline>"
        )
    for code, lon, lat in airports:
        x, y = xy(lon, lat).split(",")
        out.append(
            f'<circle cx="{x}" cy="{y}" r="3" class="airport"/><text x="{float(x) + 5:.1f}" '
            f'y="{float(y) - 4:.1f}" class="label">{escape(code)}</text>'
        )
    out.append("</svg>")
    return "".join(out)
