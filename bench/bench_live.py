"""Live ingest: sustained messages per second from a replay, and alert latency.

    python bench/bench_live.py [--capture FILE.bin] [--peer-frames 300000]

The capture defaults to the biggest receiver's Beast file of the demo's last day
(the simulated ``moscow-2023-06-24`` preset, from ``jetwatch demo``'s cache, made
if missing). ``jetwatch replay --speed 0`` serves it from another process on
127.0.0.1 (as fast as the client reads), and:

- **jetwatch**: ``Listener`` with the store writing (a fresh DuckDB file, raw
  archive on), 1 s windows, a watchlist of 300 aircraft of the capture and two rules
  (enter and leave the Moscow area) notifying a local HTTP endpoint through apprise's
  JSON webhook. Rate = frames received / seconds from the first to the last window.
  Alert latency = from the arrival of the first frame of the window whose data
  raised the alert to the end of its (successful) send: p50 and p99.
- **pyModeS** (``modes live``'s own pieces: ``NetworkSource`` reading the same
  replay and ``PipeDecoder.decode`` per message, no store): its rate over the first
  ``--peer-frames`` frames (it is pure Python; the ratio is per frame).

All data is simulated.
"""

from __future__ import annotations

import argparse
import asyncio
import http.server
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np

from jetwatch.compress import Stream
from jetwatch.config import Config
from jetwatch.demo import cache_dir
from jetwatch.live.feeds import parse
from jetwatch.live.listener import Listener, Options
from jetwatch.sources import beast
from jetwatch.sources.context import ReadContext
from jetwatch.store.db import Store
from jetwatch.watch import lists, rules

JETWATCH = [sys.executable, "-c", "from jetwatch.cli import main; main()"]


def default_capture() -> Path:
    found = sorted(
        cache_dir().glob("sim/moscow-2023-06-24-*/beast/*.bin"), key=lambda p: p.stat().st_size
    )
    if not found:
        subprocess.run(
            [*JETWATCH, "demo", "--db", str(Path(tempfile.mkdtemp()) / "d.duckdb")], check=True
        )
        return default_capture()
    return found[-1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def serve(capture: Path) -> tuple[subprocess.Popen, int]:
    port = free_port()
    proc = subprocess.Popen(
        [*JETWATCH, "replay", str(capture), "--port", str(port), "--speed", "0"],
        stdout=subprocess.DEVNULL,
    )
    while True:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return proc, port
        time.sleep(0.1)


class Sink(http.server.BaseHTTPRequestHandler):
    received = 0

    def do_POST(self) -> None:  # noqa: N802
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        Sink.received += 1
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


def aircraft_of(capture: Path, n: int) -> list[str]:
    first = next(beast.read(Stream(capture), ReadContext(capture, 0.0)))
    msg = first.msg[(first.nbytes == 14) & ((first.msg[:, 0] >> 3) == 17)]
    hexes = np.unique([bytes(m[1:4]).hex() for m in msg[:200_000]])
    return [str(h) for h in hexes[:n]]


def jetwatch_run(capture: Path, work: Path) -> dict[str, float]:
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Sink)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    hook = f"json://127.0.0.1:{httpd.server_address[1]}/hook"
    db = work / "live.duckdb"
    with Store(db) as store:
        for h in aircraft_of(capture, 300):
            lists.add(store, "hex", h)
        for event in ("enter", "leave"):
            rules.add(store, event, rules.Conditions(area="moscow"), [hook], per_hour=1_000_000)
    proc, port = serve(capture)
    with Store(db) as store:
        listener = Listener(
            store,
            [parse(f"beast://127.0.0.1:{port}")],
            Options(flush_s=1.0, status_s=10.0),
            Config(),
        )
        began = time.monotonic()
        first: list[float] = []

        async def go() -> None:
            task = asyncio.create_task(listener.arun())
            last, still = -1, 0
            while still < 3:  # stop 3 s after the frames stop coming
                await asyncio.sleep(1.0)
                if listener.totals.records and not first:
                    first.append(time.monotonic())
                still = still + 1 if listener.totals.records == last else 0
                last = listener.totals.records
            listener.stop.set()
            await task

        asyncio.run(go())
        seconds = time.monotonic() - (first[0] if first else began) - 3.0
    proc.kill()
    httpd.shutdown()
    lat = sorted(o.seconds for o in listener.sender.outcomes if o.ok)
    t = listener.totals
    return {
        "frames": t.records,
        "positions": t.positions,
        "seconds": seconds,
        "rate": t.records / seconds,
        "worker_share": t.flush_s / seconds,
        "alerts": len(lat),
        "posts": Sink.received,
        "p50": statistics.median(lat) if lat else float("nan"),
        "p99": lat[min(len(lat) - 1, int(0.99 * len(lat)))] if lat else float("nan"),
    }


def pymodes_run(capture: Path, frames: int) -> dict[str, float]:
    from pyModeS import PipeDecoder
    from pyModeS.cli._source import NetworkSource

    proc, port = serve(capture)
    source = NetworkSource("127.0.0.1", port, silent=True)
    decoder = PipeDecoder()
    n = positions = 0
    began = time.monotonic()
    for hexmsg, ts in source:
        d = decoder.decode(hexmsg, timestamp=ts)
        positions += "latitude" in d
        n += 1
        if n >= frames:
            break
    seconds = time.monotonic() - began
    source.close()
    proc.kill()
    return {"frames": n, "positions": positions, "seconds": seconds, "rate": n / seconds}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--capture", type=Path)
    parser.add_argument("--peer-frames", type=int, default=300_000)
    args = parser.parse_args()
    capture = args.capture or default_capture()
    print(f"capture: {capture} ({capture.stat().st_size / 1e6:.1f} MB, simulated)", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        ours = jetwatch_run(capture, Path(tmp))
    print(
        f"jetwatch listen: {ours['frames']:,} frames in {ours['seconds']:.1f} s = "
        f"{ours['rate']:,.0f} frames/s with the store writing ({ours['positions']:,} positions; "
        f"worker busy {ours['worker_share']:.0%} of the time)",
        flush=True,
    )
    print(
        f"alerts: {ours['alerts']:,} sent ({ours['posts']:,} received by the endpoint), latency "
        f"p50 {ours['p50']:.2f} s, p99 {ours['p99']:.2f} s",
        flush=True,
    )
    peer = pymodes_run(capture, args.peer_frames)
    print(
        f"pyModeS NetworkSource + PipeDecoder: {peer['frames']:,} frames in "
        f"{peer['seconds']:.1f} s "
        f"= {peer['rate']:,.0f} frames/s (no store)",
        flush=True,
    )
    print(f"ratio: {ours['rate'] / peer['rate']:.1f}x")


if __name__ == "__main__":
    main()
