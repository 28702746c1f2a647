"""``jetwatch listen`` end to end on 127.0.0.1: real recordings served by ``replay`` and by
a server that misbehaves. No mocks of the network."""

from __future__ import annotations

import asyncio
import http.server
import json
import socket
import threading
import time
from collections import Counter
from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest

from jetwatch.decode import Decoder
from jetwatch.ingest import ingest_file
from jetwatch.live.feeds import parse
from jetwatch.live.listener import Listener, Options
from jetwatch.live.replay import Server, timeline
from jetwatch.live.window import _Bytes
from jetwatch.sources import beast
from jetwatch.sources.context import ReadContext
from jetwatch.store.db import Store
from tests.conftest import SNIPPETS, real_path
from tests.fetch.opensky_mirror import OpenSky, serve
from tests.helpers import gz_lines, read_file

KEY = ["icao24", "lat", "lon", "altitude"]
FAST = Options(flush_s=0.2, stall_s=1.0, status_s=3600, segment_s=3600)


def _rows(table: pa.Table) -> Counter:
    cols = table.select(KEY).to_pydict()
    return Counter(zip(*(cols[k] for k in KEY), strict=True))


def _stored(db: Path) -> pa.Table:
    with Store(db) as store:
        return store.con.sql(f"SELECT {', '.join(KEY)} FROM positions").to_arrow_table()


def _decode(data: bytes) -> pa.Table:
    """What the file reader makes of Beast bytes: the reference."""
    d = Decoder()
    tables = [d.decode(b)[0] for b in beast.read(_Bytes(data), ReadContext(Path("x"), 0.0))]
    return pa.concat_tables(tables)


async def _listen(
    db: Path, urls: list[str], until: asyncio.Future, options: Options = FAST
) -> Listener:
    with Store(db) as store:
        listener = Listener(store, [parse(u) for u in urls], options, report=lambda _: None)
        task = asyncio.create_task(listener.arun())
        await until
        await asyncio.sleep(1.0)  # the last window
        listener.stop.set()
        await task
    return listener


def test_a_replayed_recording_is_stored_as_a_file_ingest_would(tmp_path: Path) -> None:
    path = real_path("rs1090/long_flight.csv.gz")
    line = timeline(path)

    async def go() -> Listener:
        server = Server(line, port=0, speed=0)
        await server.start()
        served = asyncio.ensure_future(server.serve())
        return await _listen(tmp_path / "live.duckdb", [f"beast://127.0.0.1:{server.port}"], served)

    listener = asyncio.run(go())
    stored = _stored(tmp_path / "live.duckdb")
    assert listener.totals.records == line.records == gz_lines(path)  # 172,432 in the whole
    assert _rows(stored) == _rows(_decode(line.data))
    assert stored.num_rows == read_file(path, "hexcsv").positions.num_rows  # as an ingest
    with Store(tmp_path / "live.duckdb") as store:
        ((status, archive, sha),) = store.con.execute(
            "SELECT status, archive, sha256 FROM ingests"
        ).fetchall()
    manifest = json.loads((Path(archive) / "manifest.json").read_text())
    assert status == "done" and len(sha) == 64
    assert manifest["feeds"][0]["bytes"] == len(line.data)  # the raw bytes, all archived


def test_drops_garbage_and_stalls_lose_only_what_was_never_sent(tmp_path: Path) -> None:
    line = timeline(real_path("rs1090/long_flight.csv.gz"))
    ends = line.ends
    # a frame cut in half, and the frame after which the server stalls
    cut, stall_at = len(ends) // 3, 2 * len(ends) // 3
    lo, hi = int(ends[cut - 1]), int(ends[cut])
    scripts = [
        [line.data[: lo + (hi - lo) // 2]],  # then close, mid-frame
        [
            b"GARBAGE FROM A MISCONFIGURED PORT\r\n" * 40,
            line.data[hi : int(ends[stall_at])],
            "stall",
        ],
        [line.data[int(ends[stall_at]) :]],
    ]

    async def go() -> Listener:
        done = asyncio.get_running_loop().create_future()
        connections = iter(scripts)

        async def handle(_: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            script = next(connections, None)
            if script is None:
                writer.close()
                return
            for part in script:
                if part == "stall":
                    await asyncio.sleep(2.0)  # connection left open, silent past the stall timeout
                    break
                writer.write(part)
                await writer.drain()
            writer.close()
            if script is scripts[-1]:
                done.set_result(True)

        server = await asyncio.start_server(handle, "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        async with server:
            return await _listen(tmp_path / "faults.duckdb", [f"beast://127.0.0.1:{port}"], done)

    listener = asyncio.run(go())
    sent = line.data[:lo] + line.data[hi:]  # everything but the frame cut in half
    assert _rows(_stored(tmp_path / "faults.duckdb")) == _rows(_decode(sent))
    status = next(iter(listener.status.values()))
    history = " | ".join(status.history)
    assert status.connects >= 3  # and on, until the test stops it
    assert "closed by the receiver" in history and "stalled" in history
    with Store(tmp_path / "faults.duckdb") as store:
        reasons = dict(
            store.con.execute("SELECT reason, count(*) FROM rejects GROUP BY 1").fetchall()
        )
    assert reasons.get("unparsable", 0) >= 1  # the garbage, kept in the rejects with its bytes
    assert sum(reasons.values()) <= 3


def test_two_receivers_hearing_the_same_frames_store_them_once(tmp_path: Path) -> None:
    line = timeline(real_path("rs1090/long_flight.csv.gz"))

    async def go() -> Listener:
        a, b = Server(line, port=0, speed=0), Server(line, port=0, speed=0)
        await a.start()
        await b.start()
        both = asyncio.gather(a.serve(), b.serve())
        urls = [f"beast://127.0.0.1:{a.port}", f"beast://127.0.0.1:{b.port}"]
        return await _listen(tmp_path / "two.duckdb", urls, both)

    listener = asyncio.run(go())
    stored = _stored(tmp_path / "two.duckdb")
    assert listener.totals.records == 2 * line.records
    assert listener.totals.duplicates > 0.9 * line.records
    assert stored.num_rows <= 12_931 * 1.01


class _Json(http.server.BaseHTTPRequestHandler):
    body = b""

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(self.body)

    def log_message(self, *args: object) -> None:
        pass


def _polled(
    handler: type[http.server.BaseHTTPRequestHandler],
    path: str,
    db: Path,
    seconds: float,
    poll_s: float,
) -> Listener:
    """``listen`` polling ``path`` of a local server for ``seconds``."""
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{httpd.server_address[1]}{path}"
    try:

        async def go() -> Listener:
            polls = asyncio.ensure_future(asyncio.sleep(seconds))
            options = Options(flush_s=0.2, poll_s=poll_s, status_s=3600)
            return await _listen(db, [url], polls, options)

        return asyncio.run(go())
    finally:
        httpd.shutdown()


def test_aircraft_json_polls_store_each_position_once(shared: Path, tmp_path: Path) -> None:
    body = (shared / "roob1090/aircraft.json").read_bytes()
    handler = type("Handler", (_Json,), {"body": body})
    listener = _polled(handler, "/data/aircraft.json", tmp_path / "poll.duckdb", 2.5, 0.5)
    doc = json.loads(body)
    with_position = [a for a in doc["aircraft"] if "lat" in a and "lon" in a]
    stored = _stored(tmp_path / "poll.duckdb")
    assert next(iter(listener.status.values())).connects == 1
    assert listener.totals.records >= 3 * len(doc["aircraft"])  # several polls arrived
    assert stored.num_rows == len(with_position)  # each position once, whatever the polls
    assert sorted(stored["icao24"].to_pylist()) == sorted(
        a["hex"].lstrip("~") for a in with_position
    )
    assert np.isfinite(stored["lat"].to_numpy()).all()


def test_an_aggregators_v2_point_endpoint_is_polled_once_a_second(tmp_path: Path) -> None:
    """airplanes.live's /v2/point/{lat}/{lon}/{nm} shape: read as v2 answers (not as
    aircraft.json, which rejected every record), at most one request a second, and
    each position stored once."""
    body = (SNIPPETS / "derived" / "v2-point.json").read_bytes()
    seen: list[float] = []

    class Handler(_Json):
        def do_GET(self) -> None:  # noqa: N802
            seen.append(time.monotonic())
            super().do_GET()

    Handler.body = body
    assert parse("http://127.0.0.1/v2/point/52.3/4.76/250").format == "adsbx_v2"
    listener = _polled(Handler, "/v2/point/52.3/4.76/250", tmp_path / "v2.duckdb", 3.5, 0.1)
    doc = json.loads(body)
    with_position = [a for a in doc["ac"] if "lat" in a]
    stored = _stored(tmp_path / "v2.duckdb")
    assert len(seen) >= 3 and min(np.diff(seen)) >= 0.95  # --poll 0.1 is raised to 1 s
    assert listener.totals.rejected == 0
    assert stored.num_rows == len(with_position)
    (name,) = listener.status
    assert name.startswith("http-127.0.0.1-")  # the source, named in the status


def test_state_vectors_are_replayed_as_sbs_and_read_back(tmp_path: Path) -> None:
    path = real_path("traffic/opensky_impala/state_vectors_EDW24_4b1901_20240406.parquet")
    line = timeline(path)
    assert line.format == "sbs"

    async def go() -> Listener:
        server = Server(line, port=0, speed=0)
        await server.start()
        served = asyncio.ensure_future(server.serve())
        return await _listen(tmp_path / "sbs.duckdb", [f"sbs://127.0.0.1:{server.port}"], served)

    asyncio.run(go())
    stored = _stored(tmp_path / "sbs.duckdb")
    with Store(tmp_path / "file.duckdb") as store:
        ingest_file(store, path)
        original = store.con.sql(
            "SELECT DISTINCT icao24, round(lat, 5) AS lat, round(lon, 5) AS lon, altitude "
            "FROM positions"
        ).to_arrow_table()
    rounded = Counter((i, round(a, 5), round(o, 5), h) for i, a, o, h in _rows(stored))
    assert set(rounded) == set(_rows(original))


def test_a_dead_feed_does_not_affect_the_others(tmp_path: Path) -> None:
    path = real_path("rs1090/long_flight.csv.gz")
    line = timeline(path)
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        dead = s.getsockname()[1]

    async def go() -> Listener:
        server = Server(line, port=0, speed=0)
        await server.start()
        served = asyncio.ensure_future(server.serve())
        urls = [f"beast://127.0.0.1:{server.port}", f"sbs://127.0.0.1:{dead}"]
        return await _listen(tmp_path / "dead.duckdb", urls, served)

    listener = asyncio.run(go())
    assert (
        _stored(tmp_path / "dead.duckdb").num_rows == read_file(path, "hexcsv").positions.num_rows
    )
    bad = listener.status[parse(f"sbs://127.0.0.1:{dead}").name]
    assert bad.connects == 0 and "refused" in (bad.last_error or "").lower()


def test_opensky_states_are_polled_with_a_token_and_stored_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """OpenSky's /api/states/all on a 127.0.0.1 server in its layout: a bearer token
    from the client credentials, at most one poll every 5 s, each position once."""
    t0 = int(time.time()) - 60

    def state(hexid: str, t: int, lon: float) -> list:
        return [hexid, "SWR1", "Switzerland", t, t + 1, lon, 47.4, 3000.0, False, 120.0,
                90.0, 0.0, None, 3100.0, "1000", False, 0]  # fmt: skip

    sky = OpenSky(
        live=[
            [state("4b1805", t0, 8.50), state("4b1806", t0, 8.60)],
            [state("4b1805", t0, 8.50), state("4b1806", t0 + 5, 8.61)],
            [state("4b1805", t0 + 10, 8.52), state("4b1806", t0 + 5, 8.61)],
        ]
    )
    monkeypatch.setenv("OPENSKY_CLIENT_ID", sky.client_id)
    monkeypatch.setenv("OPENSKY_CLIENT_SECRET", sky.client_secret)
    db = tmp_path / "sky.duckdb"
    with serve(sky):
        url = f"{sky.url}/api/states/all?lamin=46&lomin=7&lamax=49&lomax=10"
        assert parse(url).format == "opensky_rest" and parse(url).min_poll_s == 5.0

        async def go() -> Listener:
            options = Options(flush_s=0.2, poll_s=0.1, status_s=3600)
            return await _listen(db, [url], asyncio.ensure_future(asyncio.sleep(10.5)), options)

        listener = asyncio.run(go())
    served = {(s[0], s[3]) for k in sky.served for s in sky.live[k]}
    polls = [r for r in sky.requests if r[0] == "/api/states/all"]
    assert len(polls) == len(sky.served) >= 2
    assert all(auth == "Bearer token-1" for _, _, auth, _ in polls) and sky.issued == 1
    assert _stored(db).num_rows == len(served) and listener.totals.rejected == 0
    (name,) = listener.status
    assert name.startswith("http-127.0.0.1-")
