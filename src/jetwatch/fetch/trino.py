"""OpenSky's history (Trino ``minio.osky.state_vectors_data4``) through pyopensky.

Accounts with research access query OpenSky's Trino database; ``pyopensky`` (the
optional extra ``jetwatch[opensky]``, configured as its documentation says:
username and password in its config file) connects, authenticates and streams
results. jetwatch writes the query itself (:func:`history_sql`), in plain text
that can be read and re-run:

- the columns the ``opensky`` reader takes (no ``serials``: receivers' ids);
- the hour partitions first: ``hour`` (unix seconds of the hour, the table's
  partition key) in [start floored to the hour, end); without it Trino reads
  every partition;
- then the time window [start, end) and the box (``lat``, ``lon``; a box that
  crosses the antimeridian is two ranges of longitude).

:func:`fetch_day` runs the query of a UTC day (``run``, by default pyopensky's
``Trino().query``), writes the result as Parquet beside the store and ingests it
as ``opensky`` state vectors (archived, hashed, idempotent); ``fetches`` records
the query, the number of rows and the Parquet's SHA-256. No Trino server runs in
jetwatch's tests: the query text and the reading of a result of pyopensky's
shape are tested, the live query is not.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from jetwatch.errors import JetwatchError
from jetwatch.fetch.provenance import Terms, already, slug, work_dir
from jetwatch.fetch.window import Box, span
from jetwatch.ingest import IngestResult, ingest_file
from jetwatch.store.archive import sha256_file
from jetwatch.store.db import Store

SOURCE = "opensky-trino"
TABLE = "minio.osky.state_vectors_data4"
HOST = "trino.opensky-network.org"
COLUMNS = (
    "time", "icao24", "lat", "lon", "velocity", "heading", "vertrate", "callsign",
    "onground", "alert", "spi", "squawk", "baroaltitude", "geoaltitude", "lastposupdate",
    "lastcontact", "hour",
)  # fmt: skip
LICENCE = "OpenSky Network terms of use (research access)"
ATTRIBUTION = (
    "The OpenSky Network (https://opensky-network.org), historical database; cite "
    "Schäfer et al., IPSN 2014"
)
TERMS = Terms(SOURCE, LICENCE, ATTRIBUTION)

Run = Callable[[str], Any]  # a query -> a pandas DataFrame (pyopensky's answer)


class HistoryError(JetwatchError):
    """pyopensky is missing, or the query failed."""


def history_sql(box: Box, start: float, end: float) -> str:
    """The state vectors in ``box`` in [start, end) (unix s), hour partitions first."""
    first_hour = int(start) // 3600 * 3600
    if box.west <= box.east:
        lon = f"lon >= {box.west:.6f} AND lon <= {box.east:.6f}"
    else:
        lon = f"(lon >= {box.west:.6f} OR lon <= {box.east:.6f})"
    return (
        f"SELECT {', '.join(COLUMNS)}\n"
        f"FROM {TABLE}\n"
        f"WHERE hour >= {first_hour} AND hour < {int(end)}\n"
        f"  AND time >= {int(start)} AND time < {int(end)}\n"
        f"  AND lat >= {box.south:.6f} AND lat <= {box.north:.6f}\n"
        f"  AND {lon}"
    )


def pyopensky_run(sql: str) -> Any:
    """The query's result through pyopensky (cached by pyopensky, as it does)."""
    try:
        from pyopensky.trino import Trino  # noqa: PLC0415 (an optional extra)
    except ImportError:
        raise HistoryError(
            "OpenSky's history needs pyopensky: pip install 'jetwatch[opensky]', then set "
            "your research account in pyopensky's configuration"
        ) from None
    try:
        return Trino().query(sql)
    except Exception as exc:  # noqa: BLE001 (pyopensky raises many kinds)
        raise HistoryError(f"the Trino query failed: {exc}", where=HOST) from None


@dataclass
class FetchResult:
    day: dt.date
    status: str  # "fetched", "skipped", "failed"
    rows: int = 0
    query: str = ""
    ingest: IngestResult | None = None
    error: str | None = None
    seconds: float = 0.0


def fetch_day(
    store: Store, day: dt.date, box: Box, *, run: Run = pyopensky_run, refresh: bool = False
) -> FetchResult:
    """Query, store and ingest one UTC day of state vectors in ``box``."""
    began = time.perf_counter()
    start, end = span(day)
    result = FetchResult(day, "failed", query=history_sql(box, start, end))
    release = f"state_vectors_data4 {day}"
    if not refresh and (skipped := already(store, SOURCE, release, box.name)) is not None:
        result.status, result.ingest = "skipped", skipped
        return result
    try:
        frame = run(result.query)
    except HistoryError as exc:
        result.error = str(exc)
        return result
    table = pa.Table.from_pandas(frame, preserve_index=False) if frame is not None else None
    work = work_dir(store)
    work.mkdir(parents=True, exist_ok=True)
    path = work / f"opensky-trino.{day}.{slug(box.name)}.parquet"
    result.rows = 0 if table is None else table.num_rows
    if table is not None and table.num_rows:
        pq.write_table(table, path)
        result.ingest = ingest_file(store, path)
        if not result.ingest.read_anything:
            result.error = result.ingest.error
            return result
    asset = {
        "query": result.query,
        "rows": result.rows,
        "sha256": sha256_file(path) if path.exists() else None,
    }
    TERMS.cite(
        store,
        release=release,
        day=day,
        box=box,
        url=f"trino://{HOST}/{TABLE}",
        assets=[asset],
        counts={"rows": result.rows},
        ingest=result.ingest,
        note="Trino history through pyopensky",
    )
    path.unlink(missing_ok=True)
    result.status = "fetched"
    result.seconds = time.perf_counter() - began
    return result
