"""Spark in local mode (``local[2]``), one session for the package, and the field by
field comparison of both engines' rows. Float tolerance: 1e-6 relative; times: 1 ms."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterator
from typing import Any

import pytest
from click.testing import CliRunner, Result

from jetwatch.cli import main
from jetwatch.spark import flights as spark_flights


@pytest.fixture(scope="package")
def spark() -> Iterator[Any]:
    s = spark_flights.session(
        "local[2]", **{"spark.ui.enabled": "false", "spark.sql.shuffle.partitions": "4"}
    )
    yield s
    s.stop()


def _plain(v: Any) -> Any:
    if isinstance(v, dt.datetime) and v.tzinfo is not None:
        return v.astimezone(dt.UTC).replace(tzinfo=None)
    return v


def same(a: Any, b: Any) -> bool:
    """Equal within the stated tolerances."""
    a, b = _plain(a), _plain(b)
    if isinstance(a, float) and isinstance(b, float):
        return math.isclose(a, b, rel_tol=1e-6, abs_tol=1e-9)
    if isinstance(a, dt.datetime) and isinstance(b, dt.datetime):
        return abs((a - b).total_seconds()) <= 1e-3
    return bool(a == b)


def differences(ours: list[dict[str, Any]], theirs: list[dict[str, Any]], key: str) -> list[Any]:
    """(key, column, ours, theirs) of every field that differs, rows paired in order."""
    assert len(ours) == len(theirs)
    return [
        (a[key], k, a[k], b[k])
        for a, b in zip(ours, theirs, strict=True)
        for k in sorted(a)
        if not same(a[k], b.get(k))
    ]


def on_spark(*args: str) -> Result:
    """``jetwatch ARGS… --engine spark --master local[2]``, which must succeed."""
    done = CliRunner().invoke(main, [*args, "--engine", "spark", "--master", "local[2]"])
    assert done.exit_code == 0, done.output
    return done
