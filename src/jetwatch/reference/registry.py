"""Aircraft registries: read the formats users have, merge them into the store.

Formats, recognised by their first line:

- ``tar1090_db``: tar1090-db ``aircraft.csv(.gz)``, ``;``-separated, no header:
  ``icao;reg;type;flags;desc;year;ownop``; ``flags`` is four ``0``/``1`` characters:
  military, interesting, PIA, LADD.
- ``opensky_db``: OpenSky ``aircraftDatabase.csv`` (``icao24``, ``registration``,
  ``typecode``, ``model``, ``operator``, ``owner``, ``built``…; quotes may be ``'``).
- ``adsbx_basic``: ADS-B Exchange ``basic-ac-db.json(.gz)``, JSON lines with
  ``icao``, ``reg``, ``icaotype``, ``year``, ``manufacturer``, ``model``, ``ownop``,
  ``mil``, ``faa_pia``, ``faa_ladd``.
- ``plane_alert``: plane-alert-db CSV (``$ICAO,$Registration,$Operator,$Type,
  $ICAO Type,#CMPG,$Tag 1,$#Tag 2,$#Tag 3,Category,$#Link``): its ``Category``
  becomes a watch category and the tags are kept; the aircraft is "interesting".
- ``flightaware``: FlightAware's public registry export ``icao24,r,t,desc``, and the
  older VRS/FlightAware ``icao24,r,t`` files in dump1090's ``tools/``.
- ``readsb_traces``: readsb ``trace_full_<hex>.json`` files, or a globe_history tar
  of them (:mod:`jetwatch.reference.traces`): each trace's ``r``, ``t``, ``desc``,
  ``ownOp``, ``year`` and ``dbFlags``. They only fill gaps: a value another
  registry gave is kept.
- ``icao_types``: a types file in readsb's ``types.json`` shape,
  ``{"GLF6": ["GULFSTREAM G650", "L2J", "M"], ...}`` (name, ICAO description,
  wake category), which feeds the type-description rule of the classes.

Every format becomes the same columns (:data:`COLUMNS`). Merging into the store's
``aircraft`` table is one set-based upsert: a field a source leaves empty never
erases a known value, categories and tags accumulate, and ``sources`` records which
source gave each field last. Rows whose address is not 6 hex digits are rejected
with their line (or record) number; the rest is imported.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import orjson
import pyarrow as pa
import pyarrow.compute as pc
from pydantic import AliasChoices, Field

from jetwatch.compress import Stream, read_head
from jetwatch.errors import UnknownFormatError
from jetwatch.reference import traces
from jetwatch.reference.classes import CLASSES
from jetwatch.reference.countries import block_of
from jetwatch.results import Result
from jetwatch.sources.tar import sniff as tar_sniff
from jetwatch.sql import literal
from jetwatch.store.db import Store

FORMATS = (
    "tar1090_db",
    "opensky_db",
    "adsbx_basic",
    "plane_alert",
    "flightaware",
    "icao_types",
    "readsb_traces",
)
FIELDS = ("registration", "typecode", "description", "operator", "year")
FLAGS = ("military", "interesting", "pia", "ladd")
COLUMNS = ("icao24", *FIELDS, *FLAGS, "categories", "tags")
MERGE_ROWS = 200_000
HEX6 = "regexp_full_match(icao24, '[0-9a-f]{6}')"


@dataclass
class ImportResult:
    path: Path
    format: str
    rows: int = 0
    merged: int = 0  # rows new or changed
    rejected: list[tuple[int, str]] = field(default_factory=list)  # (line, text)


def detect(path: Path) -> str:
    head = read_head(path, 4096).lstrip(b"\xef\xbb\xbf")
    if tar_sniff(head) or (head.lstrip().startswith(b"{") and b'"trace"' in head):
        return "readsb_traces"
    first = head.split(b"\n", 1)[0].strip()
    low = first.lower()
    if first.startswith(b"$ICAO"):
        return "plane_alert"
    if low.startswith(b"{") and b'"icao"' in low:
        return "adsbx_basic"
    if low.startswith(b"{") and b'":["' in low.replace(b" ", b""):
        return "icao_types"
    cells = [c.strip(b" '\"") for c in low.split(b",")]
    if cells[0] == b"icao24" and len(cells) > 1 and set(cells[1:]) <= {b"r", b"t", b"desc"}:
        return "flightaware"
    if b"icao24" in low and b"registration" in low:
        return "opensky_db"
    if first.count(b";") >= 6:
        return "tar1090_db"
    raise UnknownFormatError(
        "not a registry format jetwatch reads", value=first[:40], where=str(path)
    )


@contextmanager
def _plain(path: Path) -> Iterator[Path]:
    """The file itself, or a decompressed temporary copy when it is compressed."""
    stream = Stream(path)
    if stream.compression == "none":
        yield path
        return
    tmp = Path(tempfile.mkdtemp(prefix="jetwatch-registry-"))
    try:
        out = tmp / "registry"
        with open(out, "wb") as fh:
            for chunk in stream.chunks():
                fh.write(chunk)
        yield out
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


REQUIRED = {"flightaware": "icao24", "opensky_db": "icao24", "plane_alert": "$ICAO"}


def _csv_select(con: duckdb.DuckDBPyConnection, fmt: str, path: Path) -> str:
    """A SELECT giving :data:`COLUMNS` (plus ``_line``) for a CSV registry. Every column
    but the address is optional (dump1090's ``icao24,r,t`` has no ``desc``); a file
    without the address column is refused with the columns it has."""
    common = "store_rejects=true, rejects_table='jw_reg_errors', rejects_scan='jw_reg_scans'"
    if fmt == "tar1090_db":
        src = (
            f"read_csv({literal(path)}, delim=';', header=false, all_varchar=true, quote='', "
            f"null_padding=true, {common}, columns={{'icao24': 'VARCHAR', 'reg': 'VARCHAR', "
            "'type': 'VARCHAR', 'flags': 'VARCHAR', 'descr': 'VARCHAR', 'year': 'VARCHAR', "
            "'ownop': 'VARCHAR', 'extra': 'VARCHAR'})"
        )
        return (
            "SELECT lower(trim(icao24)) AS icao24, nullif(trim(reg), '') AS registration, "
            "nullif(trim(type), '') AS typecode, nullif(trim(descr), '') AS description, "
            "nullif(trim(ownop), '') AS operator, TRY_CAST(year AS INTEGER) AS year, "
            "substr(flags, 1, 1) = '1' AS military, substr(flags, 2, 1) = '1' AS interesting, "
            "substr(flags, 3, 1) = '1' AS pia, substr(flags, 4, 1) = '1' AS ladd, "
            f"[]::VARCHAR[] AS categories, []::VARCHAR[] AS tags FROM {src}"
        )
    quote = ", quote=''''" if fmt == "opensky_db" else ""
    src = f"read_csv({literal(path)}, header=true, all_varchar=true{quote}, {common})"
    try:
        names = [r[0] for r in con.execute(f"DESCRIBE SELECT * FROM {src}").fetchall()]
    except duckdb.Error as exc:
        raise UnknownFormatError(f"unreadable {fmt} CSV: {exc}"[:200], where=str(path)) from exc
    present = {n.lower(): n for n in names}
    if REQUIRED[fmt].lower() not in present:
        raise UnknownFormatError(
            f"a {fmt} registry needs a {REQUIRED[fmt]!r} column; this file has "
            + ", ".join(repr(n) for n in names),
            where=str(path),
        )

    def c(name: str) -> str:
        """The column, quoted, or NULL when the file does not have it."""
        found = present.get(name.lower())
        return '"' + found.replace('"', '""') + '"' if found else "NULL::VARCHAR"

    def text(name: str) -> str:
        return f"nullif(trim({c(name)}), '')"

    empty = "NULL::BOOLEAN AS pia, NULL::BOOLEAN AS ladd"
    if fmt == "flightaware":
        return (
            f"SELECT lower(trim({c('icao24')})) AS icao24, {text('r')} AS registration, "
            f"{text('t')} AS typecode, {text('desc')} AS description, "
            "NULL::VARCHAR AS operator, NULL::INTEGER AS year, NULL::BOOLEAN AS military, "
            f"NULL::BOOLEAN AS interesting, {empty}, "
            f"[]::VARCHAR[] AS categories, []::VARCHAR[] AS tags FROM {src}"
        )
    if fmt == "opensky_db":
        maker = f"concat_ws(' ', {c('manufacturername')}, {c('model')})"
        return (
            f"SELECT lower(trim({c('icao24')})) AS icao24, "
            f"{text('registration')} AS registration, {text('typecode')} AS typecode, "
            f"nullif(trim({maker}), '') AS description, "
            f"coalesce({text('operator')}, {text('owner')}) AS operator, "
            f"TRY_CAST(substr({c('built')}, 1, 4) AS INTEGER) AS year, "
            f"NULL::BOOLEAN AS military, NULL::BOOLEAN AS interesting, {empty}, "
            f"[]::VARCHAR[] AS categories, []::VARCHAR[] AS tags FROM {src}"
        )
    # plane_alert
    tags = ", ".join(f"trim({c(t)})" for t in ("$Tag 1", "$#Tag 2", "$#Tag 3", "#CMPG"))
    return (
        f"SELECT lower(trim({c('$ICAO')})) AS icao24, {text('$Registration')} AS registration, "
        f"{text('$ICAO Type')} AS typecode, {text('$Type')} AS description, "
        f"{text('$Operator')} AS operator, NULL::INTEGER AS year, "
        f"{c('#CMPG')} = 'Mil' AS military, true AS interesting, {empty}, "
        f"list_filter([trim({c('Category')})], lambda x: x <> '') AS categories, "
        f"list_filter([{tags}], lambda x: x IS NOT NULL AND x <> '') AS tags "
        f"FROM {src}"
    )


def _adsbx(path: Path) -> tuple[pa.Table, list[tuple[int, str]]]:
    rows: dict[str, list[Any]] = {c: [] for c in (*COLUMNS, "_line")}
    rejected: list[tuple[int, str]] = []
    stream = Stream(path)
    text = b"".join(stream.chunks())
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            doc = orjson.loads(line)
            values: dict[str, object] = {
                "icao24": str(doc["icao"]).lower(),
                "registration": doc.get("reg") or None,
                "typecode": doc.get("icaotype") or None,
                "description": " ".join(x for x in (doc.get("manufacturer"), doc.get("model")) if x)
                or None,
                "operator": doc.get("ownop") or None,
                "year": int(doc["year"]) if str(doc.get("year") or "").isdigit() else None,
                "military": bool(doc.get("mil")) if "mil" in doc else None,
                "interesting": None,
                "pia": bool(doc.get("faa_pia")) if "faa_pia" in doc else None,
                "ladd": bool(doc.get("faa_ladd")) if "faa_ladd" in doc else None,
                "categories": [],
                "tags": [],
                "_line": number,
            }
        except (orjson.JSONDecodeError, KeyError, TypeError, ValueError):
            rejected.append((number, line[:200].decode(errors="replace")))
            continue
        for name, value in values.items():
            rows[name].append(value)
    return _table(rows), rejected


def _table(rows: Mapping[str, list[Any]]) -> pa.Table:
    """Registry rows by column (:data:`COLUMNS` and ``_line``) as a typed table."""
    types = {
        "year": pa.int32(),
        "categories": pa.list_(pa.string()),
        "tags": pa.list_(pa.string()),
        "_line": pa.int64(),
    }
    return pa.table(
        {
            c: pa.array(v, types.get(c, pa.bool_() if c in FLAGS else pa.string()))
            for c, v in rows.items()
        }
    )


def import_file(store: Store, path: Path, fmt: str | None = None) -> ImportResult:
    """Read one registry file and merge it into ``store``'s ``aircraft`` table."""
    path = Path(path)
    fmt = fmt or detect(path)
    result = ImportResult(path=path, format=fmt)
    con = store.con
    source = f"{fmt}:{path.name}"
    if fmt == "icao_types":
        return _import_types(store, path, result, source)
    if fmt in ("adsbx_basic", "readsb_traces"):
        if fmt == "adsbx_basic":
            table, result.rejected = _adsbx(path)
        else:
            found, result.rejected = traces.rows(path)
            table = _table({c: [r[c] for r in found] for c in (*COLUMNS, "_line")})
        con.register("_registry_rows", table)
        rows_sql = "SELECT * FROM _registry_rows"
    else:
        header = 0 if fmt == "tar1090_db" else 1
        with _plain(path) as plain:
            con.execute(
                "CREATE OR REPLACE TEMP TABLE _registry_rows AS SELECT *, "
                f"row_number() OVER () + {header} AS _line FROM ({_csv_select(con, fmt, plain)})"
            )
            errors = con.execute(
                "SELECT DISTINCT line, csv_line FROM jw_reg_errors ORDER BY line"
            ).fetchall()
            result.rejected = [(int(line), str(text)) for line, text in errors]
            con.execute("DROP TABLE IF EXISTS jw_reg_errors")
            con.execute("DROP TABLE IF EXISTS jw_reg_scans")
        rows_sql = "SELECT * FROM _registry_rows"
    try:
        result.rows = con.execute(f"SELECT count(*) FROM ({rows_sql})").fetchall()[0][0]
        bad = con.execute(
            f"SELECT _line, icao24 FROM ({rows_sql}) WHERE NOT coalesce({HEX6}, false)"
        ).fetchall()
        result.rejected += [(int(line), f"bad address {icao!r}") for line, icao in bad]
        # merge in slices (each its own transaction) so memory stays bounded; a
        # re-run after an interruption converges, since merging is idempotent
        parts = max(1, -(-result.rows // MERGE_ROWS))
        result.merged = sum(
            _merge(
                con,
                f"SELECT * FROM ({rows_sql}) WHERE {HEX6} AND hash(icao24) % {parts} = {k}",
                source,
                fill_only=fmt == "readsb_traces",
            )
            for k in range(parts)
        )
    finally:
        if fmt in ("adsbx_basic", "readsb_traces"):
            con.unregister("_registry_rows")
        else:
            con.execute("DROP TABLE IF EXISTS _registry_rows")
    return result


def _import_types(store: Store, path: Path, result: ImportResult, source: str) -> ImportResult:
    """Type designators with their ICAO description and wake category."""
    try:
        doc = orjson.loads(b"".join(Stream(path).chunks()))
    except orjson.JSONDecodeError as exc:
        raise UnknownFormatError(f"not a types file: {exc}", where=str(path)) from exc
    rows = []
    for number, (code, value) in enumerate(doc.items(), start=1):
        if not (isinstance(value, list) and len(value) >= 2 and isinstance(code, str)):
            result.rejected.append((number, f"{code!r}: not [name, description, wake]"))
            continue
        wtc = value[2] if len(value) > 2 else None
        rows.append((code.upper(), value[1] or None, wtc or None, value[0] or None, source))
    result.rows = len(doc)
    names = ("typecode", "description_code", "wtc", "name", "source")
    table = pa.table({n: pa.array([r[i] for r in rows], pa.string()) for i, n in enumerate(names)})
    con = store.con
    con.register("_types", table)
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute(
            "DELETE FROM aircraft_type_descs WHERE typecode IN (SELECT typecode FROM _types)"
        )
        con.execute("INSERT INTO aircraft_type_descs SELECT DISTINCT ON (typecode) * FROM _types")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    else:
        con.execute("COMMIT")
    finally:
        con.unregister("_types")
    result.merged = len(rows)
    return result


def _merge(
    con: duckdb.DuckDBPyConnection, rows_sql: str, source: str, fill_only: bool = False
) -> int:
    """Merge rows into ``aircraft``; returns how many rows were new or changed.

    Known values survive empty ones, categories and tags accumulate, ``sources``
    names the file that gave each field last. With ``fill_only``, a known value also
    survives a new one (the rows only fill gaps). Rows that change nothing are not
    rewritten, so re-importing the same file is quick.
    """
    src_map = (
        "map_from_entries(list_filter(["
        + ", ".join(
            f"struct_pack(k := '{c}', v := CASE WHEN {c} IS NOT NULL THEN ? END)"
            for c in (*FIELDS, *FLAGS)
        )
        + "], lambda e: e.v IS NOT NULL))"
    )
    params = [source] * (len(FIELDS) + len(FLAGS))
    first, then = ("a", "n") if fill_only else ("n", "a")
    merged = {c: f"coalesce({first}.{c}, {then}.{c})" for c in (*FIELDS, *FLAGS)}
    merged["categories"] = "list_sort(list_distinct(list_concat(a.categories, n.categories)))"
    merged["tags"] = "list_sort(list_distinct(list_concat(a.tags, n.tags)))"
    merged["sources"] = (
        "map_concat(a.sources, map_from_entries(list_filter(map_entries(n.sources), "
        "lambda e: NOT list_contains(map_keys(a.sources), e.key))))"
        if fill_only  # the new source only for the fields it filled
        else "map_concat(a.sources, n.sources)"
    )
    canonical = [
        f"list_sort(list_distinct(n.{c}))" if c in ("categories", "tags") else f"n.{c}"
        for c in COLUMNS
    ]
    changed = " OR ".join(f"a.{c} IS DISTINCT FROM {expr}" for c, expr in merged.items())
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE _merge_rows AS SELECT DISTINCT ON (icao24) "
            f"{', '.join(COLUMNS)}, {src_map} AS sources FROM ({rows_sql}) "
            "ORDER BY icao24, _line DESC",  # the last row of an address in a file wins
            params,
        )
        updated = con.execute(
            f"UPDATE aircraft AS a SET {', '.join(f'{c} = {e}' for c, e in merged.items())}, "
            f"updated = now() FROM _merge_rows n WHERE a.icao24 = n.icao24 AND ({changed})"
        ).fetchall()[0][0]
        inserted = con.execute(
            f"INSERT INTO aircraft SELECT {', '.join(canonical)}, n.sources, "
            "now() FROM _merge_rows n ANTI JOIN aircraft a ON a.icao24 = n.icao24"
        ).fetchall()[0][0]
        con.execute("DROP TABLE _merge_rows")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    con.execute("COMMIT")
    return int(updated) + int(inserted)


class AircraftInfo(Result):
    """What is known of one aircraft. Fields the answer could not know are absent
    from ``to_dict()`` (not counted as empty): the registry's fields when it lacks
    the aircraft, the country and class when even the address is unknown."""

    query: str
    in_registry: bool
    icao24: str | None = None
    registration: str | None = None
    typecode: str | None = None
    description: str | None = None
    operator: str | None = None
    year: int | None = None
    military: bool | None = None
    interesting: bool | None = None
    pia: bool | None = None
    ladd: bool | None = None
    categories: list[str] | None = None
    tags: list[str] | None = None
    sources: dict[str, str] | None = None  # the file each field came from
    country: str | None = None  # of the address block
    country_iso: str | None = None
    cls: str | None = Field(
        default=None,
        validation_alias=AliasChoices("class", "cls"),
        serialization_alias="class",
    )
    class_reason: str | None = None
    emitter_category: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return self.model_dump(mode="json", by_alias=True, exclude_unset=True)


def lookup(store: Store, query: str, classes: pa.Table | None = None) -> AircraftInfo:
    """What is known of one aircraft, by hex address or registration (``RA-96022`` or
    ``RA96022``: hyphens do not matter).

    Always answers: ``in_registry`` says whether the registry has the aircraft; the
    country follows from the address block and the emitter category from the
    aircraft's own broadcasts (``positions``) whenever the address is known.
    ``classes``: a snapshot of the classes (``classes.snapshot``) to read the class
    and emitter category from, instead of the view.
    """
    text = query.strip()
    con = store.con
    names = ["icao24", *FIELDS, *FLAGS, "categories", "tags", "sources"]
    by_hex = len(text) == 6 and all(c in "0123456789abcdefABCDEF" for c in text)
    where = (
        "icao24 = lower(?)"
        if by_hex
        else "replace(upper(registration), '-', '') = replace(upper(?), '-', '')"
    )
    rows = con.execute(f"SELECT {', '.join(names)} FROM aircraft WHERE {where}", [text]).fetchall()
    answer: dict[str, object] = {"query": text, "in_registry": bool(rows)}
    if rows:
        answer.update(zip(names, rows[0], strict=True))
    elif by_hex:
        answer["icao24"] = text.lower()
    icao = answer.get("icao24")
    if isinstance(icao, str):
        block = block_of(icao)
        answer["country"] = block.name
        answer["country_iso"] = block.iso
        if classes is None:
            cls = con.execute(
                "SELECT class, class_reason, emitter_category FROM aircraft_classes "
                "WHERE icao24 = ?",
                [icao],
            ).fetchall()
        else:
            mine = classes.filter(pc.equal(classes["icao24"], icao))
            cls = [(r["class"], r["class_reason"], r["emitter_category"]) for r in mine.to_pylist()]
        answer["class"], answer["class_reason"], answer["emitter_category"] = (
            cls[0] if cls else ("unknown", "no type, flag or emitter category to go by", None)
        )
    return AircraftInfo.model_validate(answer)


def set_class(store: Store, icao24: str, cls: str, reason: str | None = None) -> None:
    """Override the class of one aircraft (``cls`` None removes the override)."""
    address = icao24.strip().lower()
    if len(address) != 6 or any(c not in "0123456789abcdef" for c in address):
        raise UnknownFormatError("not a 24-bit address (6 hex digits)", value=icao24)
    if cls not in CLASSES:
        raise UnknownFormatError(f"not a class; use one of {', '.join(CLASSES)}", value=cls)
    store.con.execute(
        "INSERT OR REPLACE INTO class_overrides VALUES (?, ?, ?)", [address, cls, reason]
    )
