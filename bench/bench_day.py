"""A day of the world: ingest → aircraft → flights → exodus, each stage timed.

    python bench/bench_day.py [--rows 100000000] [--step 10] [--seed 7] [--keep DIR] [--floors]

The day is SIMULATED here, by a generator independent of ``jetwatch.sim`` (no
receivers, no coverage model): a fleet flies back-to-back legs between ~300 real
airports (every built-in area's airports among them) on 24 June 2023 UTC, each
leg a taxi out, a great-circle flight with a climb and a descent, and a taxi in,
then a turnaround with the transponder off. The fleet's types are drawn from
jetwatch's type list, so every class with types occurs (about 2% of the aircraft
are left out of the registry: unknown; none is filed as government, which needs
plane-alert categories). It is written as OpenSky ``state_vectors_data4`` Parquet,
one file per hour, one state vector per aircraft every ``--step`` seconds, rows in
time order, in OpenSky's columns and SI units; the fleet's registry as a
FlightAware ``icao24,r,t`` CSV. The generation is not timed.

Stages, in one process on a new store (each printed with its seconds, CPU
seconds with the part spent in the kernel, rate and the process's peak RSS during
the stage):

1. ``ingest_files`` of the 24 hourly files (hashing, archive copy, conversion, writes);
2. ``registry.import_file`` of the fleet's registry;
3. ``flights.build`` (segmentation, airports);
4. ``exodus`` of every built-in area and every class, the day against its 4-week
   baseline (``save=False``). The store holds one day, so every baseline is empty
   and each verdict says so: the time is the analysis, not a finding.

Target (issue 23): under 60 s end to end on 2 cores. No peer is run: none of
rs1090, pyModeS or traffic goes from state vectors to departures against a baseline.

``--floors`` then runs DuckDB alone on the same work, each in its own process, one
run each, to say where the time goes: the ingest's floor (the day's files written into
one new store, one ``INSERT … SELECT`` each with jetwatch's conversions and validity
test: ``bench_states.floor_insert``) and the flights' floor (one
``lag(time) OVER (PARTITION BY icao24 ORDER BY time)`` pass over the stored
positions: ``bench_flights``' floor). The exodus has no floor of its own. The
floors run under the store's default memory limit (a quarter of the machine's),
more than jetwatch gives itself (256 MB to write a file, 1 GB for the flights' sort).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import airportsdata
import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.parquet as pq

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import bench_flights  # noqa: E402
import bench_states  # noqa: E402
import harness  # noqa: E402

from jetwatch.reference import areas  # noqa: E402
from jetwatch.reference.classes import CLASSES  # noqa: E402

DAY = dt.datetime(2023, 6, 24, tzinfo=dt.UTC)
OTHER_AIRPORTS = 300
SHARE = {  # of the fleet, by class (the rest: no registry row)
    "airliner": 0.58,
    "regional": 0.10,
    "business_jet": 0.13,
    "turboprop": 0.08,
    "piston": 0.04,
    "helicopter": 0.03,
    "military": 0.02,
}
SPEED_MS = {
    "airliner": 230,
    "regional": 200,
    "business_jet": 220,
    "turboprop": 140,
    "piston": 70,
    "helicopter": 60,
    "military": 220,
    "unknown": 230,
}
RANGE_KM = {
    "airliner": 6000,
    "regional": 1500,
    "business_jet": 5000,
    "turboprop": 1200,
    "piston": 400,
    "helicopter": 150,
    "military": 3000,
    "unknown": 6000,
}
CRUISE_M = {
    "airliner": 11000,
    "regional": 9000,
    "business_jet": 12500,
    "turboprop": 7000,
    "piston": 2500,
    "helicopter": 600,
    "military": 9000,
    "unknown": 11000,
}
CLIMB_MS = 10.0  # climb and descent rate, m/s (about 2,000 ft/min)
TAXI_S = (360, 300)  # taxi out, taxi in
EARTH_KM = 6371.0


@dataclass
class Legs:
    """One row per leg: the aircraft, where from and to, and when (unix s)."""

    aircraft: npt.NDArray[np.int64]
    origin: npt.NDArray[np.int64]
    dest: npt.NDArray[np.int64]
    taxi_out: npt.NDArray[np.float64]  # first report, on the ground
    takeoff: npt.NDArray[np.float64]
    landing: npt.NDArray[np.float64]
    taxi_in: npt.NDArray[np.float64]  # last report


def _airports(rng: np.random.Generator) -> tuple[npt.NDArray, npt.NDArray]:
    """The areas' airports and ``OTHER_AIRPORTS`` others with IATA codes:
    positions (radians) and weights (the areas' airports three times as busy)."""
    known = airportsdata.load("ICAO")
    ours = sorted({c for a in areas.load().values() for c in a.airports if c in known})
    others = sorted(c for c, a in known.items() if a["iata"] and c not in ours and len(c) == 4)
    codes = ours + list(rng.choice(others, OTHER_AIRPORTS, replace=False))
    where = np.radians([[known[c]["lat"], known[c]["lon"]] for c in codes])
    weight = np.where(np.arange(len(codes)) < len(ours), 3.0, 1.0)
    return where, weight / weight.sum()


def _distance_km(a: npt.NDArray, b: npt.NDArray) -> npt.NDArray:
    dlat, dlon = b[..., 0] - a[..., 0], b[..., 1] - a[..., 1]
    h = np.sin(dlat / 2) ** 2 + np.cos(a[..., 0]) * np.cos(b[..., 0]) * np.sin(dlon / 2) ** 2
    return 2 * EARTH_KM * np.arcsin(np.sqrt(np.clip(h, 0, 1)))


def _legs(
    rng: np.random.Generator, where: npt.NDArray, weight: npt.NDArray, kinds: list[str]
) -> Legs:
    """Back-to-back legs for every aircraft from 2 h before the day to its end."""
    n = len(kinds)
    speed = np.array([SPEED_MS[k] for k in kinds], float)
    reach = np.array([RANGE_KM[k] for k in kinds], float)
    at = rng.choice(len(where), n, p=weight)
    clock = DAY.timestamp() - 7200 + rng.uniform(0, 4 * 3600, n)
    end = DAY.timestamp() + 86400
    parts: list[tuple[npt.NDArray, ...]] = []
    live = np.arange(n)
    while len(live):
        picks = rng.choice(len(where), (len(live), 8), p=weight)
        dist = _distance_km(where[at[live]][:, None, :], where[picks])
        ok = (dist <= reach[live, None]) & (dist > 20)
        first = np.where(ok.any(axis=1), ok.argmax(axis=1), np.argmin(np.abs(dist - 20), axis=1))
        dest = picks[np.arange(len(live)), first]
        km = np.maximum(dist[np.arange(len(live)), first], 20)
        out = clock[live]
        up = out + TAXI_S[0]
        down = up + km * 1000 / speed[live] + 600
        done = down + TAXI_S[1]
        parts.append((live, at[live], dest, out, up, down, done))
        at[live] = dest
        clock[live] = done + rng.uniform(2400, 7200, len(live))
        live = live[clock[live] < end]
    cols = [np.concatenate(c) for c in zip(*parts, strict=True)]
    return Legs(*cols)


def _rows_in(
    legs: Legs, lo: float, hi: float, step: int, phase: npt.NDArray
) -> tuple[npt.NDArray, npt.NDArray]:
    """(leg index, time) of every report in [lo, hi): each aircraft reports on its own
    ``step``-second grid while a leg lasts."""
    first = np.maximum(legs.taxi_out, lo)
    last = np.minimum(legs.taxi_in, hi)
    p = phase[legs.aircraft]
    k0 = np.ceil((first - p) / step)
    k1 = np.ceil((last - p) / step)
    count = np.maximum(k1 - k0, 0).astype(np.int64)
    leg = np.repeat(np.arange(len(count)), count)
    within = np.arange(count.sum()) - np.repeat(np.cumsum(count) - count, count)
    return leg, p[leg] + (k0[leg] + within) * step


def _hour(
    legs: Legs,
    where: npt.NDArray,
    kinds: npt.NDArray,
    names: pa.Array,
    calls: pa.Array,
    lo: float,
    step: int,
    phase: npt.NDArray,
) -> pa.Table:
    leg, t = _rows_in(legs, lo, lo + 3600, step, phase)
    order = np.argsort(t, kind="stable")
    leg, t = leg[order], t[order]
    ac = legs.aircraft[leg]
    a, b = where[legs.origin[leg]], where[legs.dest[leg]]
    up, down = legs.takeoff[leg], legs.landing[leg]
    air = (t >= up) & (t < down)
    f = np.clip((t - up) / (down - up), 0, 1)
    va = np.stack(
        [np.cos(a[:, 0]) * np.cos(a[:, 1]), np.cos(a[:, 0]) * np.sin(a[:, 1]), np.sin(a[:, 0])], 1
    )
    vb = np.stack(
        [np.cos(b[:, 0]) * np.cos(b[:, 1]), np.cos(b[:, 0]) * np.sin(b[:, 1]), np.sin(b[:, 0])], 1
    )
    w = np.arccos(np.clip((va * vb).sum(1), -1, 1))
    sw = np.where(w > 1e-9, np.sin(w), 1.0)
    ka = np.where(w > 1e-9, np.sin((1 - f) * w) / sw, 1 - f)
    kb = np.where(w > 1e-9, np.sin(f * w) / sw, f)
    v = va * ka[:, None] + vb * kb[:, None]
    lat = np.degrees(np.arctan2(v[:, 2], np.hypot(v[:, 0], v[:, 1])))
    lon = np.degrees(np.arctan2(v[:, 1], v[:, 0]))
    ground_at = np.where((t < up)[:, None], a, b)  # taxiing: near the airport it is at
    lat = np.where(air, lat, np.degrees(ground_at[:, 0]) + 0.002)
    lon = np.where(air, lon, np.degrees(ground_at[:, 1]) + 0.002)
    cruise = np.array([CRUISE_M[k] for k in SPEED_MS])[kinds[ac]]
    alt = np.minimum(cruise, np.minimum(t - up, down - t) * CLIMB_MS)
    vrate = np.where(
        t - up < cruise / CLIMB_MS, CLIMB_MS, np.where(down - t < cruise / CLIMB_MS, -CLIMB_MS, 0.0)
    )
    y = np.sin(b[:, 1] - a[:, 1]) * np.cos(b[:, 0])
    x = np.cos(a[:, 0]) * np.sin(b[:, 0]) - np.sin(a[:, 0]) * np.cos(b[:, 0]) * np.cos(
        b[:, 1] - a[:, 1]
    )
    heading = np.degrees(np.arctan2(y, x)) % 360
    speed = np.array([SPEED_MS[k] for k in SPEED_MS])[kinds[ac]]
    take = pa.array(ac)
    return pa.table(
        {
            "time": pa.array(t.astype(np.int64)),
            "icao24": names.take(take),
            "lat": pa.array(np.round(lat, 5)),
            "lon": pa.array(np.round(lon, 5)),
            "velocity": pa.array(np.where(air, speed, 8.0)),
            "heading": pa.array(heading),
            "vertrate": pa.array(np.where(air, vrate, 0.0)),
            "callsign": calls.take(take),
            "onground": pa.array(~air),
            "squawk": pa.array(np.full(len(t), "2000")),
            "baroaltitude": pa.array(np.where(air, np.round(alt, 1), np.nan), from_pandas=True),
            "geoaltitude": pa.array(np.where(air, np.round(alt + 60, 1), np.nan), from_pandas=True),
            "lastposupdate": pa.array(t - 0.3),
            "lastcontact": pa.array(t - 0.1),
            "hour": pa.array(np.full(len(t), int(lo), np.int64)),
        }
    )


def world(rows: int, step: int, seed: int, out: Path) -> tuple[list[Path], Path, int, int]:
    """Write the hourly Parquet files and the registry; returns them, the rows written
    and the fleet's size."""
    rng = np.random.default_rng(seed)
    where, weight = _airports(rng)
    types = _types()
    pilot = 2000
    per = _expected(_legs(rng, where, weight, _kinds(rng, pilot)), step) / pilot
    fleet = max(1, round(rows / per))
    kinds = _kinds(rng, fleet)
    legs = _legs(rng, where, weight, kinds)
    kind_ix = np.array([list(SPEED_MS).index(k) for k in kinds])
    addresses = rng.choice(1 << 24, fleet, replace=False)
    names = pa.array([f"{a:06x}" for a in addresses])
    calls = pa.array([f"JW{k:06d}" for k in range(fleet)])
    phase = rng.uniform(0, step, fleet)
    files, written = [], 0
    for h in range(24):
        table = _hour(legs, where, kind_ix, names, calls, DAY.timestamp() + 3600 * h, step, phase)
        path = out / f"states_2023-06-24-{h:02d}.parquet"
        pq.write_table(table, path, row_group_size=1 << 20)
        files.append(path)
        written += table.num_rows
    registry = out / "fleet.csv"
    with open(registry, "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["icao24", "r", "t"])
        for k, (name, kind) in enumerate(zip(names.to_pylist(), kinds, strict=True)):
            if kind in types:
                w.writerow([name, f"JW-{k:06d}", types[kind][k % len(types[kind])]])
    return files, registry, written, fleet


def _types() -> dict[str, list[str]]:
    """Type codes by class from jetwatch's type list."""
    import jetwatch

    path = Path(jetwatch.__file__).parent / "data" / "aircraft_types.csv"
    by: dict[str, list[str]] = {}
    with open(path) as fh:
        for row in csv.DictReader(fh):
            by.setdefault(row["class"], []).append(row["typecode"])
    return by


def _kinds(rng: np.random.Generator, n: int) -> list[str]:
    names = list(SHARE) + ["unknown"]
    p = np.array(list(SHARE.values()) + [1 - sum(SHARE.values())])
    return list(rng.choice(names, n, p=p / p.sum()))


def _expected(legs: Legs, step: int) -> float:
    lo, hi = DAY.timestamp(), DAY.timestamp() + 86400
    span = np.clip(legs.taxi_in, lo, hi) - np.clip(legs.taxi_out, lo, hi)
    return float(span.sum() / step)


def child(which: str, db: str, *files: str) -> dict[str, float]:
    """A floor (``--floors``), in its own process."""
    if which == "flights floor":
        return bench_flights.child("floor", "", db, "0")
    from jetwatch.store.db import Store

    seconds = cpu = 0.0
    with tempfile.TemporaryDirectory() as tmp, Store(Path(tmp) / "floor.duckdb") as store:
        harness.warm_up(store)
        for k, file in enumerate(files, 1):
            wall, used, _ = bench_states.floor_insert(store, Path(file), k)
            seconds, cpu = seconds + wall, cpu + used
    return {"count": len(files), "seconds": seconds, "cpu": cpu}


def main() -> None:
    if harness.serve_child(child):
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=100_000_000)
    parser.add_argument("--step", type=int, default=10, help="seconds between reports")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--keep", type=Path, help="write the day and the store here (a day made there is reused)"
    )
    parser.add_argument(
        "--floors", action="store_true", help="then time DuckDB's floors of ingest and flights"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        out = args.keep or Path(tmp)
        out.mkdir(parents=True, exist_ok=True)
        made = out / "day.json"
        asked = {"rows": args.rows, "step": args.step, "seed": args.seed}
        if made.exists() and json.loads(made.read_text())["asked"] == asked:
            day = json.loads(made.read_text())
            print("SIMULATED day: the one already in", out, flush=True)
        else:
            began = time.perf_counter()
            files, registry, rows, fleet = world(args.rows, args.step, args.seed, out)
            day = {"asked": asked, "files": [str(f) for f in files], "registry": str(registry)}
            day |= {"rows": rows, "fleet": fleet, "seconds": time.perf_counter() - began}
            made.write_text(json.dumps(day))
        size = sum(Path(f).stat().st_size for f in day["files"]) / 1e6
        print(
            f"SIMULATED day: {day['rows']:,} state vectors of {day['fleet']:,} aircraft in "
            f"{len(day['files'])} Parquet files ({size:,.0f} MB), made in {day['seconds']:.0f} s",
            flush=True,
        )
        db, files = out / "day.duckdb", [Path(f) for f in day["files"]]
        took = stages(db, files, Path(day["registry"]), day["rows"])
        if args.floors:
            floors(db, files, took)


def floors(db: Path, files: list[Path], took: dict[str, float]) -> None:
    """DuckDB's floors of the ingest and the flights beside the stages' times."""
    found = harness.alternate(
        __file__, ["ingest floor", "flights floor"], str(db), *map(str, files), repeat=1
    )
    for stage in ("ingest", "flights"):
        floor = found[f"{stage} floor"]
        print(
            f"{stage} floor {floor['seconds']:7.1f} s  {floor['cpu']:6.1f} CPU-s  (DuckDB alone; "
            f"jetwatch's stage {took[stage]:.1f} s, {took[stage] / floor['seconds']:.2f}x)  "
            f"(peak RSS {floor['rss_mb']:,.0f} MB)",
            flush=True,
        )
    both = found["ingest floor"]["seconds"] + found["flights floor"]["seconds"]
    print(f"floors of ingest and flights together: {both:.1f} s (target 60 s end to end)")


def stages(db: Path, files: list[Path], registry: Path, rows: int) -> dict[str, float]:
    """Run the stages on a new store at ``db``; their wall seconds."""
    from jetwatch.allocator import reuse_freed_memory
    from jetwatch.exodus.analysis import exodus
    from jetwatch.flights.build import build
    from jetwatch.ingest import ingest_files
    from jetwatch.reference.registry import import_file
    from jetwatch.store.db import Store

    reuse_freed_memory()  # as the jetwatch command does
    took: dict[str, float] = {}
    clock = harness.Stopwatch()

    def stage(label: str, detail: Callable[[harness.Lap], str]) -> None:
        lap = clock.lap()
        took[label] = lap.seconds
        print(
            f"{label:9} {lap.seconds:7.1f} s  {lap.cpu:6.1f} CPU-s ({lap.system:4.1f} in the "
            f"kernel)  {detail(lap)}  (peak RSS {harness.peak_rss_mb():,.0f} MB)",
            flush=True,
        )
        harness.reset_peak()

    db.unlink(missing_ok=True)
    with Store(db) as store:
        harness.warm_up(store)
        harness.reset_peak()
        clock.lap()
        results = ingest_files(store, files)
        stored = sum(r.positions for r in results)
        failed = [r for r in results if r.status != "ingested"]
        if failed:
            raise SystemExit(f"ingest failed: {failed[0].path}: {failed[0].error}")
        stage("ingest", lambda lap: f"{rows / lap.seconds:,.0f} rows/s, {stored:,} positions")
        imported = import_file(store, registry)
        stage("aircraft", lambda lap: f"{imported.rows:,} aircraft")
        built = build(store)
        stage(
            "flights",
            lambda lap: f"{built.flights:,} flights, {stored / lap.seconds:,.0f} positions/s",
        )
        names = sorted(areas.load())
        departures = 0
        for name in names:
            for cls in CLASSES:
                found = exodus(store, area=name, cls=cls, on=DAY.date(), save=False)
                departures += int(found.observed.sum())
        stage(
            "exodus",
            lambda lap: (
                f"{len(names)} areas x {len(CLASSES)} classes, {departures:,} departures counted"
            ),
        )
    print(f"end to end: {sum(took.values()):.1f} s (target 60 s)")
    return took


if __name__ == "__main__":
    main()
