"""jetwatch: public ADS-B / Mode S broadcasts into checkable, re-runnable evidence.

Data flows one way: sources -> decode -> store -> (flights -> analytics -> reports/web).
In a notebook: ``jw = jetwatch.open("jetwatch.duckdb")`` (:mod:`jetwatch.api`).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

__version__ = "0.1.0"

if TYPE_CHECKING:
    from jetwatch.api import Jetwatch


def open(db: Path | str = "jetwatch.duckdb", read_only: bool = False) -> Jetwatch:  # noqa: A001
    """A store with the library's verbs: ``.flights()``, ``.exodus()``, ``.check()``,
    ``.aircraft()``, ``.alerts()``, ``.watchlist()``."""
    from jetwatch.api import Jetwatch

    return Jetwatch(db, read_only=read_only)
