"""Flights built elsewhere, loaded into a store: the output directory of
``jetwatch flights build --engine spark`` (:mod:`.output`).

The flights replace those with the same ``id`` (an aircraft's address and its
first-seen second). The activity summary goes into ``activity`` under an ingest of
status ``attached`` for the directory, which carries the manifest's labels (so a
simulated build stays labelled simulated) and replaces an earlier attach of the same
directory. Attaching the same output twice therefore changes nothing. One
transaction: all or nothing.

Out of scope: positions. Counts, exodus, claims and reports need only flights and
activity (and the registry); the reports' tracks and profiles are drawn from
positions, so they stay empty unless the positions are in the store too.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import duckdb

from jetwatch import __version__
from jetwatch.flights.output import OutputError, activity_files, flight_files, manifest
from jetwatch.store.db import Store


@dataclass(frozen=True)
class Attached:
    flights: int
    activity: int  # rows of the summary
    labels: list[str]


def attach(store: Store, directory: Path) -> Attached:
    """Load the flights and activity under ``directory``."""
    directory = Path(directory).resolve()
    files = flight_files(directory)
    if not files:
        raise OutputError("no Parquet files of flights here", where=str(directory))
    about = manifest(directory)
    con = store.con
    con.execute("BEGIN")
    try:
        con.execute(
            "CREATE OR REPLACE TEMP TABLE incoming AS SELECT * EXCLUDE (day) "
            "FROM read_parquet(?, hive_partitioning = true)",
            [[str(f) for f in files]],
        )
        con.execute("DELETE FROM flights WHERE id IN (SELECT id FROM incoming)")
        con.execute("INSERT INTO flights BY NAME SELECT * FROM incoming")
        added = con.execute("SELECT count(*) FROM incoming").fetchall()[0][0]
        con.execute("DROP TABLE incoming")
        summary = _activity(con, directory, about.labels)
        con.execute("COMMIT")
    except duckdb.Error as exc:
        con.execute("ROLLBACK")
        raise OutputError(f"cannot load this output: {exc}", where=str(directory)) from exc
    store.changes["flights"] = store.changes.get("flights", 0) + 1
    return Attached(int(added), summary, about.labels)


def _activity(con: duckdb.DuckDBPyConnection, directory: Path, labels: list[str]) -> int:
    """Replace the activity of an earlier attach of ``directory``; rows added."""
    con.execute(
        "DELETE FROM activity WHERE ingest_id IN "
        "(SELECT id FROM ingests WHERE status = 'attached' AND path = ?)",
        [str(directory)],
    )
    con.execute("DELETE FROM ingests WHERE status = 'attached' AND path = ?", [str(directory)])
    ingest_id = con.execute(
        "INSERT INTO ingests (id, status, path, size, format, compression, started, "
        "jetwatch_version, options, label) VALUES (nextval('ingest_ids'), 'attached', ?, 0, "
        "'spark-flights', 'none', now()::TIMESTAMP, ?, ?, ?) RETURNING id",
        [str(directory), __version__, json.dumps({}), "; ".join(labels) or None],
    ).fetchall()[0][0]
    files = activity_files(directory)
    if not files:
        return 0
    inserted = con.execute(
        "INSERT INTO activity SELECT ?, cy, cx, slot, positions FROM read_parquet(?)",
        [ingest_id, [str(f) for f in files]],
    ).fetchall()
    return int(inserted[0][0])
