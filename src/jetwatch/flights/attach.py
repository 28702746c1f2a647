"""Flights built elsewhere, loaded into a store: the Parquet that
``jetwatch flights build --engine spark`` writes (:func:`jetwatch.spark.flights.write`,
partitioned by ``day``).

The files hold the store's ``flights`` columns. Loading replaces flights with the
same ``id`` (an aircraft's address and its first-seen second), so attaching the
same output twice changes nothing. One transaction: all or nothing.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from jetwatch.errors import JetwatchError
from jetwatch.flights.build import ensure_schema
from jetwatch.store.db import Store


class AttachError(JetwatchError, ValueError):
    """The directory holds no flights Parquet jetwatch can load."""


def attach(store: Store, directory: Path) -> int:
    """Load the flights under ``directory``; returns how many were loaded."""
    files = sorted(Path(directory).glob("**/*.parquet"))
    if not files:
        raise AttachError("no Parquet files of flights here", where=str(directory))
    ensure_schema(store)
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
        con.execute("COMMIT")
    except duckdb.Error as exc:
        con.execute("ROLLBACK")
        raise AttachError(f"cannot load these flights: {exc}", where=str(directory)) from exc
    store.changes["flights"] = store.changes.get("flights", 0) + 1
    return int(added)
