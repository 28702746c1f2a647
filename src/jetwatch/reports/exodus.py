"""An exodus evidence report: one self-contained HTML file.

:func:`render` runs :func:`jetwatch.exodus.analysis.exodus` and writes everything
a reader needs to judge it, with no network and no script:

1. the data's label first (``SIMULATED DATA …`` for the simulator's);
2. a headline: observed against expected departures, the strongest score, the
   verdict (surge flagged, none, or cannot be determined) and its caveats;
3. the timeline per bucket against the baseline band, surges shaded (:mod:`.svg`);
4. a map of the departing tracks over country borders shipped with the package;
5. destinations, as a chart and a table (abroad, domestic, unknown);
6. the flights (time, registration, type, operator, destination, a link to the
   track on the map);
7. coverage per bucket and what it means for the verdict;
8. provenance: every input file with its SHA-256, the jetwatch version, the
   parameters, and the command that makes this report again.

The analysis document itself (the JSON of ``jetwatch exodus --format json``) is
embedded as ``<script type="application/json" id="exodus-data">`` (data, never
run), so the numbers can be checked against the CLI's. A Content-Security-Policy
forbids scripts and every remote load; every transponder string is escaped.
Out of scope: a PDF (print the page from a browser) and tiles.
"""

from __future__ import annotations

import datetime as dt
import json
import shlex
from collections.abc import Sequence
from html import escape
from typing import Any

from jetwatch import __version__
from jetwatch.exodus.analysis import Settings, exodus
from jetwatch.exodus.coverage import POOR
from jetwatch.exodus.departures import places
from jetwatch.reports import svg
from jetwatch.store.db import Store

CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
MAX_TRACK_POINTS = 300
STYLE = """
body{font:14px/1.45 system-ui,sans-serif;margin:0 auto;max-width:960px;padding:16px;color:#222}
h1{font-size:22px;margin:8px 0}h2{font-size:17px;margin:24px 0 6px;border-bottom:1px solid #ddd}
.label{background:#fff3cd;border:2px solid #d39e00;padding:8px 12px;font-weight:600}
.verdict{font-size:18px;font-weight:600}.caveat{color:#8a5a00}
table{border-collapse:collapse;width:100%;font-size:13px}td,th{border-bottom:1px solid #eee;
padding:3px 6px;text-align:left}.num{text-align:right}.poor{background:#fde2e2}
svg.chart,svg.map{width:100%;height:auto;background:#fff}svg.bars{width:460px;max-width:100%}.band{fill:#ddd}
.expected{fill:none;stroke:#555;stroke-width:1.5}.observed{fill:#c0392b}.surge{fill:#fdebd0}
.grid{stroke:#eee}.tick{font-size:11px;fill:#555}.sea{fill:#eaf2f8}.land{fill:#fbfaf5;stroke:#aaa;
stroke-width:.6}.track{fill:none;stroke:#c0392b;stroke-width:1.2;opacity:.7}.track:target{stroke:#000;
stroke-width:3;opacity:1}.airport{fill:#1f4e79}text.label{font-size:11px;fill:#1f4e79;background:none;
border:0;padding:0}code{font-size:12px;word-break:break-all}
"""


def render(
    store: Store,
    *,
    area: str | None = None,
    airport: str | None = None,
    cls: str | None = "business_jet",
    on: str | dt.date,
    settings: Settings | None = None,
    command: Sequence[str] | None = None,
) -> tuple[str, dict[str, Any]]:
    """The report's HTML and the analysis document it shows."""
    result = exodus(
        store, area=area, airport=airport, cls=cls, on=on, settings=settings, save=False
    )
    doc = result.to_dict()
    tracks = _tracks(store, [f["id"] for f in doc["flights"]])
    codes = sorted({c for f in doc["flights"] for c in (f["origin"], f["destination"]) if c})
    ports = []
    for code in codes:
        a = places().get(code)
        if a is not None:
            ports.append((code, float(a["lon"]), float(a["lat"])))  # type: ignore[arg-type]
    parts = [
        _label(doc),
        _headline(doc),
        "<h2>Departures per hour against the baseline</h2>",
        svg.timeline(doc["buckets"]),
        _surges(doc),
        "<h2>Where they went</h2>",
        svg.track_map([(k, v) for k, v in tracks.items()], ports),
        _destinations(doc),
        "<h2>The flights</h2>",
        _flights(doc, tracks),
        "<h2>Coverage</h2>",
        _coverage(doc),
        "<h2>Provenance</h2>",
        _provenance(store, doc, settings or Settings(), command),
    ]
    title = f"Exodus report: {doc['class'] or 'all classes'} from {doc['scope']} on {doc['day']}"
    data = json.dumps(doc, sort_keys=True).replace("<", "\\u003c")  # inert in HTML
    html = (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
        f"<title>{escape(title)}</title><style>{STYLE}</style></head><body>"
        f"<h1>{escape(title)}</h1>{''.join(parts)}"
        f'<script type="application/json" id="exodus-data">{data}</script></body></html>'
    )
    return html, doc


def _tracks(store: Store, ids: list[str]) -> dict[str, list[tuple[float, float]]]:
    """Each flight's positions, thinned to at most ``MAX_TRACK_POINTS``."""
    if not ids:
        return {}
    rows = store.con.execute(
        f"""
        WITH f AS (
            SELECT id, icao24, first_seen, last_seen FROM flights WHERE list_contains(?, id)
        ),
        p AS (
            SELECT f.id, p.time, p.lon, p.lat,
                row_number() OVER (PARTITION BY f.id ORDER BY p.time) AS k,
                count(*) OVER (PARTITION BY f.id) AS n
            FROM positions p JOIN f ON p.icao24 = f.icao24
                AND p.time BETWEEN f.first_seen AND f.last_seen
        )
        SELECT id, lon, lat FROM p
        WHERE k % greatest(1, n // {MAX_TRACK_POINTS}) = 0 OR k = 1 OR k = n
        ORDER BY id, time
        """,
        [ids],
    ).fetchall()
    out: dict[str, list[tuple[float, float]]] = {}
    for ident, lon, lat in rows:
        out.setdefault(ident, []).append((lon, lat))
    return out


def _label(doc: dict[str, Any]) -> str:
    labels = doc["labels"]
    if any("SIMULATED" in label.upper() for label in labels):
        return f'<p class="label">{escape("; ".join(labels))}</p>'
    if labels:
        return f'<p class="label">Data labels: {escape("; ".join(labels))}</p>'
    return ""


def verdict(doc: dict[str, Any]) -> tuple[str, list[str]]:
    """The headline verdict and its caveats."""
    caveats = []
    if doc["baseline_error"]:
        return "cannot be determined", [f"no baseline: {doc['baseline_error']}"]
    if doc["coverage"] < POOR:
        caveats.append(
            f"coverage was {doc['coverage']:.0%} of its usual level: departures may be missing"
        )
    unknown = doc["destinations"]["day"]["unknown"]
    if unknown:
        caveats.append(f"{unknown} departures left coverage before a destination was seen")
    if doc["surges"]:
        return "surge flagged", caveats
    if doc["coverage"] < POOR:
        return "cannot be determined", caveats
    return "no surge", caveats


def _headline(doc: dict[str, Any]) -> str:
    said, caveats = verdict(doc)
    scores = [b.get("score") or 0 for b in doc["buckets"]]
    expected = "no baseline" if doc["expected"] is None else f"{doc['expected']:.1f} expected"
    lines = [
        f'<p class="verdict">Verdict: {escape(said)}</p>',
        f"<p>{doc['observed']} departures observed, {escape(expected)}; strongest bucket "
        f"score {max(scores, default=0):.1f} (−log10 p); {len(doc['surges'])} surge(s) at "
        f"{doc['false_alarms_per_year']:g} false surge(s) per area-year; coverage "
        f"{doc['coverage']:.0%}.</p>",
    ]
    lines += [f'<p class="caveat">Caveat: {escape(c)}</p>' for c in caveats]
    return "".join(lines)


def _surges(doc: dict[str, Any]) -> str:
    if not doc["surges"]:
        return "<p>No surge was flagged.</p>"
    rows = "".join(
        f"<tr><td>{escape(s['start'])}</td><td>{escape(s['end'])}</td><td>{escape(s['peak'])}</td>"
        f"<td>{escape(s['flagged_at'])}</td><td class=num>{s['observed']}</td>"
        f"<td class=num>{s['expected']}</td><td class=num>{s['excess']}</td>"
        f"<td class=num>{s['p_value']:.2g}</td></tr>"
        for s in doc["surges"]
    )
    return (
        "<table><tr><th>start</th><th>end</th><th>peak</th><th>flagged at</th><th>observed</th>"
        f"<th>expected</th><th>excess</th><th>p</th></tr>{rows}</table>"
    )


def _destinations(doc: dict[str, Any]) -> str:
    day = doc["destinations"]["day"]
    items = list(day["countries"].items())[:12]
    rows = "".join(
        f"<tr><td>{escape(k)}</td><td class=num>{v}</td></tr>" for k, v in day["airports"].items()
    )
    return (
        f"<p>Abroad {day['abroad']}, domestic {day['domestic']}, unknown {day['unknown']}.</p>"
        f"{svg.bars(items)}<table><tr><th>airport</th><th>departures</th></tr>{rows}</table>"
    )


def _flights(doc: dict[str, Any], tracks: dict[str, Any]) -> str:
    rows = []
    for f in doc["flights"]:
        link = f'<a href="#track-{escape(f["id"])}">track</a>' if f["id"] in tracks else ""
        cells = (
            f["time"],
            f["registration"],
            f["typecode"],
            f["operator"],
            f["callsign"],
            f["origin"],
            f["destination"],
        )
        rows.append(
            "<tr>"
            + "".join(f"<td>{escape(str(c or ''))}</td>" for c in cells)
            + f"<td>{link}</td></tr>"
        )
    return (
        "<table><tr><th>take-off (UTC)</th><th>registration</th><th>type</th><th>operator</th>"
        f"<th>callsign</th><th>from</th><th>to</th><th></th></tr>{''.join(rows)}</table>"
    )


def _coverage(doc: dict[str, Any]) -> str:
    poor = [b for b in doc["buckets"] if b["coverage"] is not None and b["coverage"] < POOR]
    missing = [b for b in doc["buckets"] if b["coverage"] is None]
    text = (
        f"<p>Coverage is the positions seen around the scope's airports against the same "
        f"bucket's usual level (1 = usual). The day's coverage, weighted by the expected "
        f"departures, was {doc['coverage']:.0%}. A shortfall below {POOR:.0%} makes a missing "
        f"departure plausible: the verdict then cannot say that none left.</p>"
    )
    if not poor and not missing:
        return text + "<p>No bucket was below its usual level's 80%.</p>"
    rows = "".join(
        f"<tr class=poor><td>{escape(b['start'])}</td><td class=num>"
        f"{'no data' if b['coverage'] is None else format(b['coverage'], '.0%')}</td></tr>"
        for b in poor + missing
    )
    return text + f"<table><tr><th>bucket (UTC)</th><th>coverage</th></tr>{rows}</table>"


def _provenance(
    store: Store, doc: dict[str, Any], s: Settings, command: Sequence[str] | None
) -> str:
    rows = store.con.execute(
        "SELECT id, path, format, sha256, positions, label FROM ingests "
        "WHERE status = 'done' ORDER BY id"
    ).fetchall()
    files = "".join(
        f"<tr><td>{i}</td><td><code>{escape(str(p))}</code></td><td>{escape(str(f))}</td>"
        f"<td><code>{escape(str(h))}</code></td><td class=num>{n}</td>"
        f"<td>{escape(str(lab or ''))}</td></tr>"
        for i, p, f, h, n, lab in rows
    )
    params = {
        "scope": doc["scope"],
        "class": doc["class"],
        "day": doc["day"],
        "bucket_minutes": s.bucket_minutes,
        "weeks": s.weeks,
        "false_alarms_per_year": s.false_alarms_per_year,
        "detector": doc["detector"],
    }
    again = shlex.join(command) if command else ""
    return (
        f"<p>jetwatch {escape(__version__)}. "
        f"Parameters: <code>{escape(json.dumps(params))}</code></p>"
        + (
            f"<p>Made again, with the same numbers, by: <code>{escape(again)}</code></p>"
            if again
            else ""
        )
        + "<table><tr><th>ingest</th><th>input</th><th>format</th><th>SHA-256</th>"
        f"<th>positions</th><th>label</th></tr>{files}</table>"
    )
