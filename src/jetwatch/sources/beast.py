"""Mode-S Beast binary, as dump1090/readsb serve it on TCP port 30005.

Each frame: ``0x1a``, a type byte, a 6-byte big-endian 12 MHz receiver clock, one
signal-level byte, then the message: type ``'1'`` Mode A/C (2 bytes), ``'2'`` Mode S
short (7 bytes), ``'3'`` Mode S long (14 bytes). Any ``0x1a`` inside a frame is sent
twice. Other types (``'4'`` status, ``'5'``…) are skipped and counted ``unsupported``.

Unescaping is column-wise: in each run of ``0x1a`` bytes, pairs are escaped data and
an odd last byte starts a frame. A frame whose length does not reach the next start
exactly is ``bad_length`` (one longer than :data:`MAX_ESCAPED` bytes is given up at
once, never carried to the next block: a frame that never ends costs no memory);
bytes before the first start are ``unparsable``. Offsets name the first byte of the
frame in the (decompressed) file. The 12 MHz clock gives relative time only: the
first frame is put at the reader's anchor time.

:func:`split_frames` also serves hex-encoded Beast frames (one per CSV line).
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import numpy.typing as npt

from jetwatch.compress import Stream
from jetwatch.model import FrameBatch, Rejects
from jetwatch.sources.context import ReadContext

NAME = "beast"
ESC = 0x1A
CLOCK_HZ = 12e6
RELATIVE_TIME = True  # a receiver clock, no date: an ingest needs --start
MSG_LEN = {ord("1"): 2, ord("2"): 7, ord("3"): 14}
_LEN = np.zeros(256, dtype=np.int64)
for _t, _n in MSG_LEN.items():
    _LEN[_t] = _n
I64 = npt.NDArray[np.int64]
MAX_ESCAPED = 2 + 2 * (7 + 14)  # the longest frame on the wire: every byte after the type escaped


def sniff(head: bytes) -> bool:
    if not head.startswith(b"\x1a"):
        return False
    starts = head.count(b"\x1a2") + head.count(b"\x1a3") + head.count(b"\x1a1")
    return starts >= max(1, min(10, len(head) // 40))


def frame_starts(buf: npt.NDArray[np.uint8]) -> tuple[I64, I64]:
    """Positions of the escape bytes to drop (ascending) and of the frame starts in
    ``buf``, found from the 0x1a bytes alone (a few per frame), not per byte."""
    esc = np.flatnonzero(buf == ESC)
    if not len(esc):
        return esc, esc
    new_run = np.concatenate([[True], np.diff(esc) != 1])
    run_start = np.flatnonzero(new_run)
    lengths = np.diff(np.append(run_start, len(esc)))
    run_of = np.cumsum(new_run) - 1
    pos_in_run = np.arange(len(esc)) - run_start[run_of]
    run_len = lengths[run_of]
    last = pos_in_run == run_len - 1
    drop = esc[(pos_in_run % 2 == 1) & ~((run_len % 2 == 1) & last)]
    run_end = esc[run_start] + lengths
    starts = run_end[lengths % 2 == 1] - 1
    return drop, starts


def split_frames(
    buf: npt.NDArray[np.uint8], base_offset: int, final: bool
) -> tuple[dict[str, npt.NDArray], Rejects, int]:
    """Cut an escaped Beast byte buffer into frames.

    Returns columns (``type``, ``clock``, ``signal``, ``msg`` (N, 14), ``nbytes``,
    ``offset``), the rejects, and how many leading bytes were consumed; unless
    ``final``, the bytes from the last frame start on are left for the next call.
    """
    rejects = Rejects()
    drop, starts = frame_starts(buf)
    if not final and len(buf) and buf[-1] == ESC:
        # a run of 0x1a at the very end may go on in the next block: wait for it
        tail = len(buf) - int(np.argmin(buf[::-1] == ESC) or len(buf))
        starts = starts[starts < tail]
    if not final and len(starts) and len(buf) - int(starts[-1]) <= MAX_ESCAPED:
        cut = int(starts[-1])
        starts = starts[:-1]
    else:  # the last frame is whole, or longer than any frame: rejected now, not carried
        cut = len(buf)
    drop = drop[drop < cut]
    u = np.delete(buf[:cut], drop)
    u_start = starts - np.searchsorted(drop, starts)  # where each start is once unescaped
    u_next = np.append(u_start[1:], len(u))
    ftype = np.where(u_start + 1 < len(u), u[np.minimum(u_start + 1, max(len(u) - 1, 0))], 0)
    mlen = _LEN[ftype]
    good = (mlen > 0) & (u_start + 9 + mlen == u_next)
    first = int(starts[0]) if len(starts) else cut
    if first > 0 and buf[:first].any():
        rejects.add(
            base_offset, "unparsable", buf[:first].tobytes()[:64], "bytes before first frame"
        )
    for k in np.flatnonzero(~good).tolist():
        raw = u[u_start[k] : u_next[k]].tobytes()
        known_type = mlen[k] > 0
        reason = "bad_length" if known_type else "unsupported"
        detail = f"Beast type {raw[1:2]!r}" if len(raw) > 1 else "lone 0x1a"
        rejects.add(base_offset + int(starts[k]), reason, raw, detail)
    rows = np.flatnonzero(good)
    s = u_start[rows]
    clock = np.zeros(len(rows), dtype=np.int64)
    for k in range(6):
        clock = (clock << 8) | u[s + 2 + k].astype(np.int64)
    msg = np.zeros((len(rows), 14), dtype=np.uint8)
    nbytes = mlen[rows].astype(np.uint8)
    for width in (2, 7, 14):
        w = np.flatnonzero(nbytes == width)
        if len(w):
            msg[w, :width] = u[s[w, None] + 9 + np.arange(width)]
    cols = {
        "type": ftype[rows],
        "clock": clock,
        "signal": u[s + 8] if len(rows) else np.empty(0, np.uint8),
        "msg": msg,
        "nbytes": nbytes,
        "offset": base_offset + starts[rows],
    }
    return cols, rejects, cut


def read(stream: Stream, ctx: ReadContext) -> Iterator[FrameBatch]:
    carry = b""
    consumed = 0
    clock0: int | None = None
    blocks = stream.chunks()
    done = False
    while not done:
        block = next(blocks, None)
        done = block is None
        data = carry + (block or b"")
        if not data:
            break
        buf = np.frombuffer(data, dtype=np.uint8)
        cols, rejects, cut = split_frames(buf, consumed, final=done)
        consumed += cut
        carry = data[cut:]
        modeac = cols["nbytes"] == 2
        for k in np.flatnonzero(modeac).tolist():
            rejects.add(
                int(cols["offset"][k]), "unsupported", cols["msg"][k, :2].tobytes(), "Mode A/C"
            )
        keep = np.flatnonzero(~modeac)
        if clock0 is None and len(keep):
            clock0 = int(cols["clock"][keep[0]])
        yield FrameBatch(
            msg=cols["msg"][keep],
            nbytes=cols["nbytes"][keep],
            time=ctx.anchor + (cols["clock"][keep] - (clock0 or 0)) / CLOCK_HZ,
            offset=cols["offset"][keep],
            clock=cols["clock"][keep] / CLOCK_HZ,
            anchored=False,
            rejects=rejects,
        )


def encode_matrix(
    msg: npt.NDArray[np.uint8],
    nbytes: npt.NDArray[np.integer],
    clock: npt.NDArray[np.integer],
    signal: npt.ArrayLike = 0x80,
) -> bytes:
    """Beast binary for frames given column-wise: ``msg`` (N, 14) bytes, of which the
    first ``nbytes`` (2, 7 or 14) are used, 12 MHz clocks, signal levels; escaped."""
    return encode_rows(msg, nbytes, clock, signal)[0]


def encode_rows(
    msg: npt.NDArray[np.uint8],
    nbytes: npt.NDArray[np.integer],
    clock: npt.NDArray[np.integer],
    signal: npt.ArrayLike = 0x80,
) -> tuple[bytes, I64]:
    """:func:`encode_matrix`, and the end offset of each frame in the bytes."""
    n = len(msg)
    clock = np.asarray(clock, dtype=np.uint64)
    shifts = np.arange(5, -1, -1, dtype=np.uint64) * np.uint64(8)
    stamp = ((clock[:, None] >> shifts) & np.uint64(0xFF)).astype(np.uint8)
    level = np.broadcast_to(np.asarray(signal, dtype=np.uint8), (n,))[:, None]
    body = np.concatenate([stamp, level, msg[:, :14]], axis=1)
    used = np.ones(body.shape, dtype=bool)
    used[:, 7:] = np.arange(14)[None, :] < np.asarray(nbytes)[:, None]
    kind = np.select(
        [np.asarray(nbytes) == 14, np.asarray(nbytes) == 7], [ord("3"), ord("2")], ord("1")
    )
    head = np.stack([np.full(n, ESC, dtype=np.uint8), kind.astype(np.uint8)], axis=1)
    copies = used.astype(np.int64) + (used & (body == ESC))
    rows = np.concatenate([head, body], axis=1)
    copies = np.concatenate([np.ones((n, 2), dtype=np.int64), copies], axis=1)
    ends = np.cumsum(copies.sum(axis=1))
    return np.repeat(rows.ravel(), copies.ravel()).tobytes(), ends


def encode(frames: list[bytes], clock: list[int], signal: int = 0x80) -> bytes:
    """Beast binary for Mode S frames (7 or 14 bytes) with 12 MHz clocks, escaped."""
    msg = np.zeros((len(frames), 14), dtype=np.uint8)
    for row, frame in enumerate(frames):
        msg[row, : len(frame)] = np.frombuffer(frame, dtype=np.uint8)
    nbytes = np.array([len(f) for f in frames], dtype=np.int64)
    return encode_matrix(msg, nbytes, np.array(clock, dtype=np.int64) & 0xFFFFFFFFFFFF, signal)
