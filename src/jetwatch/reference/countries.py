"""Country of registration from the 24-bit ICAO aircraft address.

ICAO Annex 10 Vol III (appendix to chapter 9) allocates blocks of addresses to
states: ``data/icao_blocks.csv`` lists them (start, end, ISO 3166 code, name). The
Russian Federation holds 0x100000-0x1FFFFF (registrations RA- are in 0x140000-
0x15FFFF), the United States 0xA00000-0xAFFFFF, and so on. Where a block lies
inside another (Hong Kong within China) the smaller one wins. The country follows
from the address alone, so it is known for aircraft missing from every registry.

Lookups go through a table of 2^24 one-byte indexes built once (16 MB), so a
column of a million addresses is resolved in milliseconds. Addresses in no block
are "unassigned" (``iso`` None).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from importlib import resources

import numpy as np
import numpy.typing as npt


@dataclass(frozen=True)
class Block:
    start: int
    end: int
    iso: str | None
    name: str


UNASSIGNED = Block(0, 0, None, "Unassigned")


@cache
def blocks() -> tuple[Block, ...]:
    """The allocation blocks, as listed in ``data/icao_blocks.csv``."""
    text = (resources.files("jetwatch") / "data" / "icao_blocks.csv").read_text()
    rows = csv.DictReader(text.splitlines())
    return tuple(
        Block(int(r["start"], 16), int(r["end"], 16), r["iso"] or None, r["country"]) for r in rows
    )


@cache
def _table() -> tuple[npt.NDArray[np.uint8], tuple[Block, ...]]:
    found = (UNASSIGNED, *blocks())
    table = np.zeros(1 << 24, dtype=np.uint8)
    for k in sorted(range(1, len(found)), key=lambda i: found[i].start - found[i].end):
        table[found[k].start : found[k].end + 1] = k  # largest first: smaller ones win
    return table, found


def block_of(icao: int | str) -> Block:
    """The block of one address (an int or 6 hex digits)."""
    address = int(icao, 16) if isinstance(icao, str) else int(icao)
    if not 0 <= address < 1 << 24:
        raise ValueError(f"not a 24-bit address: {icao!r}")
    table, found = _table()
    return found[int(table[address])]


def countries(
    icao: npt.NDArray[np.integer],
) -> tuple[npt.NDArray[np.object_], npt.NDArray[np.object_]]:
    """ISO codes (None when unassigned) and names for a column of addresses."""
    table, found = _table()
    idx = table[np.asarray(icao, dtype=np.int64) & 0xFFFFFF]
    iso = np.array([b.iso for b in found], dtype=object)
    name = np.array([b.name for b in found], dtype=object)
    return iso[idx], name[idx]
