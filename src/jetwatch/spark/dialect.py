"""jetwatch's DuckDB SQL as Spark SQL: one definition, transpiled with SQLGlot.

The OpenSky mapping, activity summary and exodus statements are written once, for
DuckDB. SQLGlot's Spark dialect translates nearly all of it (``QUALIFY`` becomes a
filtered subquery, ``arg_min`` becomes ``MIN_BY``, struct literals become ``STRUCT``,
``FILTER (…)`` keeps its meaning). Where Spark's nearest function means something
else, :class:`JetwatchSpark` says what jetwatch means:

- ``epoch(ts)``: seconds with their fraction (SQLGlot's ``UNIX_TIMESTAMP`` drops
  the fraction): ``UNIX_MICROS(ts) / 1e6``, the time read in the session time zone
  (jetwatch sets UTC);
- ``to_seconds(x)``: an interval of ``x`` seconds: ``MAKE_DT_INTERVAL(0, 0, 0, x)``;
- ``regexp_full_match(s, p)``: ``s RLIKE '^(?:p)$'``;
- unsigned integer types (Spark has none): the next wider signed type.

Known differences that the SQL avoids rather than translates: a cast of a double
to an integer rounds in DuckDB and truncates in Spark (the SQL says ``floor``); an
aggregate list over no rows is NULL in DuckDB and empty in Spark (the flights'
composition step treats both as no callsign). The tests compare both engines'
flights field by field (``tests/spark``).
"""

from __future__ import annotations

import sqlglot
from sqlglot import exp
from sqlglot.dialects.spark import Spark
from sqlglot.generator import Generator


def _to_seconds(gen: Generator, e: exp.Anonymous) -> str:
    if e.name.lower() == "to_seconds":
        (value,) = e.expressions
        return f"MAKE_DT_INTERVAL(0, 0, 0, CAST({gen.sql(value)} AS DECIMAL(18, 6)))"
    return gen.anonymous_sql(e)


def _full_match(gen: Generator, e: exp.RegexpFullMatch) -> str:
    pattern = e.expression
    if not isinstance(pattern, exp.Literal):
        raise ValueError("regexp_full_match needs a literal pattern for Spark")
    anchored = exp.Literal.string(f"^(?:{pattern.this})$")
    return f"({gen.sql(e, 'this')} RLIKE {gen.sql(anchored)})"


class JetwatchSpark(Spark):
    """Spark SQL, with jetwatch's meaning of the functions above."""

    class Generator(Spark.Generator):  # type: ignore[misc,valid-type]
        TRANSFORMS = {
            **Spark.Generator.TRANSFORMS,
            exp.TimeToUnix: lambda gen, e: (
                f"(CAST(UNIX_MICROS(CAST({gen.sql(e, 'this')} AS TIMESTAMP)) AS DOUBLE) / 1e6)"
            ),
            exp.Anonymous: _to_seconds,
            exp.RegexpFullMatch: _full_match,
        }
        TYPE_MAPPING = {
            **Spark.Generator.TYPE_MAPPING,
            exp.DataType.Type.UTINYINT: "SMALLINT",
            exp.DataType.Type.USMALLINT: "INT",
            exp.DataType.Type.UINT: "BIGINT",
        }


def to_spark(sql: str) -> str:
    """One DuckDB statement as Spark SQL."""
    statements = sqlglot.transpile(sql, read="duckdb", write=JetwatchSpark)
    if len(statements) != 1:
        raise ValueError(f"expected one statement, got {len(statements)}")
    return statements[0]
