"""Split a decompressed byte stream into chunks of whole lines, with positions.

Each chunk ends at a newline (except the last one, when the file does not end with
one), and comes with the byte offset of its first byte in the decompressed stream
and the 1-based number of its first line, so readers can name where a bad record is.
A single line longer than ``max_line`` is cut there rather than held in memory.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt


@dataclass
class LineChunk:
    data: bytes
    offset: int  # byte offset of data[0] in the decompressed stream
    first_line: int  # 1-based line number of the first line in data

    def lines(self) -> Iterator[tuple[int, int, bytes]]:
        """``(line number, byte offset, text)`` of every non-blank line, without ``\r\n``."""
        offset = self.offset
        for k, raw in enumerate(self.data.split(b"\n")):
            text = raw.rstrip(b"\r")
            if text.strip():
                yield self.first_line + k, offset, text
            offset += len(raw) + 1

    def bounds(self) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
        """Start and end (exclusive, without ``\\r\\n``) of every line in the chunk."""
        buf = np.frombuffer(self.data, dtype=np.uint8)
        nl = np.flatnonzero(buf == 10)
        ends = nl if len(buf) and buf[-1] == 10 else np.append(nl, len(buf))
        starts = np.concatenate([[0], nl + 1])[: len(ends)].astype(np.int64)
        ends = ends.astype(np.int64)
        cr = (ends > starts) & (buf[np.maximum(ends - 1, 0)] == 13)
        return starts, ends - cr


def line_chunks(blocks: Iterable[bytes], max_line: int = 1 << 20) -> Iterator[LineChunk]:
    carry = b""
    offset = 0
    line = 1
    for block in blocks:
        data = carry + block if carry else block
        cut = data.rfind(b"\n") + 1
        if cut == 0 and len(data) > max_line:
            cut = len(data)
        if cut == 0:
            carry = data
            continue
        yield LineChunk(data[:cut], offset, line)
        offset += cut
        line += data.count(b"\n", 0, cut)
        carry = data[cut:]
    if carry:
        yield LineChunk(carry, offset, line)
