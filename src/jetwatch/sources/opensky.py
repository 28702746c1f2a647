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

DuckDB reads the file (in parallel, streaming) into Arrow batches. When the context
has a sink (an ingest into the store), the file (a CSV once screened) is instead
written by the store's own DuckDB in one ``INSERT … SELECT`` with no Arrow copy
between (the benchmark's floor statement): that statement raises at its first
invalid row (see below), writing nothing, and the file is then streamed. A Parquet
file's stored rows are checked once more against every bound before they are kept:
DuckDB answers range tests from the file's statistics, which a damaged file can get
wrong. A CSV is first screened line by
line (column-wise, :func:`screen`): a line longer than :data:`MAX_LINE`, with
:data:`MAX_FIELDS` fields or more, or holding a NUL or bytes that are not UTF-8, is
``unparsable`` and left out of what DuckDB reads, so no single line can stall or
swell it (a file whose header is such a line is refused). A line whose cells do not parse as
their columns' types is one ``unparsable`` reject (DuckDB's rejects, by line). A
malformed ``icao24``, a position outside |lat| <= 90, |lon| <= 180, or a time
outside 1970–2100 is ``out_of_range``, with its line (CSV) or row number (Parquet).
Other fields outside :mod:`jetwatch.sources.bounds` are dropped (NULL).
"""

from __future__ import annotations

import shutil
import tempfile
import threading
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

import duckdb
import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from jetwatch.compress import Stream
from jetwatch.model import FLAG_STALE, POSITIONS_SCHEMA, Rejects, StateBatch
from jetwatch.sources import bounds
from jetwatch.sources.context import PositionSink, ReadContext
from jetwatch.sources.lines import LineChunk, line_chunks, newlines
from jetwatch.sql import literal
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
HAS_POSITION = "lat IS NOT NULL AND lon IS NOT NULL"
MAX_LINE = 4096  # a state vector is a few hundred bytes
MAX_FIELDS = 64  # it has 18 columns
INVALID = "jetwatch: a state vector without an address, a position or a time in range"


def sniff(head: bytes) -> bool:
    if head.startswith(b"PAR1"):
        return True
    first = head.lstrip(b"\xef\xbb\xbf").split(b"\n", 1)[0].lower()
    names = {c.strip().strip(b'"') for c in first.split(b",")}
    return {b"icao24", b"lat", b"lon", b"time"} <= names


@dataclass
class Screened:
    """A CSV as DuckDB will read it: ``path``, and the original lines left out of it
    (``removed``: 1-based line numbers and byte offsets, ascending). ``lines``: its
    data lines (after the header) when the screen counted them, else None."""

    path: Path
    removed: list[tuple[int, int]] = field(default_factory=list)
    rejects: Rejects = field(default_factory=Rejects)
    lines: int | None = None

    def original(self, line: int, byte: int) -> tuple[int, int]:
        """Where a line of the screened file was in the original."""
        for old_line, old_byte in self.removed:
            if old_line <= line:
                line += 1
                byte = max(byte, old_byte)
        return line, byte


def screen(stream: Stream, tmp: Path) -> Screened:
    """Leave out the lines DuckDB should not see; copy only when needed (compressed
    input, or a line left out)."""
    plain = stream.compression == "none"
    found = _screen(stream, None)
    if plain and not found.removed:
        return found
    out = tmp / "states.csv"
    with open(out, "wb") as fh:
        done = _screen(Stream(stream.path), fh)
    done.path, done.lines = out, None
    return done


IN_FLIGHT = 4  # chunks checked at once (numpy releases the GIL): both cores, bounded memory


def _screen(stream: Stream, out: BinaryIO | None) -> Screened:
    found = Screened(stream.path)
    last = 0
    final: LineChunk | None = None
    pending: deque[tuple[LineChunk, Future[_Checked]]] = deque()
    with ThreadPoolExecutor(max_workers=2) as pool:
        for chunk in line_chunks(stream.chunks(), max_line=MAX_LINE, skip_blank=False):
            pending.append((chunk, pool.submit(_check, chunk)))
            while len(pending) >= IN_FLIGHT or (pending and pending[0][1].done()):
                done, checked = pending.popleft()
                last = _note(found, done, checked.result(), last, out)
            final = chunk
        while pending:
            done, checked = pending.popleft()
            last = _note(found, done, checked.result(), last, out)
    if final is not None:  # data lines after the header, as DuckDB will count records
        ended = final.first_line - 1 + newlines(final.data)
        found.lines = max(ended + (final.data[-1:] != b"\n") - 1, 0)
    return found


@dataclass
class _Checked:
    """Per line of a chunk: where it starts and ends, and why it is bad (if it is)."""

    starts: npt.NDArray[np.int64]
    ends: npt.NDArray[np.int64]
    long: npt.NDArray[np.bool_]
    wide: npt.NDArray[np.bool_]
    bad: npt.NDArray[np.bool_]


def _check(chunk: LineChunk) -> _Checked:
    starts, ends = chunk.bounds()
    buf = np.frombuffer(chunk.data, dtype=np.uint8)
    long = (ends - starts) > MAX_LINE
    wide = _per_line(buf == ord(","), starts, ends) >= MAX_FIELDS
    bad = long | wide
    if b"\0" in chunk.data:
        bad |= _per_line(buf == 0, starts, ends) > 0
    try:
        chunk.data.decode("utf-8")
    except UnicodeDecodeError:
        bad |= ~np.array([_utf8(chunk.data[a:b]) for a, b in zip(starts, ends, strict=True)])
    return _Checked(starts, ends, long, wide, bad)


def _note(
    found: Screened, chunk: LineChunk, checked: _Checked, last: int, out: BinaryIO | None
) -> int:
    """Record a chunk's bad lines as rejects and copy its good ones to ``out``; returns
    the last bad line's number."""
    starts, ends, bad = checked.starts, checked.ends, checked.bad
    for k in np.flatnonzero(bad).tolist():
        line, byte = chunk.first_line + k, chunk.offset + int(starts[k])
        if line == last:  # the rest of a line longer than a chunk
            continue
        last = line
        found.removed.append((line, byte))
        why = (
            f"longer than {MAX_LINE} bytes"
            if checked.long[k]
            else f"{MAX_FIELDS} fields or more"
            if checked.wide[k]
            else "NUL or bytes not UTF-8"
        )
        found.rejects.add(
            byte, "unparsable", chunk.data[starts[k] : ends[k]], f"line {why}", line=line
        )
    if out is not None:
        if bad.any():
            stops = np.append(starts[1:], len(chunk.data))
            keep = np.flatnonzero(~bad).tolist()
            out.write(b"".join(chunk.data[starts[k] : stops[k]] for k in keep))
        else:
            out.write(chunk.data)
    return last


def _per_line(hits: npt.NDArray[np.bool_], starts: npt.NDArray, ends: npt.NDArray) -> npt.NDArray:
    """How many ``hits`` each line ``[start, end)`` holds (by where the hits are, not a
    running sum over every byte: a chunk has far fewer commas than bytes)."""
    at = np.flatnonzero(hits)
    return np.searchsorted(at, ends) - np.searchsorted(at, starts)


def _utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _source(stream: Stream, tmp: Path) -> tuple[str, Screened | None]:
    """A DuckDB table expression for the file, and the screened CSV (None: Parquet)."""
    with open(stream.path, "rb") as fh:
        parquet = fh.read(4) == b"PAR1"
    if parquet:
        return f"read_parquet({literal(stream.path)})", None
    screened = screen(stream, tmp)
    path = screened.path
    return (
        f"read_csv({literal(path)}, header=true, store_rejects=true, "
        "rejects_scan='jw_scans', rejects_table='jw_errors', "
        f"types={TYPES_SQL})",
        screened,
    )


def select_sql(columns: dict[str, str], checked: bool = False) -> str:
    """The positions columns of a source's rows (none dropped). ``checked``: a row that
    fails :func:`valid_sql` raises a DuckDB error instead."""

    def col(name: str) -> str:
        return name if name in columns else "NULL"

    numeric_time = not columns["time"].startswith("TIMESTAMP")
    epoch = "time" if numeric_time else "epoch(time)"
    time = (
        f"make_timestamp(CAST(round(({_within_time(epoch)}) * 1e6) AS BIGINT))"
        if numeric_time
        else f"CASE WHEN {_within_time(epoch)} IS NOT NULL THEN CAST(time AS TIMESTAMP) END"
    )
    stale = (
        f"CASE WHEN {epoch} - lastposupdate > {STALE_S} THEN {FLAG_STALE} ELSE 0 END"
        if "lastposupdate" in columns
        else "0"
    )
    if checked:
        stale = f"CASE WHEN {valid_sql(columns)} THEN {stale} ELSE error('{INVALID}') END"

    def bounded(expr: str, name: str, cast: str) -> str:
        return f"CAST({bounds.sql_field(expr, name)} AS {cast})"

    callsign = _text(col("callsign"), r"[\x20-\x7e]{1,8}")
    squawk = _text(col("squawk"), "[0-7]{4}")

    return f"""
        {time} AS time,
        lower(icao24) AS icao24,
        {callsign} AS callsign,
        CAST(lat AS DOUBLE) AS lat,
        CAST(lon AS DOUBLE) AS lon,
        {bounded(f"round({col('baroaltitude')} * {FT_PER_M!r})", "altitude", "INTEGER")}
            AS altitude,
        {bounded(f"round({col('geoaltitude')} * {FT_PER_M!r})", "geo_altitude", "INTEGER")}
            AS geo_altitude,
        {bounded(f"{col('velocity')} * {KT_PER_MS!r}", "ground_speed", "FLOAT")}
            AS ground_speed,
        {bounded(col("heading"), "track", "FLOAT")} AS track,
        {bounded(f"round({col('vertrate')} * {FPM_PER_MS!r})", "vertical_rate", "INTEGER")}
            AS vertical_rate,
        CAST({col("onground")} AS BOOLEAN) AS on_ground,
        {squawk} AS squawk,
        CAST(NULL AS VARCHAR) AS category,
        'opensky' AS source,
        CAST({stale} AS USMALLINT) AS flags"""


def valid_sql(columns: dict[str, str]) -> str:
    """SQL true for rows with an address, a position on Earth and a time in range."""
    epoch = "epoch(time)" if columns["time"].startswith("TIMESTAMP") else "time"
    return (
        "regexp_full_match(icao24, '[0-9a-fA-F]{6}') AND lat BETWEEN -90 AND 90 "
        f"AND lon BETWEEN -180 AND 180 AND {_within_time(epoch)} IS NOT NULL"
    )


def positions_sql(columns: dict[str, str], source: str) -> str:
    """One statement for the valid state vectors of ``source`` with a position, as
    positions: what Spark runs (transpiled) and the benchmarks' DuckDB floor. The
    reader itself checks validity on the Arrow result instead (see :func:`_valid`)."""
    return (
        f"SELECT {select_sql(columns)} FROM {source} WHERE {HAS_POSITION} AND {valid_sql(columns)}"
    )


def _within_time(epoch: str) -> str:
    return (
        f"CASE WHEN {epoch} >= {bounds.TIME_MIN} AND {epoch} < {bounds.TIME_MAX} THEN {epoch} END"
    )


def _text(expr: str, pattern: str) -> str:
    """SQL for ``expr`` trimmed of spaces (OpenSky's padding) when it then fully matches
    ``pattern``, else NULL. Only U+0020: DuckDB's plain ``trim`` also strips Unicode
    spaces (a no-break space), which Spark's does not, and which are no part of a callsign."""
    text = f"trim(CAST({expr} AS VARCHAR), ' ')"
    return f"CASE WHEN regexp_full_match({text}, '{pattern}') THEN {text} END"


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


_engine: duckdb.DuckDBPyConnection | None = None
_engine_lock = threading.Lock()


def _cursor() -> duckdb.DuckDBPyConnection:
    """A connection of its own (its temporary views and rejects tables are its own) to
    one in-memory database shared by every read: opening a database costs ~15 ms."""
    global _engine
    with _engine_lock:
        if _engine is None:
            _engine = duckdb.connect()
            _engine.execute("SET TimeZone = 'UTC'")
            _engine.execute(f"SET memory_limit = '{MEMORY_LIMIT}'")
        return _engine.cursor()


def _read(stream: Stream, ctx: ReadContext, tmp: Path) -> Iterator[StateBatch]:
    source, csv = _source(stream, tmp)
    rejects = csv.rejects if csv else Rejects()
    if csv and csv.removed and csv.removed[0][0] == 1:
        rejects.add(0, "unparsable", b"", "not OpenSky state vectors: unreadable header line")
        yield StateBatch(POSITIONS_SCHEMA.empty_table(), len(rejects), rejects)
        return
    if csv and len(rejects):  # the lines left out are records too
        yield StateBatch(POSITIONS_SCHEMA.empty_table(), len(rejects), rejects)
    with ThreadPoolExecutor(max_workers=1) as pool:
        # counting the CSV's lines overlaps the scan (DuckDB works without the GIL)
        lines = pool.submit(_data_lines, csv.path) if csv and csv.lines is None else None
        if ctx.sink is not None:
            with ctx.sink.cursor() as con:
                done = _direct(con, ctx.sink, source, csv, lines)
            if done is not None:
                yield done
                return
        with _cursor() as con:
            yield from _read_with(con, source, csv, lines, ctx)


def _direct(
    con: duckdb.DuckDBPyConnection,
    sink: PositionSink,
    source: str,
    csv: Screened | None,
    lines: Future[int] | None,
) -> StateBatch | None:
    """The file written by the sink in one statement, which fails (writing nothing) at
    its first row without an address, a position on Earth or a time in range. A
    Parquet file's rows are checked again once stored, against every bound: DuckDB
    may fold a test away using the file's statistics, which a damaged file can get
    wrong. None when either finds a row, or on any other DuckDB error: the caller
    streams the file instead, which finds and locates every such row."""
    try:
        columns = _columns(con, source)
        if (missing := _missing(columns)) is not None:
            return missing
        con.execute(f"CREATE TEMP VIEW src AS SELECT * FROM {source}")
        sql = f"SELECT {select_sql(columns, checked=True)} FROM src WHERE {HAS_POSITION}"
        stored = sink.insert(con, sql, None if csv else bounds.sql_stored_outside())
    except duckdb.Error:
        return None
    if stored is None:
        return None
    rejects = Rejects()
    if csv:
        _located_errors(con, csv, rejects)
    return StateBatch(
        POSITIONS_SCHEMA.empty_table(), _total(con, csv, lines), rejects, stored=stored
    )


def _columns(con: duckdb.DuckDBPyConnection, source: str) -> dict[str, str]:
    rows = con.execute(f"DESCRIBE SELECT * FROM {source}").fetchall()
    return {r[0].lower(): r[1] for r in rows}


def _missing(columns: dict[str, str]) -> StateBatch | None:
    """The one reject of a file without the required columns, else None."""
    if set(REQUIRED) <= columns.keys():
        return None
    rejects = Rejects()
    missing = ", ".join(sorted(set(REQUIRED) - columns.keys()))
    rejects.add(0, "unparsable", b"", f"not OpenSky state vectors: no {missing}")
    return StateBatch(POSITIONS_SCHEMA.empty_table(), 1, rejects)


def _read_with(
    con: duckdb.DuckDBPyConnection,
    source: str,
    csv: Screened | None,
    lines: Future[int] | None,
    ctx: ReadContext,
) -> Iterator[StateBatch]:
    columns = _columns(con, source)
    if (missing := _missing(columns)) is not None:
        yield missing
        return
    con.execute(f"CREATE TEMP VIEW src AS SELECT * FROM {source}")
    sql = f"SELECT {select_sql(columns)} FROM src WHERE {HAS_POSITION}"
    yield from _stream(con, sql, ctx, lines, csv, valid_sql(columns))


def _stream(
    con: duckdb.DuckDBPyConnection,
    sql: str,
    ctx: ReadContext,
    lines: Future[int] | None,
    csv: Screened | None,
    valid: str,
) -> Iterator[StateBatch]:
    seen = bad = 0
    for batch in _regroup(con.sql(sql).to_arrow_reader(ctx.batch_size), ctx.batch_size):
        seen += batch.num_rows
        ok = _valid(batch)
        if not pc.all(ok).as_py():
            bad += batch.num_rows - (pc.sum(ok).as_py() or 0)
            batch = batch.filter(ok)
        yield StateBatch(bounds.clip_table(batch.cast(POSITIONS_SCHEMA)), batch.num_rows)
    total = _total(con, csv, lines)
    rejects = Rejects()
    skipped = _located_errors(con, csv, rejects) if csv else []
    if bad:
        header = 1 if csv else 0
        rows = con.execute(
            f"SELECT n, * FROM (SELECT row_number() OVER () AS n, * FROM src) "
            f"WHERE {HAS_POSITION} AND NOT coalesce({valid}, false)"
        ).fetchall()
        for row in rows:
            n = int(row[0]) + header
            for line in skipped:
                n += line <= n
            text = ",".join("" if v is None else str(v) for v in row[1:]).encode()
            where = csv.original(n, 0)[0] if csv else None
            rejects.add(where or n, "out_of_range", text, "icao24, lat, lon or time", line=where)
        for _ in range(bad - len(rows)):  # damaged Parquet statistics hide some rows from SQL
            rejects.add(0, "out_of_range", b"", "icao24, lat, lon or time; row not locatable")
    yield StateBatch(POSITIONS_SCHEMA.empty_table(), total - seen + bad, rejects)


def _total(con: duckdb.DuckDBPyConnection, csv: Screened | None, lines: Future[int] | None) -> int:
    """The records of the file: its data lines (a CSV), else the rows of ``src``."""
    if lines:
        return lines.result()
    if csv and csv.lines is not None:
        return csv.lines
    return int(con.execute("SELECT count(*) FROM src").fetchall()[0][0])


def _located_errors(con: duckdb.DuckDBPyConnection, csv: Screened, rejects: Rejects) -> list[int]:
    """The lines DuckDB could not parse (its rejects table), as ``unparsable`` rejects
    at their lines in the original file; returns their numbers in the screened file
    (where ``src`` does not number them)."""
    skipped: list[int] = []
    for line, byte, text in con.execute(
        "SELECT line, min(byte_position), first(csv_line) FROM jw_errors GROUP BY line "
        "ORDER BY line"
    ).fetchall():
        messages = con.execute(
            "SELECT string_agg(DISTINCT error_message, '; ') FROM jw_errors WHERE line = ?",
            [line],
        ).fetchall()[0][0]
        skipped.append(int(line))
        at, byte = csv.original(int(line), int(byte or 0))
        rejects.add(byte, "unparsable", (text or "").encode(), messages[:80], line=at)
    return skipped


def _valid(table: pa.Table) -> pa.ChunkedArray:
    """Rows with a 6-hex-digit address and a position on Earth.

    Checked on the Arrow result, not in SQL: DuckDB may fold a range test using a
    Parquet file's statistics, which a damaged file can get wrong.
    """
    lat, lon = table.column("lat"), table.column("lon")
    ok = pc.and_(
        pc.and_(
            _hex6(table.column("icao24")),
            pc.is_valid(table.column("time")),
        ),
        pc.and_(
            pc.and_(pc.greater_equal(lat, -90.0), pc.less_equal(lat, 90.0)),
            pc.and_(pc.greater_equal(lon, -180.0), pc.less_equal(lon, 180.0)),
        ),
    )
    return pc.fill_null(ok, False)


def _hex6(icao24: pa.ChunkedArray) -> pa.ChunkedArray:
    """Six lower-case hex digits: ``^[0-9a-f]{6}$`` at a quarter of the regex's cost."""
    rest = pc.ascii_ltrim(icao24, characters="0123456789abcdef")
    return pc.and_(pc.equal(pc.binary_length(icao24), 6), pc.equal(pc.binary_length(rest), 0))


def _data_lines(path: Path) -> int:
    """Lines after the header: every CSV record, parsable or not (blank lines, which
    OpenSky exports do not have, would count too)."""
    lines = 0
    last = b"\n"
    with open(path, "rb") as fh:
        while block := fh.read(1 << 24):
            lines += newlines(block)
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
