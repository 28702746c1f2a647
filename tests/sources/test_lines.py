"""Cutting a byte stream into chunks of whole lines: offsets and line numbers."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from jetwatch.sources.lines import BOM, line_chunks, newlines

TEXT = st.binary(max_size=400).map(lambda b: b.replace(b"a", b"\n").replace(b"b", b"\r\n"))


@given(TEXT, st.integers(0, 450))
def test_newlines_counts_like_bytes_count(data: bytes, end: int) -> None:
    assert newlines(data, end) == data.count(b"\n", 0, end)
    assert newlines(data) == data.count(b"\n")


@given(st.booleans(), TEXT, st.lists(st.integers(1, 60), max_size=20), st.integers(1, 50))
def test_chunks_are_the_stream_with_their_offsets_and_line_numbers(
    bom: bool, text: bytes, cuts: list[int], max_line: int
) -> None:
    data = (BOM if bom else b"") + text
    blocks, at = [], 0
    for n in cuts:
        blocks.append(data[at : at + n])
        at += n
    blocks.append(data[at:])
    chunks = list(line_chunks(blocks, max_line=max_line, skip_blank=False))
    assert b"".join(c.data for c in chunks) == text  # nothing lost, the BOM skipped
    for c in chunks:
        assert data[c.offset : c.offset + len(c.data)] == c.data
        assert c.first_line == 1 + data.count(b"\n", 0, c.offset)
    for c in chunks[:-1]:  # a chunk ends at a newline unless a line outgrew max_line
        assert c.data.endswith(b"\n") or len(c.data) > max_line
