"""What a reader knows about the input besides its bytes."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class ReadContext:
    """Where the bytes come from and how to date records that carry no absolute time.

    ``anchor`` (unix seconds, UTC) is the time given to the first record of an input
    whose records carry no absolute time (plain AVR lines, 12 MHz counters): the
    ``--start`` option when given, else the file's modification time. Positions dated
    this way are flagged ``FLAG_TIME_ESTIMATED``.
    """

    path: Path
    anchor: float
    batch_size: int = 1 << 19
