"""ADS-B Exchange's free sample days: ``readsb-hist`` snapshots, cut to an area.

ADS-B Exchange publishes the first day of each month as free samples (other days
are sold) at ``samples.adsbexchange.com``: ``readsb-hist/YYYY/MM/DD/HHMMSSZ.json.gz``,
a whole-world ``aircraft.json`` snapshot every 5 s (gzip), and ``traces/`` in the
globe_history trace format. :func:`fetch_day` asks for one snapshot every ``step``
seconds (a multiple of 5; 60 by default: 1,440 requests a day), keeps the aircraft
inside the box (their position, or their ``lastPosition``), and saves each cut
snapshot as one line (:mod:`.answers`: resumable after Ctrl-C, every request
logged with its SHA-256). The day is then ingested as ``aircraft_json`` and cited
in ``fetches``. A day that is not the first of a month is ``missing``, with the
reason; a snapshot the server lacks (404) is counted, not an error.
Terms: ADS-B Exchange's, for its sample data; cite ADS-B Exchange.
"""

from __future__ import annotations

import datetime as dt
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from jetwatch.fetch.answers import AnswerLog, Progress, Request
from jetwatch.fetch.http import Client, FetchError, NotFound
from jetwatch.fetch.provenance import Terms, already, work_files
from jetwatch.fetch.window import Box, span
from jetwatch.ingest import IngestResult
from jetwatch.store.db import Store

SOURCE = "adsbx-sample"
BASE = "https://samples.adsbexchange.com"
EVERY_S = 5
LICENCE = "ADS-B Exchange sample data terms (free samples, first day of each month)"
ATTRIBUTION = "ADS-B Exchange (https://www.adsbexchange.com), historical sample data"
TERMS = Terms(SOURCE, LICENCE, ATTRIBUTION)


@dataclass
class FetchResult:
    day: dt.date
    status: str  # "fetched", "skipped", "missing", "failed"
    counts: Counter[str] = field(default_factory=Counter)
    ingest: IngestResult | None = None
    error: str | None = None
    seconds: float = 0.0


def snapshot_requests(day: dt.date, step: int) -> list[Request]:
    start, end = (int(t) for t in span(day))
    folder = f"/readsb-hist/{day:%Y/%m/%d}"
    return [
        Request(f"{folder}/{time.strftime('%H%M%S', time.gmtime(t))}Z.json.gz", {})
        for t in range(start, end, step)
    ]


def cut(box: Box) -> Any:
    """What of a snapshot to keep: its aircraft inside ``box`` (None when none is)."""

    def keep(doc: Any) -> Any:
        aircraft = doc.get("aircraft") if isinstance(doc, dict) else None
        if not isinstance(aircraft, list):
            return doc  # not a snapshot: saved whole, for the ingest to reject
        lat, lon = np.full(len(aircraft), np.nan), np.full(len(aircraft), np.nan)
        for k, ac in enumerate(aircraft):
            place = ac if isinstance(ac, dict) and "lat" in ac else None
            place = place or (ac.get("lastPosition") if isinstance(ac, dict) else None)
            if isinstance(place, dict):
                a, b = place.get("lat"), place.get("lon")
                if isinstance(a, int | float) and isinstance(b, int | float):
                    lat[k], lon[k] = a, b
        inside = np.flatnonzero(box.contains(lat, lon))
        if not len(inside):
            return None
        return {**doc, "aircraft": [aircraft[k] for k in inside.tolist()]}

    return keep


def fetch_day(
    store: Store,
    day: dt.date,
    box: Box,
    *,
    client: Client,
    base: str = BASE,
    step: int = 60,
    refresh: bool = False,
    progress: Progress | None = None,
) -> FetchResult:
    """Fetch one sample day for one box (see the module); raises only for Ctrl-C."""
    began = time.perf_counter()
    result = FetchResult(day, "failed")
    if day.day != 1:
        result.status = "missing"
        result.error = f"{day}: ADS-B Exchange's free samples are the first day of each month"
        return result
    release = f"readsb-hist {day} every {step} s"
    if not refresh and (skipped := already(store, SOURCE, release, box.name)) is not None:
        result.status, result.ingest = "skipped", skipped
        return result
    answers, log = work_files(store, "adsbx", release, box.name)
    run = AnswerLog(answers, log, progress, tally="requests")

    def get(req: Request) -> tuple[str, bytes | None]:
        url = f"{base}{req.key}"
        try:
            with client.open(url) as response:
                return url, response.read()
        except NotFound:
            return url, None

    try:
        run.run(snapshot_requests(day, step), get, cut(box))
    except FetchError as exc:
        result.error = str(exc)
        return result
    finally:
        run.close()
        result.counts = run.counts
        result.seconds = time.perf_counter() - began
    if run.found_nothing:
        result.status, result.error = "missing", f"no snapshot of {day} on the server"
        return result
    result.ingest = run.ingest(store)
    if result.ingest is not None and not result.ingest.read_anything:
        result.error = result.ingest.error
        return result
    TERMS.cite(
        store,
        release=release,
        day=day,
        box=box,
        url=f"{base}/readsb-hist/{day:%Y/%m/%d}/",
        assets=run.assets,
        counts=run.counts,
        ingest=result.ingest,
        note=f"one snapshot every {step} s",
    )
    run.discard()
    result.status = "fetched"
    result.seconds = time.perf_counter() - began
    return result
