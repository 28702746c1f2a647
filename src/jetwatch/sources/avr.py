"""AVR raw Mode S text, as dump1090/readsb serve it on TCP port 30002.

One frame per line, hex digits between a start mark and ``;``:

- ``*8D4840D6202CC371C32CE0576098;``: no time stamp.
- ``@0000A1B2C3D4 8D48...;`` (without the space): ``@`` then 12 hex digits of the
  receiver's 48-bit 12 MHz clock, then the frame.
- ``%`` / ``<`` lines (MLAT and signal-level variants, 12 + 2 hex digits of
  prefix) are read like ``@`` lines with their prefix skipped.

Frames are 14 or 28 hex digits. A Mode A/C reply (4 digits) is counted as
``unsupported``. The 12 MHz clock gives relative time only: the first frame is put
at the reader's anchor time (:class:`~jetwatch.sources.context.ReadContext`).
Lines without a clock get the clock of the line before (so a stray ``*`` line in a
clocked file keeps its place); in a file with no clock at all, every frame gets
the anchor time and frames are paired in file order. Blank lines and
``#`` comments are skipped. Anything else is ``unparsable``, with its line number.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import numpy.typing as npt

from jetwatch.compress import Stream
from jetwatch.model import FrameBatch, Rejects
from jetwatch.sources.context import ReadContext
from jetwatch.sources.hexframes import hex_int48, hex_matrix
from jetwatch.sources.lines import line_chunks

NAME = "avr"
CLOCK_HZ = 12e6
RELATIVE_TIME = True  # a receiver clock, no date: an ingest needs --start
_PREFIX = {ord("*"): 0, ord("@"): 12, ord("%"): 12, ord("<"): 14}


def sniff(head: bytes) -> bool:
    lines = [ln.strip() for ln in head.splitlines()[:20] if ln.strip()]
    good = [ln for ln in lines if ln[:1] in (b"*", b"@", b"%", b"<") and ln.endswith(b";")]
    return bool(lines) and len(good) >= max(1, len(lines) // 2)


def read(stream: Stream, ctx: ReadContext) -> Iterator[FrameBatch]:
    clock0: int | None = None
    have_clock = False
    last_clock = 0.0
    for chunk in line_chunks(stream.chunks(), max_line=1 << 16):
        buf = np.frombuffer(chunk.data, dtype=np.uint8)
        starts, ends = chunk.bounds()
        lines = chunk.first_line + np.arange(len(starts), dtype=np.int64)
        length = ends - starts
        first = np.where(length > 0, buf[np.minimum(starts, len(buf) - 1)], 0)
        blank = (length == 0) | (first == ord("#"))
        prefix = np.full(len(starts), -1, dtype=np.int64)
        for mark, skip in _PREFIX.items():
            prefix[first == mark] = skip
        semicolon = buf[np.maximum(ends - 1, 0)] == ord(";")
        hex_start = starts + 1 + np.maximum(prefix, 0)
        hex_len = ends - 1 - hex_start
        framed = ~blank & (prefix >= 0) & semicolon & (hex_len > 0)
        msg, nbytes, ok = hex_matrix(buf, hex_start, np.where(framed, hex_len, 0))
        clock = np.full(len(starts), np.nan)
        timed = (prefix > 0) & (length > prefix)
        if timed.any():
            value, good_clock = hex_int48(buf, starts[timed] + 1)
            if clock0 is None:
                clock0 = int(value[good_clock][0]) if good_clock.any() else 0
            clock[timed] = np.where(good_clock, (value - clock0) / CLOCK_HZ, np.nan)
            ok[np.flatnonzero(timed)[~good_clock]] = False
            have_clock = True
        if have_clock:
            clock, last_clock = _fill_forward(clock, last_clock)
        clock = np.nan_to_num(clock, nan=0.0)
        rejects = Rejects()
        modeac = framed & (hex_len == 4)
        for i in np.flatnonzero(~blank & ~ok).tolist():
            raw = chunk.data[starts[i] : ends[i]]
            reason = "unsupported" if modeac[i] else "unparsable"
            detail = "Mode A/C reply" if modeac[i] else "not an AVR frame"
            rejects.add(chunk.offset + int(starts[i]), reason, raw, detail, line=int(lines[i]))
        keep = slice(None) if ok.all() else np.flatnonzero(ok)
        yield FrameBatch(
            msg=msg[keep],
            nbytes=nbytes[keep],
            time=ctx.anchor + clock[keep],
            offset=chunk.offset + starts[keep],
            line=lines[keep],
            timed=have_clock,
            clock=clock[keep] + (clock0 or 0) / CLOCK_HZ if have_clock else None,
            anchored=False,
            rejects=rejects,
        )


HEX = np.frombuffer(b"0123456789ABCDEF", dtype=np.uint8)


def hex_digits(values: npt.NDArray[np.uint8]) -> npt.NDArray[np.uint8]:
    """(N, k) bytes as (N, 2k) upper-case hex digits."""
    out = np.empty((len(values), values.shape[1] * 2), dtype=np.uint8)
    out[:, 0::2] = HEX[values >> 4]
    out[:, 1::2] = HEX[values & 0xF]
    return out


def format_matrix(
    msg: npt.NDArray[np.uint8],
    nbytes: npt.NDArray[np.integer],
    clock: npt.NDArray[np.integer] | None = None,
) -> bytes:
    """AVR lines for frames given column-wise (``msg`` (N, 14), ``nbytes`` 7 or 14):
    ``*HEX;``, or ``@CLOCK HEX;`` with 12 MHz clocks."""
    n = len(msg)
    digits = hex_digits(msg[:, :14])
    used = np.arange(28)[None, :] < 2 * np.asarray(nbytes)[:, None]
    if clock is None:
        head = np.full((n, 1), ord("*"), dtype=np.uint8)
    else:
        c = np.asarray(clock, dtype=np.uint64)
        shifts = np.arange(5, -1, -1, dtype=np.uint64) * np.uint64(8)
        stamp = ((c[:, None] >> shifts) & np.uint64(0xFF)).astype(np.uint8)
        head = np.concatenate([np.full((n, 1), ord("@"), dtype=np.uint8), hex_digits(stamp)], 1)
    tail = np.tile(np.frombuffer(b";\n", dtype=np.uint8), (n, 1))
    rows = np.concatenate([head, digits, tail], axis=1)
    keep = np.concatenate([np.ones(head.shape, bool), used, np.ones(tail.shape, bool)], axis=1)
    return rows[keep].tobytes()


def format_frames(frames: list[bytes], clock: list[int] | None = None) -> bytes:
    """AVR text for frames: ``*HEX;`` lines, or ``@CLOCK HEX;`` with 12 MHz clocks."""
    msg = np.zeros((len(frames), 14), dtype=np.uint8)
    for row, frame in enumerate(frames):
        msg[row, : len(frame)] = np.frombuffer(frame, dtype=np.uint8)
    nbytes = np.array([len(f) for f in frames], dtype=np.int64)
    stamps = None if clock is None else np.array(clock, dtype=np.int64) & 0xFFFFFFFFFFFF
    return format_matrix(msg, nbytes, stamps)


def _fill_forward(clock: np.ndarray, last: float) -> tuple[np.ndarray, float]:
    """Replace NaN clocks by the previous valid one (``last`` before the first)."""
    idx = np.where(np.isnan(clock), -1, np.arange(len(clock)))
    idx = np.maximum.accumulate(idx) if len(idx) else idx
    filled = np.where(idx >= 0, clock[np.maximum(idx, 0)], last)
    return filled, float(filled[-1]) if len(filled) else last
