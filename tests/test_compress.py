from __future__ import annotations

import bz2
import gzip
import lzma
from pathlib import Path

import pytest
import zstandard
from hypothesis import given, settings
from hypothesis import strategies as st

from jetwatch.compress import Stream, read_head, sniff_compression

DATA = b"".join(b"*8D4840D6202CC371C32CE0576098;\n" for _ in range(5000))
COMPRESSORS = {
    "none": lambda b: b,
    "gz": lambda b: gzip.compress(b, mtime=0),
    "bz2": bz2.compress,
    "xz": lzma.compress,
    "zst": lambda b: zstandard.ZstdCompressor().compress(b),
}


def _read(path: Path, read_size: int = 1 << 12) -> tuple[bytes, Stream]:
    stream = Stream(path, read_size=read_size)
    return b"".join(stream.chunks()), stream


@pytest.mark.parametrize("kind", sorted(COMPRESSORS))
def test_every_compression_round_trips(tmp_path: Path, kind: str) -> None:
    path = tmp_path / "f"
    path.write_bytes(COMPRESSORS[kind](DATA))
    data, stream = _read(path)
    assert data == DATA
    assert stream.compression == kind
    assert stream.error is None
    assert stream.consumed == path.stat().st_size
    assert read_head(path, 100) == DATA[:100]


@pytest.mark.parametrize("kind", ["gz", "bz2", "xz", "zst"])
def test_truncated_stream_keeps_what_came_before(tmp_path: Path, kind: str) -> None:
    whole = COMPRESSORS[kind](DATA)
    path = tmp_path / "f"
    path.write_bytes(whole[: len(whole) * 2 // 3])
    data, stream = _read(path)
    assert stream.error is not None
    assert DATA.startswith(data)
    assert stream.produced == len(data)


def test_concatenated_gzip_members(tmp_path: Path) -> None:
    path = tmp_path / "f.gz"
    path.write_bytes(gzip.compress(DATA[:1000]) + gzip.compress(DATA[1000:]))
    data, stream = _read(path, 64)
    assert data == DATA and stream.error is None


def test_garbage_after_the_stream_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "f.gz"
    path.write_bytes(gzip.compress(DATA) + b"not gzip at all")
    data, stream = _read(path)
    assert data == DATA
    assert stream.error is not None and "trailing garbage" in stream.error


def test_sniff() -> None:
    assert sniff_compression(b"\x1f\x8b\x08") == "gz"
    assert sniff_compression(b"*8D") == "none"


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=400), st.sampled_from(["gz", "bz2", "xz", "zst"]))
def test_random_bytes_after_a_magic_never_raise(tmp_path_factory, noise: bytes, kind: str) -> None:
    path = tmp_path_factory.mktemp("c") / "f"
    path.write_bytes(COMPRESSORS[kind](DATA)[:20] + noise)
    data, stream = _read(path, 64)
    assert isinstance(data, bytes)


def test_a_damaged_header_is_named_with_its_byte(tmp_path: Path) -> None:
    from jetwatch.errors import UnknownFormatError
    from jetwatch.sources import detect

    packed = bytearray(gzip.compress(DATA, mtime=0))
    packed[3] ^= 0xFF  # the FLG byte: reserved bits set
    path = tmp_path / "damaged.gz"
    path.write_bytes(bytes(packed))
    data, stream = _read(path)
    assert data == b""
    assert stream.error is not None and stream.error.startswith(
        "corrupt gz stream at compressed byte"
    )
    with pytest.raises(UnknownFormatError, match="corrupt gz stream at compressed byte 0"):
        detect(path)


@pytest.mark.parametrize("kind", ["bz2", "zst", "xz"])
def test_a_truncated_file_is_not_called_empty(tmp_path: Path, kind: str) -> None:
    from jetwatch.errors import UnknownFormatError
    from jetwatch.sources import detect

    path = tmp_path / "cut"
    path.write_bytes(COMPRESSORS[kind](DATA)[:30])
    with pytest.raises(UnknownFormatError, match=f"(truncated|corrupt) {kind} stream"):
        detect(path)


@pytest.mark.parametrize("kind", ["gz", "bz2", "xz", "zst"])
def test_a_bomb_comes_out_in_bounded_chunks(tmp_path: Path, kind: str) -> None:
    from jetwatch.compress import OUT_SIZE

    path = tmp_path / "bomb"
    path.write_bytes(COMPRESSORS[kind](b"\n" * (64 << 20)))  # 64 MiB of newlines
    stream = Stream(path)
    sizes = [len(chunk) for chunk in stream.chunks()]
    assert sum(sizes) == 64 << 20 and stream.error is None
    assert max(sizes) <= 2 * OUT_SIZE
