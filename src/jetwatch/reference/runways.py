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

from dataclasses import dataclass
from functools import cache
from importlib import resources

import numpy as np
import pyarrow as pa
from pyarrow import csv

from jetwatch.geo import bearing

TEXT = ("icao", "le_ident", "he_ident")  # "04" is a runway, not the number 4


@dataclass(frozen=True)
class RunwayEnd:
    airport: str
    ident: str
    lat: float  # threshold
    lon: float
    heading: float  # true, deg, along the runway from this threshold
    length_ft: float


@cache
def table() -> pa.Table:
    """Every runway end as an Arrow table (airport, ident, lat, lon, heading, length_ft),
    sorted by airport, each runway's two ends together (the file's order)."""
    path = resources.files("jetwatch") / "data" / "runways.csv.gz"
    with path.open("rb") as raw:
        rows = csv.read_csv(
            pa.input_stream(raw, compression="gzip"),
            convert_options=csv.ConvertOptions(column_types=dict.fromkeys(TEXT, pa.string())),
        )
    rows = rows.combine_chunks()
    la, lo, ha, ho = (rows[c].to_numpy() for c in ("le_lat", "le_lon", "he_lat", "he_lon"))
    low = {"airport": rows["icao"], "ident": rows["le_ident"], "lat": la, "lon": lo}
    high = {"airport": rows["icao"], "ident": rows["he_ident"], "lat": ha, "lon": ho}
    low["heading"], high["heading"] = bearing(la, lo, ha, ho), bearing(ha, ho, la, lo)
    low["length_ft"] = high["length_ft"] = rows["length_ft"].cast(pa.float64())
    n = rows.num_rows
    both = pa.concat_tables([pa.table(low), pa.table(high)])
    return both.take(np.column_stack([np.arange(n), np.arange(n) + n]).ravel())


def ends(icao: str) -> tuple[RunwayEnd, ...]:
    """Both ends of every runway of an airport (empty when none is known): a binary
    search, as ``tools/make_runways.py`` writes the file sorted by airport."""
    key = icao.upper()
    at, stop = (int(np.searchsorted(_airports(), key, side=s)) for s in ("left", "right"))
    return tuple(RunwayEnd(**r) for r in table().slice(at, stop - at).to_pylist())


@cache
def _airports() -> np.ndarray:
    return table()["airport"].to_numpy()
