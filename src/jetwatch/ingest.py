"""Ingest files into a store: detect, archive, read, decode, write, log.

For each file:

1. Detect the format from the content (or take ``fmt``). A file in no known format
   gets a one-line :class:`~jetwatch.errors.UnknownFormatError` and the run goes on.
2. In a background thread, hash the file (SHA-256) and copy it into the store's
   archive directory; the copy ends up at ``<sha256[:2]>/<sha256>``, so every
   rejected record can be found and every frame re-decoded later.
3. Meanwhile read and decode batch by batch (bounded memory), appending positions
   and rejects under an ingest marked ``running`` (:mod:`jetwatch.store.db`).
4. At the end, compare the hash with ``ingests``: a file already there is dropped
   and reported skipped, so re-running an ingest never duplicates rows, whatever
   the file is called. Otherwise the ingest is marked ``done`` with its counts, in
   one transaction: only then do its rows show in ``positions``. An interrupted
   ingest is cleaned up when the store is next opened for writing, and a re-run
   redoes it.

A file whose path and size match an earlier ingest (a likely re-run) is hashed
first, so that skipping it costs one read and no decoding.

Beast and AVR captures carry only the receiver's 12 MHz clock, no date. They are
never dated silently: ``start`` gives the UTC time of their first frame, or
:data:`MTIME` dates them from the file's modification time, which the ingest
then records in its options and label; without either, the file fails with a
message that says so.

Damaged input never stops the run: bad records are rejected by reason, a truncated
or corrupt compressed stream keeps everything before the damage (``stream_error``),
and the other files are still ingested.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import NamedTuple

import duckdb
import pyarrow as pa

from jetwatch.compress import Stream
from jetwatch.decode import Decoder, DecoderSettings
from jetwatch.errors import JetwatchError
from jetwatch.messages import Messages
from jetwatch.model import Batch, FrameBatch, Rejects, StateBatch
from jetwatch.parts import Input, Member, Parts, fspath, mtime_of, size_of
from jetwatch.pipeline import prefetch
from jetwatch.sources import detect, reader, relative_time
from jetwatch.sources.context import ReadContext
from jetwatch.store.archive import Archiver, sha256_file
from jetwatch.store.db import IngestCounts, IngestRow, Store

Progress = Callable[[int, int], None]  # (bytes consumed, file size)
SHOW_FIRST = 3
FLUSH_ROWS = 1 << 19  # positions are written in appends of at least this many rows
# DuckDB's limit while a file is written: appends need little, and under the store's
# own limit DuckDB keeps what it wrote resident (3 GB after a day of 10^8 rows). At
# 256 MB the SIMULATED day of bench_day.py (10^8 rows) peaked at 1,011-1,013 MB, at
# 128 MB at 886-889 MB, in the same time (61.4-61.5 s against 62.0-66.4 s).
INGEST_MEMORY_MB = 128
# A reader that writes positions straight from SQL (:class:`Sink`) gets this limit for
# its one statement: its own engine (also 256 MB) is idle meanwhile. At 128 MB the
# statement ran no faster than the streamed path (4M SIMULATED OpenSky CSV rows).
SINK_MEMORY_MB = 256


@dataclass
class IngestResult:
    """What happened to one file."""

    path: Input
    status: str  # "ingested", "skipped" (already in the store) or "failed"
    format: str | None = None
    ingest_id: int | None = None
    records: int = 0
    positions: int = 0
    reported: int = 0  # flights another system reported (OpenSky's flights answers)
    rejected: Counter[str] = field(default_factory=Counter)
    first_rejects: list[str] = field(default_factory=list)
    stream_error: str | None = None
    error: str | None = None
    clock: str | None = None  # set when the time of a clock-only input was assumed
    seconds: float = 0.0

    @property
    def read_anything(self) -> bool:
        """The file could be read (even if every record in it was rejected)."""
        return self.status in ("ingested", "skipped")

    @property
    def got_nothing(self) -> bool:
        """Ingested, but not one record in it was usable (a wrong ``--format``, say)."""
        usable = self.records - sum(n for k, n in self.rejected.items() if k != "truncated")
        nothing = self.positions == 0 and self.reported == 0
        return self.status == "ingested" and nothing and usable <= 0


MTIME = "mtime"  # ``start``: date clock-only inputs from the file's modification time
Start = float | str | None


def anchor(fmt: str, start: Start, where: str, mtime: float) -> tuple[float, str | None]:
    """The UTC time (unix s) of the first record of an input of format ``fmt``, and a
    label when that time was assumed rather than given. Raises when a clock-only
    input has neither ``start`` nor :data:`MTIME`; ``where`` (a path or URL) names it."""
    if isinstance(start, float | int):
        return float(start), None
    if not relative_time(fmt):
        return mtime, None  # unused: the records carry their own times
    if start == MTIME:
        day = datetime.fromtimestamp(mtime, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        return mtime, f"clock assumed: first frame at the file's modification time {day}"
    raise JetwatchError(
        f"this {fmt} capture has only the receiver's 12 MHz clock, no date: give --start "
        "with the UTC time of its first frame (e.g. --start 2023-06-24T08:00:00Z), or "
        "--start mtime to date it from the file's modification time (labelled as assumed)",
        where=where,
    )


def _describe(path: Input, rejects: Rejects, k: int) -> str:
    where = (
        f"line {rejects.line[k]}" if rejects.line[k] is not None else f"offset {rejects.offset[k]}"
    )
    detail = f" ({rejects.detail[k]})" if rejects.detail[k] else ""
    return f"{path}:{where}: {rejects.reason[k]}{detail}: {rejects.data[k][:40]!r}"


def ingest_file(
    store: Store,
    path: Input,
    fmt: str | None = None,
    start: Start = None,
    archive_dir: Path | None = None,
    settings: DecoderSettings | None = None,
    progress: Progress | None = None,
) -> IngestResult:
    """Ingest one file (or split parts, :mod:`jetwatch.parts`); never raises for bad
    input (see :class:`IngestResult`)."""
    path = path if isinstance(path, Parts | Member) else Path(path)
    began = time.perf_counter()
    result = IngestResult(path=path, status="failed")
    archiver: Archiver | None = None
    try:
        size = size_of(path)
        if store.seen_path(fspath(path), size):  # a likely re-run: hash first, skip cheaply
            existing = store.find_ingest(sha256_file(path))
            if existing is not None:
                result.status, result.ingest_id = "skipped", existing
                return result
        result.format = fmt or detect(path)
        try:
            first, assumed = anchor(result.format, start, fspath(path), mtime_of(path))
        except JetwatchError:  # undated, but maybe already in the store under another name
            existing = store.find_ingest(sha256_file(path))
            if existing is None:
                raise
            result.status, result.ingest_id = "skipped", existing
            return result
        result.clock = assumed
        stream = Stream(path)
        archiver = Archiver(path, archive_dir or store.archive_dir)
        options = {"start": first if start is not None else None, "format_forced": bool(fmt)}
        row = IngestRow(
            started=datetime.now(UTC).replace(tzinfo=None),
            path=fspath(path),
            size=size,
            format=result.format,
            compression=stream.compression,
            options=options | ({"clock": assumed} if assumed else {}),
        )
        ingest_id = store.begin_ingest(row)
        ctx = ReadContext(path=Path(fspath(path)), anchor=first, sink=Sink(store, ingest_id))
        try:
            with store.memory(INGEST_MEMORY_MB):
                _write_positions(store, ingest_id, result, stream, ctx, settings, progress)
            sha, archived = archiver.finish()
        except BaseException:
            store.abandon_ingest(ingest_id)
            raise
        counts = IngestCounts(
            sha256=sha,
            archive=str(archived),
            records=result.records,
            positions=result.positions,
            rejected=dict(result.rejected),
            stream_error=stream.error,
        )
        existing = store.complete_ingest(ingest_id, counts)
        if existing is not None:
            result = IngestResult(path=path, status="skipped", ingest_id=existing)
        else:
            result.status, result.ingest_id = "ingested", ingest_id
            if assumed:
                store.set_label([ingest_id], assumed)
    except (JetwatchError, OSError) as exc:
        result.error = str(exc)
        if archiver is not None:
            archiver.discard()
    finally:
        result.seconds = time.perf_counter() - began
    return result


def _write_positions(
    store: Store,
    ingest_id: int,
    result: IngestResult,
    stream: Stream,
    ctx: ReadContext,
    settings: DecoderSettings | None,
    progress: Progress | None,
) -> None:
    """Decode the stream and append its positions and rejects; count into ``result``."""
    assert result.format is not None
    pending: list[pa.Table] = []
    for positions, rejects, records, reported, stored in decode_stream(
        stream, result.format, ctx, settings
    ):
        pending.append(positions)
        if sum(t.num_rows for t in pending) >= FLUSH_ROWS:
            store.append("positions", pa.concat_tables(pending), ingest_id)
            pending = []
        if len(rejects):
            store.append("rejects", rejects.to_arrow(), ingest_id)
        if reported is not None:
            store.append("reported_flights", reported, ingest_id)
            result.reported += reported.num_rows
        result.records += records
        result.positions += positions.num_rows + stored
        result.rejected.update(rejects.counts())
        for k in range(min(len(rejects), SHOW_FIRST - len(result.first_rejects))):
            result.first_rejects.append(_describe(result.path, rejects, k))
        if progress:
            progress(stream.consumed, stream.size)
    if pending:
        store.append("positions", pa.concat_tables(pending), ingest_id)
    if stream.error:
        result.stream_error = stream.error
        result.rejected["truncated"] += 1
        store.append("rejects", _truncation(stream).to_arrow(), ingest_id)


@dataclass
class Sink:
    """One ingest's positions table, as a reader's :class:`PositionSink`."""

    store: Store
    ingest_id: int

    def cursor(self) -> duckdb.DuckDBPyConnection:
        return self.store.cursor().con

    def insert(
        self, con: duckdb.DuckDBPyConnection, select: str, unless: str | None = None
    ) -> int | None:
        return self.store.insert_positions(con, select, self.ingest_id, SINK_MEMORY_MB, unless)


def _truncation(stream: Stream) -> Rejects:
    rejects = Rejects()
    rejects.add(stream.produced, "truncated", b"", stream.error or "")
    return rejects


Fields = tuple[Messages, Rejects] | None


class Decoded(NamedTuple):
    """One batch's positions, rejects, records read, reported flights (if any) and the
    positions its reader stored itself (through the context's sink)."""

    positions: pa.Table
    rejects: Rejects
    records: int
    reported: pa.Table | None = None
    stored: int = 0


def decode_stream(
    stream: Stream, fmt: str, ctx: ReadContext, settings: DecoderSettings | None = None
) -> Iterator[Decoded]:
    """What each batch of one input stream decodes to (:class:`Decoded`)."""
    decoder = Decoder(settings)
    for batch, fields in prefetch(_with_fields(decoder, reader(fmt).read(stream, ctx))):
        yield _decode(decoder, batch, fields)


def _with_fields(decoder: Decoder, batches: Iterable[Batch]) -> Iterator[tuple[Batch, Fields]]:
    """Frame batches with their decoded fields (the part that can run ahead)."""
    for batch in batches:
        yield batch, decoder.fields(batch) if isinstance(batch, FrameBatch) else None


def _decode(decoder: Decoder, batch: Batch, fields: Fields) -> Decoded:
    """Positions, rejects and the number of records read, for any kind of batch."""
    if isinstance(batch, StateBatch):
        return Decoded(batch.table, batch.rejects, batch.records, batch.reported, batch.stored)
    rejects = Rejects()
    rejects.extend(batch.rejects)
    if isinstance(batch, FrameBatch):
        assert fields is not None
        table, frame_rejects, _ = decoder.positions(batch, *fields)
        rejects.extend(frame_rejects)
        return Decoded(table, rejects, len(batch) + len(batch.rejects))
    table, implausible, _ = decoder.process(batch.messages)
    for r in implausible.tolist():
        rejects.add(batch.offset[r], "implausible_position", batch.raw[r], line=batch.line[r])
    return Decoded(table, rejects, len(batch))


def ingest_files(
    store: Store,
    paths: Iterable[Input],
    fmt: str | None = None,
    start: Start = None,
    archive_dir: Path | None = None,
    settings: DecoderSettings | None = None,
    progress: Callable[[Input], Progress | None] | None = None,
) -> list[IngestResult]:
    """Ingest several files, one transaction each; a failure never stops the others."""
    return [
        ingest_file(store, p, fmt, start, archive_dir, settings, progress(p) if progress else None)
        for p in paths
    ]
