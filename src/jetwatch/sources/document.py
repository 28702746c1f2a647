"""JSON documents: readsb traces, ``aircraft.json`` snapshots, aggregator API answers.

A file is either one document (compact or pretty-printed) or one document per line
(snapshots or answers as ``jetwatch listen`` and ``fetch`` archive them): it is the
latter when its first line alone is a whole JSON object or array and more lines
follow. A single
document is parsed at once, so it is read with a cap of :data:`MAX_DOCUMENT`
decompressed bytes: a real trace or snapshot is a few MB, and a larger one (or a
decompression bomb) is refused without being held. Lines are streamed, each up to
the same cap. A UTF-8 byte-order mark before the first document is skipped.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import orjson

from jetwatch.compress import Stream
from jetwatch.sources.lines import BOM, line_chunks

MAX_DOCUMENT = 64 << 20


@dataclass
class Document:
    """One parsed document, or why it could not be (``doc`` is None then)."""

    offset: int  # in the decompressed stream
    line: int | None  # 1-based, for a document per line
    doc: object = None
    raw: bytes = b""
    error: str | None = None


def read_document(stream: Stream, limit: int = MAX_DOCUMENT) -> tuple[bytes, str | None]:
    """The whole stream's bytes, or ``b""`` and why it was refused."""
    return _joined(stream.chunks(), limit)


def _joined(chunks: Iterable[bytes], limit: int) -> tuple[bytes, str | None]:
    parts: list[bytes] = []
    size = 0
    for chunk in chunks:
        size += len(chunk)
        if size > limit:
            return b"", f"larger than {limit >> 20} MiB: not read"
        parts.append(chunk)
    return b"".join(parts).removeprefix(BOM), None


def one_per_line(head: bytes) -> bool:
    """Whether content starting with ``head`` holds one JSON document per line."""
    head = head.removeprefix(BOM).lstrip()
    first, _, rest = head.partition(b"\n")
    if not rest.strip():
        return False
    try:
        return isinstance(orjson.loads(first), dict | list)
    except orjson.JSONDecodeError:
        return False


def documents(stream: Stream) -> Iterator[list[Document]]:
    """The documents of a file, in groups (one group per chunk of lines)."""
    chunks = iter(stream.chunks())
    head = next(chunks, b"")
    chunks = itertools.chain([head], chunks)
    if not one_per_line(head):
        data, refused = _joined(chunks, MAX_DOCUMENT)
        try:
            if refused is None:
                yield [Document(0, None, orjson.loads(data))]
                return
        except orjson.JSONDecodeError as exc:
            refused = str(exc)
        yield [Document(0, None, raw=data[:200], error=refused)]
        return
    for chunk in line_chunks(chunks, max_line=MAX_DOCUMENT):
        group = []
        for line, offset, text in chunk.lines():
            try:
                group.append(Document(offset, line, orjson.loads(text)))
            except orjson.JSONDecodeError as exc:
                group.append(Document(offset, line, raw=text, error=str(exc)[:80]))
        yield group
