"""Web API under load while a live replay is being ingested, and a report's build time.

    python bench/bench_web.py [--capture FILE.bin] [--rate 200] [--seconds 30] [--report-db DB]

- ``jetwatch serve --listen beast://…`` (one process: the web app and the listener
  share the store) ingests ``jetwatch replay --rate 20000`` of the demo's biggest Beast
  capture (simulated) from a second process.
- A client in this process sends ``--rate`` requests per second (open loop: each is
  sent on schedule, whatever the earlier ones are doing) for ``--seconds`` seconds,
  cycling over the live picture (all, and within 100 NM of Moscow), one aircraft,
  ``/api/info`` and a flight search. It prints the rate achieved, errors, and the p50
  and p99 latency.
- ``--report-db`` (a store with a month of data, e.g. the demo's): the time to build
  the Moscow area-day exodus report, in process.

No peer is run: none of rs1090, pyModeS or traffic serves a web API.
"""

from __future__ import annotations

import argparse
import asyncio
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
from bench_live import JETWATCH, default_capture, free_port

from jetwatch.reports import exodus as exodus_report
from jetwatch.store.db import Store


def wait_port(port: int, seconds: float = 60.0) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise SystemExit(f"nothing listens on {port}")


async def load(base: str, rate: float, seconds: float) -> dict[str, float]:
    paths = [
        "api/aircraft",
        "api/aircraft?circle=55.75,37.62,100",
        "api/info",
        "api/flights?origin=UUEE&limit=50",
    ]
    latencies: list[float] = []
    errors = 0
    async with httpx.AsyncClient(base_url=base, timeout=30) as client:
        live = (await client.get("api/aircraft")).json()["aircraft"]
        if live:
            paths.append(f"api/aircraft/{live[0]['icao24']}")

        async def one(path: str) -> None:
            nonlocal errors
            began = time.perf_counter()
            try:
                r = await client.get(path)
                ok = r.status_code == 200
            except httpx.HTTPError:
                ok = False
            latencies.append(time.perf_counter() - began)
            errors += not ok

        tasks = []
        start = time.perf_counter()
        n = int(rate * seconds)
        for k in range(n):
            delay = start + k / rate - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            tasks.append(asyncio.create_task(one(paths[k % len(paths)])))
        await asyncio.gather(*tasks)
        took = time.perf_counter() - start
    latencies.sort()
    return {
        "requests": n,
        "seconds": took,
        "rate": n / took,
        "errors": errors,
        "p50": statistics.median(latencies),
        "p99": latencies[int(0.99 * (len(latencies) - 1))],
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--capture", type=Path)
    parser.add_argument("--rate", type=float, default=200.0)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--report-db", type=Path, default=Path("/tmp/demo.duckdb"))
    args = parser.parse_args()
    capture = args.capture or default_capture()
    with tempfile.TemporaryDirectory() as tmp:
        feed, web = free_port(), free_port()
        replay = subprocess.Popen(
            [*JETWATCH, "replay", str(capture), "--port", str(feed), "--rate", "20000"],
            stdout=subprocess.PIPE,
            text=True,
        )
        assert replay.stdout is not None
        replay.stdout.readline()  # listening
        db = Path(tmp) / "web.duckdb"
        server = subprocess.Popen(
            [
                *JETWATCH,
                "serve",
                "--db",
                str(db),
                "--port",
                str(web),
                "--listen",
                f"beast://127.0.0.1:{feed}",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_port(web)
        time.sleep(5.0)  # let the replay run: the live picture fills
        result = asyncio.run(load(f"http://127.0.0.1:{web}/", args.rate, args.seconds))
        server.terminate()
        server.wait(60)
        replay.kill()
    print(
        f"web API while ingesting a live replay at 20,000 frames/s: {result['requests']:,} "
        f"requests in {result['seconds']:.1f} s = {result['rate']:.0f} req/s, "
        f"{result['errors']} errors, latency p50 {result['p50'] * 1000:.0f} ms, "
        f"p99 {result['p99'] * 1000:.0f} ms",
        flush=True,
    )
    if args.report_db.exists():
        with Store(args.report_db) as store:
            exodus_report.render(store, area="moscow", on="2023-06-24")  # warm-up
            began = time.perf_counter()
            exodus_report.render(store, area="moscow", on="2023-06-24")
            print(
                f"exodus report, moscow 2023-06-24 ({args.report_db}): "
                f"{time.perf_counter() - began:.2f} s"
            )
    else:
        print(f"no report store at {args.report_db}: report time not measured", file=sys.stderr)


if __name__ == "__main__":
    main()
