"""OpenSky raw Mode S replies in Parquet (``rollcall_replies_data4``, ``position_data4``…).

Columns used: ``mintime`` (unix s, the first reception), ``rawmsg`` (hex frame) and
``icao24`` (the address OpenSky attributed the frame to, which lets address/parity
frames be checked). Other columns are ignored. Frames are decoded by jetwatch like
any raw input; the record offset is the row number.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from jetwatch.compress import Stream
from jetwatch.sources.base import FrameBatch, Rejects
from jetwatch.sources.context import ReadContext

NAME = "opensky_raw"
COLUMNS = ("mintime", "rawmsg", "icao24")


def sniff(head: bytes) -> bool:
    return False  # Parquet is told apart by its schema: see jetwatch.sources.detect


def matches(schema_names: list[str]) -> bool:
    return set(COLUMNS) <= set(schema_names)


def read(stream: Stream, ctx: ReadContext) -> Iterator[FrameBatch]:
    row = 0
    try:
        parquet = pq.ParquetFile(stream.path)
        batches = parquet.iter_batches(batch_size=ctx.batch_size, columns=list(COLUMNS))
        for batch in batches:
            out = _frames(batch, row)
            row += batch.num_rows
            yield out
    except (pa.ArrowException, OSError, ValueError) as exc:
        rejects = Rejects()
        rejects.add(row, "unparsable", b"", f"unreadable Parquet: {exc}"[:120])
        yield FrameBatch.from_frames([], [], [], [], rejects)


def _frames(batch: pa.RecordBatch, row: int) -> FrameBatch:
    """One Parquet batch of raw replies as frames (row numbers from ``row``)."""
    rejects = Rejects()
    times = pc.cast(batch.column("mintime"), "float64").to_numpy(zero_copy_only=False)
    frames: list[bytes] = []
    keep: list[int] = []
    addresses: list[int] = []
    for k, (raw, icao) in enumerate(
        zip(batch.column("rawmsg").to_pylist(), batch.column("icao24").to_pylist(), strict=True)
    ):
        try:
            frame = bytes.fromhex(raw)
            if len(frame) not in (7, 14):
                raise ValueError(f"{len(frame)}-byte frame")
            address = int(icao, 16) if icao else -1
        except (TypeError, ValueError) as exc:
            rejects.add(row + k, "unparsable", str(raw).encode(), str(exc)[:80])
            continue
        frames.append(frame)
        keep.append(k)
        addresses.append(address)
    out = FrameBatch.from_frames(frames, list(times[keep]), [row + k for k in keep], [], rejects)
    out.line = None
    out.address = np.array(addresses, dtype=np.int64)
    return out
