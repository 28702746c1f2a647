"""``jetwatch fetch adsbx-sample`` against a 127.0.0.1 server in ADS-B Exchange's
sample layout (``/readsb-hist/YYYY/MM/DD/HHMMSSZ.json.gz``, gzip bodies, 404 for a
snapshot that is not there). The snapshots are the real ``aircraft.json`` taken
near Washington DC (roob1090), its aircraft moved a little at each snapshot."""

from __future__ import annotations

import datetime as dt
import gzip
import http.server
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from jetwatch.cli import main
from jetwatch.store.db import Store
from tests.fetch.mirror import running

DAY = dt.date(2023, 6, 1)
T0 = int(dt.datetime(2023, 6, 1, tzinfo=dt.UTC).timestamp())
BOX = "38.5,39.2,-77.5,-76.6"  # around KDCA


class Sample:
    def __init__(self, snapshot: dict[str, Any]) -> None:
        self.snapshot = snapshot
        self.requests: list[str] = []
        self.missing = {"/readsb-hist/2023/06/01/000200Z.json.gz"}
        self.url = ""

    def body(self, path: str) -> bytes | None:
        if path in self.missing or not path.startswith("/readsb-hist/2023/06/01/"):
            return None
        stamp = path.rsplit("/", 1)[-1][:6]
        t = T0 + int(stamp[:2]) * 3600 + int(stamp[2:4]) * 60 + int(stamp[4:])
        k = (t - T0) / 60
        aircraft = [
            dict(a, lat=a["lat"] + 0.001 * k) if "lat" in a else a
            for a in self.snapshot["aircraft"]
        ]
        return gzip.compress(json.dumps(dict(self.snapshot, now=t, aircraft=aircraft)).encode())


@pytest.fixture()
def sample(shared: Path) -> Iterator[Sample]:
    s = Sample(json.loads((shared / "roob1090/aircraft.json").read_text()))

    class Handler(http.server.BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def do_GET(self) -> None:  # noqa: N802
            s.requests.append(self.path)
            data = s.body(self.path)
            self.send_response(404 if data is None else 200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data or b"")))
            self.end_headers()
            self.wfile.write(data or b"")

    with running(Handler) as url:
        s.url = url
        yield s


def _run(db: Path, sample: Sample, *extra: str, days: str = "2023-06-01") -> Any:
    args = ["fetch", "adsbx-sample", days, "--bbox", BOX, "--db", str(db), "--mirror", sample.url]
    return CliRunner().invoke(main, [*args, "--json", "--no-progress", *extra])


def test_snapshots_are_cut_to_the_box_and_cited(sample: Sample, tmp_path: Path) -> None:
    db = tmp_path / "s.duckdb"
    got = _run(db, sample, "--step", "600")
    assert got.exit_code == 0, got.output
    (day,) = json.loads(got.stdout)["days"]
    assert (day["status"], day["requests"], day["not_found"]) == ("fetched", 144, 0)
    served = [json.loads(gzip.decompress(sample.body(p) or b"")) for p in sample.requests]
    inside = [
        a["hex"]
        for doc in served
        for a in doc["aircraft"]
        if "lat" in a and 38.5 <= a["lat"] <= 39.2 and -77.5 <= a["lon"] <= -76.6
    ]
    everywhere = sum(1 for doc in served for a in doc["aircraft"] if "lat" in a)
    assert 0 < len(inside) < everywhere
    with Store(db) as store:
        (n, hexes) = store.con.execute(
            "SELECT count(*), count(DISTINCT icao24) FROM positions"
        ).fetchall()[0]
        row = store.con.execute("SELECT source, release, url, assets FROM fetches").fetchall()[0]
    assert day["positions"] == n == len(inside) and hexes == len(set(inside))
    assert row[:2] == ("adsbx-sample", "readsb-hist 2023-06-01 every 600 s")
    assets = json.loads(row[3])
    assert len(assets) == 144 and all(len(a["sha256"]) == 64 for a in assets)
    assert sample.requests[:2] == [
        "/readsb-hist/2023/06/01/000000Z.json.gz",
        "/readsb-hist/2023/06/01/001000Z.json.gz",
    ]


def test_other_days_are_missing_and_absent_snapshots_counted(
    sample: Sample, tmp_path: Path
) -> None:
    db = tmp_path / "s.duckdb"
    got = _run(db, sample, "--step", "3600", days="2023-05-31..2023-06-01")
    days = json.loads(got.stdout)["days"]
    assert got.exit_code == 0 and [d["status"] for d in days] == ["missing", "fetched"]
    assert "first day of each month" in days[0]["error"]
    sample.missing = {f"/readsb-hist/2023/06/01/{h:02d}0000Z.json.gz" for h in range(24)}
    (again,) = json.loads(_run(db, sample, "--step", "3600", "--refresh").stdout)["days"]
    assert again["status"] == "missing" and again["not_found"] == 24
    assert _run(db, sample, "--step", "7").exit_code != 0
