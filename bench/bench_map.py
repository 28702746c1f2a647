"""The live map in Chromium: main-thread work per update with thousands of aircraft.

    python bench/bench_map.py [--aircraft 10000] [--seconds 20]

A store gets ``--aircraft`` SIMULATED aircraft (random positions over Europe, each
flying a straight line at its own speed, altitude and track), and a writer thread
commits one new position per aircraft every second through the live listener's own
path (:func:`jetwatch.store.live.commit`). ``jetwatch serve``'s app
(:func:`jetwatch.web.app.create_app`, uvicorn) serves it on 127.0.0.1 and Debian's
``chromium`` (headless, through Playwright) opens the map, which asks for the live
picture every second. The map's worker fetches, parses, filters and draws it on
an OffscreenCanvas; the page's thread lists the first 200 shown and updates the
clock and counts.

Over ``--seconds`` it reads Chromium's count of the page's main-thread task time
(``Performance.getMetrics`` → ``TaskDuration``, through the DevTools protocol: the
renderer's main thread, not the worker) and the updates (``performance`` entries
``jetwatch-render``, one per picture drawn). Main-thread work per update = task time
/ updates: everything the page's thread did (the messages, the list, style, layout,
garbage collection). It also prints the worker's draw time (``jetwatch-draw``).
Runs alternate: labels and trails off (the default view), then on. The target is
< 100 ms of main-thread work per update at 10,000 aircraft. After each default run it
drags the map back and forth for half as long, counting the frames drawn
(``requestAnimationFrame``) and the longest main-thread task.

No peer runs: tar1090 is a web page with its own readsb backend, not installable
here.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import statistics
import tempfile
import threading
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import uvicorn

from jetwatch.config import Config
from jetwatch.model import POSITIONS_SCHEMA
from jetwatch.store import live
from jetwatch.store.db import Store
from jetwatch.web.app import create_app

EMPTY = pa.table({"offset": pa.array([], pa.int64())})


class Fleet:
    """``n`` SIMULATED aircraft on straight lines, one position each per step."""

    def __init__(self, n: int, seed: int = 7) -> None:
        rng = np.random.default_rng(seed)
        self.n = n
        self.icao = np.array([f"{x:06x}" for x in rng.choice(0xFFFFFF, n, replace=False)])
        self.lat = rng.uniform(36.0, 66.0, n)
        self.lon = rng.uniform(-10.0, 40.0, n)
        self.track = rng.uniform(0, 360, n)
        self.speed = rng.uniform(120, 480, n)  # kt
        ground = rng.random(n) < 0.05
        self.altitude = np.where(ground, 0, rng.integers(1, 41, n) * 1000).astype(np.int32)
        self.ground = ground
        self.callsign = np.array([f"SIM{k:05d}" for k in range(n)])

    def step(self, t: dt.datetime, seconds: float) -> pa.Table:
        nm = np.where(self.ground, 0.0, self.speed * seconds / 3600.0)
        rad = np.radians(self.track)
        self.lat = np.clip(self.lat + nm / 60.0 * np.cos(rad), -85, 85)
        self.lon = (
            self.lon + nm / 60.0 * np.sin(rad) / np.cos(np.radians(self.lat)) + 180
        ) % 360 - 180
        n = self.n
        cols = {
            "time": pa.array(np.full(n, np.datetime64(t, "us"))),
            "icao24": pa.array(self.icao),
            "callsign": pa.array(self.callsign),
            "lat": pa.array(self.lat),
            "lon": pa.array(self.lon),
            "altitude": pa.array(self.altitude),
            "geo_altitude": pa.nulls(n, pa.int32()),
            "ground_speed": pa.array(np.where(self.ground, 0, self.speed).astype(np.float32)),
            "track": pa.array(self.track.astype(np.float32)),
            "vertical_rate": pa.array(np.zeros(n, np.int32)),
            "on_ground": pa.array(self.ground),
            "squawk": pa.array(np.full(n, "2000")),
            "category": pa.nulls(n, pa.string()),
            "source": pa.array(np.full(n, "simulated")),
            "flags": pa.array(np.zeros(n, np.uint16)),
        }
        return pa.table(cols, schema=POSITIONS_SCHEMA)


def writer(store: Store, fleet: Fleet, stop: threading.Event) -> None:
    """One position per aircraft per second, committed as the listener commits a window."""
    view = store.cursor()
    segment = live.open_segment(view.con, store.archive_dir, [("sim", "simulated", "beast")])
    while not stop.is_set():
        began = time.monotonic()
        rows = fleet.step(dt.datetime.now(dt.UTC).replace(tzinfo=None), 1.0)
        live.commit(view.con, segment, rows, EMPTY, rows.num_rows)
        stop.wait(max(0.0, 1.0 - (time.monotonic() - began)))
    view.con.close()


def measure(page: object, seconds: float) -> dict[str, float]:
    cdp = page.context.new_cdp_session(page)  # type: ignore[attr-defined]
    cdp.send("Performance.enable")

    def task_s() -> float:
        metrics = cdp.send("Performance.getMetrics")["metrics"]
        return next(m["value"] for m in metrics if m["name"] == "TaskDuration")

    page.evaluate("performance.clearMeasures()")  # type: ignore[attr-defined]
    before = task_s()
    time.sleep(seconds)
    busy = task_s() - before
    renders, draws = page.evaluate(  # type: ignore[attr-defined]
        "['jetwatch-render', 'jetwatch-draw'].map((n) => "
        "performance.getEntriesByName(n).map((e) => e.duration))"
    )
    n = max(1, len(renders))
    return {
        "updates": len(renders),
        "per_update_ms": 1000 * busy / n,
        "busy_share": busy / seconds,
        "render_p50": statistics.median(renders) if renders else float("nan"),
        "render_max": max(renders) if renders else float("nan"),
        "canvas_p50": statistics.median(draws) if draws else float("nan"),
    }


PROBE = """
window.__frames = 0; window.__long = [];
(function tick() { window.__frames += 1; requestAnimationFrame(tick); })();
new PerformanceObserver((l) => l.getEntries().forEach((e) => window.__long.push(e.duration)))
  .observe({ type: "longtask", buffered: true });
"""


def pan(page: object, seconds: float) -> dict[str, float]:
    """Drag the map back and forth for ``seconds`` while the pictures keep coming:
    frames per second drawn and the longest main-thread task."""
    page.evaluate(PROBE)  # type: ignore[attr-defined]
    box = page.locator("#map").bounding_box()  # type: ignore[attr-defined]
    cx, cy = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    frames0 = page.evaluate("window.__frames")  # type: ignore[attr-defined]
    began = time.monotonic()
    dx = 1
    while time.monotonic() - began < seconds:
        page.mouse.move(cx, cy)  # type: ignore[attr-defined]
        page.mouse.down()  # type: ignore[attr-defined]
        for s in range(1, 21):
            page.mouse.move(cx + dx * s * 10, cy + dx * s * 5)  # type: ignore[attr-defined]
        page.mouse.up()  # type: ignore[attr-defined]
        dx = -dx
    took = time.monotonic() - began
    frames = page.evaluate("window.__frames") - frames0  # type: ignore[attr-defined]
    longest = page.evaluate("Math.max(0, ...window.__long)")  # type: ignore[attr-defined]
    return {"fps": frames / took, "longest_ms": longest}


def main() -> None:
    from playwright.sync_api import sync_playwright

    parser = argparse.ArgumentParser()
    parser.add_argument("--aircraft", type=int, default=10_000)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    chromium = os.environ.get("JETWATCH_CHROMIUM") or shutil.which("chromium")
    if not chromium:
        raise SystemExit("Debian's chromium is needed (apt-get install chromium)")
    with tempfile.TemporaryDirectory() as tmp, Store(Path(tmp) / "map.duckdb") as store:
        fleet = Fleet(args.aircraft)
        stop = threading.Event()
        threading.Thread(target=writer, args=(store, fleet, stop), daemon=True).start()
        server = uvicorn.Server(
            uvicorn.Config(
                create_app(store, Config()), host="127.0.0.1", port=0, log_level="warning"
            )
        )
        threading.Thread(target=server.run, daemon=True).start()
        while not server.started:
            time.sleep(0.05)
        url = f"http://127.0.0.1:{server.servers[0].sockets[0].getsockname()[1]}/"
        shown = f"{args.aircraft:,} of {args.aircraft:,} aircraft shown"
        results: dict[str, list[dict[str, float]]] = {"plain": [], "labels+trails": []}
        panned: list[dict[str, float]] = []
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
            for _ in range(args.repeat):
                for name, view in (("plain", ""), ("labels+trails", "#labels=1&trails=1")):
                    page = browser.new_page(viewport={"width": 1600, "height": 1000})
                    page.goto(url + view + ("&" if view else "#") + "lat=51&lon=15&z=4")
                    page.locator("#map-status").filter(has_text=shown).wait_for(timeout=60_000)
                    results[name].append(measure(page, args.seconds))
                    if name == "plain":
                        panned.append(pan(page, args.seconds / 2))
                    page.close()
            browser.close()
        stop.set()
        server.should_exit = True
    print(
        f"{args.aircraft:,} SIMULATED aircraft, one new position each per second, "
        f"{args.seconds:.0f} s per run, {args.repeat} runs per view (alternating):"
    )
    fps = statistics.median(p["fps"] for p in panned)
    longest = statistics.median(p["longest_ms"] for p in panned)
    print(
        f"  panning the default view: {fps:.0f} frames/s, longest main-thread task {longest:.0f} ms"
    )
    for name, runs in results.items():
        med = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
        print(
            f"  {name}: {med['updates']:.0f} updates, main thread "
            f"{med['per_update_ms']:.1f} ms per update ({100 * med['busy_share']:.0f}% busy); "
            f"the page's handling p50 {med['render_p50']:.1f} ms, max {med['render_max']:.1f} ms; "
            f"the worker's filter and draw p50 {med['canvas_p50']:.1f} ms"
        )


if __name__ == "__main__":
    main()
