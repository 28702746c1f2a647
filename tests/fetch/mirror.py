"""A real HTTP server on 127.0.0.1 that serves public sources' exact layouts.

adsb.lol's globe_history is served as GitHub serves it: the release API
(``/repos/<owner>/<repo>/releases/tags/<tag>``, JSON with ``assets``: ``name``,
``size``, ``browser_download_url``, ``digest``) and the download path
(``/<owner>/<repo>/releases/download/<tag>/<asset>``), which redirects (302) to
the bytes, served with HTTP Range support. Faults on request: a 429 once, a
connection dropped part-way through a part, a slow body.
"""

from __future__ import annotations

import gzip
import hashlib
import http.server
import io
import json
import tarfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import orjson

from tests.heatmaps import heatmap


@dataclass
class Faults:
    too_many_once: bool = False  # the first API request answers 429
    drop_part_after: int | None = None  # the first download of .tar.aa stops after this many bytes
    delay_per_chunk_s: float = 0.0  # slow bodies (to kill a fetch part-way)
    ignore_range: bool = False


@dataclass
class Mirror:
    """What the server holds and saw."""

    releases: dict[str, dict[str, bytes]] = field(default_factory=dict)  # tag -> asset -> bytes
    repo: str = "adsblol/globe_history_2023"
    faults: Faults = field(default_factory=Faults)
    requests: list[tuple[str, str, str]] = field(default_factory=list)  # (path, range, agent)
    url: str = ""

    def add_release(self, tag: str, archive: bytes, part_size: int) -> None:
        parts = {}
        for k, at in enumerate(range(0, len(archive), part_size)):
            parts[f"{tag}.tar.a{chr(97 + k)}"] = archive[at : at + part_size]
        self.releases[tag] = parts


def gz(data: bytes) -> bytes:
    return gzip.compress(data, mtime=0)


def globe_tar(traces: dict[str, bytes], extra: dict[str, bytes] | None = None) -> bytes:
    """A globe_history day as a tar: traces/<xx>/trace_full_<hex>.json (gzip inside),
    the heatmap of 12:00–12:30 UTC written as readsb writes it, and an acas member."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.GNU_FORMAT) as archive:
        members = {
            f"traces/{h[-2:]}/trace_full_{h}.json": gz(doc) for h, doc in sorted(traces.items())
        }
        docs = [orjson.loads(doc) for doc in traces.values()]
        days = sorted(int(d["timestamp"]) // 86400 for d in docs)
        noon = days[len(days) // 2] * 86400 + 43200  # the archive's day, at noon
        members["heatmap/24.bin.ttf"] = gz(heatmap(docs, noon))
        members["acas/acas.csv"] = b"time,hex\n"
        members.update(extra or {})
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size, info.mtime = len(data), 1_687_564_800
            archive.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def _handler(mirror: Mirror) -> type[http.server.BaseHTTPRequestHandler]:
    owner_repo = mirror.repo

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: object) -> None:
            pass

        def _send(
            self, code: int, body: bytes, kind: str = "application/json", **head: str
        ) -> None:
            self.send_response(code)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            for k, v in head.items():
                self.send_header(k.replace("_", "-"), v)
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self) -> None:  # noqa: N802
            mirror.requests.append(
                (self.path, self.headers.get("Range", ""), self.headers.get("User-Agent", ""))
            )
            api = f"/repos/{owner_repo}/releases/tags/"
            download = f"/{owner_repo}/releases/download/"
            if self.path.startswith(api):
                if mirror.faults.too_many_once:
                    mirror.faults.too_many_once = False
                    self._send(429, b'{"message": "rate limited"}', Retry_After="0")
                    return
                tag = self.path[len(api) :]
                parts = mirror.releases.get(tag)
                if parts is None:
                    self._send(404, b'{"message": "Not Found"}')
                    return
                assets = [
                    {
                        "name": name,
                        "size": len(data),
                        "browser_download_url": f"https://github.com{download}{tag}/{name}",
                        "digest": "sha256:" + hashlib.sha256(data).hexdigest(),
                    }
                    for name, data in parts.items()
                ]
                self._send(200, json.dumps({"tag_name": tag, "assets": assets}).encode())
                return
            if self.path.startswith(download):
                tag, _, name = self.path[len(download) :].partition("/")
                self.send_response(302)
                self.send_header("Location", f"/objects/{tag}/{name}")
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            if self.path.startswith("/objects/"):
                tag, _, name = self.path[len("/objects/") :].partition("/")
                data = mirror.releases.get(tag, {}).get(name)
                if data is None:
                    self._send(404, b"")
                    return
                self._bytes(name, data)
                return
            self._send(404, b"")

        def _bytes(self, name: str, data: bytes) -> None:
            start = 0
            wanted = self.headers.get("Range", "")
            if wanted.startswith("bytes=") and not mirror.faults.ignore_range:
                start = int(wanted[6:].split("-")[0])
                self.send_response(206)
                self.send_header("Content-Range", f"bytes {start}-{len(data) - 1}/{len(data)}")
            else:
                self.send_response(200)
            body = data[start:]
            self.send_header("Content-Type", "application/octet-stream")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            drop = mirror.faults.drop_part_after
            if drop is not None and name.endswith(".tar.aa") and start == 0:
                mirror.faults.drop_part_after = None
                self.wfile.write(body[:drop])
                self.wfile.flush()
                self.close_connection = True
                return
            for at in range(0, len(body), 65536):
                self.wfile.write(body[at : at + 65536])
                if mirror.faults.delay_per_chunk_s:
                    time.sleep(mirror.faults.delay_per_chunk_s)

    return Handler


@contextmanager
def running(handler: type[http.server.BaseHTTPRequestHandler]) -> Iterator[str]:
    """A threaded server of ``handler`` on 127.0.0.1; yields its base URL."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@contextmanager
def serve(mirror: Mirror) -> Iterator[Mirror]:
    with running(_handler(mirror)) as url:
        mirror.url = url
        yield mirror


def sim_traces(directory: Path, day: str) -> dict[str, bytes]:
    """The simulator's readsb traces of a day, by hex."""
    return {
        p.name[len("trace_full_") : -len(".json")]: p.read_bytes()
        for p in sorted((directory / "readsb" / day / "traces").glob("*/trace_full_*.json"))
    }
