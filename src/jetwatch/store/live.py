"""Live ingests: a listener's data, committed batch by batch, archived segment by segment.

``jetwatch listen`` writes into one ingest per *segment* (default 10 minutes):

- While the segment is open its ingest has status ``live``: every batch window's
  positions and rejects are committed in one transaction and show at once in the
  ``positions`` view (flights and exodus read them as they arrive).
- Each feed's bytes are appended, exactly as received, to
  ``<archive>/live/<segment>/<feed>.<ext>`` *before* they are decoded. A reject's
  ``offset`` points into its feed's file; its ``detail`` starts with the feed name.
- Closing a segment writes ``manifest.json`` (every feed's URL, format, file,
  size and SHA-256), and marks the ingest ``done`` with the manifest's SHA-256.
- After a crash the segment is still ``live``; the next writer to open the store
  closes it the same way (:func:`close_orphans`). What was committed stays; the
  last, uncommitted window's bytes are in the archive but were not decoded, so a
  crash loses at most one batch window of positions (the ``--flush`` interval).

Out of scope: re-decoding a segment's files with their arrival times (a re-ingest
of an archived Beast file dates it from its 12 MHz clock and ``--start``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from jetwatch import __version__
from jetwatch.store.archive import sha256_file

FORMAT = "live"


@dataclass
class FeedFile:
    name: str
    url: str
    format: str
    path: Path
    size: int = 0


@dataclass
class Segment:
    ingest_id: int
    folder: Path
    opened: dt.datetime
    files: dict[str, FeedFile] = field(default_factory=dict)
    records: int = 0
    positions: int = 0
    rejected: Counter[str] = field(default_factory=Counter)


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def open_segment(
    con: duckdb.DuckDBPyConnection, archive_dir: Path, feeds: list[tuple[str, str, str]]
) -> Segment:
    """A new live ingest for ``feeds`` (name, URL, format), with its folder."""
    now = _utcnow()
    (ingest_id,) = con.execute(
        "INSERT INTO ingests (id, status, path, size, format, compression, started, "
        "jetwatch_version, options) VALUES (nextval('ingest_ids'), 'live', ?, 0, ?, 'none', ?, "
        "?, ?) RETURNING id",
        [
            "live:" + " ".join(url for _, url, _ in feeds),
            FORMAT,
            now,
            __version__,
            json.dumps({"feeds": [{"name": n, "url": u, "format": f} for n, u, f in feeds]}),
        ],
    ).fetchall()[0]
    folder = archive_dir / "live" / f"{now:%Y%m%dT%H%M%S}-{ingest_id}"
    folder.mkdir(parents=True, exist_ok=True)
    con.execute("UPDATE ingests SET archive = ? WHERE id = ?", [str(folder), ingest_id])
    segment = Segment(int(ingest_id), folder, now)
    for name, url, fmt in feeds:
        segment.files[name] = FeedFile(name, url, fmt, folder / f"{name}.{fmt}")
    return segment


def write_raw(segment: Segment, pieces: list[tuple[str, bytes]]) -> list[int]:
    """Append each (feed, bytes) piece to its feed's file, in order, opening each file
    once; returns every piece's offset in its file."""
    offsets: list[int] = []
    by_feed: dict[str, list[bytes]] = {}
    for feed, data in pieces:
        f = segment.files[feed]
        offsets.append(f.size)
        f.size += len(data)
        by_feed.setdefault(feed, []).append(data)
    for feed, datas in by_feed.items():
        with open(segment.files[feed].path, "ab") as fh:
            fh.writelines(datas)
    return offsets


def commit(
    con: duckdb.DuckDBPyConnection,
    segment: Segment,
    positions: pa.Table,
    rejects: pa.Table,
    records: int,
) -> None:
    """One batch window: positions, rejects and the running counts, in one transaction."""
    con.execute("BEGIN TRANSACTION")
    try:
        if positions.num_rows:
            con.register("_live", positions)
            con.execute("INSERT INTO position_rows SELECT *, ? FROM _live", [segment.ingest_id])
            con.unregister("_live")
        if rejects.num_rows:
            con.register("_rej", rejects)
            con.execute(
                'INSERT INTO reject_rows SELECT ?, "offset", line, reason, detail, data FROM _rej',
                [segment.ingest_id],
            )
            con.unregister("_rej")
        segment.records += records
        segment.positions += positions.num_rows
        segment.rejected.update(rejects["reason"].to_pylist() if rejects.num_rows else [])
        _counts(con, segment.ingest_id, segment.records, segment.positions, segment.rejected)
    except BaseException:
        con.execute("ROLLBACK")
        raise
    con.execute("COMMIT")


def _counts(
    con: duckdb.DuckDBPyConnection, ingest_id: int, records: int, positions: int, rejected: Counter
) -> None:
    con.execute(
        "UPDATE ingests SET records = ?, positions = ?, rejected = ?, rejected_by_reason = "
        "MAP(?::VARCHAR[], ?::BIGINT[]) WHERE id = ?",
        [
            records,
            positions,
            sum(rejected.values()),
            list(rejected),
            list(rejected.values()),
            ingest_id,
        ],
    )


def close_segment(con: duckdb.DuckDBPyConnection, ingest_id: int, folder: Path) -> str:
    """Write the segment's manifest and mark its ingest done; returns the manifest's SHA-256."""
    opts = con.execute("SELECT options FROM ingests WHERE id = ?", [ingest_id]).fetchall()
    feeds = json.loads(opts[0][0]).get("feeds", []) if opts and opts[0][0] else []
    entries: list[dict[str, Any]] = []
    for feed in feeds:
        path = folder / f"{feed['name']}.{feed['format']}"
        if not path.exists():
            path.touch()
        entries.append(
            feed | {"file": path.name, "bytes": path.stat().st_size, "sha256": sha256_file(path)}
        )
    manifest = json.dumps(
        {"ingest_id": ingest_id, "feeds": entries}, indent=1, sort_keys=True
    ).encode()
    (folder / "manifest.json").write_bytes(manifest)
    sha = hashlib.sha256(manifest).hexdigest()
    con.execute(
        "UPDATE ingests SET status = 'done', sha256 = ?, size = ?, finished = now() WHERE id = ?",
        [sha, sum(e["bytes"] for e in entries), ingest_id],
    )
    return sha


def close_orphans(con: duckdb.DuckDBPyConnection) -> int:
    """Close the live segments a crashed listener left open; returns how many."""
    rows = con.execute("SELECT id, archive FROM ingests WHERE status = 'live'").fetchall()
    for ingest_id, archive in rows:
        folder = Path(archive) if archive else None
        if folder is None:
            con.execute(
                "UPDATE ingests SET status = 'done', finished = now() WHERE id = ?", [ingest_id]
            )
            continue
        folder.mkdir(parents=True, exist_ok=True)
        close_segment(con, int(ingest_id), folder)
    return len(rows)
