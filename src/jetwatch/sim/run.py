"""Run a scenario: legs, trajectories, reception, files, ground truth; all or nothing.

Legs are flown in batches in take-off order. For each batch:

1. the trajectories are built (:mod:`jetwatch.sim.trajectory`);
2. every ``state_interval_s`` (on a UTC-aligned grid) from off-block to on-block,
   or until the transponder is switched off, the state is computed; a state is
   *seen* when at least one receiver is in range and up (:mod:`.coverage`). Seen
   states go to the OpenSky and readsb outputs;
3. for raw outputs, in each grid cell a receiver is in range of, the transponder's
   squitters are emitted (positions and velocities at 2 Hz each, with a phase of
   their own per flight, identification once per cell) and every receiver
   decodes them or loses them independently; received frames go to that
   receiver's Beast, AVR and SBS files.

No later leg can add rows before its off-block time, so the writers flush up to
the next batch's first off-block. Everything is written in a temporary directory
beside ``out`` and renamed into place at the end: an interrupted run leaves
nothing at ``out``. Raw receiver captures hold far more records than the state
vectors (each receiver hears every squitter, 2 Hz per message type), so by default
only the last ``raw_days`` days have them.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import orjson
import pyarrow as pa

from jetwatch import __version__
from jetwatch.geo import offset
from jetwatch.sim import modes, truth
from jetwatch.sim.coverage import Coverage
from jetwatch.sim.fields import ScenarioError
from jetwatch.sim.fleet import build as build_fleet
from jetwatch.sim.places import Places
from jetwatch.sim.scenario import SIMULATED, Scenario
from jetwatch.sim.schedule import Leg, Scheduler
from jetwatch.sim.trajectory import PERFORMANCE, Legs, State, Trajectories, build
from jetwatch.sim.writers import (
    OpenSkySink,
    RawSink,
    SbsSink,
    Sink,
    TraceSink,
    files_of,
    fixed_column,
)
from jetwatch.store.archive import sha256_file

FORMATS = ("opensky", "readsb", "beast", "avr", "sbs")
RAW = ("beast", "avr", "sbs")
BATCH = 2000
F64 = npt.NDArray[np.float64]


@dataclass
class Flown:
    """Per-leg facts gathered while simulating, for the ground truth."""

    legs: list[Leg] = field(default_factory=list)
    columns: dict[str, list[object]] = field(default_factory=dict)

    def add(self, **cols: Sequence[object]) -> None:
        for k, v in cols.items():
            self.columns.setdefault(k, []).extend(v)


def simulate(
    scenario: Scenario,
    out: Path,
    formats: Sequence[str] = ("opensky",),
    raw_days: int = 1,
    registry: Path | None = None,
    overwrite: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, Any]:
    """Simulate ``scenario`` into the directory ``out``; returns the manifest."""
    bad = [f for f in formats if f not in FORMATS]
    if bad:
        raise ScenarioError(f"unknown format; allowed: {', '.join(FORMATS)}", value=bad[0])
    out = Path(out)
    if out.exists() and not overwrite:
        raise ScenarioError("output exists (use --overwrite to replace it)", value=str(out))
    tmp = out.parent / f".{out.name}.tmp-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    try:
        manifest = _run(scenario, tmp, tuple(formats), raw_days, registry, progress)
        if out.exists():
            old = out.parent / f".{out.name}.old-{os.getpid()}"
            out.rename(old)
            tmp.rename(out)
            shutil.rmtree(old)
        else:
            tmp.rename(out)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return manifest


def _run(
    scenario: Scenario,
    root: Path,
    formats: tuple[str, ...],
    raw_days: int,
    registry: Path | None,
    progress: Callable[[int, int], None] | None,
) -> dict[str, Any]:
    rng = np.random.default_rng([scenario.seed, 1])
    places = Places(scenario.seed, scenario.days)
    fleets, trip_aircraft, registrar = build_fleet(scenario, rng, registry)
    legs = Scheduler(scenario, rng, places, fleets, trip_aircraft, registrar).legs()
    coverage = Coverage(scenario, np.random.default_rng([scenario.seed, 2]))
    everyone = [a for fleet in fleets.values() for a in fleet] + list(trip_aircraft.values())
    described = {f"{a.icao24:06x}": (a.registration, a.typecode, "") for a in everyone}
    sinks: dict[str, Sink] = {}
    if "opensky" in formats:
        sinks["opensky"] = OpenSkySink(root)
    if "readsb" in formats:
        sinks["readsb"] = TraceSink(root, described)
    for k, rx in enumerate(scenario.receivers):
        for fmt in ("beast", "avr"):
            if fmt in formats:
                sinks[f"{fmt}:{k}"] = RawSink(root, rx.name, fmt)
        if "sbs" in formats:
            sinks[f"sbs:{k}"] = SbsSink(root, rx.name)
    _, last = scenario.span()
    raw_from = last - raw_days * 86400.0 if any(f in formats for f in RAW) else float("inf")
    emit_rng = np.random.default_rng([scenario.seed, 3])
    flown = Flown()
    sim = _Simulator(scenario, places, coverage, sinks, raw_from, emit_rng)
    for start in range(0, len(legs), BATCH):
        batch = legs[start : start + BATCH]
        traj, extra, runways = sim.plan(batch, rng)
        sim.fly(batch, traj, extra, runways, flown)
        nxt = legs[start + BATCH].takeoff - 3600.0 if start + BATCH < len(legs) else float("inf")
        for sink in sinks.values():
            sink.flush(nxt)
        if progress:
            progress(min(start + BATCH, len(legs)), len(legs))
    for sink in sinks.values():
        sink.close()
    files = truth.write(root, scenario, flown.legs, flown.columns, everyone)
    return _manifest(
        root, scenario, formats, raw_days, registry, files_of(list(sinks.values())), files
    )


class _Simulator:
    def __init__(
        self,
        scenario: Scenario,
        places: Places,
        coverage: Coverage,
        sinks: dict[str, Sink],
        raw_from: float,
        rng: np.random.Generator,
    ) -> None:
        self.scenario = scenario
        self.places = places
        self.coverage = coverage
        self.sinks = sinks
        self.raw_from = raw_from
        self.rng = rng
        self.traffic = {t.cls: t for t in scenario.traffic}
        self.day0 = scenario.start
        self.raw_receivers = sorted({int(k.split(":")[1]) for k in sinks if ":" in k})
        self.count = 0

    def plan(
        self, legs: list[Leg], rng: np.random.Generator
    ) -> tuple[Trajectories, dict[str, F64], list[tuple[str, str]]]:
        """Trajectories of a batch of legs, per-leg extras, and the runways used."""
        n = len(legs)
        cols: dict[str, list[float]] = {k: [] for k in ("olat", "olon", "oh", "dlat", "dlon", "dh")}
        rwy: dict[str, list[float]] = {k: [] for k in ("oa", "oo", "ohd", "da", "do", "dhd")}
        cruise_ft, cruise_kt = [], []
        runways: list[tuple[str, str]] = []
        for leg in legs:
            day = (dt.datetime.fromtimestamp(leg.takeoff, self.scenario.tz).date() - self.day0).days
            o, d = self.places.airport(leg.origin), self.places.airport(leg.destination)
            ro, rd = self.places.runway(leg.origin, day), self.places.runway(leg.destination, day)
            runways.append((ro.ident, rd.ident))
            for key, v in zip(
                cols, (o.lat, o.lon, o.elevation_ft, d.lat, d.lon, d.elevation_ft), strict=True
            ):
                cols[key].append(v)
            for key, v in zip(
                rwy, (ro.lat, ro.lon, ro.heading, rd.lat, rd.lon, rd.heading), strict=True
            ):
                rwy[key].append(v)
            t = self.traffic.get(leg.aircraft.cls)
            lo_ft, hi_ft = t.cruise_ft if t else (33000.0, 39000.0)
            lo_kt, hi_kt = t.cruise_kt if t else (430.0, 470.0)
            cruise_ft.append(round(rng.uniform(lo_ft, hi_ft) / 1000.0) * 1000.0)
            cruise_kt.append(rng.uniform(lo_kt, hi_kt))
        a = {k: np.array(v) for k, v in cols.items()}
        r = {k: np.array(v) for k, v in rwy.items()}
        so = offset(a["olat"], a["olon"], rng.uniform(0, 360, n), rng.uniform(0.2, 0.9, n))
        sd = offset(a["dlat"], a["dlon"], rng.uniform(0, 360, n), rng.uniform(0.2, 0.9, n))
        traj = build(
            Legs(
                takeoff=np.array([leg.takeoff for leg in legs]),
                stand_o=so,
                stand_d=sd,
                runway_o=(r["oa"], r["oo"], r["ohd"]),
                runway_d=(r["da"], r["do"], r["dhd"]),
                elev_o=a["oh"],
                elev_d=a["dh"],
                cruise_ft=np.array(cruise_ft),
                cruise_kt=np.array(cruise_kt),
                hold_s=rng.uniform(0, 120, n),
                perf=[PERFORMANCE.get(leg.aircraft.cls, PERFORMANCE["unknown"]) for leg in legs],
            )
        )
        off = np.array(
            [
                leg.takeoff + leg.transponder_off_min * 60.0
                if leg.transponder_off_min is not None
                else np.inf
                for leg in legs
            ]
        )
        extra = {
            "elev_o": a["oh"],
            "elev_d": a["dh"],
            "geo_diff": np.round(rng.normal(120, 60, n) / 25.0) * 25.0,
            "squawk": rng.integers(0o1000, 0o7000, n).astype(np.float64),
            "silent_from": off,
            "phase": rng.uniform(0, 0.5, n),
        }
        return traj, extra, runways

    def _agl(
        self, traj: Trajectories, extra: dict[str, F64], idx: npt.NDArray[np.int64], ev: State
    ) -> F64:
        half = traj.path_s[idx, -1] / 2
        ground = np.where(ev.s < half, extra["elev_o"][idx], extra["elev_d"][idx])
        return np.where(ev.on_ground, 0.0, np.maximum(ev.altitude - ground, 0.0))

    def fly(
        self,
        legs: list[Leg],
        traj: Trajectories,
        extra: dict[str, F64],
        runways: list[tuple[str, str]],
        flown: Flown,
    ) -> None:
        iv = self.scenario.state_interval_s
        end = np.minimum(traj.on_block, extra["silent_from"])
        start = np.ceil(traj.off_block / iv) * iv
        counts = np.maximum(np.floor((end - start) / iv).astype(np.int64) + 1, 0)
        idx = np.repeat(np.arange(len(legs)), counts)
        pos = np.arange(len(idx)) - np.repeat(np.cumsum(counts) - counts, counts)
        t = start[idx] + iv * pos
        ev = traj.at(idx, t)
        agl = self._agl(traj, extra, idx, ev)
        hears = np.stack(
            [
                self.coverage.hears(k, t, ev.lat, ev.lon, agl)[0]
                for k in range(len(self.scenario.receivers))
            ]
        )
        seen = hears.any(axis=0)
        icao = np.array([f"{leg.aircraft.icao24:06x}" for leg in legs], dtype=object)
        calls = np.array([leg.callsign for leg in legs], dtype=object)
        cats = np.array([leg.aircraft.emitter for leg in legs], dtype=object)
        ids = np.array([f"F{self.count + k:06d}" for k in range(len(legs))], dtype=object)
        self.count += len(legs)
        squawk = np.array([f"{int(s):04o}" for s in extra["squawk"]], dtype=object)
        rows = np.flatnonzero(seen)
        r_idx = idx[rows]
        alt = np.round(ev.altitude[rows] / 25.0) * 25.0
        states = pa.table(
            {
                "time": t[rows],
                "icao24": pa.array(icao[r_idx], pa.string()),
                "lat": ev.lat[rows],
                "lon": ev.lon[rows],
                "altitude": alt,
                "geo_altitude": alt + extra["geo_diff"][r_idx],
                "ground_speed": ev.ground_speed[rows],
                "track": ev.track[rows],
                "vertical_rate": ev.vertical_rate[rows],
                "on_ground": ev.on_ground[rows],
                "callsign": pa.array(calls[r_idx], pa.string()),
                "squawk": pa.array(squawk[r_idx], pa.string()),
                "category": pa.array(cats[r_idx], pa.string()),
                "flight_id": pa.array(ids[r_idx], pa.string()),
            }
        )
        for name in ("opensky", "readsb"):
            if name in self.sinks:
                self.sinks[name].add(states)
        n_seen = np.bincount(r_idx, minlength=len(legs))
        first_seen = np.full(len(legs), np.nan)
        last_seen = np.full(len(legs), np.nan)
        if len(rows):
            np.fmin.at(first_seen, r_idx, t[rows])
            np.fmax.at(last_seen, r_idx, t[rows])
        flown.legs.extend(legs)
        flown.add(
            flight_id=ids.tolist(),
            off_block=traj.off_block.tolist(),
            takeoff=traj.takeoff.tolist(),
            landing=traj.landing.tolist(),
            on_block=traj.on_block.tolist(),
            cruise_ft=traj.cruise_ft.tolist(),
            origin_runway=[r[0] for r in runways],
            destination_runway=[r[1] for r in runways],
            transponder_off=[None if np.isinf(x) else float(x) for x in extra["silent_from"]],
            takeoff_covered=self._covered(traj, extra, traj.takeoff + 30.0).tolist(),
            landing_covered=self._covered(traj, extra, traj.landing - 30.0).tolist(),
            positions=n_seen.tolist(),
            first_seen=[None if np.isnan(x) else float(x) for x in first_seen],
            last_seen=[None if np.isnan(x) else float(x) for x in last_seen],
        )
        if self.raw_receivers:
            self._squitters(legs, traj, extra, idx, t, hears, icao, calls, cats)

    def _covered(
        self, traj: Trajectories, extra: dict[str, F64], when: F64
    ) -> npt.NDArray[np.bool_]:
        idx = np.arange(len(when))
        ev = traj.at(idx, when)
        agl = self._agl(traj, extra, idx, ev)
        heard = np.zeros(len(when), dtype=bool)
        for k in range(len(self.scenario.receivers)):
            heard |= self.coverage.hears(k, when, ev.lat, ev.lon, agl)[0]
        return heard & (when < extra["silent_from"])

    def _squitters(
        self,
        legs: list[Leg],
        traj: Trajectories,
        extra: dict[str, F64],
        idx: npt.NDArray[np.int64],
        t: F64,
        hears: npt.NDArray[np.bool_],
        icao: npt.NDArray[np.object_],
        calls: npt.NDArray[np.object_],
        cats: npt.NDArray[np.object_],
    ) -> None:
        iv = self.scenario.state_interval_s
        cells = np.flatnonzero(hears[self.raw_receivers].any(axis=0) & (t >= self.raw_from))
        if not len(cells):
            return
        per = int(round(iv / 0.5))
        # kinds: 1 identification, 3 airborne (2 surface) position, 4 velocity
        c_idx = np.repeat(cells, 2 * per + 1)
        k_in = np.tile(np.arange(2 * per + 1), len(cells))
        f_idx = idx[c_idx]
        phase = extra["phase"][f_idx]
        step = np.where(k_in == 2 * per, 0, k_in % per)
        when = t[c_idx] + phase + step * 0.5 + np.where(k_in >= per, 0.25, 0.0)
        when = np.where(k_in == 2 * per, t[c_idx] + phase + 0.1, when)
        kind = np.where(k_in == 2 * per, 1, np.where(k_in < per, 3, 4))
        live = when < np.minimum(traj.on_block, extra["silent_from"])[f_idx]
        f_idx, when, kind = f_idx[live], when[live], kind[live]
        ev = traj.at(f_idx, when)
        ground = ev.on_ground
        kind = np.where((kind == 3) & ground, 2, kind)
        keep = ~((kind == 4) & ground)
        f_idx, when, kind = f_idx[keep], when[keep], kind[keep]
        ev = ev.take(keep)
        agl = self._agl(traj, extra, f_idx, ev)
        alt = np.round(ev.altitude / 25.0) * 25.0
        odd = (np.floor((when - extra["phase"][f_idx]) / 0.5).astype(np.int64) % 2) == 1
        me = np.zeros(len(kind), dtype=np.uint64)
        ident = modes.identification(list(calls), list(cats))
        me = np.where(kind == 1, ident[f_idx], me)
        for k, fn in (
            (3, lambda m: modes.airborne_position(ev.lat[m], ev.lon[m], alt[m], odd[m])),
            (
                2,
                lambda m: modes.surface_position(
                    ev.lat[m], ev.lon[m], ev.ground_speed[m], ev.track[m], odd[m]
                ),
            ),
            (
                4,
                lambda m: modes.velocity(
                    ev.ground_speed[m],
                    ev.track[m],
                    ev.vertical_rate[m],
                    extra["geo_diff"][f_idx[m]],
                ),
            ),
        ):
            m = kind == k
            if m.any():
                me[m] = fn(m)
        address = np.array([leg.aircraft.icao24 for leg in legs], dtype=np.uint64)[f_idx]
        msg = modes.frames(address, me)
        gs, trk, vr = modes.velocity_values(ev.ground_speed, ev.track, ev.vertical_rate)
        for k in self.raw_receivers:
            got, ratio_all = self.coverage.received(k, when, ev.lat, ev.lon, agl, self.rng)
            rows = np.flatnonzero(got)
            if not len(rows):
                continue
            ratio = ratio_all[rows]
            frames = pa.table(
                {
                    "time": when[rows],
                    "frame": fixed_column(msg[rows]),
                    "signal": np.clip(255 * (1 - ratio) ** 2, 1, 255).astype(np.uint8),
                }
            )
            for fmt in ("beast", "avr"):
                if f"{fmt}:{k}" in self.sinks:
                    self.sinks[f"{fmt}:{k}"].add(frames)
            if f"sbs:{k}" in self.sinks:
                fi = f_idx[rows]
                surface = kind[rows] == 2
                self.sinks[f"sbs:{k}"].add(
                    pa.table(
                        {
                            "time": when[rows],
                            "kind": kind[rows],
                            "icao24": pa.array(icao[fi], pa.string()),
                            "callsign": pa.array(calls[fi], pa.string()),
                            "altitude": alt[rows],
                            "ground_speed": np.where(surface, ev.ground_speed[rows], gs[rows]),
                            "track": np.where(surface, ev.track[rows], trk[rows]),
                            "vertical_rate": vr[rows],
                            "lat": np.round(ev.lat[rows], 5),
                            "lon": np.round(ev.lon[rows], 5),
                            "on_ground": surface,
                        }
                    )
                )


def _manifest(
    root: Path,
    scenario: Scenario,
    formats: tuple[str, ...],
    raw_days: int,
    registry: Path | None,
    data: dict[Path, dict[str, object]],
    truth_files: dict[str, Path],
) -> dict[str, Any]:
    receivers = {rx.name: [rx.lat, rx.lon] for rx in scenario.receivers}
    files = []
    for path in sorted(data):
        entry = dict(data[path])
        entry["path"] = str(path.relative_to(root))
        entry["sha256"] = sha256_file(path)
        if "receiver" in entry:
            entry["receiver_position"] = receivers[str(entry["receiver"])]
        files.append(entry)
    first, last = scenario.span()
    manifest: dict[str, Any] = {
        "simulated": True,
        "label": SIMULATED,
        "scenario": scenario.name,
        "title": scenario.title,
        "source": scenario.source,
        "seed": scenario.seed,
        "days": scenario.days,
        "start": dt.datetime.fromtimestamp(first, dt.UTC).isoformat(),
        "end": dt.datetime.fromtimestamp(last, dt.UTC).isoformat(),
        "area": scenario.area.name,
        "formats": list(formats),
        "raw_days": raw_days,
        "registry_drawn_from": None if registry is None else str(registry),
        "jetwatch_version": __version__,
        "files": files,
        "truth": {k: str(v.relative_to(root)) for k, v in truth_files.items()},
    }
    (root / "manifest.json").write_bytes(orjson.dumps(manifest, option=orjson.OPT_INDENT_2))
    (root / "SIMULATED.txt").write_text(f"{SIMULATED}\nScenario: {scenario.title}\n")
    return manifest
