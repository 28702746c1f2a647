"""Watch rules end to end: a simulated day replayed on 127.0.0.1, heard by ``listen``,
alerts delivered through apprise to a local HTTP endpoint. All data is simulated."""

from __future__ import annotations

import asyncio
from pathlib import Path

import numpy as np
import pytest

from jetwatch.compress import Stream
from jetwatch.config import Config
from jetwatch.live.feeds import parse
from jetwatch.live.listener import Listener, Options
from jetwatch.live.replay import Server, timeline
from jetwatch.sim import load, simulate
from jetwatch.sources import beast
from jetwatch.sources.context import ReadContext
from jetwatch.store.db import Store
from jetwatch.watch import lists, rules
from tests.helpers import Catcher

SCENARIO = Path(__file__).resolve().parents[1] / "data/sim/watch.toml"


@pytest.fixture(scope="module")
def capture(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every receiver's Beast capture of the simulated day, merged in clock order."""
    out = tmp_path_factory.mktemp("watch") / "sim"
    simulate(load(SCENARIO), out, ("beast",))
    batches = [
        b
        for path in sorted((out / "beast").glob("*.bin"))
        for b in beast.read(Stream(path), ReadContext(path, 0.0))
    ]
    clock = np.concatenate([b.clock for b in batches])
    order = np.argsort(clock, kind="stable")
    msg = np.concatenate([b.msg for b in batches])[order]
    nbytes = np.concatenate([b.nbytes for b in batches])[order]
    data, _ = beast.encode_rows(msg, nbytes, np.round(clock[order] * 12e6).astype(np.uint64))
    merged = out / "merged.bin"
    merged.write_bytes(data)
    return merged


def test_rules_fire_on_the_named_aircraft_and_nothing_else(capture: Path, tmp_path: Path) -> None:
    catcher = Catcher()
    db = tmp_path / "watch.duckdb"
    try:
        with Store(db) as store:
            lists.add(store, "hex", "151f53", note="RA-73555")
            lists.add(store, "hex", "157716", note="RA-96022")
            for event, when in (
                ("takeoff", rules.Conditions(from_area="moscow")),
                ("landing", rules.Conditions()),
                ("dark", rules.Conditions(minutes=15)),
            ):
                rules.add(store, event, when, [catcher.url])
        line = timeline(capture)

        async def go() -> Listener:
            server = Server(line, port=0, speed=0)
            await server.start()
            served = asyncio.ensure_future(server.serve())
            with Store(db) as store:
                listener = Listener(
                    store,
                    [parse(f"beast://127.0.0.1:{server.port}")],
                    Options(flush_s=0.2, status_s=3600, flights_every_s=1.0),
                    Config(),
                    report=lambda _: None,
                )
                task = asyncio.create_task(listener.arun())
                await served
                await asyncio.sleep(1.5)  # the last window, and the silence after it
                listener.stop.set()
                await task
            return listener

        listener = asyncio.run(go())
    finally:
        catcher.close()
    with Store(db) as store:
        got = store.con.execute(
            "SELECT event, icao24, airport, status FROM alerts ORDER BY time"
        ).fetchall()
    assert [(e, i, a) for e, i, a, _ in got] == [
        ("takeoff", "151f53", "UUWW"),
        ("landing", "151f53", "ULLI"),
        ("takeoff", "157716", "UUWW"),
        ("dark", "157716", got[-1][2]),  # silent 20 min after take-off, for the rest of the day
    ]
    assert {s for *_, s in got} == {"sent"}
    assert len(catcher.posts) == 4 == listener.totals.alerts
    assert any("went dark" in p["title"] for p in catcher.posts)
    with Store(db) as store:  # flights were extended while the data arrived
        legs = store.con.execute(
            "SELECT origin, destination FROM flights WHERE icao24 = '151f53'"
        ).fetchall()
    assert legs == [("UUWW", "ULLI")]
