"""Where the complete records of a live byte stream end.

A TCP read may stop anywhere, mid-line or mid-frame. :func:`complete` gives the
length of the longest prefix made of whole records; the rest waits for the next
read.

- Line formats (AVR, SBS): up to the last ``\\n``.
- Beast: up to the start of the last frame, or to the end when that last frame is
  already whole (its unescaped length matches its type and it does not end inside an
  escape pair), or when it is longer than any frame can be
  (:data:`~jetwatch.sources.beast.MAX_ESCAPED` bytes): that is garbage, given up at
  once and resynchronised after.

A prefix with no record boundary that grows beyond :data:`MAX_PENDING` bytes (a
sender of garbage) is given up whole, to be rejected by the reader.
"""

from __future__ import annotations

import numpy as np

from jetwatch.sources import beast

MAX_PENDING = 1 << 16
TAIL = 4 * beast.MAX_ESCAPED  # bytes scanned for the last frame start


def complete(fmt: str, buf: bytes) -> int:
    """Length of the prefix of ``buf`` that holds only whole records of ``fmt``."""
    if not buf:
        return 0
    cut = _beast(buf) if fmt == "beast" else buf.rfind(b"\n") + 1
    if cut == 0 and len(buf) > MAX_PENDING:
        return len(buf)
    return cut


def _last_start(buf: bytes, tail: int = TAIL) -> int | None:
    """The last frame start of ``buf``, found in its tail when it has one there.

    A start is the last byte of an odd run of 0x1a, so the starts of a tail that
    begins after a byte other than 0x1a are the buffer's own. Reads are small
    and frequent: scanning only the tail keeps this O(1) per read."""
    k = max(0, len(buf) - tail)
    while k > 0 and buf[k - 1] == beast.ESC:
        k -= 1
    _, starts = beast.frame_starts(np.frombuffer(buf, dtype=np.uint8, offset=k))
    if len(starts):
        return k + int(starts[-1])
    if k == 0:
        return None
    _, starts = beast.frame_starts(np.frombuffer(buf, dtype=np.uint8))
    return int(starts[-1]) if len(starts) else None


def _beast(buf: bytes) -> int:
    last = _last_start(buf)
    if last is None:
        return 0
    tail = buf[last:]
    if len(tail) > beast.MAX_ESCAPED:
        return len(buf)
    size = beast.MSG_LEN.get(tail[1]) if len(tail) > 1 else None
    if size is None:
        return last
    run = len(tail) - len(tail.rstrip(b"\x1a"))
    body = tail[2:].replace(b"\x1a\x1a", b"\x1a")
    if run % 2 == 0 and len(body) == 7 + size:
        return len(buf)
    return last
