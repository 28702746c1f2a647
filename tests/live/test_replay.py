"""``jetwatch replay``'s pacing: a paced server sends once per tick, on time.

Before, a ``--rate`` replay sent again as soon as one more record fell due: a busy
loop of tiny sends that took a whole core at 150,000 records/s.
"""

from __future__ import annotations

import asyncio
import time

import numpy as np
import pytest

from jetwatch.live.replay import Server, Timeline


def _line(records: int, seconds: float) -> Timeline:
    times = np.linspace(0.0, seconds, records)
    ends = np.arange(1, records + 1, dtype=np.int64) * 23
    return Timeline("beast", times, ends, b"\x00" * int(ends[-1]), records)


async def _serve(server: Server) -> tuple[int, float, list[int]]:
    """Serve to one client that reads everything; returns bytes read, seconds, and the
    records of every send."""
    sends: list[int] = []
    send = server._send

    async def counted(blob: bytes, records: int) -> None:
        sends.append(records)
        await send(blob, records)

    server._send = counted  # type: ignore[method-assign]
    await server.start()
    served = asyncio.ensure_future(server.serve())
    reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
    began, got = time.monotonic(), 0
    while data := await reader.read(1 << 16):
        got += len(data)
    seconds = time.monotonic() - began
    writer.close()
    await served
    return got, seconds, sends


@pytest.mark.parametrize("pace", [{"rate": 100_000.0}, {"speed": 1.0}], ids=["rate", "speed"])
def test_a_paced_replay_sends_once_per_tick_and_on_time(pace: dict[str, float]) -> None:
    line = _line(100_000, 1.0)  # 100,000 records in 1 s: at rate or at speed 1
    got, seconds, sends = asyncio.run(_serve(Server(line, port=0, **pace)))
    assert got == len(line.data)
    assert sum(sends) == line.records
    assert 0.9 <= seconds <= 2.0
    assert len(sends) <= 1.5 * seconds / 0.01 + 5  # one send per 10-ms tick, not per record
    assert min(sends[:-1]) >= 200  # each carries about a tick's records (1,000)
