"""A day of API requests, resumable: each answer saved as one line, each request
logged once answered.

Answers are appended to a work file as they arrive, one JSON document per line
(gzip bodies inflated, up to 64 MiB); the request's
key, URL, status, size, SHA-256 of the body and the work file's size after it go
to a log beside it. Opened again after a kill, the log says which requests are
done, the work file is cut back to the size after the last one logged (an answer
written after it is dropped and asked again), and :meth:`AnswerLog.run` skips what
is done. The log's records are the fetch's provenance (``fetches.assets``).
"""

from __future__ import annotations

import hashlib
import json
import urllib.parse
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from jetwatch.fetch.globe import inflate
from jetwatch.ingest import IngestResult, ingest_file
from jetwatch.store.db import Store

Progress = Callable[[int, int, int], None]  # (requests done, requests planned, tally)


@dataclass(frozen=True)
class Request:
    path: str
    params: dict[str, Any]

    @property
    def key(self) -> str:
        query = urllib.parse.urlencode(self.params)
        return f"{self.path}?{query}" if query else self.path


Get = Callable[[Request], tuple[str, bytes | None]]  # -> (URL, body or None for 404)
Keep = Callable[[Any], Any]  # an answer -> what to save of it (None: nothing)


def _load(path: Path) -> dict[str, dict[str, Any]]:
    done: dict[str, dict[str, Any]] = {}
    try:
        lines = path.read_text().splitlines()
    except OSError:
        return done
    for line in lines:
        try:
            record = json.loads(line)
            done[str(record["key"])] = record
        except (ValueError, KeyError, TypeError):
            break  # a line cut by a kill: what follows it was not answered
    return done


class AnswerLog:
    """One day's requests: answers appended to ``answers``, each logged in ``log``."""

    def __init__(
        self, answers: Path, log: Path, progress: Progress | None = None, tally: str = ""
    ) -> None:
        self.progress, self.tally = progress, tally
        self.answers, self.log_path = answers, log
        self.done = _load(log)
        end = max((int(r["end"]) for r in self.done.values()), default=0)
        self.out = open(answers, "r+b" if answers.exists() else "wb")  # noqa: SIM115
        self.out.truncate(end)
        self.out.seek(end)
        self.log = open(log, "a")  # noqa: SIM115
        self.counts: Counter[str] = Counter()
        self.planned = 0

    def close(self) -> None:
        self.out.close()
        self.log.close()

    def run(self, requests: list[Request], get: Get, keep: Keep = lambda doc: doc) -> None:
        """Ask what is not done yet; save what ``keep`` makes of each answer."""
        self.planned += len(requests)
        for req in requests:
            if req.key in self.done:
                self.counts["requests_resumed"] += 1
                self._tick()
                continue
            url, body = get(req)
            self.counts["requests"] += 1
            record: dict[str, Any] = {"key": req.key, "url": url, "status": 404, "bytes": 0}
            if body is None:
                self.counts["not_found"] += 1
            else:
                record |= {"status": 200, "bytes": len(body)}
                record["sha256"] = hashlib.sha256(body).hexdigest()
                self._save(body, record, keep)
            record["end"] = self.out.tell()
            self.log.write(json.dumps(record) + "\n")
            self.log.flush()
            self.done[req.key] = record
            self._tick()

    def _save(self, body: bytes, record: dict[str, Any], keep: Keep) -> None:
        text = inflate(body)
        try:
            doc = orjson.loads(text) if text is not None and text.strip() else None
        except orjson.JSONDecodeError:
            doc = None
        if doc is None and body.strip():
            record["error"] = "not JSON"
            self.counts["unreadable"] += 1
        kept = None if doc is None else keep(doc)
        if kept is not None:
            self.out.write(orjson.dumps(kept) + b"\n")
            self.out.flush()

    @property
    def assets(self) -> list[dict[str, Any]]:
        """Every request answered, for ``fetches.assets``."""
        return [
            {k: r.get(k) for k in ("url", "status", "bytes", "sha256")} for r in self.done.values()
        ]

    @property
    def found_nothing(self) -> bool:
        """Every request answered 404 (resumed ones included)."""
        return all(r["status"] == 404 for r in self.done.values())

    def ingest(self, store: Store) -> IngestResult | None:
        """The saved answers ingested (None when nothing was saved)."""
        return ingest_file(store, self.answers) if self.answers.stat().st_size else None

    def discard(self) -> None:
        """Remove the work files once the fetch is recorded."""
        self.answers.unlink(missing_ok=True)
        self.log_path.unlink(missing_ok=True)

    def _tick(self) -> None:
        if self.progress is not None:
            self.progress(len(self.done), self.planned, self.counts[self.tally])


def answers_in(path: Path) -> Iterator[object]:
    """The answers saved in a work file."""
    with open(path, "rb") as f:
        for line in f:
            try:
                yield orjson.loads(line)
            except orjson.JSONDecodeError:
                continue
