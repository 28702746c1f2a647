"""Read plain, gzip, bzip2, xz or zstandard files as one stream of bytes.

The compression is recognised by its magic number, never by the file name:
``1f 8b`` gzip, ``BZh`` bzip2, ``fd 37 7a 58 5a 00`` xz, ``28 b5 2f fd`` zstandard.
Decompression is incremental and bounded: no chunk holds more than
:data:`OUT_SIZE` decompressed bytes, however much the input expands, so memory stays
bounded whatever the file (a 1 MB gzip of 1 GiB of newlines included). A damaged or
truncated stream ends the stream early instead of raising: everything decoded before
the damage is still delivered, and :attr:`Stream.error` says what and where.
Concatenated gzip members (as ``cat a.gz b.gz`` makes) are read one after another.
"""

from __future__ import annotations

import bz2
import lzma
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO, Protocol

import zstandard

from jetwatch.parts import Input, Member, Parts, fspath, open_input, size_of

MAGIC = {
    b"\x1f\x8b": "gz",
    b"BZh": "bz2",
    b"\xfd7zXZ\x00": "xz",
    b"\x28\xb5\x2f\xfd": "zst",
}
READ_SIZE = 1 << 22
OUT_SIZE = 1 << 22  # most decompressed bytes one chunk may hold
ZSTD_PIECE = 128  # zstd input fed at a time: 32 RLE blocks at most, 4 MiB out
ERRORS = (OSError, EOFError, ValueError, zlib.error, lzma.LZMAError, zstandard.ZstdError)


def sniff_compression(head: bytes) -> str:
    """Name the compression of a stream from its first bytes ('none' when plain)."""
    for magic, name in MAGIC.items():
        if head.startswith(magic):
            return name
    return "none"


class _Decompressor(Protocol):
    """One compressed member: ``feed`` yields its output in pieces of at most
    ``limit`` bytes, however much the input expands."""

    eof: bool
    unused_data: bytes

    def feed(self, data: bytes, limit: int) -> Iterator[bytes]: ...


class _Zlib:
    def __init__(self) -> None:
        self._obj = zlib.decompressobj(16 + zlib.MAX_WBITS)
        self.eof = False
        self.unused_data = b""

    def feed(self, data: bytes, limit: int) -> Iterator[bytes]:
        while data and not self._obj.eof:
            yield self._obj.decompress(data, limit)
            data = self._obj.unconsumed_tail
        self.eof, self.unused_data = self._obj.eof, self._obj.unused_data


class _Buffered:
    """bz2 and xz, whose objects keep unread input themselves (``needs_input``)."""

    def __init__(self, obj: bz2.BZ2Decompressor | lzma.LZMADecompressor) -> None:
        self._obj = obj
        self.eof = False
        self.unused_data = b""

    def feed(self, data: bytes, limit: int) -> Iterator[bytes]:
        yield self._obj.decompress(data, limit)
        while not self._obj.eof and not self._obj.needs_input:
            yield self._obj.decompress(b"", limit)
        self.eof, self.unused_data = self._obj.eof, self._obj.unused_data


class _Zstd:
    """zstandard's decompressobj has no output limit: input goes in small pieces."""

    def __init__(self) -> None:
        self._obj = zstandard.ZstdDecompressor().decompressobj()
        self.eof = False
        self.unused_data = b""

    def feed(self, data: bytes, limit: int) -> Iterator[bytes]:
        for k in range(0, len(data), ZSTD_PIECE):
            yield self._obj.decompress(data[k : k + ZSTD_PIECE])
            if self._obj.eof:
                self.eof = True
                self.unused_data = self._obj.unused_data + data[k + ZSTD_PIECE :]
                return


def _new_decompressor(kind: str) -> _Decompressor:
    if kind == "gz":
        return _Zlib()
    if kind == "bz2":
        return _Buffered(bz2.BZ2Decompressor())
    if kind == "xz":
        return _Buffered(lzma.LZMADecompressor())
    return _Zstd()


class Stream:
    """The decompressed bytes of one file, delivered in chunks of at most
    :data:`OUT_SIZE` bytes (a decompression bomb is streamed, never held).

    ``consumed`` counts bytes read from the file (for progress bars); ``produced``
    counts decompressed bytes delivered; ``error`` is set when the stream was damaged
    or truncated, and says where: the compressed byte near which the damage was found
    and the decompressed offset where the stream stopped.
    """

    def __init__(self, source: Input, read_size: int = READ_SIZE) -> None:
        self.source: Input = source if isinstance(source, Parts | Member) else Path(source)
        self.path = Path(fspath(self.source))  # a real file only when the source is one
        self.read_size = read_size
        self.size = size_of(self.source)
        with open_input(self.source) as fh:
            self.compression = sniff_compression(fh.read(8))
        self.consumed = 0
        self.produced = 0
        self.error: str | None = None

    def chunks(self) -> Iterator[bytes]:
        with open_input(self.source) as fh:
            if self.compression == "none":
                while block := fh.read(self.read_size):
                    self.consumed += len(block)
                    self.produced += len(block)
                    yield block
                return
            pending = bytearray()
            for piece in self._decompressed(fh):
                pending += piece
                if len(pending) >= OUT_SIZE:
                    self.produced += len(pending)
                    yield bytes(pending)
                    pending = bytearray()
            if pending:
                self.produced += len(pending)
                yield bytes(pending)

    def _damage(self, what: str, at: int, detail: str = "") -> None:
        kind = self.compression
        where = f"at compressed byte {at:,} of {self.size:,}"
        self.error = f"{what} {kind} stream {where}{': ' + detail if detail else ''}"

    def _decompressed(self, fh: BinaryIO) -> Iterator[bytes]:
        dec = _new_decompressor(self.compression)
        data = b""
        while True:
            if not data:
                data = fh.read(self.read_size)
                if not data:
                    break
                self.consumed += len(data)
            at = self.consumed - len(data)
            try:
                for out in dec.feed(data, OUT_SIZE):
                    if out:
                        yield out
            except ERRORS as exc:
                self._damage("corrupt", at, str(exc))
                return
            data = b""
            if dec.eof:
                rest = dec.unused_data or fh.read(self.read_size)
                if not dec.unused_data:
                    self.consumed += len(rest)
                if not rest:
                    return
                if sniff_compression(rest) != self.compression:
                    if rest.strip(b"\x00"):
                        self._damage("trailing garbage after the", self.consumed - len(rest))
                    return
                dec = _new_decompressor(self.compression)
                data = rest
        if not dec.eof:
            self._damage("truncated", self.consumed)


def peek(path: Input, n: int = 1 << 16) -> tuple[bytes, str | None]:
    """The first ``n`` decompressed bytes of a file, joined parts or bytes (fewer when
    it is shorter), and what was wrong with the stream if it stopped early."""
    stream = Stream(path, read_size=1 << 16)
    out = bytearray()
    for chunk in stream.chunks():
        out += chunk
        if len(out) >= n:
            break
    return bytes(out[:n]), stream.error


def read_head(path: Path, n: int = 1 << 16) -> bytes:
    """The first ``n`` decompressed bytes of a file (fewer when it is shorter)."""
    return peek(path, n)[0]
