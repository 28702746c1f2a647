"""The demo job: simulate a preset, ingest it into a DuckDB store, summarise it.

:func:`run` is what ``jetwatch demo`` calls. It simulates ``moscow-2023-06-24``
(OpenSky state vectors for the 29 days, Beast captures of every receiver on the
last day) or reuses a cached copy, keyed by the jetwatch version and a digest of the
preset and the simulator's code,
under ``$JETWATCH_CACHE`` (default ``~/.cache/jetwatch``); older copies are removed.
The store goes to ``CACHE/demo/demo.duckdb``, made afresh by each run; :func:`clean`
removes both. It then ingests
everything with :func:`ingest_simulation`: the fleet registry and watchlist, the
state vectors, and each Beast file with its first-frame time and its receiver's
position from the manifest, and builds the flights table. Later stages (exodus,
reports) join as they land. Nothing needs the network.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
import os
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from jetwatch import __version__
from jetwatch.decode import DecoderSettings
from jetwatch.exodus.analysis import exodus
from jetwatch.exodus.claims import check_departures
from jetwatch.flights import BuildResult
from jetwatch.flights import build as build_flights
from jetwatch.flights.query import takeoffs_per_day
from jetwatch.ingest import IngestResult, ingest_file
from jetwatch.reference import registry
from jetwatch.sim import load, presets, simulate
from jetwatch.store.db import Store
from jetwatch.store.labels import label
from jetwatch.store.overview import Overview, overview

PRESET = "moscow-2023-06-24"
FORMATS = ("opensky", "beast")


@dataclass
class DemoResult:
    simulation: Path
    db: Path
    cached: bool
    simulate_s: float = 0.0
    ingest_s: float = 0.0
    ingests: list[IngestResult] = field(default_factory=list)
    flights: BuildResult | None = None
    manifest: dict[str, object] = field(default_factory=dict)


def cache_dir(cache: Path | None = None) -> Path:
    return cache or Path(os.environ.get("JETWATCH_CACHE", Path.home() / ".cache" / "jetwatch"))


def default_db(cache: Path | None = None) -> Path:
    """The demo's store: one place, made afresh by each run (its archive beside it)."""
    folder = cache_dir(cache) / "demo"
    folder.mkdir(parents=True, exist_ok=True)
    db = folder / "demo.duckdb"
    for old in (db, db.with_name(db.name + ".wal")):
        old.unlink(missing_ok=True)
    shutil.rmtree(folder / "demo-archive", ignore_errors=True)
    return db


def _size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) if path.exists() else 0


def kept(cache: Path | None = None) -> int:
    """Bytes the demo keeps: its store and its cached simulation."""
    return sum(_size(cache_dir(cache) / name) for name in ("demo", "sim"))


def clean(cache: Path | None = None) -> int:
    """Remove the demo's store and cached simulations; returns the bytes freed."""
    freed = kept(cache)
    for name in ("demo", "sim"):
        shutil.rmtree(cache_dir(cache) / name, ignore_errors=True)
    return freed


def _fingerprint() -> str:
    """A digest of the preset and the simulator's code: a cached copy is used only if both match."""
    digest = hashlib.sha256(presets()[PRESET].encode())
    folder = resources.files("jetwatch") / "sim"
    for item in sorted(folder.iterdir(), key=lambda p: p.name):
        if item.name.endswith(".py"):
            digest.update(item.read_bytes())
    return digest.hexdigest()[:12]


def ingest_simulation(
    store: Store,
    directory: Path,
    progress: Callable[[Path], Callable[[int, int], None] | None] | None = None,
) -> list[IngestResult]:
    """Ingest a simulator output directory: registry files first, then every data file.

    The files are labelled in ``ingests.label`` as simulated, with the scenario and seed.
    """
    manifest = json.loads((directory / "manifest.json").read_text())
    truth = manifest["truth"]
    for key in ("registry", "watchlist"):
        registry.import_file(store, directory / truth[key])
    results = []
    for entry in manifest["files"]:
        path = directory / entry["path"]
        receiver = entry.get("receiver_position")
        settings = DecoderSettings(receiver=tuple(receiver) if receiver else None)
        results.append(
            ingest_file(
                store,
                path,
                None,
                entry.get("start"),
                None,
                settings,
                progress(path) if progress else None,
            )
        )
    store.set_label([r.ingest_id for r in results if r.ingest_id is not None], label(manifest))
    return results


def run(
    db: Path,
    cache: Path | None = None,
    progress: Callable[[Path], Callable[[int, int], None] | None] | None = None,
    sim_progress: Callable[[int, int], None] | None = None,
) -> DemoResult:
    scenario = load(PRESET)
    where = cache_dir(cache) / "sim" / f"{scenario.name}-{__version__}-{_fingerprint()}"
    cached = (where / "manifest.json").exists()
    for stale in where.parent.glob(f"{scenario.name}-*"):  # an older jetwatch's copies
        if stale != where:
            shutil.rmtree(stale, ignore_errors=True)
    began = time.perf_counter()
    if not cached:
        where.parent.mkdir(parents=True, exist_ok=True)
        simulate(scenario, where, FORMATS, raw_days=1, overwrite=True, progress=sim_progress)
    result = DemoResult(where, db, cached, simulate_s=time.perf_counter() - began)
    result.manifest = json.loads((where / "manifest.json").read_text())
    began = time.perf_counter()
    with Store(db) as store:
        result.ingests = ingest_simulation(store, where, progress)
    result.ingest_s = time.perf_counter() - began
    with Store(db) as store:
        result.flights = build_flights(store)
    return result


CLAIMS = (
    {"airport": "UUWW", "at_least": 15, "abroad": True},  # "at least fifteen" (newspapers)
    {"airport": "UUWW", "at_most": 2, "abroad": True},  # "two" (the airport's co-owner)
)


def findings(db: Path) -> dict[str, Any]:
    """The exodus of business jets on the preset's last day and the two public claims."""
    scenario = load(PRESET)
    day = scenario.start + dt.timedelta(days=scenario.days - 1)
    with Store(db) as store:
        doc = exodus(store, area=scenario.area.name, cls="business_jet", on=day).to_dict()
        checks = [
            check_departures(
                store,
                cls="business_jet",
                on=day,
                **claim,  # type: ignore[arg-type]
            ).to_dict()
            for claim in CLAIMS
        ]
    return {"exodus": doc, "claims": checks}


def departures_found(db: Path, cls: str) -> dict[str, int]:
    """Built flights of ``cls`` taking off from the preset's area, per local day."""
    scenario = load(PRESET)
    with Store(db, read_only=True) as store:
        return takeoffs_per_day(store, list(scenario.area.airports), cls, scenario.timezone)


def summary(db: Path) -> Overview:
    """What the store holds after the demo."""
    with Store(db, read_only=True) as store:
        return overview(store)


def ingest_totals(results: list[IngestResult]) -> dict[str, list[int]]:
    """Per input format: files, records, positions and rejected records."""
    totals: dict[str, list[int]] = {}
    for r in results:
        sums = totals.setdefault(r.format or "?", [0, 0, 0, 0])
        for k, v in enumerate((1, r.records, r.positions, sum(r.rejected.values()))):
            sums[k] += v
    return totals


def truth_departures(directory: Path, cls: str) -> list[tuple[str, int, float, int]]:
    """Ground truth per local day: (day, departures of ``cls`` from the area, expected, surge)."""

    days: dict[str, list[float]] = {}
    with (directory / "truth" / "hourly.csv").open() as fh:
        for row in csv.DictReader(fh):
            if row["class"] == cls:
                day = days.setdefault(row["local_hour"][:10], [0, 0.0, 0])
                day[0] += int(row["departures"])
                day[1] += float(row["expected_baseline"])
                day[2] += int(row["in_event"])
    return [(d, int(v[0]), v[1], int(v[2])) for d, v in sorted(days.items())]
