"""The stored ``flights`` table, built incrementally from the positions.

``build(store)`` segments (:mod:`.segment`) and places (:mod:`.airports`) only
what new ingests touch. For every aircraft with positions in an ingest not yet
built, the window from its first to its last new position, widened by the
segmentation's longest gap, is rebuilt: the flights overlapping it are deleted,
the window grows to cover them, and its positions are segmented again. Other
aircraft and other days are left as they are. Built ingests are recorded in
``flight_ingests``; a live segment (:mod:`jetwatch.store.live`) is rebuilt at every
build until it is closed. ``rebuild=True`` starts from scratch (and, like a first build,
reads the positions without the window join).

DuckDB only selects and sorts: the positions come out ordered by aircraft and time,
in record batches, and the segmentation (:mod:`.batches`, :mod:`.summary`) runs on
them on every core. Every flight belongs to one aircraft, so aircraft are sorted in
buckets of about :data:`BUCKET_ROWS` positions (by a hash of the address) and
memory stays bounded (:data:`WORK_MEMORY_MB`; the sort spills to disk beyond it)
whatever the size of the store. Airports are placed in SQL, on one row per flight.
``threads=N`` keeps a build to N cores, DuckDB's and the segmentation's (a listener's
periodic build takes one, so that the windows keep the other).

A flight's ``id`` is its address and first-seen time (``151f53-20230624T082510``),
so the same positions always give the same ids.
"""

from __future__ import annotations

import contextlib
import math
import time
from collections.abc import Iterator
from dataclasses import dataclass

import duckdb
import pyarrow as pa

from jetwatch.flights.airports import AirportSettings, assign
from jetwatch.flights.batches import BATCH_ROWS, flights_of, whole_aircraft
from jetwatch.flights.segment import Settings
from jetwatch.reference.airports import Airports
from jetwatch.store import activity
from jetwatch.store.db import Store
from jetwatch.store.schema import FLIGHTS

WORK_MEMORY_MB = 1024  # for the sort of one bucket (it spills beyond it)
BUCKET_ROWS = 25_000_000  # positions per bucket of aircraft (by address hash)
POSITIONS = (
    "icao24, time, lat, lon, altitude, ground_speed, track, vertical_rate, on_ground, callsign"
)
CONFIDENCE = {"ground": "high", "runway": "medium", "nearest": "low"}


@dataclass
class BuildResult:
    ingests: int = 0
    aircraft: int = 0
    deleted: int = 0
    flights: int = 0
    excluded: int = 0  # positions with impossible values, left out (still in the store)
    seconds: float = 0.0
    stored: int = 0  # flights in the store afterwards


def build(
    store: Store,
    settings: Settings | None = None,
    airport_settings: AirportSettings | None = None,
    airports: Airports | None = None,
    rebuild: bool = False,
    threads: int | None = None,
) -> BuildResult:
    began = time.perf_counter()
    s = settings or Settings()
    con = store.con
    result = BuildResult()
    cores = store.threads(threads) if threads else contextlib.nullcontext()
    with store.memory(WORK_MEMORY_MB), cores:
        con.execute("BEGIN")
        try:
            if rebuild:
                con.execute("DELETE FROM flights")
                con.execute("DELETE FROM flight_ingests")
            new, done = [], []
            for ingest_id, status in con.execute(
                "SELECT id, status FROM ingests WHERE (status = 'done' AND id NOT IN "
                "(SELECT ingest_id FROM flight_ingests)) OR status = 'live' ORDER BY id"
            ).fetchall():
                new.append(ingest_id)
                if status == "done":  # a live segment is built again until it is closed
                    done.append(ingest_id)
            result.ingests = len(new)
            first = not con.execute("SELECT count(*) FROM flights").fetchall()[0][0]
            if new:
                source, total = (_everything if first else _windows)(con, new, s, result)
                found, result.excluded = flights_of(
                    whole_aircraft(_sorted(con, source, total)), s, threads
                )
                ends = assign(con, found, airports or Airports(), airport_settings)
                result.flights = _insert(store, found, ends)
                if done:
                    con.executemany("INSERT INTO flight_ingests VALUES (?)", [(i,) for i in done])
                con.execute("DROP TABLE IF EXISTS windows")
            activity.record(con)
            con.execute("COMMIT")
            store.changes["flights"] = store.changes.get("flights", 0) + 1
        except BaseException:
            con.execute("ROLLBACK")
            raise
    result.stored = int(con.execute("SELECT count(*) FROM flights").fetchall()[0][0])
    result.seconds = time.perf_counter() - began
    return result


def _sorted(con: duckdb.DuckDBPyConnection, source: str, total: int) -> Iterator[pa.RecordBatch]:
    """The positions of ``source`` sorted by aircraft and time, bucket by bucket."""
    buckets = max(1, math.ceil(total / BUCKET_ROWS))
    for k in range(buckets):
        yield from con.sql(
            f"SELECT {POSITIONS} FROM {source} WHERE hash(icao24) % {buckets} = {k} "
            "ORDER BY icao24, time"
        ).to_arrow_reader(BATCH_ROWS)


def _everything(
    con: duckdb.DuckDBPyConnection, new: list[int], s: Settings, result: BuildResult
) -> tuple[str, int]:
    """A first build (or a rebuild): every position, no window join."""
    total, result.aircraft = con.execute(
        "SELECT count(*), count(DISTINCT icao24) FROM positions"
    ).fetchall()[0]
    return "positions", total


def _windows(
    con: duckdb.DuckDBPyConnection, new: list[int], s: Settings, result: BuildResult
) -> tuple[str, int]:
    """The positions to segment again for ``new`` ingests; their old flights are deleted."""
    con.execute(
        "CREATE OR REPLACE TEMP TABLE touched AS SELECT icao24, "
        f"min(time) - INTERVAL {int(s.max_gap_s)} SECOND AS w0, "
        f"max(time) + INTERVAL {int(s.max_gap_s)} SECOND AS w1 "
        "FROM position_rows WHERE list_contains(?, ingest_id) GROUP BY icao24",
        [new],
    )
    con.execute(
        "CREATE OR REPLACE TEMP TABLE windows AS SELECT t.icao24, "
        "least(t.w0, min(f.first_seen)) AS w0, greatest(t.w1, max(f.last_seen)) AS w1 "
        "FROM touched t LEFT JOIN flights f ON f.icao24 = t.icao24 "
        "AND f.last_seen >= t.w0 AND f.first_seen <= t.w1 GROUP BY t.icao24, t.w0, t.w1"
    )
    con.execute("DROP TABLE touched")
    result.deleted = con.execute(
        "DELETE FROM flights f USING windows w WHERE f.icao24 = w.icao24 "
        "AND f.last_seen >= w.w0 AND f.first_seen <= w.w1"
    ).fetchall()[0][0]
    result.aircraft = con.execute("SELECT count(*) FROM windows").fetchall()[0][0]
    source = (
        "(SELECT p.* FROM positions p JOIN windows w ON p.icao24 = w.icao24 "
        "AND p.time BETWEEN w.w0 AND w.w1)"
    )
    total = con.execute(f"SELECT count(*) FROM {source}").fetchall()[0][0]
    return source, total


def _insert(store: Store, found: pa.Table, ends: pa.Table) -> int:
    store.con.register("composed", compose(store.con, found, ends))
    try:
        store.con.execute("INSERT INTO flights BY NAME SELECT * FROM composed")
    finally:
        store.con.unregister("composed")
    return found.num_rows


def schema() -> pa.Schema:
    """The Arrow schema of the ``flights`` table (every field nullable), which other
    engines' builds are cast to."""
    con = duckdb.connect()
    try:
        con.execute(FLIGHTS)
        table = con.sql("SELECT * FROM flights LIMIT 0").to_arrow_table()
    finally:
        con.close()
    return pa.schema([f.with_nullable(True) for f in table.schema])


def compose(con: duckdb.DuckDBPyConnection, found: pa.Table, ends: pa.Table) -> pa.Table:
    """The ``flights`` rows: segmented flights (:func:`.summary.flights`) with their placed
    ends (``airports.assign``): ids, inferred take-offs and landings, airports with
    method and confidence. Also what Spark's build runs per partition. A flight with
    no callsign has NULL ``callsigns`` (Spark's aggregate gives an empty list)."""
    con.register("found", found)
    con.register("placed", ends)
    try:
        conf = " ".join(f"WHEN '{k}' THEN '{v}'" for k, v in CONFIDENCE.items())
        side = """
            CASE WHEN {p}.method IS NOT NULL THEN {p}.icao END AS {n},
            CASE WHEN {p}.method IS NOT NULL THEN {p}.airport_country END AS {n}_country,
            CASE WHEN {p}.method IS NOT NULL THEN round({p}.distance_km, 3) END
                AS {n}_distance_km,
            {p}.method AS {n}_method,
            CASE {p}.method {conf} END AS {n}_confidence,
            CASE WHEN {p}.method = 'runway' THEN {p}.runway END AS {n}_runway,
            CASE WHEN {p}.method IS NULL THEN {p}.reason END AS {n}_reason"""
        return con.sql(
            f"""
            SELECT f.icao24 || '-' || strftime(f.first_seen, '%Y%m%dT%H%M%S') AS id,
                f.icao24, CASE WHEN len(f.callsigns) > 0 THEN f.callsigns END AS callsigns,
                f.first_seen, f.last_seen,
                CASE
                    WHEN f.takeoff IS NOT NULL THEN f.takeoff
                    WHEN o.method IN ('runway', 'nearest') AND f.air_first.vrate > 0
                        THEN f.air_first.time - to_seconds(
                            greatest(o.height, 0) / greatest(f.air_first.vrate, 500) * 60)
                END AS takeoff,
                CASE WHEN f.takeoff IS NOT NULL THEN 'observed'
                     WHEN o.method IN ('runway', 'nearest') AND f.air_first.vrate > 0
                        THEN 'climb_out' END AS takeoff_method,
                CASE WHEN f.landing IS NOT NULL THEN f.landing
                     WHEN d.method IN ('runway', 'nearest') AND f.air_last.vrate <= 0
                        THEN f.air_last.time END AS landing,
                CASE WHEN f.landing IS NOT NULL THEN 'observed'
                     WHEN d.method IN ('runway', 'nearest') AND f.air_last.vrate <= 0
                        THEN 'lost_low' END AS landing_method,
                {side.format(p="o", n="origin", conf=conf)},
                {side.format(p="d", n="destination", conf=conf)},
                f.starts_airborne, f.ends_airborne, f.gaps, f.longest_gap_s, f.positions,
                f.max_altitude, f.path_km, f.touch_and_go, f.air_last.lat AS last_lat,
                f.air_last.lon AS last_lon, f.air_last.altitude AS last_altitude,
                f.air_last.track AS last_track, f.air_last.vrate AS last_vertical_rate
            FROM found f
            LEFT JOIN placed o ON o.icao24 = f.icao24 AND o.flight_no = f.flight_no
                AND o.side = 'origin'
            LEFT JOIN placed d ON d.icao24 = f.icao24 AND d.flight_no = f.flight_no
                AND d.side = 'destination'
            """
        ).to_arrow_table()
    finally:
        con.unregister("found")
        con.unregister("placed")
