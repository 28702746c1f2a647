"""adsb.lol's ``globe_history``: a day of the world's traces, cut to one area.

adsb.lol publishes each UTC day as a GitHub release of the repository
``adsblol/globe_history_<YEAR>``, tagged ``v<YYYY.MM.DD>-planes-readsb-prod-0``
(or ``…-staging-0`` when only the staging feed was archived). Its assets are one
tar split into parts, ``<tag>.tar.aa``, ``<tag>.tar.ab``, … Inside is readsb's
globe_history tree: ``traces/<xx>/trace_full_<hex>.json`` (gzip), ``heatmap/``,
``acas/``. Licence: ODbL 1.0; cite adsb.lol.

:func:`fetch_day`:

1. finds the day's release through the GitHub API (prod, else staging; the
   result says which, and a day with neither is ``missing``, not an error);
2. streams the parts as one tar (:mod:`.remote`: Range requests, size checks,
   copies kept with ``keep``), keeping the traces that enter the box that day
   (:mod:`.globe`), into a small tar beside the store; nothing else is written;
3. ingests that tar (:mod:`jetwatch.ingest`: archived, hashed, idempotent), and
   merges what the traces say of their aircraft (registration, type, flags) into
   the registry where it has nothing (:mod:`jetwatch.reference.traces`), so that
   departures get a class without a registry import;
4. records the provenance in the store's ``fetches`` table.

A fetch killed part-way (Ctrl-C, a lost connection) leaves a checkpoint: the same
command resumes at the member it stopped at. A day already fetched for the same
area is skipped unless ``refresh``. ``--mirror URL`` replaces both GitHub hosts,
so the same paths are asked of a local copy (``/repos/<owner>/<repo>/releases/
tags/<tag>`` and ``/<owner>/<repo>/releases/download/<tag>/<asset>``).
"""

from __future__ import annotations

import datetime as dt
import gzip
import io
import json
import os
import re
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from jetwatch.fetch.globe import Checkpoint, filter_tar, finish
from jetwatch.fetch.http import Client, FetchError, NotFound
from jetwatch.fetch.provenance import Terms, earlier, slug, work_dir
from jetwatch.fetch.remote import Asset, RemoteParts
from jetwatch.fetch.window import Box, span
from jetwatch.ingest import IngestResult, ingest_file
from jetwatch.reference.registry import import_file
from jetwatch.store.db import Store

SOURCE = "adsblol"
OWNER = "adsblol"
API = "https://api.github.com"
WEB = "https://github.com"
KINDS = ("prod", "staging")
LICENCE = "ODbL-1.0"
ATTRIBUTION = "adsb.lol (https://adsb.lol), Open Database License (ODbL) 1.0"
TERMS = Terms(SOURCE, LICENCE, ATTRIBUTION)

SIMULATED = "SIMULATED DATA: the fetched traces say jetwatch's simulator made them"

Progress = Callable[[int, int, int], None]  # (archive bytes read, total, traces kept)


@dataclass(frozen=True)
class Release:
    repo: str
    tag: str
    kind: str  # "prod" or "staging"
    assets: list[Asset]

    @property
    def size(self) -> int:
        return sum(a.size for a in self.assets)


@dataclass
class FetchResult:
    """What one day's fetch did."""

    day: dt.date
    status: str  # "fetched", "skipped" (already), "missing" (no release), "failed"
    release: Release | None = None
    counts: dict[str, int] = field(default_factory=dict)
    downloaded: int = 0
    resumed_at: int = 0
    ingest: IngestResult | None = None
    error: str | None = None
    seconds: float = 0.0


def tag(day: dt.date, kind: str) -> str:
    return f"v{day:%Y.%m.%d}-planes-readsb-{kind}-0"


def _headers() -> dict[str, str]:
    head = {"Accept": "application/vnd.github+json"}
    token = os.environ.get("GITHUB_TOKEN")
    if token:  # lifts GitHub's 60 requests/hour; never printed
        head["Authorization"] = f"Bearer {token}"
    return head


def find_release(client: Client, day: dt.date, api: str = API, web: str = WEB) -> Release:
    """The day's release, prod else staging; :class:`NotFound` when neither exists."""
    repo = f"{OWNER}/globe_history_{day.year}"
    tried = []
    for kind in KINDS:
        name = tag(day, kind)
        tried.append(name)
        try:
            doc = client.json(f"{api}/repos/{repo}/releases/tags/{name}", headers=_headers())
        except NotFound:
            continue
        parts = [
            a
            for a in (doc or {}).get("assets", [])
            if re.fullmatch(rf"{re.escape(name)}\.tar\.[a-z]{{2}}", str(a.get("name")))
        ]
        if not parts:
            raise FetchError(f"release {name} has no {name}.tar.aa, .ab, … parts", where=repo)
        assets = sorted(
            (
                Asset(
                    str(a["name"]),
                    int(a["size"]),
                    f"{web}/{repo}/releases/download/{name}/{a['name']}",
                    a.get("digest"),
                )
                for a in parts
            ),
            key=lambda a: a.name,
        )
        return Release(repo, name, kind, assets)
    raise NotFound(f"no adsb.lol release for {day} (tried {', '.join(tried)})", where=repo)


def _resume(state: Path, release: Release) -> Checkpoint:
    try:
        doc = json.loads(state.read_text())
    except (OSError, ValueError):
        return Checkpoint()
    if doc.get("assets") != [[a.name, a.size] for a in release.assets]:
        return Checkpoint()  # the release changed: start again
    return Checkpoint(int(doc["offset"]), int(doc["out_size"]), Counter(doc["counts"]))


def _saver(state: Path, release: Release) -> Callable[[Checkpoint], None]:
    def save(cp: Checkpoint) -> None:
        tmp = state.with_name(state.name + ".tmp")
        doc = {
            "assets": [[a.name, a.size] for a in release.assets],
            "offset": cp.offset,
            "out_size": cp.out_size,
            "counts": dict(cp.counts),
        }
        tmp.write_text(json.dumps(doc))
        os.replace(tmp, state)

    return save


def fetch_day(
    store: Store,
    day: dt.date,
    box: Box,
    *,
    client: Client,
    api: str = API,
    web: str = WEB,
    keep: Path | None = None,
    heatmaps: bool = False,
    refresh: bool = False,
    progress: Progress | None = None,
) -> FetchResult:
    """Fetch one day for one box (see the module); raises only for Ctrl-C."""
    began = time.perf_counter()
    result = FetchResult(day, "failed")
    try:
        result.release = release = find_release(client, day, api, web)
    except NotFound as exc:
        result.status, result.error = "missing", exc.message
        return result
    except FetchError as exc:
        result.error = str(exc)
        return result
    area = box.name
    if not refresh and (done := earlier(store, SOURCE, release.tag, area)) is not None:
        result.status = "skipped"
        result.ingest = IngestResult(path=Path(release.tag), status="skipped", ingest_id=done[0])
        return result
    work = work_dir(store)
    work.mkdir(parents=True, exist_ok=True)
    stem = f"{release.tag}.{slug(area)}"
    out_path, state = work / f"{stem}.tar", work / f"{stem}.json"
    resume = _resume(state, release) if out_path.exists() else Checkpoint()
    result.resumed_at = resume.offset
    if keep is not None:
        keep.mkdir(parents=True, exist_ok=True)
    remote = RemoteParts(client, release.assets, resume.offset, keep)
    try:
        counts = _filter(
            remote, out_path, box, day, heatmaps, resume, _saver(state, release), progress
        )
    except FetchError as exc:
        result.error = str(exc)
        return result
    finally:
        remote.close()
        result.downloaded = remote.downloaded
        result.seconds = time.perf_counter() - began
    result.counts = dict(counts)
    if counts["traces_kept"] or counts["heatmaps_kept"]:
        result.ingest = ingest_file(store, out_path)
        if not result.ingest.read_anything:
            result.error = result.ingest.error
            return result
    if result.ingest is not None and counts["simulated"] and result.ingest.ingest_id is not None:
        store.set_label([result.ingest.ingest_id], SIMULATED)
    if counts["traces_kept"]:  # the traces' own r, t, dbFlags: a class where no registry has one
        facts = import_file(store, out_path, "readsb_traces")
        result.counts["aircraft_facts"] = facts.merged
    _record(store, result, release, box, remote, api)
    out_path.unlink(missing_ok=True)
    state.unlink(missing_ok=True)
    result.status = "fetched"
    result.seconds = time.perf_counter() - began
    return result


class _Counting:
    """A readable stream that reports its progress."""

    def __init__(
        self, source: BinaryIO, remote: RemoteParts, kept: Callable[[], int], progress: Progress
    ) -> None:
        self.source, self.remote, self.kept, self.progress = source, remote, kept, progress
        self.last = 0.0

    def read(self, n: int = -1) -> bytes:
        data = self.source.read(n)
        now = time.monotonic()
        if now - self.last > 0.2 or not data:
            self.last = now
            self.progress(self.remote.position, self.remote.total, self.kept())
        return data


def _filter(
    remote: RemoteParts,
    out_path: Path,
    box: Box,
    day: dt.date,
    heatmaps: bool,
    resume: Checkpoint,
    save: Callable[[Checkpoint], None],
    progress: Progress | None,
) -> Counter[str]:
    start, end = span(day)
    buffered = io.BufferedReader(remote, buffer_size=1 << 20)
    resumable = buffered.peek(2)[:2] != b"\x1f\x8b"
    source: Any = buffered
    if progress is not None:
        source = _Counting(buffered, remote, lambda: resume.counts["traces_kept"], progress)
    if not resumable:  # a gzip-compressed tar cannot be entered mid-way: start again
        if resume.offset:
            raise FetchError("a compressed release cannot resume; remove the checkpoint")
        source = gzip.GzipFile(fileobj=source)
    mode = "r+b" if resume.out_size else "wb"
    with open(out_path, mode) as out:
        out.truncate(resume.out_size)
        out.seek(resume.out_size)
        cp = filter_tar(
            source,
            out,
            box,
            start,
            end,
            heatmaps=heatmaps,
            resume=resume,
            save=save if resumable else None,
        )
        finish(out)
    while buffered.read(1 << 20):  # the archive's padding: every part read, sized, hashed
        pass
    return cp.counts


def _record(
    store: Store, result: FetchResult, release: Release, box: Box, remote: RemoteParts, api: str
) -> None:
    assets: list[dict[str, Any]] = [
        {
            "name": a.name,
            "size": a.size,
            "url": a.url,
            "sha256": remote.hashes.get(a.name),
            "published_digest": a.digest,
        }
        for a in release.assets
    ]
    unhashed = [a["name"] for a in assets if a["sha256"] is None]
    note = (
        f"{release.kind} release; resumed at byte {result.resumed_at:,}: "
        f"{', '.join(unhashed)} not hashed (entered mid-way)"
        if unhashed
        else f"{release.kind} release"
    )
    counts = {**result.counts, "downloaded_bytes": result.downloaded}
    TERMS.cite(
        store,
        release=release.tag,
        day=result.day,
        box=box,
        url=f"{api}/repos/{release.repo}/releases/tags/{release.tag}",
        assets=assets,
        counts=counts,
        ingest=result.ingest,
        note=note,
    )
