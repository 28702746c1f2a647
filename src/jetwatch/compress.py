"""Read plain, gzip, bzip2, xz or zstandard files as one stream of bytes.

The compression is recognised by its magic number, never by the file name:
``1f 8b`` gzip, ``BZh`` bzip2, ``fd 37 7a 58 5a 00`` xz, ``28 b5 2f fd`` zstandard.
Decompression is incremental, so memory stays bounded whatever the file size, and
a damaged or truncated stream ends the stream early instead of raising: everything
decoded before the damage is still delivered, and :attr:`Stream.error` says where
the damage starts (an offset in the decompressed stream). Concatenated gzip members
(as ``cat a.gz b.gz`` makes) are read one after another.
"""

from __future__ import annotations

import bz2
import lzma
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO, Protocol

import zstandard

MAGIC = {
    b"\x1f\x8b": "gz",
    b"BZh": "bz2",
    b"\xfd7zXZ\x00": "xz",
    b"\x28\xb5\x2f\xfd": "zst",
}
READ_SIZE = 1 << 22


def sniff_compression(head: bytes) -> str:
    """Name the compression of a stream from its first bytes ('none' when plain)."""
    for magic, name in MAGIC.items():
        if head.startswith(magic):
            return name
    return "none"


class _Decompressor(Protocol):
    eof: bool
    unused_data: bytes

    def decompress(self, data: bytes) -> bytes: ...


def _new_decompressor(kind: str) -> _Decompressor:
    if kind == "gz":
        return zlib.decompressobj(16 + zlib.MAX_WBITS)  # type: ignore[return-value]
    if kind == "bz2":
        return bz2.BZ2Decompressor()  # type: ignore[return-value]
    if kind == "xz":
        return lzma.LZMADecompressor()  # type: ignore[return-value]
    return _ZstdAdapter()


class _ZstdAdapter:
    """zstandard's decompressobj with the same eof/unused_data surface as zlib's."""

    def __init__(self) -> None:
        self._obj = zstandard.ZstdDecompressor().decompressobj()
        self.eof = False
        self.unused_data = b""

    def decompress(self, data: bytes) -> bytes:
        out = self._obj.decompress(data)
        self.eof = bool(self._obj.eof)
        self.unused_data = self._obj.unused_data
        return out


class Stream:
    """The decompressed bytes of one file, delivered in chunks.

    ``consumed`` counts bytes read from the file (for progress bars); ``produced``
    counts decompressed bytes delivered; ``error`` is set when the stream was damaged
    or truncated, and names the decompressed offset where it stopped.
    """

    def __init__(self, path: Path, read_size: int = READ_SIZE) -> None:
        self.path = Path(path)
        self.read_size = read_size
        self.size = self.path.stat().st_size
        with open(self.path, "rb") as fh:
            self.compression = sniff_compression(fh.read(8))
        self.consumed = 0
        self.produced = 0
        self.error: str | None = None

    def chunks(self) -> Iterator[bytes]:
        with open(self.path, "rb") as fh:
            if self.compression == "none":
                while block := fh.read(self.read_size):
                    self.consumed += len(block)
                    self.produced += len(block)
                    yield block
                return
            yield from self._decompressed(fh)

    def _decompressed(self, fh: BinaryIO) -> Iterator[bytes]:
        dec = _new_decompressor(self.compression)
        data = b""
        while True:
            if not data:
                data = fh.read(self.read_size)
                if not data:
                    break
                self.consumed += len(data)
            try:
                out = dec.decompress(data)
            except (
                OSError,
                EOFError,
                ValueError,
                zlib.error,
                lzma.LZMAError,
                zstandard.ZstdError,
            ) as exc:
                self.error = f"corrupt {self.compression} data: {exc}"
                return
            data = b""
            if out:
                self.produced += len(out)
                yield out
            if dec.eof:
                rest = dec.unused_data or fh.read(self.read_size)
                if not dec.unused_data:
                    self.consumed += len(rest)
                if not rest:
                    return
                if sniff_compression(rest) != self.compression:
                    if rest.strip(b"\x00"):
                        self.error = f"trailing garbage after the {self.compression} stream"
                    return
                dec = _new_decompressor(self.compression)
                data = rest
        if not dec.eof:
            self.error = f"truncated {self.compression} stream"


def read_head(path: Path, n: int = 1 << 16) -> bytes:
    """The first ``n`` decompressed bytes of a file (fewer when it is shorter)."""
    stream = Stream(path, read_size=1 << 16)
    out = bytearray()
    for chunk in stream.chunks():
        out += chunk
        if len(out) >= n:
            break
    return bytes(out[:n])
