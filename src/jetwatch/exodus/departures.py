"""Departures of a class from a place, and their counts per time bucket.

A *scope* is an area (:mod:`jetwatch.reference.areas`) or a single airport: its
airports, its home country (of the first airport) and its time zone. Days and
buckets are local: a day starts at local midnight (the offset at midnight holds for
the whole day; days with a DST change are out of scope), and times are reported in
UTC. A departure is a stored flight whose origin is one of the scope's airports,
timed at its take-off (or, when the take-off was not observed, its first
position).

Class: a departure of the scope's class counts (``class_known``). One whose class no
registry settled (unknown, or only guessed from the emitter category, which cannot
tell a business jet from an airliner) is returned too, with ``class_known`` false:
it might be of the class, so it is counted as unknown, never as zero.

Destination: the airport the flight was placed at (:mod:`jetwatch.flights.airports`).
A flight that left coverage has none: it is not guessed (projecting the course
picked the right country for only half of the simulated business jets that left
coverage, so it would mislead), and its last position, altitude and track are
given instead. ``abroad`` is whether the destination's country differs from the
home country, NULL when the destination is unknown.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache
from zoneinfo import ZoneInfo

import numpy as np
import numpy.typing as npt
import pyarrow as pa

from jetwatch.errors import JetwatchError
from jetwatch.reference import areas
from jetwatch.reference.airports import Airports
from jetwatch.reference.classes import CLASSES
from jetwatch.sql import literal
from jetwatch.store.db import Store


class ScopeError(JetwatchError, ValueError):
    """An unknown area, airport or class."""


@dataclass(frozen=True)
class Scope:
    name: str
    airports: tuple[str, ...]
    country: str
    tz: str
    cls: str | None

    def day_start(self, day: dt.date) -> dt.datetime:
        """Local midnight of ``day`` as a naive UTC datetime."""
        local = dt.datetime.combine(day, dt.time(), ZoneInfo(self.tz))
        return local.astimezone(dt.UTC).replace(tzinfo=None)


@cache
def places() -> Airports:
    """The default airports (built once per process)."""
    return Airports()


def scope(
    area: str | None = None,
    airport: str | None = None,
    cls: str | None = None,
    airports: Airports | None = None,
) -> Scope:
    """The scope of an area name or an airport code, checked."""
    known = airports or places()
    if cls is not None and cls not in CLASSES:
        raise ScopeError(f"no such class; known: {', '.join(CLASSES)}", value=cls)
    if (area is None) == (airport is None):
        raise ScopeError("give an area or an airport")
    if area is not None:
        codes = tuple(areas.get(area).resolve(known))
        name = area.lower()
    else:
        code = str(airport).upper()
        if known.get(code) is None:
            codes_known = ", ".join(_area_airports())
            raise ScopeError(
                f"no such airport (ICAO code); the areas' airports: {codes_known}", value=airport
            )
        codes, name = (code,), code
    first = known.get(codes[0]) or {}
    return Scope(name, codes, str(first.get("country") or ""), str(first.get("tz") or "UTC"), cls)


def _area_airports() -> list[str]:
    return sorted({c for a in areas.load().values() for c in a.airports})


# a class no registry settled: unknown, or guessed from the emitter category alone
UNSURE = "(c.class IS NULL OR c.class = 'unknown' OR c.class_reason LIKE 'emitter category%')"


def departures_sql(where: Scope, since: dt.datetime, until: dt.datetime) -> str:
    """The departures statement over ``flights``, ``aircraft`` and ``aircraft_classes``,
    with its values written in. The same text runs on DuckDB and, transpiled, on Spark
    (:mod:`jetwatch.spark.exodus`)."""
    codes = ", ".join(literal(c) for c in where.airports)
    if where.cls is None:
        known = cls = "TRUE"
    else:
        known = f"coalesce(c.class = {literal(where.cls)}, false)"
        cls = f"({known} OR {UNSURE})"
    return f"""
        SELECT f.id, f.icao24, a.registration, a.typecode, a.operator, c.class,
            {known} AS class_known,
            f.callsigns[1] AS callsign, f.origin, coalesce(f.takeoff, f.first_seen) AS time,
            f.takeoff_method, f.destination, f.destination_country, f.destination_method,
            f.landing, f.destination_country <> {literal(where.country)} AS abroad,
            f.last_seen, f.last_lat, f.last_lon, f.last_altitude, f.last_track
        FROM flights f LEFT JOIN aircraft a ON a.icao24 = f.icao24
        LEFT JOIN aircraft_classes c ON c.icao24 = f.icao24
        WHERE f.origin IN ({codes})
            AND coalesce(f.takeoff, f.first_seen) >= TIMESTAMP '{since.isoformat(" ")}'
            AND coalesce(f.takeoff, f.first_seen) < TIMESTAMP '{until.isoformat(" ")}'
            AND {cls}
        ORDER BY time, f.id
        """


def departures(
    store: Store,
    where: Scope,
    since: dt.datetime,
    until: dt.datetime,
) -> pa.Table:
    """Departures in ``[since, until)`` (naive UTC), oldest first, with destinations."""
    return store.con.sql(departures_sql(where, since, until)).to_arrow_table()


def edges(
    where: Scope, first_day: dt.date, days: int, bucket_minutes: int
) -> npt.NDArray[np.int64]:
    """Bucket start times (UTC epoch s), shape (days, buckets per day + 1)."""
    per_day = 24 * 60 // bucket_minutes
    starts = [where.day_start(first_day + dt.timedelta(days=i)) for i in range(days)]
    base = np.array([int(s.replace(tzinfo=dt.UTC).timestamp()) for s in starts], dtype=np.int64)
    return base[:, None] + np.arange(per_day + 1, dtype=np.int64)[None, :] * bucket_minutes * 60


def bucket_counts(
    times: npt.NDArray[np.int64],
    bucket_edges: npt.NDArray[np.int64],
    weights: npt.NDArray[np.float64] | None = None,
) -> npt.NDArray[np.float64]:
    """Counts (or summed ``weights``) of ``times`` (epoch s) per (day, bucket) of the edges."""
    out = np.zeros((bucket_edges.shape[0], bucket_edges.shape[1] - 1))
    for d, row in enumerate(bucket_edges):
        inside = (times >= row[0]) & (times < row[-1])
        idx = np.searchsorted(row, times[inside], side="right") - 1
        w = None if weights is None else weights[inside]
        out[d] = np.bincount(idx, weights=w, minlength=len(row) - 1)
    return out


def epochs(table: pa.Table, column: str = "time") -> npt.NDArray[np.int64]:
    col = table[column].cast(pa.timestamp("us"))
    return (
        (col.to_numpy().astype("datetime64[s]").astype(np.int64))
        if len(col)
        else np.zeros(0, np.int64)
    )
