"""SQL text for values that cannot be bound as parameters: the paths of DuckDB's
table functions and ``COPY``, and statements written out whole so that Spark runs
the same text (transpiled). One quoting rule for all of them."""

from __future__ import annotations

from collections.abc import Iterable


def literal(value: object) -> str:
    """``value`` as a SQL string literal: its text in single quotes, quotes doubled."""
    return "'" + str(value).replace("'", "''") + "'"


def literals(values: Iterable[object]) -> str:
    """A SQL list of string literals, ``['a', 'b']``."""
    return "[" + ", ".join(literal(v) for v in values) + "]"
