"""The live map in headless Chromium with 5,000 aircraft: is it smooth?

    python bench/bench_map.py [--aircraft 5000] [--seconds 10]

- Makes a store of ``--aircraft`` synthetic aircraft (labelled simulated) spread over
  Europe, each with a position every 30 s over the last 5 minutes, as an SBS file
  through ``jetwatch`` ingest; serves it with ``jetwatch serve``.
- Opens the live map in Debian's ``chromium`` (Playwright, executable path), waits
  until every aircraft is drawn, then for ``--seconds`` drags the map around while a
  ``requestAnimationFrame`` counter and a long-task observer run, and the page
  refreshes the picture every 5 s as it does for users.
- Prints frames per second while panning, the longest main-thread task, the time
  of one refresh (fetch, parse and redraw of every marker) and the API's response.

No peer is run: tar1090 is a static page over readsb's files, not a library to drive
with the same data.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
from bench_live import JETWATCH, free_port
from bench_web import wait_port
from playwright.sync_api import sync_playwright

from jetwatch.ingest import ingest_file
from jetwatch.sources.sbs import format_table
from jetwatch.store.db import Store

LABEL = "SIMULATED DATA (bench_map: synthetic aircraft, not real traffic)"
PROBE = """
window.__frames = 0; window.__long = [];
(function tick() { window.__frames += 1; requestAnimationFrame(tick); })();
new PerformanceObserver((l) => l.getEntries().forEach((e) => window.__long.push(e.duration)))
  .observe({ type: "longtask", buffered: true });
"""


def make_store(db: Path, n: int) -> None:
    rng = np.random.default_rng(5000)
    now = time.time()
    steps = 10
    icao = [f"{0x400000 + k:06x}" for k in range(n)]
    lat0, lon0 = rng.uniform(36, 64, n), rng.uniform(-10, 40, n)
    trk = rng.uniform(0, 360, n)
    rows: dict[str, list] = {
        c: []
        for c in (
            "kind",
            "time",
            "icao24",
            "callsign",
            "altitude",
            "ground_speed",
            "track",
            "lat",
            "lon",
            "vertical_rate",
            "on_ground",
        )
    }
    for step in range(steps):
        t = now - 300 + step * 30
        d = step * 30 * 450 / 3600 / 60  # 450 kt, in degrees of latitude
        for kind in (1, 3):
            rows["kind"] += [kind] * n
            rows["time"] += list(t + rng.uniform(0, 1, n))
            rows["icao24"] += icao
            rows["callsign"] += [f"BNC{k:04d}" for k in range(n)]
            rows["altitude"] += list(rng.integers(5, 41, n) * 1000)
            rows["ground_speed"] += [450.0] * n
            rows["track"] += list(trk)
            rows["lat"] += list(lat0 + d * np.cos(np.radians(trk)))
            rows["lon"] += list(lon0 + d * np.sin(np.radians(trk)) / np.cos(np.radians(lat0)))
            rows["vertical_rate"] += [0] * n
            rows["on_ground"] += [False] * n
    sbs = db.with_suffix(".sbs")
    sbs.write_text("\n".join(format_table(pa.table(rows))) + "\n")
    with Store(db) as store:
        done = ingest_file(store, sbs)
        assert done.ingest_id is not None, done.error
        store.set_label([done.ingest_id], LABEL)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--aircraft", type=int, default=5000)
    parser.add_argument("--seconds", type=float, default=10.0)
    args = parser.parse_args()
    chromium = os.environ.get("JETWATCH_CHROMIUM") or shutil.which("chromium")
    if not chromium:
        raise SystemExit("needs Debian's chromium")
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "map.duckdb"
        make_store(db, args.aircraft)
        port = free_port()
        server = subprocess.Popen(
            [*JETWATCH, "serve", "--db", str(db), "--port", str(port)],
            stdout=subprocess.DEVNULL,
        )
        try:
            wait_port(port)
            url = f"http://127.0.0.1:{port}/"
            began = time.perf_counter()
            import httpx

            body = httpx.get(url + "api/aircraft?minutes=5", timeout=60).content
            api_s = time.perf_counter() - began
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
                page = browser.new_context(
                    viewport={"width": 1280, "height": 800}, bypass_csp=True
                ).new_page()
                page.add_init_script(PROBE)
                page.goto(url)
                page.wait_for_selector(
                    f"#map-status:has-text('{args.aircraft} aircraft shown')", timeout=120_000
                )
                page.evaluate("window.__long = []")
                redraw = page.evaluate(
                    "async () => { const t = performance.now(); await refresh(); "
                    "return performance.now() - t; }"
                )
                frames0 = page.evaluate("window.__frames")
                end = time.monotonic() + args.seconds
                box = page.locator("#map").bounding_box()
                assert box is not None
                cx, cy = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
                k = 0
                start = time.monotonic()
                while time.monotonic() < end:
                    page.mouse.move(cx, cy)
                    page.mouse.down()
                    dx = 200 if k % 2 == 0 else -200
                    for s in range(1, 21):
                        page.mouse.move(cx + dx * s / 20, cy + dx * s / 40)
                    page.mouse.up()
                    k += 1
                took = time.monotonic() - start
                frames = page.evaluate("window.__frames") - frames0
                longest = page.evaluate("Math.max(0, ...window.__long)")
                browser.close()
        finally:
            server.terminate()
            server.wait(30)
    print(
        f"live map, {args.aircraft:,} aircraft (synthetic, simulated), Chromium headless: "
        f"{frames / took:.0f} frames/s while panning for {took:.0f} s; longest main-thread "
        f"task {longest:.0f} ms; one refresh (fetch + redraw) {redraw:.0f} ms; "
        f"/api/aircraft {api_s * 1000:.0f} ms for {len(body) / 1e6:.1f} MB",
        file=sys.stdout,
    )


if __name__ == "__main__":
    main()
