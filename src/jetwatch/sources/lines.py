"""Split a decompressed byte stream into chunks of whole lines, with positions.

Each chunk ends at a newline (except the last one, when the file does not end with
one), and comes with the byte offset of its first byte in the decompressed stream
and the 1-based number of its first line, so readers can name where a bad record is.
A single line longer than ``max_line`` is cut there rather than held in memory. A
UTF-8 byte-order mark at the start of the stream is skipped (offsets still count it).
Blank lines are found column-wise, so a flood of them costs no Python loop, and a
chunk of white space only is never handed to a reader.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

BOM = b"\xef\xbb\xbf"
_SPACE = np.zeros(256, dtype=bool)
_SPACE[list(b" \t\r\n\v\f")] = True


def newlines(data: bytes, end: int | None = None) -> int:
    """How many ``\n`` bytes ``data[:end]`` holds (numpy counts about three times as
    fast as ``bytes.count``, which was half the time of cutting a CSV into chunks)."""
    return int(np.count_nonzero(np.frombuffer(data, dtype=np.uint8)[:end] == 10))


@dataclass
class LineChunk:
    data: bytes
    offset: int  # byte offset of data[0] in the decompressed stream
    first_line: int  # 1-based line number of the first line in data

    def lines(self) -> Iterator[tuple[int, int, bytes]]:
        """``(line number, byte offset, text)`` of every non-blank line, without ``\r\n``."""
        if newlines(self.data) * 8 > len(self.data):  # mostly blank: find the ink
            yield from self._sparse_lines()
            return
        starts, ends = self.bounds()
        for k in np.flatnonzero(self.filled(starts, ends)).tolist():
            a, b = int(starts[k]), int(ends[k])
            yield self.first_line + k, self.offset + a, self.data[a:b]

    def _sparse_lines(self) -> Iterator[tuple[int, int, bytes]]:
        buf = np.frombuffer(self.data, dtype=np.uint8)
        ink = np.flatnonzero(~_SPACE[buf])
        if not len(ink):
            return
        nl = np.flatnonzero(buf == 10)
        for k in np.unique(np.searchsorted(nl, ink)).tolist():
            a = int(nl[k - 1]) + 1 if k else 0
            b = int(nl[k]) if k < len(nl) else len(buf)
            yield self.first_line + k, self.offset + a, self.data[a:b].rstrip(b"\r")

    def filled(
        self, starts: npt.NDArray[np.int64], ends: npt.NDArray[np.int64]
    ) -> npt.NDArray[np.bool_]:
        """Which lines hold anything but white space."""
        buf = np.frombuffer(self.data, dtype=np.uint8)
        ink = np.concatenate([[0], np.cumsum(~_SPACE[buf], dtype=np.int64)])
        return ink[ends] > ink[starts]

    def bounds(self) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
        """Start and end (exclusive, without ``\\r\\n``) of every line in the chunk."""
        buf = np.frombuffer(self.data, dtype=np.uint8)
        nl = np.flatnonzero(buf == 10)
        ends = nl if len(buf) and buf[-1] == 10 else np.append(nl, len(buf))
        starts = np.concatenate([[0], nl + 1])[: len(ends)].astype(np.int64)
        ends = ends.astype(np.int64)
        cr = (ends > starts) & (buf[np.maximum(ends - 1, 0)] == 13)
        return starts, ends - cr


def line_chunks(
    blocks: Iterable[bytes], max_line: int = 1 << 20, skip_blank: bool = True
) -> Iterator[LineChunk]:
    carry = b""
    offset = 0
    line = 1
    head: bytes | None = b""  # the stream's first bytes, until there are enough to tell a BOM
    for block in blocks:
        if head is not None:
            head += block
            if len(head) < len(BOM) and BOM.startswith(head):
                continue  # a BOM may be cut across reads
            block, head = head, None
            if block.startswith(BOM):
                block, offset = block[3:], 3
        data = carry + block if carry else block
        cut = data.rfind(b"\n") + 1
        if cut == 0 and len(data) > max_line:
            cut = len(data)
        if cut == 0:
            carry = data
            continue
        if not skip_blank or data[:cut].strip():  # white space only: counted, not handed on
            yield LineChunk(data[:cut], offset, line)
        offset += cut
        line += newlines(data, cut)
        carry = data[cut:]
    carry = head or carry  # a stream shorter than a BOM, and a prefix of one
    if carry:
        yield LineChunk(carry, offset, line)
