"""Typed reads of scenario TOML values, each failing with the field's path and what is allowed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

import airportsdata

from jetwatch.errors import JetwatchError


class ScenarioError(JetwatchError, ValueError):
    """A scenario file is invalid; ``where`` names the file and the field."""


_MISSING = object()


def _get(doc: dict[str, Any], path: str, source: str, default: Any) -> Any:
    key = path.rsplit(".", 1)[-1]
    value = doc.get(key, default)
    if value is _MISSING:
        raise ScenarioError("missing", where=f"{source}: {path}")
    return value


def _bad(path: str, source: str, allowed: str, value: Any) -> ScenarioError:
    return ScenarioError(f"expected {allowed}", value=value, where=f"{source}: {path}")


def only(doc: dict[str, Any], path: str, allowed: Iterable[str], source: str) -> None:
    allowed = sorted(allowed)
    for key in doc:
        if key not in allowed:
            where = f"{source}: {path + '.' if path else ''}{key}"
            raise ScenarioError(f"unknown key; allowed: {', '.join(allowed)}", where=where)


def as_table(value: Any, path: str, source: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _bad(path, source, "a table", value)
    return value


def table(doc: dict[str, Any], path: str, source: str) -> dict[str, Any]:
    return as_table(doc.get(path, {}), path, source)


def tables(doc: dict[str, Any], path: str, source: str) -> list[Any]:
    value = doc.get(path, [])
    if not isinstance(value, list):
        raise _bad(path, source, f"an array of tables ([[{path}]])", value)
    return value


def text(doc: dict[str, Any], path: str, source: str, default: Any = _MISSING) -> str:
    value = _get(doc, path, source, default)
    if not isinstance(value, str):
        raise _bad(path, source, "a string", value)
    return value


def number(
    doc: dict[str, Any], path: str, source: str, lo: float, hi: float, default: Any = _MISSING
) -> float:
    value = _get(doc, path, source, default)
    if isinstance(value, bool) or not isinstance(value, int | float) or not lo <= value <= hi:
        raise _bad(path, source, f"a number from {lo:g} to {hi:g}", value)
    return float(value)


def pair(doc: dict[str, Any], path: str, source: str, lo: float, hi: float) -> tuple[float, float]:
    value = _get(doc, path, source, _MISSING)
    ok = isinstance(value, list) and len(value) == 2
    ok = ok and all(isinstance(v, int | float) and lo <= v <= hi for v in value)
    if not ok or value[0] > value[1]:
        raise _bad(path, source, f"[low, high] with {lo:g} <= low <= high <= {hi:g}", value)
    return float(value[0]), float(value[1])


def position(doc: dict[str, Any], path: str, source: str) -> tuple[float, float]:
    value = _get(doc, path, source, _MISSING)
    ok = isinstance(value, list) and len(value) == 2
    ok = ok and all(isinstance(v, int | float) for v in value)
    if not ok or not (-90 <= value[0] <= 90 and -180 <= value[1] <= 180):
        raise _bad(path, source, "[lat, lon] in degrees", value)
    return float(value[0]), float(value[1])


def profile(doc: dict[str, Any], path: str, n: int, source: str) -> tuple[float, ...]:
    value = _get(doc, path, source, [1.0] * n)
    ok = isinstance(value, list) and len(value) == n
    if not ok or not all(isinstance(v, int | float) and v >= 0 for v in value) or not sum(value):
        raise _bad(path, source, f"{n} non-negative numbers, not all zero", value)
    return tuple(float(v) for v in value)


def choice(doc: dict[str, Any], path: str, allowed: Iterable[str], source: str) -> str:
    value = _get(doc, path, source, _MISSING)
    allowed = tuple(allowed)
    if value not in allowed:
        raise _bad(path, source, f"one of {', '.join(allowed)}", value)
    return str(value)


@cache
def _icao_codes() -> frozenset[str]:
    return frozenset(airportsdata.load("ICAO"))


def _known_airport(code: str, path: str, source: str) -> str:
    if code.upper() not in _icao_codes():
        raise ScenarioError(
            "unknown airport (ICAO code expected)", value=code, where=f"{source}: {path}"
        )
    return code.upper()


def airport(doc: dict[str, Any], path: str, source: str) -> str:
    return _known_airport(text(doc, path, source), path, source)


def codes(doc: dict[str, Any], path: str, source: str) -> tuple[str, ...]:
    value = _get(doc, path, source, _MISSING)
    if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
        raise _bad(path, source, "a list of ICAO airport codes", value)
    return tuple(_known_airport(v, path, source) for v in value)


def weights(
    doc: dict[str, Any], path: str, source: str, default: Any = _MISSING, airports: bool = False
) -> dict[str, float]:
    value = _get(doc, path, source, default)
    ok = isinstance(value, dict) and all(
        isinstance(v, int | float) and not isinstance(v, bool) and v >= 0 for v in value.values()
    )
    if not ok or (value and not sum(value.values())):
        raise _bad(path, source, "a table of name = weight (non-negative, not all zero)", value)
    if airports:
        return {_known_airport(k, path, source): float(v) for k, v in value.items()}
    return {k.upper(): float(v) for k, v in value.items()}


def within(names: dict[str, float], allowed: Iterable[str], path: str, source: str) -> None:
    allowed = tuple(allowed)
    for name in names:
        if name not in allowed:
            raise ScenarioError(
                f"not an airport of the area; allowed: {', '.join(allowed)}",
                value=name,
                where=f"{source}: {path}",
            )


def date(doc: dict[str, Any], path: str, source: str) -> dt.date:
    value = _get(doc, path, source, _MISSING)
    if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
        raise _bad(path, source, "a date (2023-06-24)", value)
    return value


class Clock:
    """Reads scenario times: local (naive) ones in the scenario's zone, offset ones as given."""

    def __init__(self, tz: str, source: str) -> None:
        self.tz = ZoneInfo(tz)
        self.source = source

    def at(self, value: Any, path: str) -> float:
        if not isinstance(value, dt.datetime):
            raise _bad(path, self.source, "a date-time (2023-06-24T14:16:00)", value)
        if value.tzinfo is None:
            value = value.replace(tzinfo=self.tz)
        return value.timestamp()
