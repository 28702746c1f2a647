"""Activity: how many positions the store holds per 15 minutes and 0.5 deg cell.

``activity(ingest_id, cy, cx, slot, positions)``: ``cy = floor(lat / 0.5)``,
``cx = floor(lon / 0.5)``, ``slot`` the start of the 15-minute UTC slot. Counts add
up across ingests (several receivers), so the table is extended ingest by ingest
(:func:`record`) and summed when read (:func:`around`). It is the coverage signal
of :mod:`jetwatch.exodus.coverage`: reading it costs a few thousand rows where
counting positions would scan all of them. Buckets finer than 15 minutes are out of
scope (every time zone offset is a multiple of 15 minutes).
"""

from __future__ import annotations

import datetime as dt
import math

import duckdb
import numpy as np
import numpy.typing as npt

CELL_DEG = 0.5
SLOT_S = 900

DDL = """
CREATE TABLE IF NOT EXISTS activity (
    ingest_id INTEGER, cy SMALLINT, cx SMALLINT, slot TIMESTAMP, positions BIGINT
)
"""


def record(con: duckdb.DuckDBPyConnection) -> int:
    """Add the activity of every finished ingest not yet counted, and recount the live
    segments (:mod:`jetwatch.store.live`); returns how many ingests were counted."""
    con.execute(DDL)
    live = [r[0] for r in con.execute("SELECT id FROM ingests WHERE status = 'live'").fetchall()]
    if live:  # a live segment grows: count it again
        con.execute("DELETE FROM activity WHERE list_contains(?, ingest_id)", [live])
    todo = live + [
        r[0]
        for r in con.execute(
            "SELECT id FROM ingests WHERE status = 'done' "
            "AND id NOT IN (SELECT DISTINCT ingest_id FROM activity)"
        ).fetchall()
    ]
    if todo:
        con.execute(
            f"""
            INSERT INTO activity
            SELECT ingest_id, floor(lat / {CELL_DEG})::SMALLINT, floor(lon / {CELL_DEG})::SMALLINT,
                time_bucket(INTERVAL {SLOT_S} SECOND, time), count(*)
            FROM position_rows WHERE list_contains(?, ingest_id) AND lat IS NOT NULL
            GROUP BY ALL
            """,
            [todo],
        )
    return len(todo)


def around(
    con: duckdb.DuckDBPyConnection,
    lat: tuple[float, float],
    lon: tuple[float, float],
    since: dt.datetime,
    until: dt.datetime,
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float64]]:
    """Slot starts (UTC epoch s) and positions in the cells covering a lat/lon box."""
    con.execute(DDL)
    rows = con.execute(
        """
        SELECT epoch(slot)::BIGINT AS slot, sum(positions)::DOUBLE AS positions
        FROM activity
        WHERE cy BETWEEN ? AND ? AND cx BETWEEN ? AND ? AND slot >= ? AND slot < ?
        GROUP BY slot
        """,
        [
            math.floor(lat[0] / CELL_DEG),
            math.floor(lat[1] / CELL_DEG),
            math.floor(lon[0] / CELL_DEG),
            math.floor(lon[1] / CELL_DEG),
            since,
            until,
        ],
    ).fetchnumpy()
    return np.asarray(rows["slot"], dtype=np.int64), np.asarray(rows["positions"], np.float64)
