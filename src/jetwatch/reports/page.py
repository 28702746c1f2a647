"""What every evidence report shares: the page, its style, the data label and the
provenance section.

A report is one HTML file with its styles inline, a Content-Security-Policy of
``default-src 'none'`` (no script runs, nothing is fetched) and its analysis
document embedded as ``<script type="application/json" id="…">``: data, never run,
with ``<`` written as ``\\u003c`` so no string can close the element. Every
transponder string is escaped by the section that shows it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shlex
from collections.abc import Sequence
from html import escape
from typing import Any

import duckdb

from jetwatch import __version__
from jetwatch.store.db import Store

CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
STYLE = """
body{font:14px/1.45 system-ui,sans-serif;margin:0 auto;max-width:960px;padding:16px;color:#222}
h1{font-size:22px;margin:8px 0}h2{font-size:17px;margin:24px 0 6px;border-bottom:1px solid #ddd}
.label{background:#fff3cd;border:2px solid #d39e00;padding:8px 12px;font-weight:600}
.verdict{font-size:18px;font-weight:600}.caveat{color:#8a5a00}
table{border-collapse:collapse;width:100%;font-size:13px}td,th{border-bottom:1px solid #eee;
padding:3px 6px;text-align:left}.num{text-align:right}.poor{background:#fde2e2}
svg.chart,svg.map{width:100%;height:auto;background:#fff}svg.bars{width:460px;max-width:100%}.band{fill:#ddd}
.expected{fill:none;stroke:#555;stroke-width:1.5}.observed{fill:#c0392b}.surge{fill:#fdebd0}
.profile{fill:none;stroke:#1f4e79;stroke-width:1.5}
.grid{stroke:#eee}.tick{font-size:11px;fill:#555}.sea{fill:#eaf2f8}.land{fill:#fbfaf5;stroke:#aaa;
stroke-width:.6}.track{fill:none;stroke:#c0392b;stroke-width:1.2;opacity:.7}.track:target{stroke:#000;
stroke-width:3;opacity:1}.airport{fill:#1f4e79}text.label{font-size:11px;fill:#1f4e79;background:none;
border:0;padding:0}code{font-size:12px;word-break:break-all}
.graticule{stroke:#c9d6e0;stroke-width:.5}.grid-label{font-size:10px;fill:#6b7c8a}
.town{fill:#555}.town-label{font-size:11px;fill:#444}.scale{stroke:#222;stroke-width:2}
.scale-back{fill:#fff;fill-opacity:.8}.summary{border-left:4px solid #1f4e79;padding:4px 12px;
background:#f3f7fb}
"""


def document(title: str, parts: Sequence[str], data_id: str, data: dict[str, Any]) -> str:
    """The whole page: ``parts`` (HTML, already escaped) under ``title``, with
    ``data`` embedded as inert JSON under ``data_id``."""
    embedded = json.dumps(data, sort_keys=True).replace("<", "\\u003c")
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
        f"<title>{escape(title)}</title><style>{STYLE}</style></head><body>"
        f"<h1>{escape(title)}</h1>{''.join(parts)}"
        f'<script type="application/json" id="{data_id}">{embedded}</script></body></html>'
    )


def summary(text: str) -> str:
    """The report in a few plain sentences, ready to quote."""
    return f'<h2>In short</h2><blockquote class="summary">{escape(text)}</blockquote>'


def label(labels: Sequence[str]) -> str:
    """The data's labels, first on the page (``SIMULATED DATA …`` for the simulator's)."""
    if any("SIMULATED" in text.upper() for text in labels):
        return f'<p class="label">{escape("; ".join(labels))}</p>'
    if labels:
        return f'<p class="label">Data labels: {escape("; ".join(labels))}</p>'
    return ""


def digest(data: dict[str, Any]) -> str:
    """SHA-256 of a report's data: its embedded JSON as ``json.dumps(data,
    sort_keys=True)`` writes it (parse the embedded element and dump it so to check)."""
    return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()


def used_ingests(
    store: Store, since: dt.datetime, until: dt.datetime, icao24: str | None = None
) -> list[int]:
    """The ingests that hold a position in ``[since, until)`` (of ``icao24`` only, when
    given): the inputs a report read."""
    only = "AND icao24 = ?" if icao24 else ""
    rows = store.con.execute(
        f"SELECT DISTINCT ingest_id FROM positions WHERE time >= ? AND time < ? {only} ORDER BY 1",
        [since, until, *([icao24] if icao24 else [])],
    ).fetchall()
    return [int(r[0]) for r in rows]


def provenance(
    store: Store,
    params: dict[str, Any],
    command: Sequence[str],
    *,
    ingests: Sequence[int],
    data_hash: str,
    data_id: str,
) -> str:
    """The version, the parameters, the command that makes the report again, the hash
    of the report's data, and the ingested files it read (``ingests``) with their
    SHA-256."""
    rows = store.con.execute(
        "SELECT id, path, format, sha256, positions, label FROM ingests "
        "WHERE list_contains(?, id) ORDER BY id",
        [list(ingests)],
    ).fetchall()
    (total,) = store.con.execute("SELECT count(*) FROM ingests WHERE status = 'done'").fetchall()[0]
    files = "".join(
        f"<tr><td>{i}</td><td><code>{escape(os.path.basename(str(p)))}</code></td>"
        f"<td>{escape(str(f))}</td><td><code>{escape(str(h))}</code></td><td class=num>{n}</td>"
        f"<td>{escape(str(lab or ''))}</td></tr>"
        for i, p, f, h, n, lab in rows
    )
    return (
        f"<p>jetwatch {escape(__version__)}. "
        f"Parameters: <code>{escape(json.dumps(params))}</code></p>"
        f"<p>Made again, with the same numbers, by: <code>{escape(shlex.join(command))}</code> "
        "(in the folder that holds the database)</p>"
        f"<p>SHA-256 of the report's data (the JSON embedded as <code>{escape(data_id)}</code>, "
        f"keys sorted): <code>{data_hash}</code></p>"
        f"<p>It read {len(rows):,} of the store's {total:,} ingests: those with a position it "
        "used (the others' files are not needed to check it).</p>"
        "<table><tr><th>ingest</th><th>input</th><th>format</th><th>SHA-256</th>"
        f"<th>positions</th><th>label</th></tr>{files}</table>" + _fetches(store, ingests)
    )


def _assets(assets: list[dict[str, Any]]) -> str:
    """A fetch's files (name, size, SHA-256 each), or its API requests in a sentence
    (each one's URL and hash stay in the store's ``fetches`` table)."""
    if assets and "status" in assets[0]:
        answered = sum(1 for a in assets if a.get("status") == 200)
        size = sum(int(a.get("bytes") or 0) for a in assets)
        return escape(
            f"{len(assets):,} API requests: {answered:,} answered ({size:,} bytes), "
            f"{len(assets) - answered:,} with nothing found; each request's URL and SHA-256 "
            "are in the store's fetches table"
        )
    return "<br>".join(
        f"{escape(str(a.get('name')))} ({int(a.get('size') or 0):,} bytes, SHA-256 "
        f"<code>{escape(str(a.get('sha256') or 'not computed'))}</code>)"
        for a in assets
    )


def _fetches(store: Store, ingests: Sequence[int]) -> str:
    """The public sources the report's data was fetched from (``jetwatch fetch``), cited."""
    try:
        rows = store.con.execute(
            "SELECT source, release, day, area, url, assets, licence, attribution, ingest_id, "
            "note FROM fetches WHERE list_contains(?, ingest_id) ORDER BY day, source",
            [list(ingests)],
        ).fetchall()
    except duckdb.Error:  # a store made before fetches existed
        return ""
    if not rows:
        return ""
    lines = []
    for source, release, day, area, url, assets, licence, attribution, ingest, note in rows:
        parts = _assets(json.loads(assets or "[]"))
        lines.append(
            f"<tr><td>{escape(str(source))}</td><td>{escape(str(release))}<br>"
            f"<code>{escape(str(url))}</code></td><td>{escape(str(day))}</td>"
            f"<td>{escape(str(area))}</td><td>{parts}</td><td>{escape(str(licence))}: "
            f"{escape(str(attribution))}</td><td>{escape(str(ingest or '-'))}</td>"
            f"<td>{escape(str(note or ''))}</td></tr>"
        )
    return (
        "<h3>Public sources</h3><table><tr><th>source</th><th>release</th><th>day</th>"
        "<th>area</th><th>assets</th><th>licence</th><th>ingest</th><th>note</th></tr>"
        + "".join(lines)
        + "</table>"
    )
