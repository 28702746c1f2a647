"""One live window: the sender's clock, duplicates across receivers, rejects located."""

from __future__ import annotations

import numpy as np

from jetwatch.live.window import Chunk, WindowDecoder
from jetwatch.sources import beast


def _beast(lines: list[tuple[float, bytes]]) -> bytes:
    t0 = lines[0][0]
    frames = [f[9:] for _, f in lines if f[1:2] in (b"2", b"3")]
    clocks = [round((t - t0) * 12e6) for t, f in lines if f[1:2] in (b"2", b"3")]
    return beast.encode(frames, clocks)


def _split(data: bytes, size: int) -> list[bytes]:
    """Cut at frame starts only (as the listener's framing does)."""
    out, start = [], 0
    while start < len(data):
        end = data.find(b"\x1a", start + size)
        while end != -1 and data[end + 1 : end + 2] == b"\x1a":
            end = data.find(b"\x1a", end + 2)
        end = len(data) if end == -1 else end
        out.append(data[start:end])
        start = end
    return out


def _feed(feed: str, data: bytes, arrival: float) -> list[Chunk]:
    chunks, offset = [], 0
    for piece in _split(data, 50_000):
        chunks.append(Chunk(feed, "beast", piece, offset, arrival + offset / 1e7))
        offset += len(piece)
    return chunks


def test_times_follow_the_senders_clock_from_the_first_arrival(klm_lines: list) -> None:
    data = _beast(klm_lines[-30_000:])
    result = WindowDecoder().decode(_feed("a", data, 1_700_000_000.0))
    times = result.positions["time"].cast("int64").to_numpy() / 1e6
    span = klm_lines[-1][0] - klm_lines[-30_000][0]
    assert result.positions.num_rows > 1000
    assert times.min() >= 1_700_000_000.0 - 1e-6
    assert abs((times.max() - times.min()) - span) < 30  # the recording's own timeline


def test_a_frame_heard_by_two_receivers_is_stored_once(klm_lines: list) -> None:
    data = _beast(klm_lines[-30_000:])
    one = WindowDecoder().decode(_feed("a", data, 1_700_000_000.0))
    both = WindowDecoder().decode(
        _feed("a", data, 1_700_000_000.0) + _feed("b", data, 1_700_000_000.2)
    )
    assert both.duplicates == one.records  # every frame of b was a's too
    assert both.positions.num_rows == one.positions.num_rows
    key = ["icao24", "lat", "lon", "altitude"]
    assert sorted(zip(*both.positions.select(key).to_pydict().values(), strict=True)) == sorted(
        zip(*one.positions.select(key).to_pydict().values(), strict=True)
    )


def test_rejects_point_into_the_feeds_archive_file() -> None:
    good = beast.encode([bytes.fromhex("8d4840d6202cc371c32ce0576098")], [0])
    data = good + b"\x1a9" + b"\x00" * 10 + good
    result = WindowDecoder().decode([Chunk("rx", "beast", data, 1000, 1e9)])
    (offset,) = result.rejects["offset"].to_pylist()
    assert offset == 1000 + len(good)
    assert result.rejects["detail"][0].as_py().startswith("rx: ")


def test_a_reconnect_whose_clock_went_on_keeps_the_timeline() -> None:
    w = WindowDecoder()
    first = np.array([10.0, 11.0])
    assert list(w._timeline("a", 0, first, np.array([100.0, 100.0]))) == [100.0, 101.0]
    later = w._timeline("a", 1, np.array([20.0]), np.array([500.0]))  # went on: same timeline
    assert list(later) == [110.0]
    reset = w._timeline("a", 2, np.array([1.0]), np.array([900.0]))  # receiver restarted
    assert list(reset) == [900.0]
