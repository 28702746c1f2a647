"""Country borders for offline maps, from the TopoJSON the package ships.

``data/borders/countries-50m.json`` is Natural Earth 1:50m admin-0 countries
(public domain) in TopoJSON, vendored from the npm package world-atlas by
``tools/vendor_borders.sh``. TopoJSON stores shared *arcs* once: each arc is a list
of quantised points, delta-encoded (point k = sum of deltas 0..k), mapped to
lon/lat by ``transform`` (``scale``, ``translate``). A polygon ring is a list of arc
indices; a negative index ``~i`` is arc ``i`` reversed, and consecutive arcs share
their end point. :func:`rings` decodes every country's rings once; :func:`within`
keeps those touching a lon/lat box. Out of scope: anything but countries (no
coastline detail finer than 1:50m, no disputed-area styling).
"""

from __future__ import annotations

import functools
import json
from importlib import resources

import numpy as np
import numpy.typing as npt

Ring = npt.NDArray[np.float64]  # (n, 2): lon, lat


@functools.cache
def rings() -> tuple[tuple[str, tuple[Ring, ...]], ...]:
    """Every country's name and its polygon rings (lon, lat), decoded."""
    path = resources.files("jetwatch") / "data" / "borders" / "countries-50m.json"
    topo = json.loads(path.read_text())
    scale = np.array(topo["transform"]["scale"])
    shift = np.array(topo["transform"]["translate"])
    arcs = [np.cumsum(np.array(a, dtype=np.float64), axis=0) * scale + shift for a in topo["arcs"]]

    def ring(indices: list[int]) -> Ring:
        parts = [arcs[i] if i >= 0 else arcs[~i][::-1] for i in indices]
        return np.concatenate([parts[0], *(p[1:] for p in parts[1:])])

    out = []
    for geom in topo["objects"]["countries"]["geometries"]:
        polys = geom.get("arcs", [])
        if geom["type"] == "Polygon":
            polys = [polys]
        name = str(geom.get("properties", {}).get("name", ""))
        out.append((name, tuple(ring(r) for poly in polys for r in poly)))
    return tuple(out)


def within(lon0: float, lat0: float, lon1: float, lat1: float) -> list[Ring]:
    """The rings whose bounding box meets the box (lon0, lat0) - (lon1, lat1)."""
    found = []
    for _, rs in rings():
        for r in rs:
            if (
                r[:, 0].max() >= lon0
                and r[:, 0].min() <= lon1
                and r[:, 1].max() >= lat0
                and r[:, 1].min() <= lat1
            ):
                found.append(r)
    return found
