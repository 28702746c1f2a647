"""Live ingest: sustained messages per second from a replay, and alert latency.

    python bench/bench_live.py [--capture FILE.bin | --scale 5] [--rate 50000]
                               [--peer-frames 300000]

The capture defaults to the biggest receiver's Beast file of the demo's last day
(the simulated ``moscow-2023-06-24`` preset, from ``jetwatch demo``'s cache, made
if missing). ``--scale S`` instead simulates the preset's first day at S times its
traffic (cached beside the demo's) and takes its biggest receiver's file: at 5,
about 12 M frames and enough events for over 1,000 alerts. ``jetwatch replay``
serves it from another process on 127.0.0.1, and:

- **jetwatch**, twice: as fast as it reads, then with the replay at ``--rate``
  (50,000 frames/s): ``Listener`` with the store writing (a fresh DuckDB file, raw
  archive on), 0.5 s windows (the default), a watchlist of every aircraft of the
  capture and five rules (enter and leave the Moscow area, any take-off, any
  landing, a minute dark), notifying a local HTTP endpoint through apprise's JSON
  webhook served by another process: every alert the capture can raise.
  Rate = frames stored / seconds from the first byte received to the last window
  committed; bytes dropped because the decoder was behind are counted.
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
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import numpy as np

from jetwatch.allocator import reuse_freed_memory
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


def scaled_capture(scale: float) -> Path:
    """The biggest receiver's Beast file of the preset's first day at ``scale``."""
    import dataclasses

    from jetwatch.sim import load, simulate

    out = cache_dir() / f"bench-live-{scale:g}"
    if not (out / "manifest.json").exists():
        print(f"simulating moscow-2023-06-24, one day at scale {scale:g}, into {out}", flush=True)
        day = dataclasses.replace(load("moscow-2023-06-24"), days=1).scaled(scale)
        simulate(day, out, ("beast",), overwrite=True)
    return max((out / "beast").glob("*.bin"), key=lambda p: p.stat().st_size)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def serve(capture: Path, rate: float | None) -> tuple[subprocess.Popen, int]:
    """``jetwatch replay`` in another process; returns once it listens (no probe
    connection: the first client starts the timeline)."""
    port = free_port()
    pace = ["--rate", str(rate)] if rate else ["--speed", "0"]
    proc = subprocess.Popen(
        [*JETWATCH, "replay", str(capture), "--port", str(port), *pace],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    line = proc.stdout.readline()
    if "serving" not in line:
        raise SystemExit(f"replay did not start: {line}")
    return proc, port


SINK = """
import http.server

class Sink(http.server.BaseHTTPRequestHandler):
    received = 0

    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        Sink.received += 1
        self.send_response(200)
        self.end_headers()

    def do_GET(self):
        body = str(Sink.received).encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass

httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Sink)
print(httpd.server_address[1], flush=True)
httpd.serve_forever()
"""


def sink() -> tuple[subprocess.Popen, int]:
    """The notification endpoint, in its own process as a real one would be: it counts
    the POSTs and answers a GET with the count."""
    proc = subprocess.Popen([sys.executable, "-c", SINK], stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    return proc, int(proc.stdout.readline())


WATCHED = 100_000  # every aircraft of the capture


def aircraft_of(capture: Path, n: int) -> list[str]:
    """The addresses of the capture's DF17 frames (every batch of it), at most ``n``."""
    found: set[int] = set()
    for batch in beast.read(Stream(capture), ReadContext(capture, 0.0)):
        msg = batch.msg[(batch.nbytes == 14) & ((batch.msg[:, 0] >> 3) == 17)]
        address = (msg[:, 1].astype(np.int64) << 16) | (msg[:, 2].astype(np.int64) << 8) | msg[:, 3]
        found.update(np.unique(address).tolist())
    return [f"{a:06x}" for a in sorted(found)[:n]]


def jetwatch_run(capture: Path, work: Path, rate: float | None) -> dict[str, float]:
    """One listener run against a replay (``rate`` records/s, or as fast as it reads)."""
    reuse_freed_memory()  # as ``jetwatch listen`` does
    receiver, hook_port = sink()
    hook = f"json://127.0.0.1:{hook_port}/hook"
    db = work / f"live-{rate}.duckdb"
    with Store(db) as store:
        for h in aircraft_of(capture, WATCHED):
            lists.add(store, "hex", h)
        for event in ("enter", "leave"):
            rules.add(store, event, rules.Conditions(area="moscow"), [hook], per_hour=1_000_000)
        for event in ("takeoff", "landing"):
            rules.add(store, event, rules.Conditions(), [hook], per_hour=1_000_000)
        rules.add(store, "dark", rules.Conditions(minutes=1), [hook], per_hour=1_000_000)
    proc, port = serve(capture, rate)
    with Store(db) as store:
        listener = Listener(
            store,
            [parse(f"beast://127.0.0.1:{port}")],
            Options(status_s=3600.0),
            Config(),
            report=lambda _: None,
        )

        async def go() -> None:
            task = asyncio.create_task(listener.arun())
            while not listener.totals.records:  # the replay reads and encodes its file first
                await asyncio.sleep(0.1)

            def progress() -> tuple[int, int]:  # bytes received, frames committed
                return sum(f.bytes for f in listener.status.values()), listener.totals.records

            last, quiet = progress(), time.monotonic()
            while time.monotonic() - quiet < 3.0:  # until 3 s without new bytes or frames
                await asyncio.sleep(0.1)
                if progress() != last:
                    last, quiet = progress(), time.monotonic()
            listener.stop.set()
            await task

        asyncio.run(go())
    proc.kill()
    with urllib.request.urlopen(f"http://127.0.0.1:{hook_port}/") as answer:
        posts = int(answer.read())
    receiver.kill()
    first = min(f.first_data for f in listener.status.values() if f.first_data)
    assert listener.totals.last_commit is not None
    seconds = listener.totals.last_commit - first
    lat = sorted(o.seconds for o in listener.sender.outcomes if o.ok)
    t = listener.totals
    return {
        "frames": t.records,
        "positions": t.positions,
        "seconds": seconds,
        "rate": t.records / seconds,
        "worker_s": t.flush_s,
        "alerts": len(lat),
        "posts": posts,
        "p50": statistics.median(lat) if lat else float("nan"),
        "p99": lat[min(len(lat) - 1, int(0.99 * len(lat)))] if lat else float("nan"),
        "dropped": sum(f.dropped for f in listener.status.values()),
    }


def pymodes_run(capture: Path, frames: int) -> dict[str, float]:
    from pyModeS import PipeDecoder
    from pyModeS.cli._source import NetworkSource

    proc, port = serve(capture, None)
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


def report(label: str, r: dict[str, float]) -> None:
    print(
        f"{label}: {r['frames']:,} frames in {r['seconds']:.1f} s = {r['rate']:,.0f} frames/s "
        f"with the store writing ({r['positions']:,} positions; windows took "
        f"{r['worker_s']:.1f} s of work); alerts: {r['alerts']:,} sent "
        f"({r['posts']:,} received), latency p50 {r['p50']:.2f} s, p99 {r['p99']:.2f} s; "
        f"{r['dropped']:,} bytes dropped (decoder behind)",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--capture", type=Path)
    parser.add_argument("--scale", type=float, help="simulate a capture at this scale")
    parser.add_argument("--rate", type=float, default=50_000, help="Load for the latency run.")
    parser.add_argument("--peer-frames", type=int, default=300_000)
    args = parser.parse_args()
    capture = args.capture or (scaled_capture(args.scale) if args.scale else default_capture())
    print(f"capture: {capture} ({capture.stat().st_size / 1e6:.1f} MB, simulated)", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        fastest = jetwatch_run(capture, Path(tmp), None)
        report("jetwatch listen, replay as fast as it reads", fastest)
        load = jetwatch_run(capture, Path(tmp), args.rate)
        report(f"jetwatch listen, replay at {args.rate:,.0f} frames/s", load)
    peer = pymodes_run(capture, args.peer_frames)
    print(
        f"pyModeS NetworkSource + PipeDecoder (no store): {peer['frames']:,} frames in "
        f"{peer['seconds']:.1f} s = {peer['rate']:,.0f} frames/s",
        flush=True,
    )
    print(f"ratio (as fast as each reads): {fastest['rate'] / peer['rate']:.1f}x")


if __name__ == "__main__":
    main()
