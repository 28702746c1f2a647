"""Readers, one module per input format, and detection by content.

Every reader module has ``NAME``, ``sniff(head) -> bool`` (a look at the first 64 KiB
of decompressed content; Parquet files are told apart by their schema) and
``read(stream, ctx)`` yielding batches (:mod:`jetwatch.model`).
:func:`detect` tries them in :data:`READERS` order, most specific first; the file
name and extension are never used.
"""

from __future__ import annotations

from pathlib import Path
from types import ModuleType

import pyarrow.parquet as pq

from jetwatch.compress import peek
from jetwatch.errors import UnknownFormatError
from jetwatch.parts import Input
from jetwatch.sources import (
    adsbx_v2,
    aircraft_json,
    avr,
    beast,
    heatmap,
    hexcsv,
    jsonl,
    opensky,
    opensky_raw,
    opensky_rest,
    readsb,
    sbs,
    tar,
)
from jetwatch.sources.lines import BOM

READERS: dict[str, ModuleType] = {
    m.NAME: m
    for m in (
        tar,
        heatmap,
        opensky_raw,
        opensky,
        opensky_rest,
        readsb,
        aircraft_json,
        adsbx_v2,
        jsonl,
        beast,
        avr,
        sbs,
        hexcsv,
    )
}
FORMATS = tuple(READERS)


def detect(path: Input, head: bytes | None = None) -> str:
    """The name of the format of ``path``, judged from its content (a UTF-8 byte-order
    mark before it is allowed)."""
    damage = None
    if head is None:
        head, damage = peek(path)
    head = head.removeprefix(BOM)
    if not head.strip():
        raise UnknownFormatError(damage or "empty file", where=str(path))
    if head.startswith(b"PAR1"):
        if not isinstance(path, Path):
            raise UnknownFormatError("Parquet must be a file of its own", where=str(path))
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


def relative_time(name: str) -> bool:
    """Whether records of this format carry only a receiver clock, no date (Beast, AVR)."""
    return bool(getattr(READERS.get(name), "RELATIVE_TIME", False))


def reader(name: str) -> ModuleType:
    try:
        return READERS[name]
    except KeyError:
        raise UnknownFormatError(
            f"unknown format; use one of {', '.join(FORMATS)}", value=name
        ) from None
