"""The grid search gives what a comparison with every airport gives."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jetwatch.geo import haversine_km
from jetwatch.watch.nearby import Nearby


@pytest.fixture(scope="module")
def nearby() -> Nearby:
    return Nearby()


def _every(n: Nearby, lat: float, lon: float, within: float | None) -> float | None:
    d = haversine_km(np.full(len(n.lat), lat), np.full(len(n.lat), lon), n.lat, n.lon)
    best = float(d.min())
    return None if within is not None and best > within else best


@settings(max_examples=400, deadline=None)
@given(
    lat=st.one_of(st.floats(-90, 90), st.floats(84, 90), st.floats(-90, -60)),
    lon=st.one_of(st.floats(-180, 180), st.floats(178, 180), st.floats(-180, -178)),
    within=st.one_of(st.none(), st.floats(0, 600)),
)
def test_the_nearest_airport_is_the_nearest_of_all(
    nearby: Nearby, lat: float, lon: float, within: float | None
) -> None:
    got = nearby.nearest(lat, lon, within)
    want = _every(nearby, lat, lon, within)
    assert (got is None) == (want is None)
    if got is not None and want is not None:
        assert got[2] == pytest.approx(want, abs=1e-9)


def test_known_airports_and_no_position(nearby: Nearby) -> None:
    hit = nearby.nearest(55.5915, 37.2615, 10)  # Vnukovo's runways
    assert hit is not None and hit[0] == "UUWW" and hit[1] == "RU"
    assert nearby.nearest(float("nan"), 37.0) is None
    assert nearby.nearest(0.0, -150.0, 5) is None  # mid-Pacific
    assert nearby.nearest(0.0, -150.0) is not None  # some island, however far
