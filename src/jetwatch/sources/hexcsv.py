"""Time-stamped hex frames, one per CSV line: ``unix_time,hex[,…]``.

This is how pyModeS and rs1090 ship their samples: ``1457996400,"8D40…",…``
(pyModeS; extra columns ignored, quotes allowed, a UTF-8 BOM allowed) and
``1698140962.119813,1a33000023bb…`` (rs1090: a hex-encoded Beast frame, unescaped,
whose clock and signal bytes are dropped in favour of the CSV time). The first
column that holds a number is the time (unix seconds, UTC); the first that holds 14
or 28 hex digits (or a ``1a``-prefixed Beast frame) is the frame; a column of six
hex digits, if any, is the address the recorder attributed the frame to, which lets
address/parity frames (DF0/4/5/16/20/21) be checked without a DF11/17 of the same
aircraft. Lines that match none of this are ``unparsable``, with their line number.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from jetwatch.compress import Stream
from jetwatch.model import FrameBatch, FrameCollector
from jetwatch.sources.context import ReadContext
from jetwatch.sources.lines import line_chunks

NAME = "hexcsv"
_TIME = re.compile(rb"^\d{9,10}(\.\d*)?$")
_HEX = re.compile(rb"^([0-9A-Fa-f]{14}|[0-9A-Fa-f]{28})$")
_BEAST = re.compile(rb"^1[aA]3[23]([0-9A-Fa-f]{28}|[0-9A-Fa-f]{42})$")
_ADDR = re.compile(rb"^[0-9A-Fa-f]{6}$")
BOM = b"\xef\xbb\xbf"


def _columns(line: bytes) -> tuple[int, int, int | None] | None:
    """Indexes of the time, frame and (optional) address columns of a line."""
    cells = [c.strip().strip(b'"') for c in line.removeprefix(BOM).split(b",")]
    t = next((i for i, c in enumerate(cells) if _TIME.match(c)), None)
    h = next((i for i, c in enumerate(cells) if _HEX.match(c) or _BEAST.match(c)), None)
    a = next((i for i, c in enumerate(cells) if _ADDR.match(c)), None)
    return None if t is None or h is None else (t, h, a)


def _address(cell: bytes) -> int:
    if not _ADDR.match(cell):
        raise ValueError("the address column is not 6 hex digits")
    return int(cell, 16)


def sniff(head: bytes) -> bool:
    lines = [ln for ln in head.splitlines()[:20] if ln.strip()]
    return bool(lines) and sum(_columns(ln) is not None for ln in lines) >= max(1, len(lines) // 2)


def read(stream: Stream, ctx: ReadContext) -> Iterator[FrameBatch]:
    cols: tuple[int, int, int | None] | None = None
    for chunk in line_chunks(stream.chunks(), max_line=1 << 16):
        out = FrameCollector()
        for line_no, offset, text in chunk.lines():
            if text.startswith(b"#"):
                continue
            cells = [c.strip().strip(b'"') for c in text.removeprefix(BOM).split(b",")]
            if cols is None:
                cols = _columns(text)
            try:
                if cols is None:
                    raise ValueError("no time and hex frame columns")
                if not _TIME.match(cells[cols[0]]):
                    raise ValueError("the time column is not unix seconds")
                t = float(cells[cols[0]])
                frame = bytes.fromhex(cells[cols[1]].decode("ascii"))
                if frame[:1] == b"\x1a":
                    frame = frame[9:]
                if len(frame) not in (7, 14):
                    raise ValueError(f"{len(frame)} bytes")
                address = -1 if cols[2] is None else _address(cells[cols[2]])
            except (IndexError, ValueError, UnicodeDecodeError) as exc:
                out.rejects.add(offset, "unparsable", text, str(exc)[:80], line=line_no)
            else:
                out.add(frame, t, offset, line_no, address)
        yield out.batch()
