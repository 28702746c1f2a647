"""Runways: thresholds and true headings of the world's open paved-or-not runways.

``data/runways.csv.gz`` is OurAirports' runway list (public domain), reduced by
``tools/make_runways.py`` to open runways of at least 3,000 ft whose two thresholds
are located, at airports ``airportsdata`` knows (11,000 runways, 8,900 airports).
Each runway gives two *ends*: the threshold an aircraft lands on or takes off from
and the true heading along the runway from it (great-circle bearing from that
threshold to the other one, degrees). Lengths are in ft. Displaced thresholds are
out of scope.
"""

from __future__ import annotations

import csv
import gzip
from dataclasses import dataclass
from functools import cache
from importlib import resources

import pyarrow as pa

from jetwatch.geo import bearing


@dataclass(frozen=True)
class RunwayEnd:
    airport: str
    ident: str
    lat: float  # threshold
    lon: float
    heading: float  # true, deg, along the runway from this threshold
    length_ft: float


@cache
def _all() -> dict[str, tuple[RunwayEnd, ...]]:
    path = resources.files("jetwatch") / "data" / "runways.csv.gz"
    ends: dict[str, list[RunwayEnd]] = {}
    with path.open("rb") as raw, gzip.open(raw, "rt") as fh:
        for r in csv.DictReader(fh):
            la, lo = float(r["le_lat"]), float(r["le_lon"])
            ha, ho = float(r["he_lat"]), float(r["he_lon"])
            length = float(r["length_ft"])
            both = ends.setdefault(r["icao"], [])
            both.append(
                RunwayEnd(r["icao"], r["le_ident"], la, lo, float(bearing(la, lo, ha, ho)), length)
            )
            both.append(
                RunwayEnd(r["icao"], r["he_ident"], ha, ho, float(bearing(ha, ho, la, lo)), length)
            )
    return {k: tuple(v) for k, v in ends.items()}


def table() -> pa.Table:
    """Every runway end as an Arrow table (airport, ident, lat, lon, heading, length_ft)."""
    rows = [e for both in _all().values() for e in both]
    return pa.table(
        {
            "airport": [e.airport for e in rows],
            "ident": [e.ident for e in rows],
            "lat": pa.array([e.lat for e in rows], pa.float64()),
            "lon": pa.array([e.lon for e in rows], pa.float64()),
            "heading": pa.array([e.heading for e in rows], pa.float64()),
            "length_ft": pa.array([e.length_ft for e in rows], pa.float64()),
        }
    )


def ends(icao: str) -> tuple[RunwayEnd, ...]:
    """Both ends of every runway of an airport (empty when none is known)."""
    return _all().get(icao.upper(), ())
