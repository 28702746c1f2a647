"""The embedded store: one DuckDB file, one writer, atomic per ingested file.

A :class:`Store` wraps a DuckDB connection. Writes for one input file happen in one
transaction (:meth:`Store.ingest_transaction`), so a crash or ``kill -9`` at any
moment leaves either all of that file's rows or none of them, and re-running the
ingest finishes the job without duplicates. DuckDB allows one read-write process
per file; a second writer gets a :class:`~jetwatch.errors.StoreError` naming the
file. Readers that must not block the writer read exported Parquet instead.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb
import pyarrow as pa

from jetwatch import __version__
from jetwatch.errors import StoreError
from jetwatch.store.schema import DDL, SCHEMA_VERSION


@dataclass
class IngestRow:
    started: datetime
    path: str
    sha256: str
    size: int
    format: str
    compression: str
    archive: str | None
    options: dict[str, object]


class Store:
    """A jetwatch database file (created on first use)."""

    def __init__(self, path: Path | str, read_only: bool = False) -> None:
        self.path = Path(path)
        try:
            self.con = duckdb.connect(str(self.path), read_only=read_only)
        except duckdb.Error as exc:
            raise StoreError(f"cannot open the database: {exc}", where=str(self.path)) from exc
        self.con.execute("SET TimeZone = 'UTC'")
        # Row order within a table carries no meaning here (every reader orders by
        # time); letting DuckDB insert in parallel halves the cost of large appends.
        self.con.execute("SET preserve_insertion_order = false")
        if not read_only:
            self.con.execute(DDL)
            self.con.execute(
                "INSERT OR IGNORE INTO meta VALUES ('schema_version', ?)", [SCHEMA_VERSION]
            )

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

    def find_ingest(self, sha256: str) -> int | None:
        rows = self.con.execute("SELECT id FROM ingests WHERE sha256 = ?", [sha256]).fetchall()
        return int(rows[0][0]) if rows else None

    def seen_path(self, path: str, size: int) -> bool:
        """Whether a file of this path and size was ingested (a likely re-run)."""
        rows = self.con.execute(
            "SELECT 1 FROM ingests WHERE path = ? AND size = ? LIMIT 1", [path, size]
        ).fetchall()
        return bool(rows)

    @contextmanager
    def ingest_transaction(self) -> Iterator[int]:
        """Open a transaction for one file and give its ingest id; commit on success.

        The ``ingests`` row itself is written by :meth:`finish_ingest`, last.
        """
        self.con.execute("BEGIN TRANSACTION")
        try:
            ingest_id = self.con.execute("SELECT nextval('ingest_ids')").fetchall()[0][0]
            yield int(ingest_id)
        except BaseException:
            self.con.execute("ROLLBACK")
            raise
        else:
            self.con.execute("COMMIT")

    def append(self, table_name: str, table: pa.Table, ingest_id: int) -> None:
        """Append an Arrow table to ``positions`` or ``rejects`` for one ingest."""
        if table.num_rows == 0:
            return
        self.con.register("_batch", table)
        try:
            if table_name == "positions":
                self.con.execute("INSERT INTO positions SELECT *, ? FROM _batch", [ingest_id])
            else:
                self.con.execute(
                    "INSERT INTO rejects "
                    'SELECT ?, "offset", line, reason, detail, data FROM _batch',
                    [ingest_id],
                )
        finally:
            self.con.unregister("_batch")

    def finish_ingest(
        self,
        ingest_id: int,
        row: IngestRow,
        records: int,
        positions: int,
        rejected: dict[str, int],
        stream_error: str | None,
    ) -> None:
        """Write the file's ``ingests`` row (inside its transaction)."""
        self.con.execute(
            "INSERT INTO ingests (id, path, sha256, size, format, compression, archive, records, "
            "positions, rejected, rejected_by_reason, stream_error, started, finished, "
            "jetwatch_version, options) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
            "MAP(?::VARCHAR[], ?::BIGINT[]), ?, ?, now(), ?, ?)",
            [
                ingest_id,
                row.path,
                row.sha256,
                row.size,
                row.format,
                row.compression,
                row.archive,
                records,
                positions,
                sum(rejected.values()),
                list(rejected),
                list(rejected.values()),
                stream_error,
                row.started,
                __version__,
                json.dumps(row.options, sort_keys=True),
            ],
        )

    def counts(self) -> dict[str, int]:
        return {
            name: int(self.con.execute(f"SELECT count(*) FROM {name}").fetchall()[0][0])
            for name in ("ingests", "positions", "rejects")
        }
