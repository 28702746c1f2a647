"""An exodus evidence report: one self-contained HTML file.

:func:`render` runs :func:`jetwatch.exodus.analysis.exodus` and writes everything
a reader needs to judge it, with no network and no script:

1. the data's label first (``SIMULATED DATA …`` for the simulator's);
2. a headline: the day test in words (observed against expected, the 95% band,
   p, the excess with its interval; :mod:`jetwatch.exodus.daytest`), then the
   live scan's verdict (surge flagged, none, or cannot be determined) and its
   caveats (coverage, blackouts, departures of unknown class or destination);
3. the timeline per bucket against the baseline band, surges shaded (:mod:`.svg`);
4. a map of the departing tracks over country borders shipped with the package;
5. destinations, as a chart and a table (abroad, domestic, unknown);
6. the flights (time, registration, type, operator, destination, a link to the
   track on the map);
7. coverage per bucket, the blackouts found, and what they mean for the verdict;
8. provenance: every input file with its SHA-256, the jetwatch version, the
   parameters, and the command that makes this report again.

The analysis document itself (the JSON of ``jetwatch exodus --format json``) is
embedded as ``<script type="application/json" id="exodus-data">`` (data, never
run), so the numbers can be checked against the CLI's. A Content-Security-Policy
forbids scripts and every remote load; every transponder string is escaped.
The page, its style and provenance are shared with the other reports (:mod:`.page`).
A PDF is printed from the HTML by ``jetwatch report … --pdf`` (:mod:`.pdf`).
Out of scope: map tiles (the report must open offline).
"""

from __future__ import annotations

import datetime as dt
from html import escape
from typing import Any

from jetwatch.exodus.analysis import Settings, exodus
from jetwatch.exodus.coverage import POOR
from jetwatch.reports import page, positions, svg
from jetwatch.store.db import Store


def render(
    store: Store,
    *,
    area: str | None = None,
    airport: str | None = None,
    cls: str | None = "business_jet",
    on: str | dt.date,
    settings: Settings | None = None,
    out: str | None = None,
) -> tuple[str, dict[str, Any]]:
    """The report's HTML and the analysis document it shows."""
    result = exodus(
        store, area=area, airport=airport, cls=cls, on=on, settings=settings, save=False
    )
    doc = result.to_dict()
    tracks = positions.tracks(store, [f["id"] for f in doc["flights"]])
    ports = positions.airports(doc["flights"])
    parts = [
        page.label(doc["labels"]),
        page.summary(summary(doc)),
        _headline(doc),
        "<h2>Departures per hour against the baseline</h2>",
        svg.timeline(doc["buckets"]),
        _surges(doc),
        "<h2>Where they went</h2>",
        positions.track_map(tracks, ports),
        _destinations(doc),
        "<h2>The flights</h2>",
        _flights(doc, tracks),
        "<h2>Coverage</h2>",
        _coverage(doc),
        "<h2>Provenance</h2>",
        _provenance(
            store,
            doc,
            settings or Settings(),
            ["--area", area] if area else ["--airport", airport or ""],
            out,
        ),
    ]
    title = f"Exodus report: {doc['class'] or 'all classes'} from {doc['scope']} on {doc['day']}"
    return page.document(title, parts, "exodus-data", doc), doc


def summary(doc: dict[str, Any]) -> str:
    """What the report found, in plain sentences ready to quote."""
    said, caveats = verdict(doc)
    text = f"{doc['headline'].rstrip('.')}. Verdict: {said}."
    if caveats:
        text += " Caveats: " + "; ".join(caveats) + "."
    labels = "; ".join(doc["labels"])
    return text + (f" Data: {labels}." if labels else "")


def verdict(doc: dict[str, Any]) -> tuple[str, list[str]]:
    """The headline verdict and its caveats."""
    caveats = []
    if doc["baseline_error"]:
        return "cannot be determined", [f"no baseline: {doc['baseline_error']}"]
    if doc["coverage"] is None:
        return "cannot be determined", ["coverage cannot be measured: no earlier activity"]
    if doc["coverage"] < POOR:
        caveats.append(
            f"coverage was {doc['coverage']:.0%} of its usual level: departures may be missing"
        )
    for gap in doc["blackouts"]:
        caveats.append(
            f"blackout {gap['start'][11:16]}-{gap['end'][11:16]} UTC: the receivers heard "
            f"{gap['coverage']:.0%} of their usual traffic"
        )
    if doc["unknown_class"]:
        caveats.append(
            f"{doc['unknown_class']} more departures are of unknown class and are not counted "
            "(`jetwatch registry import FILE` settles them)"
        )
    unknown = doc["destinations"]["day"]["unknown"]
    if unknown:
        caveats.append(f"{unknown} departures left coverage before a destination was seen")
    if doc["surges"]:
        return "surge flagged", caveats
    if doc["coverage"] < POOR or doc["blackouts"]:
        return "cannot be determined", caveats
    return "no surge", caveats


def _headline(doc: dict[str, Any]) -> str:
    said, caveats = verdict(doc)
    scores = [b.get("score") or 0 for b in doc["buckets"]]
    expected = "no baseline" if doc["expected"] is None else f"{doc['expected']:.1f} expected"
    cover = "unmeasured" if doc["coverage"] is None else f"{doc['coverage']:.0%}"
    lines = [
        f'<p class="headline">{escape(doc["headline"])}</p>',
        f'<p class="verdict">Verdict: {escape(said)}</p>',
        f"<p>{doc['observed']} departures observed, {escape(expected)}; strongest bucket "
        f"score {max(scores, default=0):.1f} (−log10 p); {len(doc['surges'])} surge(s) at "
        f"{doc['false_alarms_per_year']:g} false surge(s) per area-year; coverage "
        f"{cover}.</p>",
    ]
    lines += [f'<p class="caveat">Caveat: {escape(c)}</p>' for c in caveats]
    return "".join(lines)


def _surges(doc: dict[str, Any]) -> str:
    if not doc["surges"]:
        return "<p>No surge was flagged.</p>"
    rows = "".join(
        f"<tr><td>{escape(s['start'])}</td><td>{escape(s['end'])}</td><td>{escape(s['peak'])}</td>"
        f"<td>{escape(s['flagged_at'])}</td><td class=num>{s['observed']}</td>"
        f"<td class=num>{s['expected']:.1f}</td><td class=num>{s['excess']:.0f} "
        f"({s['excess_low']}–{s['excess_high']})</td>"
        f"<td class=num>{s['p_value']:.2g}</td></tr>"
        for s in doc["surges"]
    )
    return (
        "<table><tr><th>start</th><th>end</th><th>peak</th><th>flagged at</th><th>observed</th>"
        f"<th>expected</th><th>excess (95%)</th><th>p</th></tr>{rows}</table>"
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
    day = (
        "could not be measured (no earlier activity to compare with)"
        if doc["coverage"] is None
        else f"was {doc['coverage']:.0%}"
    )
    text = (
        f"<p>Coverage is the positions seen around the scope's airports against the same "
        f"bucket's usual level (1 = usual). The day's coverage, weighted by the expected "
        f"departures, {day}. A shortfall below {POOR:.0%} makes a missing "
        f"departure plausible: the verdict then cannot say that none left.</p>"
    )
    text += "".join(
        f'<p class="caveat">Blackout {escape(g["start"])} to {escape(g["end"])}: '
        f"{g['coverage']:.0%} of the usual traffic heard.</p>"
        for g in doc["blackouts"]
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
    store: Store, doc: dict[str, Any], s: Settings, where: list[str], out: str | None
) -> str:
    params = {
        "scope": doc["scope"],
        "class": doc["class"],
        "day": doc["day"],
        "bucket_minutes": s.bucket_minutes,
        "weeks": s.weeks,
        "false_alarms_per_year": s.false_alarms_per_year,
        "detector": doc["detector"],
    }
    again = [
        *("jetwatch", "report", "exodus", "--db", store.path.name, *where),
        *("--class", doc["class"] or "", "--on", doc["day"], "--bucket", str(s.bucket_minutes)),
        *("--weeks", str(s.weeks), "--false-alarms", f"{s.false_alarms_per_year:g}"),
        *(("--out", out) if out else ()),
    ]
    day = dt.datetime.fromisoformat(doc["day"])
    read = page.used_ingests(  # the day and its history, a day wider for time zones
        store, day - dt.timedelta(days=7 * s.weeks + 1), day + dt.timedelta(days=2)
    )
    return page.provenance(
        store, params, again, ingests=read, data_hash=page.digest(doc), data_id="exodus-data"
    )
