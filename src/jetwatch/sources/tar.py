"""tar archives: every member read as the file it holds.

A tar (POSIX ustar or GNU, recognised by ``ustar`` at byte 257 of its first
header) is streamed member by member, never extracted to disk: adsb.lol's daily
``globe_history`` release (joined from its split parts, :mod:`jetwatch.parts`), an
ADS-B Exchange sample day, or any bundle of recordings. Each regular member is
decompressed when it is compressed (readsb writes ``trace_full_*.json`` as gzip
whatever the name says), its format is detected from its content like a file's,
and it is read by that format's reader.

Members are read whole, up to :data:`MAX_MEMBER` (64 MiB; a trace is a few MB).
A larger member, a member in no known format (``acas/``), one that needs
a file of its own (Parquet), a nested tar and a damaged compressed member are
rejected by reason (one reject per member, at the member's header offset in the
tar, with its name in the detail), and the rest of the archive is still read. A
record rejected inside a member is reported at the member's offset, its own place
in the detail. Links, directories and devices are skipped.
"""

from __future__ import annotations

import io
import tarfile
from collections.abc import Iterator
from pathlib import Path

from jetwatch.compress import Stream, peek
from jetwatch.errors import UnknownFormatError
from jetwatch.model import POSITIONS_SCHEMA, Batch, Rejects, StateBatch
from jetwatch.parts import Member
from jetwatch.sources.context import ReadContext

NAME = "tar"
MAX_MEMBER = 64 << 20
NEEDS_A_FILE = ("opensky", "opensky_raw", NAME)


def sniff(head: bytes) -> bool:
    return len(head) >= 262 and head[257:262] == b"ustar"


class _ChunkReader(io.RawIOBase):
    """A readable file over a stream's chunks (what tarfile's stream mode reads)."""

    def __init__(self, stream: Stream) -> None:
        self._chunks = stream.chunks()
        self._buffer = memoryview(b"")

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        while not self._buffer:
            chunk = next(self._chunks, None)
            if chunk is None:
                return 0
            self._buffer = memoryview(chunk)
        n = min(len(buffer), len(self._buffer))
        buffer[:n] = self._buffer[:n]
        self._buffer = self._buffer[n:]
        return n


def members(stream: Stream) -> Iterator[tuple[tarfile.TarInfo, bytes | None]]:
    """The regular members of the tar in ``stream`` with their bytes (None when larger
    than :data:`MAX_MEMBER`); stops quietly at a truncated or damaged archive (the
    stream's or the tar's damage is reported by the caller)."""
    fileobj = io.BufferedReader(_ChunkReader(stream), buffer_size=1 << 20)
    try:
        with tarfile.open(fileobj=fileobj, mode="r|") as tar:
            for info in tar:
                if not info.isfile():
                    continue
                if info.size > MAX_MEMBER:
                    yield info, None
                    continue
                handle = tar.extractfile(info)
                yield info, handle.read() if handle is not None else b""
    except (tarfile.TarError, EOFError, OSError) as exc:
        stream.error = stream.error or f"tar archive damaged after {stream.produced:,} bytes: {exc}"


def _refused(info: tarfile.TarInfo, reason: str, why: str) -> StateBatch:
    rejects = Rejects()
    rejects.add(info.offset, reason, info.name.encode()[:200], f"member {info.name}: {why}")
    return StateBatch(POSITIONS_SCHEMA.empty_table(), 1, rejects)


def _located(rejects: Rejects, info: tarfile.TarInfo) -> Rejects:
    """Member rejects placed at the member's offset, their own place in the detail."""
    out = Rejects()
    for k in range(len(rejects)):
        where = (
            f"line {rejects.line[k]}"
            if rejects.line[k] is not None
            else f"offset {rejects.offset[k]}"
        )
        detail = f"member {info.name} {where}: {rejects.detail[k]}"
        out.add(info.offset, rejects.reason[k], rejects.data[k], detail)
    return out


def read(stream: Stream, ctx: ReadContext) -> Iterator[Batch]:
    from jetwatch.sources import detect, reader  # the registry imports this module

    for info, data in members(stream):
        if data is None:
            yield _refused(
                info, "unsupported", f"{info.size:,} bytes, larger than 64 MiB: not read"
            )
            continue
        if not data:
            continue
        source = Member(f"{ctx.path}:{info.name}", data)
        head, _ = peek(source)
        try:
            fmt = detect(source, head)
        except UnknownFormatError as exc:
            yield _refused(info, "unsupported", exc.message)
            continue
        if fmt in NEEDS_A_FILE:
            yield _refused(info, "unsupported", f"a {fmt} file inside a tar: extract it first")
            continue
        inner = Stream(source)
        sub = ReadContext(path=Path(source.name), anchor=ctx.anchor, batch_size=ctx.batch_size)
        for batch in reader(fmt).read(inner, sub):
            batch.rejects = _located(batch.rejects, info)
            yield batch
        if inner.error:
            yield _refused(info, "truncated", inner.error)
