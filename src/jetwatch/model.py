"""What every reader yields: batches of raw frames or of decoded states, plus rejects.

- :class:`FrameBatch` holds raw Mode S frames (from AVR, Beast, hex CSV, JSON lines)
  for :mod:`jetwatch.decode`.
- :class:`MessageBatch` holds messages the sender already decoded (SBS), which
  still need assembling into positions.
- :class:`StateBatch` holds rows already in the ``positions`` schema (OpenSky,
  readsb traces, ``aircraft.json``).
- :class:`Rejects` holds records that could not be used: where they are (byte
  offset in the decompressed stream, and line number for text), why (a reason from
  :data:`REASONS`), and their exact bytes, up to :data:`REJECT_BYTES` of them (the
  whole input is archived, so the offset finds the rest).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
import pyarrow as pa

from jetwatch.messages import Messages

TIME_MIN = 0.0  # 1970-01-01: the earliest time a record may carry (unix s)
TIME_MAX = 4_102_444_800.0  # 2100-01-01: the latest

REASONS = (
    "bad_crc",
    "bad_length",
    "unparsable",
    "out_of_range",
    "unknown_address",
    "unsupported",
    "implausible_position",
    "truncated",
)

REJECT_BYTES = 4096

# Flights another system reported (OpenSky's flights endpoints), kept apart from
# jetwatch's own flights: times in UTC, distances in metres.
REPORTED_SCHEMA = pa.schema(
    [
        ("source", pa.string()),
        ("icao24", pa.string()),
        ("callsign", pa.string()),
        ("first_seen", pa.timestamp("us")),
        ("last_seen", pa.timestamp("us")),
        ("departure", pa.string()),
        ("arrival", pa.string()),
        ("departure_distance_m", pa.int32()),
        ("arrival_distance_m", pa.int32()),
        ("departure_candidates", pa.int32()),
        ("arrival_candidates", pa.int32()),
    ]
)

POSITIONS_SCHEMA = pa.schema(
    [
        ("time", pa.timestamp("us")),
        ("icao24", pa.string()),
        ("callsign", pa.string()),
        ("lat", pa.float64()),
        ("lon", pa.float64()),
        ("altitude", pa.int32()),
        ("geo_altitude", pa.int32()),
        ("ground_speed", pa.float32()),
        ("track", pa.float32()),
        ("vertical_rate", pa.int32()),
        ("on_ground", pa.bool_()),
        ("squawk", pa.string()),
        ("category", pa.string()),
        ("source", pa.string()),
        ("flags", pa.uint16()),
    ]
)


def positions_table(columns: dict[str, list[object]]) -> pa.Table:
    """A positions table from per-column Python lists (names of POSITIONS_SCHEMA)."""
    return pa.table(
        {
            n: pa.array(columns[n], type=POSITIONS_SCHEMA.field(n).type)
            for n in POSITIONS_SCHEMA.names
        },
        schema=POSITIONS_SCHEMA,
    )


# Bits of positions.flags.
FLAG_STALE = 1  # readsb: position is stale
FLAG_NEW_LEG = 2  # readsb: a new leg starts here
FLAG_LOCAL_CPR = 4  # decoded against a reference, not an even/odd pair
FLAG_SURFACE_CPR = 8  # from a surface position message
FLAG_TIME_ESTIMATED = 16  # the input had no absolute time; dated from --start or mtime
FLAG_NON_ICAO = 32  # address is not an ICAO 24-bit address (TIS-B / anonymous)
FLAG_SAMPLED = 64  # a heatmap's sample: one per aircraft per slice, dated at its start


@dataclass
class Rejects:
    """Unusable records of one batch, in columns."""

    offset: list[int] = field(default_factory=list)
    line: list[int | None] = field(default_factory=list)
    reason: list[str] = field(default_factory=list)
    detail: list[str] = field(default_factory=list)
    data: list[bytes] = field(default_factory=list)

    def add(
        self, offset: int, reason: str, data: bytes, detail: str = "", line: int | None = None
    ) -> None:
        if reason not in REASONS:
            raise ValueError(f"unknown reject reason {reason!r}")
        self.offset.append(int(offset))
        self.line.append(None if line is None else int(line))
        self.reason.append(reason)
        if len(data) > REJECT_BYTES:
            detail = f"{detail}; {len(data):,} bytes, the first {REJECT_BYTES} kept".lstrip("; ")
        self.detail.append(detail)
        self.data.append(bytes(data[:REJECT_BYTES]))

    def extend(self, other: Rejects) -> None:
        self.offset += other.offset
        self.line += other.line
        self.reason += other.reason
        self.detail += other.detail
        self.data += other.data

    def counts(self) -> Counter[str]:
        return Counter(self.reason)

    def __len__(self) -> int:
        return len(self.reason)

    def to_arrow(self) -> pa.Table:
        return pa.table(
            {
                "offset": pa.array(self.offset, pa.int64()),
                "line": pa.array(self.line, pa.int64()),
                "reason": pa.array(self.reason, pa.string()),
                "detail": pa.array(self.detail, pa.string()),
                "data": pa.array(self.data, pa.binary()),
            }
        )


@dataclass
class FrameBatch:
    """Raw Mode S frames: ``msg`` is (N, 14) bytes, short frames in the first 7."""

    msg: npt.NDArray[np.uint8]
    nbytes: npt.NDArray[np.uint8]
    time: npt.NDArray[np.float64]  # unix seconds, UTC
    offset: npt.NDArray[np.int64]
    line: npt.NDArray[np.int64] | None = None  # 1-based line numbers for text inputs
    timed: bool = True  # False when frames carry no relative time (order only)
    anchored: bool = True  # False when absolute times come from the anchor, not the input
    address: npt.NDArray[np.int64] | None = None  # address the recorder gave (-1: none)
    rejects: Rejects = field(default_factory=Rejects)
    clock: npt.NDArray[np.float64] | None = None  # the sender's own clock, s (12 MHz / 12e6)

    def __len__(self) -> int:
        return len(self.nbytes)


@dataclass
class FrameCollector:
    """Frames a reader gathers one by one (with their rejects), made into one batch."""

    rejects: Rejects = field(default_factory=Rejects)
    frames: list[bytes] = field(default_factory=list)
    times: list[float] = field(default_factory=list)
    offsets: list[int] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)
    addresses: list[int] = field(default_factory=list)

    def add(
        self, frame: bytes, time: float, offset: int, line: int | None = None, address: int = -1
    ) -> None:
        """One frame of 7 or 14 bytes; ``address`` is the one the recorder gave, if any.
        A time outside 1970–2100 (or not a number) rejects the frame ``out_of_range``."""
        if not TIME_MIN <= time < TIME_MAX:
            self.rejects.add(offset, "out_of_range", frame, f"time {time!r}", line=line)
            return
        if not 0 <= address <= 0xFFFFFF and address != -1:
            self.rejects.add(offset, "out_of_range", frame, "address", line=line)
            return
        self.frames.append(frame)
        self.times.append(time)
        self.offsets.append(offset)
        if line is not None:
            self.lines.append(line)
        self.addresses.append(address)

    def batch(self) -> FrameBatch:
        nbytes = np.array([len(f) for f in self.frames], dtype=np.uint8)
        msg = np.zeros((len(self.frames), 14), dtype=np.uint8)
        for width in (7, 14):
            rows = np.flatnonzero(nbytes == width)
            if len(rows):
                joined = b"".join(self.frames[r] for r in rows)
                msg[rows, :width] = np.frombuffer(joined, np.uint8).reshape(-1, width)
        address = np.array(self.addresses, dtype=np.int64)
        return FrameBatch(
            msg=msg,
            nbytes=nbytes,
            time=np.array(self.times, dtype=np.float64),
            offset=np.array(self.offsets, dtype=np.int64),
            line=np.array(self.lines, dtype=np.int64) if self.lines else None,
            address=address if (address >= 0).any() else None,
            rejects=self.rejects,
        )


@dataclass
class MessageBatch:
    """Messages already decoded by the sender (SBS), with where each row came from."""

    messages: Messages
    offset: list[int]
    line: list[int]
    raw: list[bytes]
    rejects: Rejects = field(default_factory=Rejects)

    def __len__(self) -> int:
        return len(self.messages) + len(self.rejects)


@dataclass
class StateBatch:
    """Rows already decoded by the sender, in :data:`POSITIONS_SCHEMA`, and any
    flights the sender reported (:data:`REPORTED_SCHEMA`). ``stored``: positions the
    reader wrote itself through the context's sink (not in ``table``)."""

    table: pa.Table
    records: int
    rejects: Rejects = field(default_factory=Rejects)
    reported: pa.Table | None = None
    stored: int = 0


Batch = FrameBatch | MessageBatch | StateBatch
