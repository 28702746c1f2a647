"""Readers, one module per input format, and detection by content.

Every reader module has ``NAME``, ``sniff(head) -> bool`` (a look at the first 64 KiB
of decompressed content; Parquet files are told apart by their schema) and
``read(stream, ctx)`` yielding batches (:mod:`jetwatch.sources.base`).
:func:`detect` tries them in :data:`READERS` order, most specific first; the file
name and extension are never used.
"""

from __future__ import annotations

from pathlib import Path
from types import ModuleType

import pyarrow.parquet as pq

from jetwatch.compress import read_head
from jetwatch.errors import UnknownFormatError
from jetwatch.sources import (
    aircraft_json,
    avr,
    beast,
    hexcsv,
    jsonl,
    opensky,
    opensky_raw,
    readsb,
    sbs,
)

READERS: dict[str, ModuleType] = {
    m.NAME: m for m in (opensky_raw, opensky, readsb, aircraft_json, jsonl, beast, avr, sbs, hexcsv)
}
FORMATS = tuple(READERS)


def detect(path: Path, head: bytes | None = None) -> str:
    """The name of the format of ``path``, judged from its content."""
    head = read_head(path) if head is None else head
    if not head.strip():
        raise UnknownFormatError("empty file", where=str(path))
    if head.startswith(b"PAR1"):
        try:
            names = pq.read_schema(path).names
        except (OSError, ValueError) as exc:
            raise UnknownFormatError(f"unreadable Parquet: {exc}", where=str(path)) from exc
        return opensky_raw.NAME if opensky_raw.matches(names) else opensky.NAME
    for name, module in READERS.items():
        if module.sniff(head):
            return name
    raise UnknownFormatError(
        f"not a format jetwatch reads ({', '.join(FORMATS)})",
        value=head[:24],
        where=str(path),
    )


def reader(name: str) -> ModuleType:
    try:
        return READERS[name]
    except KeyError:
        raise UnknownFormatError(
            f"unknown format; use one of {', '.join(FORMATS)}", value=name
        ) from None
