"""The output directory of a flights build on Spark: its layout and manifest.

``jetwatch flights build --engine spark --output DIR`` (:func:`jetwatch.spark.flights.run`)
writes, and ``jetwatch flights attach DIR`` (:mod:`.attach`) and ``jetwatch exodus
--engine spark --flights DIR`` (:mod:`jetwatch.spark.exodus`) read:

- ``flights/day=YYYY-MM-DD/*.parquet``: the flights, with the store's ``flights``
  columns, partitioned by the UTC day of take-off (or of the first position);
- ``activity/*.parquet``: the positions per 15 minutes and 0.5 deg cell
  (``cy, cx, slot, positions``: :mod:`jetwatch.store.activity`), for coverage;
- ``manifest/part-*``: one JSON line, :class:`Manifest`.

Paths are joined with ``/`` so that they work for any URL Spark reads (``s3a://``).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

from jetwatch.errors import JetwatchError

FLIGHTS = "flights"
ACTIVITY = "activity"
MANIFEST = "manifest"


class OutputError(JetwatchError, ValueError):
    """A directory that is not (all of) a flights build's output."""


@dataclass(frozen=True)
class Manifest:
    """What a build read and wrote, and the labels of its data (e.g. simulated)."""

    input: str
    input_format: str
    master: str
    flights: int
    positions: int
    labels: list[str]
    built: str  # UTC, ISO 8601
    jetwatch_version: str

    def to_json(self) -> str:
        return json.dumps(asdict(self), sort_keys=True)

    @classmethod
    def from_json(cls, line: str, where: str) -> Manifest:
        try:
            return cls(**json.loads(line))
        except (ValueError, TypeError) as exc:
            raise OutputError(f"unreadable manifest: {exc}", value=line[:80], where=where) from exc


def part(output: str, name: str) -> str:
    """The URL of one part (:data:`FLIGHTS`, :data:`ACTIVITY`, :data:`MANIFEST`)."""
    return f"{output.rstrip('/')}/{name}"


def flight_files(directory: Path) -> list[Path]:
    return sorted((Path(directory) / FLIGHTS).glob("**/*.parquet"))


def activity_files(directory: Path) -> list[Path]:
    return sorted((Path(directory) / ACTIVITY).glob("**/*.parquet"))


def manifest(directory: Path) -> Manifest:
    """The manifest of a local output directory."""
    parts = sorted((Path(directory) / MANIFEST).glob("part-*"))
    if not parts:
        raise OutputError(
            "no manifest: not the output of `flights build --engine spark` (or of an "
            "older jetwatch; build it again)",
            where=str(directory),
        )
    return Manifest.from_json(parts[0].read_text().strip(), str(parts[0]))
