"""Activity: how many positions the store holds per 15 minutes and 0.5 deg cell.

``activity(ingest_id, cy, cx, slot, positions)``: ``cy = floor(lat / 0.5)``,
``cx = floor(lon / 0.5)``, ``slot`` the start of the 15-minute UTC slot. Counts add
up across ingests (several receivers), so the table is extended ingest by ingest
(:func:`record`) and summed when read (:func:`around`). It is the coverage signal
of :mod:`jetwatch.exodus.coverage`: reading it costs a few thousand rows where
counting positions would scan all of them. Buckets finer than 15 minutes are out of
scope (every time zone offset is a multiple of 15 minutes).

The summary and the read are one text each (:func:`summary_sql`, :func:`around_sql`),
which Spark runs transpiled over its positions and its summary
(:mod:`jetwatch.spark.flights`, :mod:`jetwatch.spark.exodus`).
"""

from __future__ import annotations

import datetime as dt
import math

import duckdb
import numpy as np
import numpy.typing as npt

CELL_DEG = 0.5
SLOT_S = 900


def record(con: duckdb.DuckDBPyConnection) -> int:
    """Add the activity of every finished ingest not yet counted, and recount the live
    segments (:mod:`jetwatch.store.live`); returns how many ingests were counted."""
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
        ids = ", ".join(str(int(i)) for i in todo)
        con.execute(
            "INSERT INTO activity "
            + summary_sql("position_rows", f"ingest_id IN ({ids})", keys=("ingest_id",))
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
    rows = con.execute(around_sql(lat, lon, since, until)).fetchnumpy()
    return np.asarray(rows["slot"], dtype=np.int64), np.asarray(rows["positions"], np.float64)


def summary_sql(table: str, where: str = "TRUE", keys: tuple[str, ...] = ()) -> str:
    """The activity of the positions in ``table`` (rows matching ``where``), grouped
    by ``keys`` too. The slot is computed from the epoch so that Spark can run it."""
    first = "".join(f"{k}, " for k in keys)
    return f"""
        SELECT {first}CAST(floor(lat / {CELL_DEG}) AS SMALLINT) AS cy,
            CAST(floor(lon / {CELL_DEG}) AS SMALLINT) AS cx,
            TIMESTAMP '1970-01-01 00:00:00'
                + to_seconds(CAST(floor(epoch(time) / {SLOT_S}) * {SLOT_S} AS BIGINT)) AS slot,
            count(*) AS positions
        FROM {table} WHERE lat IS NOT NULL AND ({where})
        GROUP BY ALL
        """


def around_sql(
    lat: tuple[float, float], lon: tuple[float, float], since: dt.datetime, until: dt.datetime
) -> str:
    """Positions per slot in the cells covering a lat/lon box, over ``activity``."""
    cy = (math.floor(lat[0] / CELL_DEG), math.floor(lat[1] / CELL_DEG))
    cx = (math.floor(lon[0] / CELL_DEG), math.floor(lon[1] / CELL_DEG))
    return f"""
        SELECT CAST(epoch(slot) AS BIGINT) AS slot, CAST(sum(positions) AS DOUBLE) AS positions
        FROM activity
        WHERE cy BETWEEN {cy[0]} AND {cy[1]} AND cx BETWEEN {cx[0]} AND {cx[1]}
            AND slot >= TIMESTAMP '{since.isoformat(" ")}'
            AND slot < TIMESTAMP '{until.isoformat(" ")}'
        GROUP BY slot
        """
