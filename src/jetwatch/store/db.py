"""The embedded store: one DuckDB file, one writer, all-or-nothing per ingested file.

A :class:`Store` wraps a DuckDB connection. An ingest first records its file in
``ingests`` with status ``running``, then appends positions and rejects in chunks
(each its own transaction, so memory stays bounded whatever the file size), and
finally marks the file ``done`` together with its hash and counts, in one
transaction. The ``positions`` and ``rejects`` views show only ``done`` files, so a
crash or ``kill -9`` at any moment never shows half a file; the next writer to open
the store deletes what such an interrupted ingest left (:meth:`Store.recover`), and
re-running the ingest completes the job without duplicates.

DuckDB allows one read-write process per file; a second writer gets a
:class:`~jetwatch.errors.StoreError` naming the file. Readers that must not block
the writer read exported Parquet instead.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from importlib import resources
from pathlib import Path

import duckdb
import pyarrow as pa

from jetwatch import __version__
from jetwatch.config import load
from jetwatch.errors import StoreError
from jetwatch.sql import literal
from jetwatch.store import live
from jetwatch.store.schema import MIGRATIONS, SCHEMA_VERSION, VIEWS

_UNITS = {"KiB": 1 / 1024, "MiB": 1, "GiB": 1024, "TiB": 1024**2, "PiB": 1024**3}


def _mib(setting: str) -> int:
    """DuckDB's ``memory_limit`` as it shows it (``'5.7 GiB'``), in MiB."""
    number, unit = setting.split()
    return max(1, int(float(number) * _UNITS.get(unit, 1 / 1024**2)))


@dataclass
class IngestRow:
    """What is known of a file when its ingest starts."""

    started: datetime
    path: str
    size: int
    format: str
    compression: str
    options: dict[str, object]


@dataclass
class IngestCounts:
    """What is known when it ends."""

    sha256: str
    archive: str
    records: int
    positions: int
    rejected: dict[str, int]
    stream_error: str | None


class Store:
    """A jetwatch database file (created on first use)."""

    def __init__(
        self, path: Path | str, read_only: bool = False, memory_limit: str | None = None
    ) -> None:
        self.path = Path(path)
        # Commits per table by this process (shared by cursors): DuckDB allows one
        # writing process, so readers here can cache results until the count moves.
        self.changes: dict[str, int] = {}
        self.con = self._connect(read_only, memory_limit)
        version = self._version()
        if read_only and version < SCHEMA_VERSION:
            # An older store is brought up to date once, by a short writable open
            # (readers of a store a listener writes to find it already migrated).
            self.con.close()
            Store(self.path, memory_limit=memory_limit).close()
            self.con = self._connect(read_only, memory_limit)
        if not read_only:
            self._migrate(version)
            self.con.execute(VIEWS)
            self._reference_tables()
            self.recover()

    def _connect(self, read_only: bool, memory_limit: str | None) -> duckdb.DuckDBPyConnection:
        try:
            con = duckdb.connect(str(self.path), read_only=read_only)
        except duckdb.Error as exc:
            raise StoreError(f"cannot open the database: {exc}", where=str(self.path)) from exc
        con.execute("SET TimeZone = 'UTC'")
        # Row order within a table carries no meaning here (every reader orders by
        # time); letting DuckDB insert in parallel halves the cost of large appends.
        con.execute("SET preserve_insertion_order = false")
        # Bounded memory whatever the input size: DuckDB spills to disk beyond this
        # (the setting, $JETWATCH_MEMORY, or a quarter of the machine's memory).
        self._limit = memory_limit or load().memory_limit
        try:
            con.execute("SET memory_limit = ?", [self._limit])
        except duckdb.Error as exc:
            con.close()
            raise StoreError(f"bad memory limit: {exc}", where=str(self.path)) from exc
        return con

    def _version(self) -> int:
        """The store's schema version: 0 for a new file. A store whose schema is newer
        than this jetwatch's is refused (it may hold tables or meanings this version
        would misread or overwrite)."""
        found = self.con.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_name = 'meta'"
        ).fetchall()[0][0]
        if not found:
            return 0
        rows = self.con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchall()
        version = str(rows[0][0]) if rows else "1"
        if not version.isdigit() or int(version) > SCHEMA_VERSION:
            self.con.close()
            raise StoreError(
                f"made by a newer jetwatch (store schema {version}; this jetwatch "
                f"{__version__} reads schema {SCHEMA_VERSION}): upgrade jetwatch to open it",
                value=version,
                where=str(self.path),
            )
        return int(version)

    def _migrate(self, version: int) -> None:
        """Apply the migrations after ``version``, each with its version in one
        transaction: an interrupted upgrade resumes at the step it stopped in."""
        for step in MIGRATIONS:
            if step.version <= version:
                continue
            self.con.execute("BEGIN")
            try:
                self.con.execute(step.sql)
                self.con.execute(
                    "INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)",
                    [str(step.version)],
                )
            except BaseException:
                self.con.execute("ROLLBACK")
                raise
            self.con.execute("COMMIT")

    def _reference_tables(self) -> None:
        """Load the package's aircraft types."""
        types = resources.files("jetwatch") / "data" / "aircraft_types.csv"
        with resources.as_file(types) as path:
            self.con.execute(
                "INSERT OR REPLACE INTO aircraft_types SELECT typecode, class, name "
                f"FROM read_csv({literal(path)}, header=true)"
            )

    def cursor(self) -> Store:
        """The same database through another connection, for another thread (a DuckDB
        cursor; tables are not created and nothing is recovered)."""
        view = object.__new__(Store)
        view.path = self.path
        view.changes = self.changes
        view.con = self.con.cursor()
        view._limit = self._limit
        view.con.execute("SET TimeZone = 'UTC'")
        return view

    @contextmanager
    def memory(self, mb: int) -> Iterator[None]:
        """DuckDB's memory limit lowered to ``mb`` MB (never raised) for a block of
        work, then restored.

        The limit also caps DuckDB's cache of the blocks it has written: an ingest
        that runs under the store's own limit (a quarter of the machine) would keep
        gigabytes of them resident.
        """
        before = self._limit  # as it was set: DuckDB shows it rounded
        shown = self.con.execute("SELECT current_setting('memory_limit')").fetchall()[0][0]
        self._limit = f"{min(int(mb), _mib(shown))}MiB"
        self.con.execute("SET memory_limit = ?", [self._limit])
        try:
            yield
        finally:
            self.con.execute("SET memory_limit = ?", [before])
            self._limit = before

    @contextmanager
    def threads(self, n: int) -> Iterator[None]:
        """DuckDB's threads lowered to ``n`` (never raised) for a block of work, then
        restored. They are the database's, not the connection's: while a listener's
        periodic build runs on one, every query of the process shares that one, and
        the other cores stay with the listener's windows."""
        (before,) = self.con.execute("SELECT current_setting('threads')").fetchall()[0]
        self.con.execute(f"SET threads = {min(int(n), int(before))}")
        try:
            yield
        finally:
            self.con.execute(f"SET threads = {int(before)}")

    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def archive_dir(self) -> Path:
        """Where input files are archived by default: ``<db name>-archive/`` beside it."""
        return self.path.with_name(self.path.stem + "-archive")

    def recover(self) -> int:
        """Delete what interrupted file ingests left behind, and close the live segments of
        a listener that stopped without closing them (:mod:`jetwatch.store.live`);
        returns how many file ingests were deleted."""
        live.close_orphans(self.con)
        running = [
            r[0]
            for r in self.con.execute("SELECT id FROM ingests WHERE status = 'running'").fetchall()
        ]
        for ingest_id in running:
            self.abandon_ingest(ingest_id)
        return len(running)

    def find_ingest(self, sha256: str) -> int | None:
        rows = self.con.execute(
            "SELECT id FROM ingests WHERE sha256 = ? AND status = 'done'", [sha256]
        ).fetchall()
        return int(rows[0][0]) if rows else None

    def seen_path(self, path: str, size: int) -> bool:
        """Whether a file of this path and size was ingested (a likely re-run)."""
        rows = self.con.execute(
            "SELECT 1 FROM ingests WHERE path = ? AND size = ? AND status = 'done' LIMIT 1",
            [path, size],
        ).fetchall()
        return bool(rows)

    def begin_ingest(self, row: IngestRow) -> int:
        """Record a file as being ingested; returns its ingest id."""
        return int(
            self.con.execute(
                "INSERT INTO ingests (id, status, path, size, format, compression, started, "
                "jetwatch_version, options) VALUES (nextval('ingest_ids'), 'running', ?, ?, ?, "
                "?, ?, ?, ?) RETURNING id",
                [
                    row.path,
                    row.size,
                    row.format,
                    row.compression,
                    row.started,
                    __version__,
                    json.dumps(row.options, sort_keys=True),
                ],
            ).fetchall()[0][0]
        )

    def append(self, table_name: str, table: pa.Table, ingest_id: int) -> None:
        """Append an Arrow table to ``positions``, ``rejects`` or ``reported_flights``
        for one ingest."""
        if table.num_rows == 0:
            return
        self.con.register("_batch", table)
        try:
            if table_name == "positions":
                self.con.execute("INSERT INTO position_rows SELECT *, ? FROM _batch", [ingest_id])
            elif table_name == "reported_flights":
                self.con.execute(
                    "INSERT INTO reported_flight_rows SELECT *, ? FROM _batch", [ingest_id]
                )
            else:
                self.con.execute(
                    "INSERT INTO reject_rows "
                    'SELECT ?, "offset", line, reason, detail, data FROM _batch',
                    [ingest_id],
                )
        finally:
            self.con.unregister("_batch")

    def insert_positions(
        self,
        con: duckdb.DuckDBPyConnection,
        select: str,
        ingest_id: int,
        memory_mb: int,
        unless: str | None = None,
    ) -> int | None:
        """Append the rows of ``select`` (the positions columns, in order) to
        ``positions`` for one ingest, in one transaction on ``con`` (a cursor of this
        store) under a memory limit of ``memory_mb`` MB; returns how many rows it
        wrote. ``unless``: SQL over the positions columns; if a row written matches
        it, nothing is written and None is returned. On an error nothing is written."""
        con.execute("SET memory_limit = ?", [f"{int(memory_mb)}MiB"])
        con.execute("BEGIN TRANSACTION")
        try:
            (stored,) = con.execute(
                f"INSERT INTO position_rows SELECT *, {int(ingest_id)} FROM ({select})"
            ).fetchall()[0]
            if (
                unless is not None
                and con.execute(
                    f"SELECT EXISTS (SELECT 1 FROM position_rows "
                    f"WHERE ingest_id = {int(ingest_id)} AND ({unless}))"
                ).fetchall()[0][0]
            ):
                con.execute("ROLLBACK")
                return None
            con.execute("COMMIT")
            return int(stored)
        except BaseException:
            con.execute("ROLLBACK")
            raise
        finally:
            con.execute("SET memory_limit = ?", [self._limit])

    def complete_ingest(self, ingest_id: int, counts: IngestCounts) -> int | None:
        """Mark an ingest done, atomically; if its file (by SHA-256) is already in the
        store, drop this ingest instead and return the existing ingest's id."""
        self.con.execute("BEGIN TRANSACTION")
        try:
            existing = self.find_ingest(counts.sha256)
            if existing is not None:
                self._delete(ingest_id)
            else:
                self.con.execute(
                    "UPDATE ingests SET status = 'done', sha256 = ?, archive = ?, records = ?, "
                    "positions = ?, rejected = ?, rejected_by_reason = MAP(?::VARCHAR[], "
                    "?::BIGINT[]), stream_error = ?, finished = now() WHERE id = ?",
                    [
                        counts.sha256,
                        counts.archive,
                        counts.records,
                        counts.positions,
                        sum(counts.rejected.values()),
                        list(counts.rejected),
                        list(counts.rejected.values()),
                        counts.stream_error,
                        ingest_id,
                    ],
                )
        except BaseException:
            self.con.execute("ROLLBACK")
            raise
        self.con.execute("COMMIT")
        return existing

    def abandon_ingest(self, ingest_id: int) -> None:
        """Delete an unfinished ingest and everything it wrote."""
        self.con.execute("BEGIN TRANSACTION")
        self._delete(ingest_id)
        self.con.execute("COMMIT")

    def _delete(self, ingest_id: int) -> None:
        for table in ("position_rows", "reject_rows", "reported_flight_rows"):
            self.con.execute(f"DELETE FROM {table} WHERE ingest_id = ?", [ingest_id])
        self.con.execute("DELETE FROM ingests WHERE id = ?", [ingest_id])

    def set_label(self, ingest_ids: list[int], label: str) -> None:
        """Mark ingested files, e.g. as simulated data, so every later output can say so."""
        self.con.execute(
            "UPDATE ingests SET label = ? WHERE list_contains(?, id)", [label, ingest_ids]
        )

    def labels(self) -> dict[str, int]:
        """Labels of the ingested files (e.g. the simulator's) and how many files carry each."""
        rows = self.con.execute(
            "SELECT label, count(*) FROM ingests WHERE label IS NOT NULL GROUP BY 1 ORDER BY 1"
        ).fetchall()
        return {str(k): int(v) for k, v in rows}

    def counts(self) -> dict[str, int]:
        """Rows in ``positions`` and ``rejects`` and finished ``ingests``."""
        queries = {
            "ingests": "SELECT count(*) FROM ingests WHERE status = 'done'",
            "positions": "SELECT count(*) FROM positions",
            "rejects": "SELECT count(*) FROM rejects",
        }
        return {name: int(self.con.execute(q).fetchall()[0][0]) for name, q in queries.items()}
