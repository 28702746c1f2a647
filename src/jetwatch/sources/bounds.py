"""The bounds of every ``positions`` field, checked before a value is converted.

Readers of decoded states (readsb traces, ``aircraft.json``, aggregator APIs, SBS,
OpenSky) take values an attacker may have written. Every value goes through one of
these checks before it reaches a typed column, so that no input can overflow a
column, put a number outside physics into the store, or smuggle a long string in:

- a row needs a time between :data:`TIME_MIN` and :data:`TIME_MAX` (1970–2100), an
  address of six hex digits and a position with |lat| <= 90, |lon| <= 180; otherwise
  the reader rejects the row (``out_of_range`` or ``unparsable``);
- any other field outside :data:`LIMITS` (ft, kt, degrees, ft/min) is dropped (NULL),
  and the row is kept;
- text is kept only in its wire shape: a callsign of at most 8 printable ASCII
  characters, a squawk of 4 octal digits, an emitter category ``A0``–``D7``.

Booleans are never numbers, and numbers are never strings: ``"350"`` is not an
altitude (no source sends one that way).
"""

from __future__ import annotations

import math
import re

import pyarrow as pa
import pyarrow.compute as pc

from jetwatch.model import TIME_MAX, TIME_MIN

LIMITS: dict[str, tuple[float, float]] = {
    "altitude": (-2_000.0, 130_000.0),  # ft; Gillham codes reach 126,750
    "geo_altitude": (-2_000.0, 130_000.0),  # ft
    "ground_speed": (0.0, 4_000.0),  # kt
    "track": (0.0, 360.0),  # deg
    "vertical_rate": (-65_000.0, 65_000.0),  # ft/min; ADS-B encodes up to 32,640
}
_HEX6 = re.compile(r"[0-9a-fA-F]{6}")
_CALLSIGN = re.compile(r"[\x20-\x7e]{1,8}")
_SQUAWK = re.compile(r"[0-7]{4}")
_CATEGORY = re.compile(r"[A-D][0-7]")


def finite(value: object) -> float | None:
    """A finite number (int or float, not bool), else None."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def field(value: object, name: str) -> float | None:
    """``value`` as a number within the bounds of field ``name``, else None."""
    number = finite(value)
    lo, hi = LIMITS[name]
    return number if number is not None and lo <= number <= hi else None


def whole(value: object, name: str) -> int | None:
    """:func:`field`, rounded to an integer."""
    number = field(value, name)
    return None if number is None else int(round(number))


def unix_time(value: object) -> float | None:
    """Unix seconds between 1970 and 2100, else None."""
    number = finite(value)
    return number if number is not None and TIME_MIN <= number < TIME_MAX else None


def position(lat: object, lon: object) -> tuple[float, float] | None:
    """``(lat, lon)`` in degrees when both are numbers on Earth, else None."""
    a, b = finite(lat), finite(lon)
    if a is None or b is None or not (-90 <= a <= 90 and -180 <= b <= 180):
        return None
    return a, b


def address(value: object) -> tuple[str, bool] | None:
    """A 24-bit address as six lower-case hex digits, and whether it was marked
    non-ICAO (a leading ``~``), else None."""
    if not isinstance(value, str):
        return None
    text = value.strip()
    non_icao = text.startswith("~")
    text = text.removeprefix("~")
    return (text.lower(), non_icao) if _HEX6.fullmatch(text) else None


def callsign(value: object) -> str | None:
    text = value.strip() if isinstance(value, str) else ""
    return text if _CALLSIGN.fullmatch(text) else None


def squawk(value: object) -> str | None:
    text = value.strip() if isinstance(value, str) else ""
    return text if _SQUAWK.fullmatch(text) else None


def category(value: object) -> str | None:
    text = value.strip() if isinstance(value, str) else ""
    return text if _CATEGORY.fullmatch(text) else None


def clip_table(table: pa.Table) -> pa.Table:
    """``table`` (positions columns) with every :data:`LIMITS` field outside its bounds
    set to NULL, column-wise: the last word after a database computed them (DuckDB may
    fold a bounds test away using a damaged Parquet file's statistics)."""
    for name, (lo, hi) in LIMITS.items():
        col = table.column(name)
        ok = pc.and_(pc.greater_equal(col, lo), pc.less_equal(col, hi))
        if not pc.all(pc.fill_null(ok, True)).as_py():
            fixed = pc.if_else(pc.fill_null(ok, True), col, pa.scalar(None, col.type))
            table = table.set_column(table.schema.get_field_index(name), name, fixed)
    return table


def sql_stored_outside() -> str:
    """SQL true for a stored ``positions`` row outside any bound: the row's own
    (address, position, time) or a :data:`LIMITS` field's. A NaN is outside."""
    fields = " OR ".join(
        f"{name} NOT BETWEEN {lo!r} AND {hi!r}" for name, (lo, hi) in LIMITS.items()
    )
    return (
        "NOT regexp_full_match(icao24, '[0-9a-f]{6}') OR lat NOT BETWEEN -90 AND 90 "
        "OR lon NOT BETWEEN -180 AND 180 "
        f"OR epoch(time) < {TIME_MIN!r} OR epoch(time) >= {TIME_MAX!r} OR {fields}"
    )


def sql_field(expr: str, name: str) -> str:
    """SQL for ``expr`` when within the bounds of field ``name``, else NULL."""
    lo, hi = LIMITS[name]
    return f"CASE WHEN {expr} BETWEEN {lo!r} AND {hi!r} THEN {expr} END"
