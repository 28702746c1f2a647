"""Parquet export and import of a store, partitioned by day.

Layout of an export directory (readable by DuckDB, Spark, pandas, polars):

- ``positions/day=YYYY-MM-DD/*.parquet``: the positions, Hive-partitioned by UTC day,
  written one day at a time (memory holds one day's sort, whatever the store's size);
- ``ingests.parquet`` and ``rejects.parquet``: the ingest log and the rejects.

Import is idempotent: an exported ingest whose SHA-256 is already in the target
store is skipped, together with its positions and rejects; the others get new
ingest ids in the target. Importing the same directory twice adds nothing.
"""

from __future__ import annotations

from pathlib import Path

from jetwatch.sql import literal
from jetwatch.store.db import Store


def export(store: Store, out: Path) -> dict[str, int]:
    """Write the store's tables under ``out``; returns the row counts written."""
    out.mkdir(parents=True, exist_ok=True)
    con = store.con
    days = con.execute(
        "SELECT DISTINCT CAST(time AS DATE) AS day FROM positions ORDER BY day"
    ).fetchall()
    for (day,) in days:  # one day at a time: the sort never holds more than a day
        folder = out / "positions" / f"day={day.isoformat()}"
        folder.mkdir(parents=True, exist_ok=True)
        con.execute(
            "COPY (SELECT * FROM positions WHERE time >= $day "
            "AND time < $day + INTERVAL 1 DAY ORDER BY icao24, time) "
            f"TO {literal(folder / 'data_0.parquet')} (FORMAT PARQUET)",
            {"day": day},
        )
    con.execute(
        f"COPY (SELECT * FROM ingests WHERE status = 'done') "
        f"TO {literal(out / 'ingests.parquet')} (FORMAT PARQUET)"
    )
    con.execute(f"COPY rejects TO {literal(out / 'rejects.parquet')} (FORMAT PARQUET)")
    return store.counts()


def import_(store: Store, src: Path) -> dict[str, int]:
    """Add an export directory's rows to the store; returns the rows added."""
    con = store.con
    ingests = f"read_parquet({literal(src / 'ingests.parquet')})"
    glob = f"{src / 'positions'}/**/*.parquet"
    positions = f"read_parquet({literal(glob)}, hive_partitioning=true)"
    rejects = f"read_parquet({literal(src / 'rejects.parquet')})"
    before = store.counts()
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute(
            f"CREATE TEMP TABLE _new AS SELECT i.id AS old_id, nextval('ingest_ids') AS new_id "
            f"FROM {ingests} i WHERE i.sha256 NOT IN "
            f"(SELECT sha256 FROM ingests WHERE sha256 IS NOT NULL)"
        )
        con.execute(
            f"INSERT INTO ingests SELECT n.new_id, i.* EXCLUDE (id) FROM {ingests} i "
            f"JOIN _new n ON i.id = n.old_id"
        )
        con.execute(
            f"INSERT INTO position_rows SELECT p.* EXCLUDE (ingest_id, day), n.new_id "
            f"FROM {positions} p JOIN _new n ON p.ingest_id = n.old_id ORDER BY p.time"
        )
        con.execute(
            "INSERT INTO reject_rows "
            f'SELECT n.new_id, r."offset", r.line, r.reason, r.detail, r.data '
            f"FROM {rejects} r JOIN _new n ON r.ingest_id = n.old_id"
        )
        con.execute("DROP TABLE _new")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    con.execute("COMMIT")
    after = store.counts()
    return {k: after[k] - before[k] for k in after}
