"""Cutting live reads at whole records, wherever a TCP read stops."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from jetwatch.live.framing import MAX_PENDING, _last_start, complete
from jetwatch.sources import beast

frames = st.lists(
    st.tuples(st.binary(min_size=14, max_size=14), st.integers(0, 2**48 - 1)),
    min_size=1,
    max_size=30,
)


def _replay(fmt: str, data: bytes, cuts: list[int]) -> list[bytes]:
    """Feed ``data`` in pieces, keep only complete prefixes, as the listener does."""
    out, pending, last = [], b"", 0
    for cut in sorted({c % (len(data) + 1) for c in cuts}) + [len(data)]:
        pending += data[last:cut]
        last = cut
        n = complete(fmt, pending)
        if n:
            out.append(pending[:n])
            pending = pending[n:]
    assert pending == b"" or fmt != "beast" or len(pending) < 40
    return out + ([pending] if pending else [])


@given(frames, st.lists(st.integers(0, 10_000), max_size=12))
def test_beast_pieces_hold_whole_frames_in_order(rows: list, cuts: list[int]) -> None:
    data = beast.encode([f for f, _ in rows], [c for _, c in rows])
    pieces = _replay("beast", data, cuts)
    assert b"".join(pieces) == data
    for piece in pieces[:-1]:  # every piece but a pending tail parses without rejects
        assert piece[:1] == b"\x1a"


@given(
    st.lists(st.text("0123456789ABCDEF", min_size=28, max_size=28), min_size=1),
    st.lists(st.integers(0, 5000)),
)
def test_lines_are_cut_at_newlines(hexes: list[str], cuts: list[int]) -> None:
    data = "".join(f"*{h};\n" for h in hexes).encode()
    pieces = _replay("avr", data, cuts)
    assert b"".join(pieces) == data
    assert all(p.endswith(b"\n") for p in pieces)


def test_a_whole_last_frame_is_not_held_back() -> None:
    data = beast.encode([bytes(range(14))], [5])
    assert complete("beast", data) == len(data)
    assert complete("beast", data[:-1]) == 0


def test_garbage_without_boundaries_is_given_up_past_a_limit() -> None:
    assert complete("sbs", b"x" * 100) == 0
    assert complete("sbs", b"x" * (MAX_PENDING + 1)) == MAX_PENDING + 1


@given(
    st.lists(
        st.sampled_from([b"\x1a", b"\x1a\x1a", b"\x1a3", b"\x00", b"\x1a\x1a\x1a"]), max_size=60
    ),
    st.integers(1, 200),
)
def test_the_tail_scan_finds_the_last_start_of_the_whole_buffer(
    parts: list[bytes], tail: int
) -> None:
    buf = b"".join(parts)
    _, starts = beast.frame_starts(np.frombuffer(buf, dtype=np.uint8))
    assert _last_start(buf, tail) == (int(starts[-1]) if len(starts) else None)
