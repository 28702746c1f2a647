"""An aircraft evidence report: one aircraft on one UTC day, in one HTML file.

:func:`render` gathers what is known of the aircraft and what it did that day:

1. the data's label first (``SIMULATED DATA …`` for the simulator's);
2. the aircraft: registration, type, operator, class (with its reason), country of
   its address block, watch categories;
3. with a claim (``left`` or ``arrived`` an area): the verdict of
   :func:`jetwatch.exodus.claims.check_aircraft` and its reasons, over the area's
   local day;
4. its flights that day (take-off or first seen on the UTC day): times, airports
   with how they were assigned, gaps; each with a link to its track on the map;
5. a map of those tracks over the borders shipped with the package;
6. its altitude over the day (ft), with the spans in which it went quiet while
   airborne shaded;
7. coverage: those quiet spans with the last and next positions, and what they mean;
8. provenance (:mod:`.page`): inputs with their SHA-256, version, parameters and the
   command that makes the report again.

The report's document (aircraft, flights, quiet spans, claim) is embedded as
``aircraft-data``: the claim there equals ``jetwatch check aircraft --format json``.
Out of scope: several days at once (make one report per day).
"""

from __future__ import annotations

import datetime as dt
from html import escape
from typing import Any

from jetwatch.exodus.claims import check_aircraft, day_of, quiet_gaps, resolve
from jetwatch.flights.query import query
from jetwatch.reference.registry import lookup
from jetwatch.reports import page, positions, svg
from jetwatch.store.db import Store

IDENTITY = (
    ("registration", "registration"),
    ("type", "typecode"),
    ("description", "description"),
    ("operator", "operator"),
    ("class", "class"),
    ("why this class", "class_reason"),
    ("address (icao24)", "icao24"),
    ("country of the address block", "country"),
    ("emitter category", "emitter_category"),
)
FLIGHT_FIELDS = (
    "id",
    "callsign",
    "origin",
    "origin_method",
    "takeoff",
    "destination",
    "destination_method",
    "landing",
    "first_seen",
    "last_seen",
    "gaps",
    "longest_gap_s",
    "max_altitude",
    "ends_airborne",
)


def _iso(v: Any) -> Any:
    return v.isoformat() + "Z" if isinstance(v, dt.datetime) else v


def document(
    store: Store,
    aircraft: str,
    *,
    on: str | dt.date,
    left: str | None = None,
    arrived: str | None = None,
    quiet_s: float = 300.0,
) -> dict[str, Any]:
    """What the report shows, as data."""
    day = day_of(on)
    icao = resolve(store, aircraft)
    info = lookup(store, icao).to_dict()
    since = dt.datetime.combine(day, dt.time())
    until = since + dt.timedelta(days=1)
    flights = query(store, aircraft=icao, on=day).to_pylist()
    claim = None
    if left or arrived:
        claim = check_aircraft(
            store, aircraft, left=left, arrived=arrived, on=day, quiet_s=quiet_s
        ).to_dict()
    info.pop("sources", None)
    return {
        "query": aircraft,
        "day": day.isoformat(),
        "labels": sorted(store.labels()),
        "aircraft": {k: _iso(v) for k, v in info.items()},
        "flights": [{k: _iso(f[k]) for k in FLIGHT_FIELDS} for f in flights],
        "quiet": quiet_gaps(store, icao, since, until, quiet_s),
        "quiet_s": quiet_s,
        "claim": claim,
    }


def render(
    store: Store,
    aircraft: str,
    *,
    on: str | dt.date,
    left: str | None = None,
    arrived: str | None = None,
    out: str | None = None,
) -> tuple[str, dict[str, Any]]:
    """The report's HTML and the document it shows."""
    doc = document(store, aircraft, on=on, left=left, arrived=arrived)
    icao = doc["aircraft"]["icao24"]
    since = dt.datetime.fromisoformat(doc["day"])
    tracks = positions.tracks(store, [f["id"] for f in doc["flights"]])
    ports = positions.airports(doc["flights"])
    gaps = [(_seconds(g["from"], since), _seconds(g["to"], since)) for g in doc["quiet"]]
    name = doc["aircraft"].get("registration") or icao
    claim = ["--left", left] if left else ["--arrived", arrived] if arrived else []
    again = [
        *("jetwatch", "report", "aircraft", doc["query"]),
        *("--db", store.path.name, "--on", doc["day"], *claim),
        *(("--out", out) if out else ()),
    ]
    parts = [
        page.label(doc["labels"]),
        page.summary(summary(doc)),
        _identity(doc),
        _claim(doc),
        "<h2>Flights that day (UTC)</h2>",
        _flights(doc, tracks),
        "<h2>Where it flew</h2>",
        positions.track_map(tracks, ports) or "<p>No track that day.</p>",
        "<h2>Altitude over the day (UTC)</h2>",
        svg.profile(positions.profile(store, icao, since, since + dt.timedelta(days=1)), gaps),
        "<h2>Coverage</h2>",
        _coverage(doc),
        "<h2>Provenance</h2>",
        page.provenance(
            store,
            {
                "aircraft": doc["query"],
                "day": doc["day"],
                "left": left,
                "arrived": arrived,
                "quiet_s": doc["quiet_s"],
            },
            again,
            ingests=page.used_ingests(store, since, since + dt.timedelta(days=1), icao),
            data_hash=page.digest(doc),
            data_id="aircraft-data",
        ),
    ]
    title = f"Aircraft report: {name} on {doc['day']}"
    return page.document(title, parts, "aircraft-data", doc), doc


def summary(doc: dict[str, Any]) -> str:
    """What the report found, in plain sentences ready to quote."""
    a = doc["aircraft"]
    name = a.get("registration") or a["icao24"]
    what = ", ".join(str(v) for v in (a.get("typecode"), a.get("operator")) if v)
    legs = []
    for f in doc["flights"]:
        start = (
            f"from {f['origin']} at {_hms(f['takeoff'])} UTC"
            if f["takeoff"] and f["origin"]
            else (f"first seen airborne at {_hms(f['first_seen'])} UTC")
        )
        if f["destination"]:
            end = f"to {f['destination']}" + (
                f" at {_hms(f['landing'])} UTC" if f["landing"] else ""
            )
        else:
            end = f"last seen at {_hms(f['last_seen'])} UTC, destination unknown"
        legs.append(f"{start}, {end}")
    said = f"{name}{f' ({what})' if what else ''} made {len(legs)} flight(s) on {doc['day']} (UTC)"
    said += (": " + "; ".join(legs) + ".") if legs else "."
    if doc["claim"]:
        said += f" Claim “{doc['claim']['claim']}”: {doc['claim']['verdict']}."
    if doc["quiet"]:
        said += f" Its transponder went quiet {len(doc['quiet'])} time(s) while airborne."
    labels = "; ".join(doc["labels"])
    return said + (f" Data: {labels}." if labels else "")


def _hms(stamp: str) -> str:
    return stamp[11:19]


def _seconds(stamp: str, since: dt.datetime) -> float:
    return (dt.datetime.fromisoformat(stamp.removesuffix("Z")) - since).total_seconds()


def _identity(doc: dict[str, Any]) -> str:
    a = doc["aircraft"]
    rows = "".join(
        f"<tr><th>{escape(label)}</th><td>{escape(str(a.get(key) or '–'))}</td></tr>"
        for label, key in IDENTITY
    )
    cats = ", ".join(a.get("categories") or []) or "–"
    known = "" if a.get("in_registry") else "<p class=caveat>Not in the registry.</p>"
    return f"{known}<table>{rows}<tr><th>watch categories</th><td>{escape(cats)}</td></tr></table>"


def _claim(doc: dict[str, Any]) -> str:
    claim = doc["claim"]
    if claim is None:
        return ""
    reasons = "".join(f"<li>{escape(r)}</li>" for r in claim["reasons"])
    return (
        f"<h2>Claim: {escape(claim['claim'])}</h2>"
        f'<p class="verdict">Verdict: {escape(claim["verdict"])}</p><ul>{reasons}</ul>'
        f"<p>The area's day is its local day; its coverage was {claim['coverage']:.0%} of "
        "its usual level.</p>"
    )


def _flights(doc: dict[str, Any], tracks: dict[str, Any]) -> str:
    if not doc["flights"]:
        return "<p>No flight of this aircraft that day.</p>"
    rows = []
    for f in doc["flights"]:
        link = f'<a href="#track-{escape(f["id"])}">track</a>' if f["id"] in tracks else ""
        off = _hms(f["takeoff"]) if f["takeoff"] else f"first seen {_hms(f['first_seen'])}"
        on = _hms(f["landing"]) if f["landing"] else f"last seen {_hms(f['last_seen'])}"
        cells = (
            f["callsign"],
            f"{f['origin'] or 'unknown'} ({f['origin_method'] or '–'})",
            off,
            f"{f['destination'] or 'unknown'} ({f['destination_method'] or '–'})",
            on,
            f"{f['gaps']} ({f['longest_gap_s'] or 0:.0f} s longest)",
            f"{f['max_altitude']:,} ft" if f["max_altitude"] is not None else "",
        )
        rows.append(
            "<tr>"
            + "".join(f"<td>{escape(str(c or ''))}</td>" for c in cells)
            + f"<td>{link}</td></tr>"
        )
    return (
        "<table><tr><th>callsign</th><th>from</th><th>take-off</th><th>to</th>"
        "<th>landing</th><th>gaps</th><th>max altitude</th><th></th></tr>"
        f"{''.join(rows)}</table>"
    )


def _coverage(doc: dict[str, Any]) -> str:
    text = (
        f"<p>Spans of more than {doc['quiet_s']:.0f} s without a position while airborne: "
        "the transponder went quiet or the aircraft left receiver coverage. What it did "
        "then is not in the data; an absence of positions is not evidence of where it "
        "was.</p>"
    )
    lost = "".join(
        f"<p>Last seen airborne at {escape(_hms(f['last_seen']))} UTC on the flight from "
        f"{escape(f['origin'] or 'unknown')}: no landing was seen that day.</p>"
        for f in doc["flights"]
        if f["ends_airborne"]
    )
    if not doc["quiet"]:
        return text + "<p>No such span that day.</p>" + lost
    rows = "".join(
        f"<tr><td>{escape(_hms(g['from']))}</td><td>{escape(_hms(g['to']))}</td>"
        f"<td class=num>{g['seconds'] / 60:.0f} min</td>"
        f"<td>{_where(g['before'])}</td><td>{_where(g['after'])}</td></tr>"
        for g in doc["quiet"]
    )
    return (
        text + "<table><tr><th>quiet from (UTC)</th><th>to</th><th>for</th><th>last position</th>"
        f"<th>next position</th></tr>{rows}</table>" + lost
    )


def _where(p: dict[str, Any]) -> str:
    alt = f", {p['altitude']:,} ft" if p.get("altitude") is not None else ""
    return escape(f"{p['lat']:.3f}, {p['lon']:.3f}{alt}")
