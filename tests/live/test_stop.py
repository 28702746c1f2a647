"""``jetwatch listen`` stopped by SIGTERM flushes and closes cleanly; killed with SIGKILL,
it loses at most its last window, and the next start closes what it left open."""

from __future__ import annotations

import hashlib
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from jetwatch.store.archive import sha256_file
from jetwatch.store.db import Store
from tests.conftest import real_path

JETWATCH = [sys.executable, "-c", "from jetwatch.cli import main; main()"]


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture()
def receiver() -> object:
    """``jetwatch replay`` of a real recording at 500x, looped, as a separate process."""
    port = _port()
    proc = subprocess.Popen(
        [
            *JETWATCH,
            "replay",
            str(real_path("rs1090/long_flight.csv.gz")),
            "--port",
            str(port),
            "--speed",
            "500",
            "--loop",  # a receiver does not stop: a second listener gets data too
        ],
        stdout=subprocess.DEVNULL,
    )
    for _ in range(100):
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                break
        time.sleep(0.1)
    yield port
    proc.kill()
    proc.wait()


def _listen(db: Path, port: int) -> subprocess.Popen:
    return subprocess.Popen(
        [
            *JETWATCH,
            "listen",
            f"beast://127.0.0.1:{port}",
            "--db",
            str(db),
            "--flush",
            "0.3",
            "--status-every",
            "0.5",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def _wait_for_data(proc: subprocess.Popen, more_than: int = 0) -> None:
    """Until the listener's status line reports stored positions."""
    assert proc.stderr is not None
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        line = proc.stderr.readline().decode()
        assert line or proc.poll() is None, "the listener stopped"
        found = re.search(r"positions ([\d,]+)", line)
        if found and int(found.group(1).replace(",", "")) > more_than:
            return
    raise AssertionError("no positions stored in time")


def test_sigterm_flushes_and_closes_the_segment(receiver: int, tmp_path: Path) -> None:
    db = tmp_path / "term.duckdb"
    proc = _listen(db, receiver)
    _wait_for_data(proc)
    proc.send_signal(signal.SIGTERM)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err.decode()
    assert b"stored" in out
    with Store(db) as store:
        ingests = store.con.execute(
            "SELECT status, archive, sha256, positions FROM ingests"
        ).fetchall()
        stored = store.con.execute("SELECT count(*) FROM positions").fetchall()[0][0]
    ((status, archive, sha, counted),) = ingests
    manifest = Path(archive) / "manifest.json"
    assert status == "done" and sha == hashlib.sha256(manifest.read_bytes()).hexdigest()
    assert stored == counted > 0
    (feed,) = json.loads(manifest.read_text())["feeds"]
    assert feed["sha256"] == sha256_file(Path(archive) / feed["file"]) and feed["bytes"] > 0


def test_sigkill_keeps_what_was_committed_and_the_next_start_goes_on(
    receiver: int, tmp_path: Path
) -> None:
    db = tmp_path / "kill.duckdb"
    proc = _listen(db, receiver)
    _wait_for_data(proc)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    with Store(db) as store:  # a writer: closes the orphaned live segment
        ((status, positions, counted),) = store.con.execute(
            "SELECT status, (SELECT count(*) FROM positions), positions FROM ingests"
        ).fetchall()
    assert status == "done" and positions == counted > 0
    again = _listen(db, receiver)
    _wait_for_data(again, 0)
    time.sleep(1.0)
    again.send_signal(signal.SIGTERM)
    assert again.wait(timeout=60) == 0
    with Store(db) as store:
        rows = store.con.execute("SELECT status, positions FROM ingests ORDER BY id").fetchall()
        total = store.con.execute("SELECT count(*) FROM positions").fetchall()[0][0]
    assert [s for s, _ in rows] == ["done", "done"] and total == sum(p for _, p in rows) > positions
