"""Watchlists: which aircraft are of interest, stored in the database.

An entry names aircraft by one of:

- ``hex``: the 24-bit address (``151f53``);
- ``reg``: a registration (``RA-73555``; hyphens and case do not matter);
- ``operator``: a pattern on the registry's operator (``*Rotenberg*``, case-insensitive,
  ``*`` any text);
- ``type``: an ICAO type designator (``GLF6``);
- ``category``: a category of the registry (plane-alert-db's ``Category``, e.g.
  ``Oligarch``) or one given to entries on import.

An entry with ``exclude`` removes the aircraft it names from the list (users drown in
alerts without exclusions): exclusions win. :func:`resolve` turns the list into the
watched addresses with what is known of each, by one join against the registry
(``aircraft``). Registrations and operators need the registry
(``jetwatch registry import``); a ``hex`` entry is watched even when the registry
does not know it.

Imports: the plane-alert-db CSV (merged into the registry, then one ``hex`` entry
per row of the chosen categories, noted with its operator) and simple lists (one
hex address or registration per line, ``#`` comments).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from jetwatch.compress import Stream
from jetwatch.errors import JetwatchError
from jetwatch.reference import registry
from jetwatch.store.db import Store

KINDS = ("hex", "reg", "operator", "type", "category")
HEX = re.compile(r"^[0-9a-fA-F]{6}$")
REG = re.compile(r"^[A-Z0-9][A-Z0-9-]{1,9}$")


class WatchError(JetwatchError, ValueError):
    """A watchlist entry or import jetwatch cannot use."""


@dataclass(frozen=True)
class Entry:
    id: int
    kind: str
    value: str
    exclude: bool
    note: str | None
    category: str | None


@dataclass
class Watched:
    """One watched aircraft and what is known of it."""

    icao24: str
    registration: str | None = None
    typecode: str | None = None
    operator: str | None = None
    categories: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    cls: str | None = None


def normalise(kind: str, value: str) -> str:
    if kind not in KINDS:
        raise WatchError(f"unknown entry kind; use one of {', '.join(KINDS)}", value=kind)
    text = value.strip()
    if not text:
        raise WatchError(f"an empty {kind}", value=value)
    if kind == "hex":
        if not HEX.match(text):
            raise WatchError("a hex address is 6 hex digits", value=value)
        return text.lower()
    if kind == "reg" and not REG.match(text.upper()):
        raise WatchError("a registration is 2 to 10 letters, digits and hyphens", value=value)
    if kind in ("reg", "type"):
        return text.upper()
    return text


def add(
    store: Store,
    kind: str,
    value: str,
    note: str | None = None,
    category: str | None = None,
    exclude: bool = False,
) -> int:
    """Add (or update the note of) an entry; returns its id."""
    v = normalise(kind, value)
    rows = store.con.execute(
        "INSERT INTO watchlist (kind, value, exclude, note, category) VALUES (?, ?, ?, ?, ?) "
        "ON CONFLICT (kind, value, exclude) DO UPDATE SET "
        "note = coalesce(excluded.note, note), category = coalesce(excluded.category, category) "
        "RETURNING id",
        [kind, v, exclude, note, category],
    ).fetchall()
    return int(rows[0][0])


def remove(store: Store, entry_id: int) -> bool:
    rows = store.con.execute("DELETE FROM watchlist WHERE id = ? RETURNING id", [entry_id])
    return bool(rows.fetchall())


def entries(store: Store) -> list[Entry]:
    rows = store.con.execute(
        "SELECT id, kind, value, exclude, note, category FROM watchlist ORDER BY id"
    ).fetchall()
    return [Entry(*r) for r in rows]


def import_plane_alert(store: Store, path: Path, categories: list[str] | None = None) -> int:
    """Merge a plane-alert-db CSV into the registry and watch its aircraft (of
    ``categories`` only, when given); returns the entries added or updated."""
    result = registry.import_file(store, path, "plane_alert")
    if result.rows == 0:
        raise WatchError("no aircraft in the file", where=str(path))
    wanted = {c.lower() for c in categories or []}
    rows = store.con.execute(
        'SELECT lower("$ICAO"), "$Operator", "Category" '
        "FROM read_csv(?, all_varchar = true, header = true)",
        [str(path)],
    ).fetchall()
    added = 0
    for icao, operator, category in rows:
        if not HEX.match(icao or "") or (wanted and (category or "").lower() not in wanted):
            continue
        add(store, "hex", icao, note=operator, category=category)
        added += 1
    return added


def import_list(
    store: Store, path: Path, category: str | None = None
) -> tuple[int, list[WatchError]]:
    """A simple list: one hex address or registration per line, optionally followed by
    ``,`` and a note (``#`` comments). Returns the entries added or updated and the
    errors of the lines that could not be used (each naming its file and line)."""
    text = b"".join(Stream(path).chunks()).decode("utf-8", "replace")
    added = 0
    errors = []
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        value, _, note = line.partition(",")
        value = value.strip()
        kind = "hex" if HEX.match(value) else "reg"
        try:
            add(store, kind, value, note=note.strip() or None, category=category)
        except WatchError as exc:
            errors.append(WatchError(exc.message, value=value, where=f"{path}:{number}"))
            continue
        added += 1
    return added, errors


def resolve(store: Store) -> dict[str, Watched]:
    """The watched addresses (after exclusions), with registry data and notes."""
    con = store.con
    rows = con.execute(
        """
        WITH e AS (SELECT * FROM watchlist),
        a AS (SELECT icao24, registration, typecode, operator,
                     coalesce(categories, []) AS categories FROM aircraft),
        hits AS (
            SELECT e.id, e.kind, e.exclude, e.note, e.category,
                   coalesce(a.icao24, e.value) AS icao24
            FROM e LEFT JOIN a ON a.icao24 = e.value WHERE e.kind = 'hex'
            UNION ALL
            SELECT e.id, e.kind, e.exclude, e.note, e.category, a.icao24 FROM e JOIN a
              ON (e.kind = 'reg'
                  AND replace(upper(a.registration), '-', '') = replace(e.value, '-', ''))
              OR (e.kind = 'type' AND upper(a.typecode) = e.value)
              OR (e.kind = 'category'
                  AND list_contains(
                      list_transform(a.categories, lambda c: lower(c)), lower(e.value)))
              OR (e.kind = 'operator'
                  AND a.operator ILIKE replace(replace(e.value, '%', '\\%'), '*', '%') ESCAPE '\\')
        ),
        kept AS (
            SELECT * FROM hits WHERE NOT exclude
            AND icao24 NOT IN (SELECT icao24 FROM hits WHERE exclude)
        )
        SELECT k.icao24, any_value(a.registration), any_value(a.typecode), any_value(a.operator),
               any_value(a.categories), list(DISTINCT k.note) FILTER (k.note IS NOT NULL),
               list(DISTINCT k.category) FILTER (k.category IS NOT NULL),
               any_value(c.class)
        FROM kept k LEFT JOIN a ON a.icao24 = k.icao24
        LEFT JOIN aircraft_classes c ON c.icao24 = k.icao24
        GROUP BY k.icao24
        """
    ).fetchall()
    out = {}
    for icao, reg, typecode, operator, cats, notes, given, cls in rows:
        categories = list(dict.fromkeys([*(given or []), *(cats or [])]))
        out[icao] = Watched(icao, reg, typecode, operator, categories, list(notes or []), cls)
    return out
