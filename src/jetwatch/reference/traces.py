"""What readsb's traces say about their aircraft, as registry rows.

Each ``trace_full_<hex>.json`` opens with readsb's database entry for its aircraft:
``r`` (registration), ``t`` (ICAO type designator), ``desc``, ``ownOp``, ``year``
and ``dbFlags`` (bits: 1 military, 2 interesting, 4 PIA, 8 LADD). A globe_history
tar (adsb.lol, ADS-B Exchange) holds one trace per aircraft, so the traces of an
area bring the facts of the aircraft seen there, and with them a class for the
departures that no imported registry covers.

:func:`rows` reads them from a trace or a tar of traces (member by member, each
decompressed when it is gzip), as :data:`jetwatch.reference.registry.COLUMNS`.
They are merged to fill gaps only (``registry import --format readsb_traces``, and
``fetch adsblol`` after each day): a value from an imported registry is never
replaced by a trace's. Text is bounded like the registry formats' (at most 64
characters); a trace without a six-hex-digit ``icao`` is rejected with its member.
"""

from __future__ import annotations

import gzip
import re
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson

from jetwatch.compress import Stream, read_head
from jetwatch.sources.document import read_document
from jetwatch.sources.tar import members, sniff

COLUMNS = (
    "icao24",
    "registration",
    "typecode",
    "description",
    "operator",
    "year",
    "military",
    "interesting",
    "pia",
    "ladd",
    "categories",
    "tags",
)  # fmt: skip  (the registry's, jetwatch.reference.registry.COLUMNS)
HEX6 = re.compile(r"[0-9a-f]{6}")
MAX_TEXT = 64
MILITARY, INTERESTING, PIA, LADD = 1, 2, 4, 8


def _text(value: object) -> str | None:
    if not isinstance(value, str | int) or isinstance(value, bool):
        return None
    text = str(value).strip()
    return text[:MAX_TEXT] if text and text.isprintable() else None


def _documents(path: Path) -> Iterator[tuple[str, bytes]]:
    """(name, bytes) of each trace: the tar's ``trace_full_*`` members, or the file."""
    if sniff(read_head(path, 512)):
        for info, data in members(Stream(path)):
            if data is not None and info.name.rsplit("/", 1)[-1].startswith("trace_full_"):
                yield info.name, data
        return
    data, _ = read_document(Stream(path))
    yield path.name, data


def _decoded(data: bytes) -> Any:
    if data[:2] == b"\x1f\x8b":
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError, zlib.error):
            return None
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError:
        return None


def rows(path: Path) -> tuple[list[dict[str, Any]], list[tuple[int, str]]]:
    """The registry rows of the traces in ``path`` (with ``_line``: the trace's
    number in the file), and the traces rejected."""
    out: list[dict[str, Any]] = []
    rejected = []
    for number, (name, data) in enumerate(_documents(path), start=1):
        doc = _decoded(data)
        icao = doc.get("icao") if isinstance(doc, dict) else None
        hexid = icao.strip().lower() if isinstance(icao, str) else ""
        if not HEX6.fullmatch(hexid):
            rejected.append((number, f"{name}: not a trace with a six-digit icao"))
            continue
        assert isinstance(doc, dict)
        raw = doc.get("dbFlags")
        flags = raw if isinstance(raw, int) else 0
        year = _text(doc.get("year"))
        out.append(
            {
                "icao24": hexid,
                "registration": _text(doc.get("r")),
                "typecode": (_text(doc.get("t")) or "").upper() or None,
                "description": _text(doc.get("desc")),
                "operator": _text(doc.get("ownOp")),
                "year": int(year)
                if year and year.isdigit() and 1900 <= int(year) <= 2100
                else None,
                "military": bool(flags & MILITARY) or None,
                "interesting": bool(flags & INTERESTING) or None,
                "pia": bool(flags & PIA) or None,
                "ladd": bool(flags & LADD) or None,
                "categories": [],
                "tags": [],
                "_line": number,
            }
        )
    return out, rejected
