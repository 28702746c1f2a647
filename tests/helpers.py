"""Helpers for tests: run a reader and the decoder on a file as an ingest would, a local
HTTP endpoint, the exodus scenario's store and what the CLI says of it, and checks
shared by the evidence reports."""

from __future__ import annotations

import datetime as dt
import json
import re
import shlex
import tomllib
from collections import Counter
from dataclasses import dataclass, field
from html import unescape
from pathlib import Path

import duckdb
import pyarrow as pa

from jetwatch.compress import Stream
from jetwatch.decode import DecoderSettings
from jetwatch.demo import ingest_simulation
from jetwatch.flights import build
from jetwatch.ingest import decode_stream
from jetwatch.model import POSITIONS_SCHEMA, REPORTED_SCHEMA, Rejects
from jetwatch.sim import simulate
from jetwatch.sim.scenario import parse
from jetwatch.sources.context import ReadContext
from jetwatch.store.db import Store


@dataclass
class Read:
    positions: pa.Table
    records: int = 0
    rejects: Rejects = field(default_factory=Rejects)
    stream_error: str | None = None
    reported: pa.Table = field(default_factory=REPORTED_SCHEMA.empty_table)

    @property
    def reasons(self) -> Counter[str]:
        return self.rejects.counts()


def opensky_csv(parquet: Path, out: Path) -> Path:
    """OpenSky state vectors from Parquet as OpenSky's CSV (unix-second times; the
    ``serials`` and ``hour`` columns left out)."""
    duckdb.sql(
        f"COPY (SELECT * EXCLUDE (serials, hour) REPLACE (CAST(epoch(time) AS BIGINT) AS time) "
        f"FROM read_parquet('{parquet}')) TO '{out}' (HEADER)"
    )
    return out


def gz_lines(path: Path) -> int:
    """Lines in a gzip file."""
    import gzip

    with gzip.open(path) as fh:
        return sum(1 for _ in fh)


def read_file(
    path: Path,
    fmt: str,
    anchor: float = 0.0,
    settings: DecoderSettings | None = None,
    read_size: int | None = None,
) -> Read:
    """Everything jetwatch makes of one file, without a store."""
    stream = Stream(path) if read_size is None else Stream(path, read_size=read_size)
    out = Read(POSITIONS_SCHEMA.empty_table())
    tables = [out.positions]
    reported = [REPORTED_SCHEMA.empty_table()]
    for table, rejects, records, flights, _ in decode_stream(
        stream, fmt, ReadContext(path, anchor), settings
    ):
        tables.append(table)
        out.records += records
        out.rejects.extend(rejects)
        reported += [flights] if flights is not None else []
    out.positions = pa.concat_tables(tables)
    out.reported = pa.concat_tables(reported)
    out.stream_error = stream.error
    return out


class Catcher:
    """A local HTTP endpoint that records what is POSTed to it (apprise's json:// target).

    ``fail`` answers 500 to the first that many requests; ``delay`` (s) is how long
    each answer takes.
    """

    def __init__(self, fail: int = 0, delay: float = 0.0) -> None:
        import http.server
        import threading
        import time

        self.posts: list[dict] = []
        self.fail = fail
        catcher = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's name)
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                time.sleep(delay)
                if catcher.fail > 0:
                    catcher.fail -= 1
                    self.send_response(500)
                    self.end_headers()
                    return
                catcher.posts.append(json.loads(body))
                self.send_response(200)
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"json://127.0.0.1:{self.server.server_address[1]}/hook"

    def close(self) -> None:
        self.server.shutdown()


EXODUS_SCENARIO = Path(__file__).parent / "data" / "sim" / "exodus.toml"


def exodus_store(tmp: Path, blackout: bool = False) -> tuple[Path, Path]:
    doc = tomllib.loads(EXODUS_SCENARIO.read_text())
    if blackout:  # every receiver down for most of the event day
        for rx in doc["receivers"].values():
            rx["outages"] = [[dt.datetime(2023, 6, 24, 7), dt.datetime(2023, 6, 24, 19)]]
    out, db = tmp / "sim", tmp / "store.duckdb"
    simulate(parse(doc, str(EXODUS_SCENARIO)), out, ("opensky",))
    with Store(db) as store:
        ingest_simulation(store, out)
        build(store)
    return out, db


def _cli_json(args: list[str]) -> dict:
    from click.testing import CliRunner

    from jetwatch.cli import main

    out = CliRunner().invoke(main, [*args, "--format", "json"])
    assert out.exit_code == 0, out.output
    return json.loads(out.output)


def exodus_cli(db: Path, day: str = "2023-06-24") -> dict:
    """What ``jetwatch exodus --area moscow --class business_jet --format json`` prints."""
    return _cli_json(
        ["exodus", "--db", str(db), "--area", "moscow", "--class", "business_jet", "--on", day]
    )


def aircraft_claim_cli(db: Path, day: str = "2023-06-24") -> dict:
    """What ``jetwatch check aircraft RA-96022 --left moscow --format json`` prints."""
    return _cli_json(
        ["check", "aircraft", "RA-96022", "--db", str(db), "--on", day, "--left", "moscow"]
    )


def made_again(html: str, out: Path, db: Path) -> list[str]:
    """Run the command a report's provenance gives, after deleting ``out``, in the folder
    of ``out`` with the database beside it (the command names files, not folders): the
    report must come back byte for byte. Returns the command's words."""
    import os

    from click.testing import CliRunner

    from jetwatch.cli import main

    found = re.search(r"Made again, with the same numbers, by: <code>(.*?)</code>", html)
    assert found, "no command in the provenance"
    args = shlex.split(unescape(found.group(1)))
    assert not [a for a in args if os.path.isabs(a)], "the command names absolute paths"
    beside = out.parent / db.name
    if not beside.exists():
        beside.symlink_to(db)
    out.unlink()
    here = os.getcwd()
    os.chdir(out.parent)
    try:
        again = CliRunner().invoke(main, args[1:])
    finally:
        os.chdir(here)
    assert again.exit_code == 0, again.output
    assert out.read_text() == html  # byte for byte
    return args


def outside_links(html: str) -> list[str]:
    """Every ``src``, ``href`` and ``url()`` of a page that is not an anchor in it."""
    loads = re.findall(r'(?:src|href)\s*=\s*"([^"]*)"', html) + re.findall(r"url\(([^)]*)\)", html)
    return [link for link in loads if not link.startswith("#")]


def embedded(html: str, element_id: str) -> dict:
    """The JSON a report embeds as ``<script type="application/json" id=…>``."""
    found = re.search(
        rf'<script type="application/json" id="{element_id}">(.*?)</script>', html, re.S
    )
    assert found, element_id
    return json.loads(found.group(1))


@dataclass
class Run:
    """A command run to its end, watched: exit code, wall seconds, peak RSS in MB."""

    code: int | None
    seconds: float
    peak_mb: float
    output: str


def watch_run(
    args: list[str],
    timeout: float,
    signal_after: float | None = None,
    cwd: Path | None = None,
) -> Run:
    """Run ``args``, sampling the resident memory of it and its children every 20 ms;
    with ``signal_after``, send SIGTERM that many seconds in. Killed at ``timeout``."""
    import os
    import signal
    import subprocess
    import time

    import psutil

    began = time.monotonic()
    proc = subprocess.Popen(
        args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, cwd=cwd, env=os.environ.copy()
    )
    watched = psutil.Process(proc.pid)
    peak = 0
    signalled = False
    while proc.poll() is None:
        try:
            rss = watched.memory_info().rss + sum(
                c.memory_info().rss for c in watched.children(recursive=True)
            )
            peak = max(peak, rss)
        except psutil.Error:
            pass
        now = time.monotonic() - began
        if signal_after is not None and not signalled and now >= signal_after:
            proc.send_signal(signal.SIGTERM)
            signalled = True
        if now > timeout:
            proc.kill()
            break
        time.sleep(0.02)
    output = proc.communicate()[0].decode(errors="replace")
    return Run(proc.returncode, time.monotonic() - began, peak / 2**20, output)
