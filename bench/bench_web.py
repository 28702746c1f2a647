"""Web API under load while a live replay is being ingested, and a report's build time.

    python bench/bench_web.py [--capture FILE.bin] [--rate 200] [--seconds 30] [--report-db DB]

- ``jetwatch serve --listen beast://…`` (one process: the web app and the listener
  share the store) ingests ``jetwatch replay --rate 20000`` of the demo's biggest Beast
  capture (simulated) from a second process.
- A client in this process sends ``--rate`` requests per second (open loop: each is
  due on schedule, whatever the earlier ones are doing, over 64 kept-alive HTTP/1.1
  connections; latency counts from the time it was due) for ``--seconds`` seconds,
  cycling over the live picture (all, and within a radius of a city: radii and cities
  vary), one aircraft (over up to 100 in view), ``/api/info`` and a flight search
  (over seven airports). It prints the rate achieved, errors, and the p50
  and p99 latency.
- ``--report-db`` (a store with a month of data, e.g. the demo's): the time to build
  the Moscow area-day exodus report, in process.

No peer is run: none of rs1090, pyModeS or traffic serves a web API.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

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


async def fetch(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, path: str
) -> tuple[int, bytes]:
    """One GET over a kept-alive HTTP/1.1 connection: status and body."""
    writer.write(f"GET /{path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    fields = {k.lower(): v.strip() for k, _, v in (x.partition(":") for x in lines[1:] if x)}
    if "content-length" in fields:
        return status, await reader.readexactly(int(fields["content-length"]))
    body = b""
    while True:  # chunked
        size = int((await reader.readuntil(b"\r\n")).strip(), 16)
        chunk = await reader.readexactly(size + 2)
        if size == 0:
            return status, body
        body += chunk[:-2]


async def load(port: int, rate: float, seconds: float, connections: int = 64) -> dict[str, float]:
    """Open loop: request ``k`` is due at ``k / rate``; its latency counts from then, so
    time spent waiting for a free connection is included."""
    first = await asyncio.open_connection("127.0.0.1", port)
    live = json.loads((await fetch(*first, "api/aircraft"))[1])["aircraft"]
    first[1].close()
    hexes = [a["icao24"] for a in live[:100]] or ["000000"]
    centres = ["55.75,37.62", "59.94,30.31", "51.51,-0.13", "48.86,2.35", "52.37,4.90"]
    airports = ["UUEE", "UUWW", "UUDD", "ULLI", "EGLL", "LFPG", "EHAM"]

    def path(k: int) -> str:
        """Request ``k`` of the mix."""
        kind, n = k % 5, k // 5
        return [
            "api/aircraft",
            f"api/aircraft?circle={centres[n % len(centres)]},{50 + n % 100}",
            "api/info",
            f"api/flights?origin={airports[n % len(airports)]}&limit=50",
            f"api/aircraft/{hexes[n % len(hexes)]}",
        ][kind]

    n = int(rate * seconds)
    due: asyncio.Queue[tuple[float, str] | None] = asyncio.Queue()
    latencies: list[float] = []
    errors = 0

    async def worker() -> None:
        nonlocal errors
        conn = await asyncio.open_connection("127.0.0.1", port)
        while (item := await due.get()) is not None:
            when, target = item
            try:
                status, _ = await fetch(*conn, target)
            except (OSError, asyncio.IncompleteReadError, ValueError):
                status = 0
                conn[1].close()
                conn = await asyncio.open_connection("127.0.0.1", port)
            latencies.append(time.perf_counter() - when)
            errors += status != 200
        conn[1].close()

    workers = [asyncio.create_task(worker()) for _ in range(connections)]
    start = time.perf_counter()
    for k in range(n):
        when = start + k / rate
        delay = when - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        due.put_nowait((when, path(k)))
    for _ in workers:
        due.put_nowait(None)
    await asyncio.gather(*workers)
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
        result = asyncio.run(load(web, args.rate, args.seconds))
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
