"""What a reader knows about the input besides its bytes, and where it may write."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import duckdb


class PositionSink(Protocol):
    """The destination of one input's positions, for readers that can write them from
    SQL in the destination's own database, with no Arrow copy in between (OpenSky).

    ``cursor()`` is a new connection to that database (its temporary views and tables
    are its own); ``insert(con, select, unless)`` appends the rows of ``select`` (the
    positions columns, in order) through ``con`` in one statement and returns how
    many. A failed statement writes nothing. ``unless``: SQL over the stored
    positions columns; if a row written matches it, nothing is kept and None is
    returned.
    """

    def cursor(self) -> duckdb.DuckDBPyConnection: ...

    def insert(
        self, con: duckdb.DuckDBPyConnection, select: str, unless: str | None = None
    ) -> int | None: ...


@dataclass(frozen=True)
class ReadContext:
    """Where the bytes come from and how to date records that carry no absolute time.

    ``anchor`` (unix seconds, UTC) is the time given to the first record of an input
    whose records carry no absolute time (plain AVR lines, 12 MHz counters): the
    ``--start`` option when given, else the file's modification time. Positions dated
    this way are flagged ``FLAG_TIME_ESTIMATED``. ``sink``: where a reader may write
    positions directly (None: every position comes back in the batches).
    """

    path: Path
    anchor: float
    batch_size: int = 1 << 19
    sink: PositionSink | None = None
