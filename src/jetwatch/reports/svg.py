"""Charts and maps as inline SVG: no script, no network, any browser or PDF printer.

- :func:`timeline`: departures per bucket as bars, the baseline's 95% band as a grey
  area with its expectation as a line, surge buckets shaded.
- :func:`bars`: a horizontal bar chart (destinations).
- :func:`profile`: an aircraft's altitude (ft) over a UTC day, with the gaps in which
  it went quiet while airborne shaded.

Maps are in :mod:`.trackmap`.

Every label is escaped: callsigns and registrations come from transponders.
Out of scope: interactivity (the web app has it).
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from typing import Any


def f1(x: float) -> str:
    return f"{x:.1f}"


def svg_open(width: int, height: int, cls: str) -> str:
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

    out = [svg_open(width, height, "chart")]
    for i, b in enumerate(buckets):
        if b.get("surge"):
            x = f1(left + i * w)
            out.append(f'<rect x="{x}" y="{top}" width="{f1(w)}" height="{h}" class="surge"/>')
    if buckets and buckets[0].get("expected") is not None:
        upper = " ".join(
            f"{f1(left + (i + 0.5) * w)},{f1(y(b['high']))}" for i, b in enumerate(buckets)
        )
        lower = " ".join(
            f"{f1(left + (i + 0.5) * w)},{f1(y(b['low']))}"
            for i, b in reversed(list(enumerate(buckets)))
        )
        out.append(f'<polygon points="{upper} {lower}" class="band"/>')
        line = " ".join(
            f"{f1(left + (i + 0.5) * w)},{f1(y(b['expected']))}" for i, b in enumerate(buckets)
        )
        out.append(f'<polyline points="{line}" class="expected"/>')
    for i, b in enumerate(buckets):
        if b["observed"]:
            x, top_y = f1(left + i * w + w * 0.2), f1(y(b["observed"]))
            tall = f1(h * b["observed"] / top_value)
            out.append(
                f'<rect x="{x}" y="{top_y}" width="{f1(w * 0.6)}" height="{tall}" class="observed">'
                f"<title>{escape(b['start'])}: {b['observed']} observed, "
                f"{b.get('expected')} expected</title></rect>"
            )
    step = max(1, n // 12)
    for i in range(0, n, step):
        label = escape(buckets[i]["start"][11:16]) if buckets else ""
        out.append(
            f'<text x="{f1(left + i * w)}" y="{height - bottom + 16}" class="tick">{label}</text>'
        )
    for v in sorted({0, top_value // 2, top_value}):
        out.append(
            f'<text x="{left - 6}" y="{f1(y(v) + 4)}" class="tick" text-anchor="end">{v}</text>'
        )
        out.append(
            f'<line x1="{left}" x2="{width - right}" y1="{f1(y(v))}" y2="{f1(y(v))}" class="grid"/>'
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

    out = [svg_open(width, height, "chart")]
    for g0, g1 in gaps:
        out.append(
            f'<rect x="{f1(x(g0))}" y="{top}" width="{f1(max(1.0, x(g1) - x(g0)))}" '
            f'height="{h}" class="surge"><title>transponder quiet</title></rect>'
        )
    runs: list[list[tuple[float, float]]] = []
    for s, a in points:
        if not runs or s - runs[-1][-1][0] > 600:
            runs.append([])
        runs[-1].append((s, a))
    for run in runs:
        pts = " ".join(f"{f1(x(s))},{f1(y(a))}" for s, a in run)
        out.append(f'<polyline points="{pts}" class="profile"/>')
    for hour in range(0, 24, 3):
        out.append(
            f'<text x="{f1(x(hour * 3600))}" y="{height - 10}" class="tick">{hour:02d}:00</text>'
        )
    for v in (0, top_value / 2, top_value):
        out.append(
            f'<text x="{left - 6}" y="{f1(y(v) + 4)}" class="tick" text-anchor="end">'
            f"{v:,.0f} ft</text>"
            f'<line x1="{left}" x2="{width - right}" y1="{f1(y(v))}" y2="{f1(y(v))}" class="grid"/>'
        )
    out.append("</svg>")
    return "".join(out)


def bars(items: Sequence[tuple[str, int]], width: int = 420) -> str:
    """One bar per (label, count), largest first as given."""
    row = 22
    height = row * max(len(items), 1) + 4
    top = max([c for _, c in items] + [1])
    out = [svg_open(width, height, "bars")]
    for k, (label, count) in enumerate(items):
        w = (width - 160) * count / top
        out.append(
            f'<text x="0" y="{k * row + 15}" class="tick">{escape(label)}</text>'
            f'<rect x="110" y="{k * row + 3}" width="{f1(w)}" height="{row - 6}" class="observed"/>'
            f'<text x="{f1(115 + w)}" y="{k * row + 15}" class="tick">{count}</text>'
        )
    out.append("</svg>")
    return "".join(out)
