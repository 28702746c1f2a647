"""One output layer: writers by name, for every listing the CLI prints and the web
exports.

A command hands :func:`write` an :class:`Output` (its rows as an Arrow table, the
whole result as a JSON document when it is more than rows, the flights' tracks for
the map formats) and a format name; the writer returns the bytes. Writers:

- ``table`` (the terminal: a table of the rows, every cell escaped), ``csv``,
  ``json`` (the document, or the rows as an array), ``jsonl`` (one row per line),
  ``parquet`` (:mod:`.tabular`);
- ``geojson``, ``kml`` and ``geoparquet`` (:mod:`.geo`): one line per row with an
  ``id`` and a track.

``parquet`` and ``geoparquet`` are binary: they are written to a file (``--out``).
A new format is one function registered with :func:`writer`.
"""

from __future__ import annotations

from jetwatch.output import geo, tabular  # noqa: F401  (they register their writers)
from jetwatch.output.base import WRITERS, Output, Writer, write, writer

FORMATS = tuple(WRITERS)

__all__ = ["FORMATS", "WRITERS", "Output", "Writer", "write", "writer"]
