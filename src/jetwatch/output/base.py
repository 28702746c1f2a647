"""The writers' registry and what they are given (see :mod:`jetwatch.output`)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

import pyarrow as pa

from jetwatch.errors import JetwatchError


class OutputFormatError(JetwatchError, ValueError):
    """A format this output cannot be written in."""


@dataclass
class Output:
    """What a command has to show.

    ``rows``: the listing. ``doc``: the whole result as JSON-ready data, when it is
    more than its rows (an exodus analysis, a verdict); ``json`` writes it instead of
    the rows. ``tracks``: ``[[lon, lat], …]`` per row ``id``, for the map formats.
    ``headings``: the table view's columns (name → heading; default all). ``title``
    heads the table view; ``describe`` gives a row's name and description on a map
    (default: its ``id``, no description).
    """

    rows: pa.Table
    doc: Any = None
    tracks: Mapping[str, list[list[float]]] | None = None
    headings: Mapping[str, str] | None = None
    title: str | None = None
    describe: Callable[[dict[str, Any]], tuple[str, str]] | None = None


class Writer(Protocol):
    """Any object with a name, whether it is binary (written to a file, never to
    the terminal), and a call from :class:`Output` to bytes."""

    @property
    def name(self) -> str: ...

    @property
    def binary(self) -> bool: ...

    def __call__(self, output: Output) -> bytes: ...


@dataclass(frozen=True)
class _Writer:
    name: str
    binary: bool
    fn: Callable[[Output], bytes]

    def __call__(self, output: Output) -> bytes:
        return self.fn(output)


WRITERS: dict[str, Writer] = {}


def writer(name: str, binary: bool = False) -> Callable[[Callable[[Output], bytes]], Writer]:
    """Register a writer function under ``name``."""

    def register(fn: Callable[[Output], bytes]) -> Writer:
        made = _Writer(name, binary, fn)
        WRITERS[name] = made
        return made

    return register


def write(fmt: str, output: Output) -> bytes:
    """``output`` in the format ``fmt``."""
    found = WRITERS.get(fmt)
    if found is None:
        raise OutputFormatError(f"unknown output format; known: {', '.join(WRITERS)}", value=fmt)
    return found(output)
