"""OpenSky Network state vectors (``state_vectors_data4``), CSV or Parquet.

Columns, by name: ``time`` (unix s, or a timestamp in Parquet), ``icao24``, ``lat``,
``lon``, ``velocity`` (m/s), ``heading`` (deg), ``vertrate`` (m/s), ``callsign``,
``onground``, ``squawk``, ``baroaltitude`` (m), ``geoaltitude`` (m),
``lastposupdate`` (unix s), ``lastcontact``; others (``alert``, ``spi``,
``serials``, ``hour``) are ignored. Only ``time``, ``icao24``, ``lat`` and ``lon``
are required. SI units are converted with :mod:`jetwatch.units`. OpenSky repeats
the last position every second: a row whose position is more than
:data:`STALE_S` older than the row is flagged ``FLAG_STALE``. Rows without a
position carry no position and are skipped.

DuckDB reads the file (in parallel, streaming). Cells that do not parse as their
column's type are ``unparsable`` (DuckDB's rejects: line number and text); a
malformed ``icao24`` or a position outside |lat| <= 90, |lon| <= 180 is
``out_of_range``, with its line (CSV) or row number (Parquet).
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from jetwatch.compress import Stream
from jetwatch.sources.base import FLAG_STALE, POSITIONS_SCHEMA, Rejects, StateBatch
from jetwatch.sources.context import ReadContext
from jetwatch.units import FPM_PER_MS, FT_PER_M, KT_PER_MS

NAME = "opensky"
STALE_S = 15.0
MEMORY_LIMIT = "256MB"
REQUIRED = ("time", "icao24", "lat", "lon")
TYPES = {
    "time": "DOUBLE",
    "icao24": "VARCHAR",
    "lat": "DOUBLE",
    "lon": "DOUBLE",
    "velocity": "DOUBLE",
    "heading": "DOUBLE",
    "vertrate": "DOUBLE",
    "callsign": "VARCHAR",
    "onground": "BOOLEAN",
    "squawk": "VARCHAR",
    "baroaltitude": "DOUBLE",
    "geoaltitude": "DOUBLE",
    "lastposupdate": "DOUBLE",
}
TYPES_SQL = "{" + ", ".join(f"'{k}': '{v}'" for k, v in TYPES.items()) + "}"
VALID = (
    "regexp_full_match(icao24, '[0-9a-fA-F]{6}') AND lat BETWEEN -90 AND 90 "
    "AND lon BETWEEN -180 AND 180"
)


def sniff(head: bytes) -> bool:
    if head.startswith(b"PAR1"):
        return True
    first = head.lstrip(b"\xef\xbb\xbf").split(b"\n", 1)[0].lower()
    names = {c.strip().strip(b'"') for c in first.split(b",")}
    return {b"icao24", b"lat", b"lon", b"time"} <= names


def _source(stream: Stream, tmp: Path) -> tuple[str, Path | None]:
    """A DuckDB table expression for the file, and the plain CSV path (None: Parquet)."""
    with open(stream.path, "rb") as fh:
        parquet = fh.read(4) == b"PAR1"
    if parquet:
        return f"read_parquet('{_quote(stream.path)}')", None
    path = stream.path
    if stream.compression != "none":
        path = tmp / "states.csv"
        with open(path, "wb") as out:
            for chunk in stream.chunks():
                out.write(chunk)
    return (
        f"read_csv('{_quote(path)}', header=true, store_rejects=true, "
        "rejects_scan='jw_scans', rejects_table='jw_errors', "
        f"types={TYPES_SQL})",
        path,
    )


def _quote(path: Path) -> str:
    return str(path).replace("'", "''")


def select_sql(columns: dict[str, str]) -> str:
    def col(name: str) -> str:
        return name if name in columns else "NULL"

    numeric_time = not columns["time"].startswith("TIMESTAMP")
    time = (
        "make_timestamp(CAST(round(time * 1e6) AS BIGINT))"
        if numeric_time
        else "CAST(time AS TIMESTAMP)"
    )
    epoch = "time" if numeric_time else "epoch(time)"
    stale = (
        f"CASE WHEN {epoch} - lastposupdate > {STALE_S} THEN {FLAG_STALE} ELSE 0 END"
        if "lastposupdate" in columns
        else "0"
    )
    return f"""
        {time} AS time,
        lower(icao24) AS icao24,
        nullif(trim(CAST({col("callsign")} AS VARCHAR)), '') AS callsign,
        CAST(lat AS DOUBLE) AS lat,
        CAST(lon AS DOUBLE) AS lon,
        CAST(round({col("baroaltitude")} * {FT_PER_M!r}) AS INTEGER) AS altitude,
        CAST(round({col("geoaltitude")} * {FT_PER_M!r}) AS INTEGER) AS geo_altitude,
        CAST({col("velocity")} * {KT_PER_MS!r} AS FLOAT) AS ground_speed,
        CAST({col("heading")} AS FLOAT) AS track,
        CAST(round({col("vertrate")} * {FPM_PER_MS!r}) AS INTEGER) AS vertical_rate,
        CAST({col("onground")} AS BOOLEAN) AS on_ground,
        nullif(trim(CAST({col("squawk")} AS VARCHAR)), '') AS squawk,
        CAST(NULL AS VARCHAR) AS category,
        'opensky' AS source,
        CAST({stale} AS USMALLINT) AS flags"""


def read(stream: Stream, ctx: ReadContext) -> Iterator[StateBatch]:
    tmp = Path(tempfile.mkdtemp(prefix="jetwatch-"))
    try:
        yield from _read(stream, ctx, tmp)
    except duckdb.Error as exc:
        rejects = Rejects()
        rejects.add(0, "unparsable", b"", f"unreadable state vectors: {exc}"[:160])
        yield StateBatch(POSITIONS_SCHEMA.empty_table(), 1, rejects)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _read(stream: Stream, ctx: ReadContext, tmp: Path) -> Iterator[StateBatch]:
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    con.execute(f"SET memory_limit = '{MEMORY_LIMIT}'")
    source, csv = _source(stream, tmp)
    is_csv = csv is not None
    columns = dict(
        (r[0].lower(), r[1]) for r in con.execute(f"DESCRIBE SELECT * FROM {source}").fetchall()
    )
    rejects = Rejects()
    if not set(REQUIRED) <= columns.keys():
        missing = ", ".join(sorted(set(REQUIRED) - columns.keys()))
        rejects.add(0, "unparsable", b"", f"not OpenSky state vectors: no {missing}")
        yield StateBatch(POSITIONS_SCHEMA.empty_table(), 1, rejects)
        return
    con.execute(f"CREATE TEMP VIEW src AS SELECT * FROM {source}")
    has_pos = "lat IS NOT NULL AND lon IS NOT NULL"
    sql = f"SELECT {select_sql(columns)} FROM src WHERE {has_pos}"
    with ThreadPoolExecutor(max_workers=1) as pool:
        # counting the CSV's lines overlaps the scan (DuckDB works without the GIL)
        lines = pool.submit(_data_lines, csv) if csv else None
        yield from _stream(con, sql, ctx, lines, is_csv, has_pos, rejects)


def _stream(
    con: duckdb.DuckDBPyConnection,
    sql: str,
    ctx: ReadContext,
    lines: Future[int] | None,
    is_csv: bool,
    has_pos: str,
    rejects: Rejects,
) -> Iterator[StateBatch]:
    seen = bad = 0
    for batch in _regroup(con.sql(sql).to_arrow_reader(ctx.batch_size), ctx.batch_size):
        seen += batch.num_rows
        ok = _valid(batch)
        if not pc.all(ok).as_py():
            bad += batch.num_rows - (pc.sum(ok).as_py() or 0)
            batch = batch.filter(ok)
        yield StateBatch(batch.cast(POSITIONS_SCHEMA), batch.num_rows)
    total = lines.result() if lines else con.execute("SELECT count(*) FROM src").fetchall()[0][0]
    header = 1 if is_csv else 0
    if is_csv:
        for line, byte, text, message in con.execute(
            "SELECT DISTINCT line, byte_position, csv_line, error_message FROM jw_errors"
        ).fetchall():
            text_bytes = (text or "").encode()
            rejects.add(int(byte or 0), "unparsable", text_bytes, message[:80], line=int(line))
    if bad:
        rows = con.execute(
            f"SELECT n, * FROM (SELECT row_number() OVER () AS n, * FROM src) "
            f"WHERE {has_pos} AND NOT ({VALID})"
        ).fetchall()
        skipped = sorted(line for line in rejects.line if line is not None)
        for row in rows:
            n = int(row[0]) + header
            for line in skipped:  # rows DuckDB rejected are not numbered
                n += line <= n
            text = ",".join("" if v is None else str(v) for v in row[1:]).encode()
            rejects.add(n, "out_of_range", text, "icao24, lat or lon", line=n if is_csv else None)
        for _ in range(bad - len(rows)):  # damaged Parquet statistics hide some rows from SQL
            rejects.add(0, "out_of_range", b"", "icao24, lat or lon; row not locatable")
    yield StateBatch(POSITIONS_SCHEMA.empty_table(), total - seen + bad, rejects)


def _valid(table: pa.Table) -> pa.ChunkedArray:
    """Rows with a 6-hex-digit address and a position on Earth.

    Checked on the Arrow result, not in SQL: DuckDB may fold a range test using a
    Parquet file's statistics, which a damaged file can get wrong.
    """
    lat, lon = table.column("lat"), table.column("lon")
    ok = pc.and_(
        pc.match_substring_regex(table.column("icao24"), "^[0-9a-f]{6}$"),
        pc.and_(
            pc.and_(pc.greater_equal(lat, -90.0), pc.less_equal(lat, 90.0)),
            pc.and_(pc.greater_equal(lon, -180.0), pc.less_equal(lon, 180.0)),
        ),
    )
    return pc.fill_null(ok, False)


def _data_lines(path: Path) -> int:
    """Lines after the header: every CSV record, parsable or not (blank lines, which
    OpenSky exports do not have, would count too)."""
    lines = 0
    last = b"\n"
    with open(path, "rb") as fh:
        while block := fh.read(1 << 24):
            lines += block.count(b"\n")
            last = block[-1:]
    return max(lines + (last != b"\n") - 1, 0)


def _regroup(reader: Iterable[pa.RecordBatch], rows: int) -> Iterator[pa.Table]:
    """DuckDB's record batches, gathered into tables of at least ``rows`` rows."""
    pending: list[pa.RecordBatch] = []
    size = 0
    for batch in reader:
        pending.append(batch)
        size += batch.num_rows
        if size >= rows:
            yield pa.Table.from_batches(pending)
            pending, size = [], 0
    if pending:
        yield pa.Table.from_batches(pending)
