"""Where fetches work, and what they record: one row of ``fetches`` per source,
release and area (see docs/store.md), which reports cite."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jetwatch import __version__
from jetwatch.fetch.window import Box
from jetwatch.ingest import IngestResult
from jetwatch.store.db import Store


@dataclass(frozen=True)
class Fetched:
    """One fetch's provenance: what was asked, of whom, under which terms."""

    source: str
    release: str  # the release tag, or the day and what was asked of an API
    day: dt.date
    area: str
    url: str
    assets: list[dict[str, Any]]  # per file or request: name/url, size, SHA-256, …
    licence: str
    attribution: str
    counts: dict[str, Any]
    ingest_id: int | None
    note: str


def work_dir(store: Store) -> Path:
    """Where fetches in progress keep their checkpoints and output: beside the store."""
    return store.path.with_name(store.path.stem + "-fetch")


def slug(text: str) -> str:
    """``text`` as a file name's part."""
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in text)[:80]


def earlier(store: Store, source: str, release: str, area: str) -> tuple[int | None] | None:
    """An earlier fetch of this release for this area: (its ingest, None when nothing
    was kept), or None when there was none."""
    rows = store.con.execute(
        "SELECT ingest_id FROM fetches WHERE source = ? AND release = ? AND area = ?",
        [source, release, area],
    ).fetchall()
    return None if not rows else (None if rows[0][0] is None else int(rows[0][0]),)


def already(store: Store, source: str, release: str, area: str) -> IngestResult | None:
    """A skipped result when this release was fetched for this area before."""
    done = earlier(store, source, release, area)
    if done is None:
        return None
    return IngestResult(path=Path(release), status="skipped", ingest_id=done[0])


def work_files(store: Store, prefix: str, release: str, area: str) -> tuple[Path, Path]:
    """The answers file and request log of a fetch in progress."""
    work = work_dir(store)
    work.mkdir(parents=True, exist_ok=True)
    stem = f"{prefix}.{slug(release)}.{slug(area)}"
    return work / f"{stem}.jsonl", work / f"{stem}.done"


@dataclass(frozen=True)
class Terms:
    """Who a source is and the terms its data comes under (every fetch cites them)."""

    source: str
    licence: str
    attribution: str

    def cite(
        self,
        store: Store,
        *,
        release: str,
        day: dt.date,
        box: Box,
        url: str,
        assets: list[dict[str, Any]],
        counts: dict[str, Any],
        ingest: IngestResult | None,
        note: str,
    ) -> None:
        """Record a fetch from this source for the area ``box`` (:func:`record`)."""
        f = Fetched(self.source, release, day, box.name, url, assets, self.licence,
                    self.attribution, {**counts, "box": box.text},
                    None if ingest is None else ingest.ingest_id, note)  # fmt: skip
        record(store, f)


def record(store: Store, f: Fetched) -> None:
    store.con.execute(
        "INSERT OR REPLACE INTO fetches VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            f.source,
            f.release,
            f.day,
            f.area,
            f.url,
            json.dumps(f.assets),
            f.licence,
            f.attribution,
            json.dumps(f.counts),
            f.ingest_id,
            dt.datetime.now(dt.UTC).replace(tzinfo=None),
            __version__,
            f.note,
        ],
    )
