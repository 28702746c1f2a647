"""Time-stamped frames as JSON lines, as jet1090 / rs1090 write them.

One JSON object per line with the time in ``timestamp`` (unix seconds, UTC) and the
hex frame in ``frame`` (``rawmsg``, ``raw`` and ``msg`` are accepted too). Decoded
fields the writer added are ignored: jetwatch decodes the frame itself. Lines that
are not such objects are ``unparsable``, with their line number.
"""

from __future__ import annotations

from collections.abc import Iterator

import orjson

from jetwatch.compress import Stream
from jetwatch.model import FrameBatch, FrameCollector
from jetwatch.sources.context import ReadContext
from jetwatch.sources.lines import line_chunks

NAME = "jsonl"
FRAME_KEYS = ("frame", "rawmsg", "raw", "msg")
TIME_KEYS = ("timestamp", "mintime", "time", "ts")


def _pick(obj: dict[str, object], keys: tuple[str, ...]) -> object:
    return next((obj[k] for k in keys if k in obj), None)


def sniff(head: bytes) -> bool:
    lines = [ln for ln in head.splitlines()[:5] if ln.strip()]
    if not lines or not lines[0].lstrip().startswith(b"{"):
        return False
    try:
        obj = orjson.loads(lines[0])
    except orjson.JSONDecodeError:
        return False
    return isinstance(obj, dict) and _pick(obj, FRAME_KEYS) is not None


def read(stream: Stream, ctx: ReadContext) -> Iterator[FrameBatch]:
    for chunk in line_chunks(stream.chunks()):
        out = FrameCollector()
        for line_no, offset, text in chunk.lines():
            try:
                obj = orjson.loads(text)
                frame = bytes.fromhex(str(_pick(obj, FRAME_KEYS)))
                t = float(_pick(obj, TIME_KEYS))  # type: ignore[arg-type]
                if len(frame) not in (7, 14):
                    raise ValueError(f"{len(frame)}-byte frame")
            except (orjson.JSONDecodeError, ValueError, TypeError, AttributeError) as exc:
                out.rejects.add(offset, "unparsable", text, str(exc)[:80], line=line_no)
            else:
                out.add(frame, t, offset, line_no)
        yield out.batch()
