"""OpenSky raw Mode S replies in Parquet (``rollcall_replies_data4``, ``position_data4``…).

Columns used: ``mintime`` (unix s, the first reception), ``rawmsg`` (hex frame) and
``icao24`` (the address OpenSky attributed the frame to, which lets address/parity
frames be checked). Other columns are ignored. Frames are decoded by jetwatch like
any raw input; the record offset is the row number.
"""

from __future__ import annotations

from collections.abc import Iterator

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from jetwatch.compress import Stream
from jetwatch.model import FrameBatch, FrameCollector, Rejects
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
        yield FrameCollector(rejects=rejects).batch()


def _frames(batch: pa.RecordBatch, row: int) -> FrameBatch:
    """One Parquet batch of raw replies as frames (row numbers from ``row``)."""
    out = FrameCollector()
    times = pc.cast(batch.column("mintime"), "float64").to_pylist()
    raws = batch.column("rawmsg").to_pylist()
    icaos = batch.column("icao24").to_pylist()
    for k, (t, raw, icao) in enumerate(zip(times, raws, icaos, strict=True)):
        try:
            frame = bytes.fromhex(raw)
            if len(frame) not in (7, 14):
                raise ValueError(f"{len(frame)}-byte frame")
            address = int(icao, 16) if icao else -1
            if t is None:
                raise ValueError("no time")
        except (TypeError, ValueError) as exc:
            out.rejects.add(row + k, "unparsable", str(raw).encode(), str(exc)[:80])
            continue
        out.add(frame, t, row + k, address=address)
    return out.batch()
