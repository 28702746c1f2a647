"""Hostile inputs and feeds, measured: a decompression bomb, an endless HTTP body, a
Beast flood and a Beast frame that never ends. Memory stays under 1 GB (peak RSS of
the process and its children), and ``--duration`` and SIGTERM end every run."""

from __future__ import annotations

import asyncio
import os
import sys
import threading
import zlib
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any

import pytest

from jetwatch.store.db import Store
from tests.helpers import watch_run

LIMIT_MB = 1024
JETWATCH = [sys.executable, "-m", "jetwatch"]
SBS = (
    "MSG,3,1,1,4AC8B3,1,2019/12/10,19:10:{s:02d}.320,2019/12/10,19:10:{s:02d}.320,,36017,,,"
    "51.{s:02d},10.19,,,,,,0\n"
)


def _serve(
    handle: Callable[[asyncio.StreamReader, asyncio.StreamWriter], Coroutine[Any, Any, None]],
) -> int:
    """A TCP server on 127.0.0.1 in a background thread; its port."""
    ready = threading.Event()
    port: list[int] = []

    async def main() -> None:
        server = await asyncio.start_server(handle, "127.0.0.1", 0)
        port.append(server.sockets[0].getsockname()[1])
        ready.set()
        async with server:
            await server.serve_forever()

    threading.Thread(target=lambda: asyncio.run(main()), daemon=True).start()
    ready.wait(10)
    return port[0]


def test_a_decompression_bomb_is_streamed(tmp_path: Path) -> None:
    # 20 real-shaped SBS lines, then 1 GiB of newlines: about 1 MB of gzip
    pack = zlib.compressobj(9, zlib.DEFLATED, 31)
    parts = [pack.compress("".join(SBS.format(s=s) for s in range(20)).encode())]
    block = b"\n" * (1 << 20)
    parts += [pack.compress(block) for _ in range(1024)]
    bomb = tmp_path / "bomb.sbs.gz"
    bomb.write_bytes(b"".join(parts) + pack.flush())
    assert bomb.stat().st_size < 2 << 20
    db = tmp_path / "bomb.duckdb"
    run = watch_run([*JETWATCH, "ingest", str(bomb), "--db", str(db), "--no-progress"], 600)
    print(f"bomb: {run.seconds:.1f} s, peak {run.peak_mb:.0f} MB")
    assert run.code == 0, run.output
    assert run.peak_mb < LIMIT_MB
    with Store(db, read_only=True) as store:
        assert store.con.execute("SELECT count(*) FROM positions").fetchall()[0][0] == 20


def test_an_endless_http_body_is_cut_and_the_run_ends(tmp_path: Path) -> None:
    async def endless(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.readuntil(b"\r\n\r\n")
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\r\n")
        writer.write(b'{"now": 1700000000, "aircraft": [')
        entry = b'{"hex": "4ac8b3", "lat": 51.1, "lon": 10.2, "seen_pos": 1},' * 1000
        try:
            while True:
                writer.write(entry)
                await writer.drain()
        except (ConnectionError, OSError):
            pass

    port = _serve(endless)
    url = f"http://127.0.0.1:{port}/data/aircraft.json"
    for how in ("duration", "sigterm"):
        db = tmp_path / f"{how}.duckdb"
        args = [*JETWATCH, "listen", url, "--db", str(db), "--flights-every", "0"]
        if how == "duration":
            run = watch_run([*args, "--duration", "8"], 60)
        else:
            run = watch_run(args, 60, signal_after=6)
        print(f"endless body, {how}: {run.seconds:.1f} s, peak {run.peak_mb:.0f} MB")
        assert run.code == 0, run.output
        assert run.seconds < 20
        assert run.peak_mb < LIMIT_MB
        assert "larger than" in run.output  # the status names what went wrong


@pytest.mark.parametrize("flood", ["random", "endless-frame"])
def test_a_beast_flood_is_bounded(tmp_path: Path, flood: str) -> None:
    rng = os.urandom

    async def send(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            if flood == "random":
                for _ in range(100):  # 100 MB of random bytes, as fast as they go
                    writer.write(rng(1 << 20))
                    await writer.drain()
            else:  # a frame start, then 50 MB without another 0x1a
                writer.write(b"\x1a3")
                for _ in range(50):
                    writer.write(bytes(rng(1 << 20)).replace(b"\x1a", b"\x1b"))
                    await writer.drain()
            await asyncio.sleep(60)
        except (ConnectionError, OSError):
            pass

    port = _serve(send)
    db = tmp_path / "flood.duckdb"
    args = [*JETWATCH, "listen", f"beast://127.0.0.1:{port}", "--db", str(db)]
    run = watch_run([*args, "--duration", "12", "--flights-every", "0", "--status-every", "2"], 90)
    print(f"beast {flood}: {run.seconds:.1f} s, peak {run.peak_mb:.0f} MB")
    assert run.code == 0, run.output
    assert run.peak_mb < LIMIT_MB
    assert run.seconds < 40
