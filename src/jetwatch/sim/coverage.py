"""Who hears what: receiver range, line of sight, outages and message loss.

A receiver at antenna height ``h_rx`` (m above ground) hears an aircraft ``h`` m
above the ground up to the radio horizon ``4.12 * (sqrt(h_rx) + sqrt(h))`` km (4/3
Earth radius), and never beyond its ``radius_km``. Heights above the ground are
taken from the altitude above the elevation of the flight's nearer airport, with a
3 m antenna on the aircraft. During an outage (scenario windows, plus random ones
of 20-120 min drawn per day) it hears nothing. In range, each message is lost with
probability ``loss + (1 - loss) * (d / range)^6``: reception fades at the edge.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from jetwatch.geo import haversine_km
from jetwatch.sim.scenario import Receiver, Scenario

F64 = npt.NDArray[np.float64]
B = npt.NDArray[np.bool_]
AIRCRAFT_ANTENNA_M = 3.0


class Coverage:
    def __init__(self, scenario: Scenario, rng: np.random.Generator) -> None:
        self.receivers = scenario.receivers
        first, _ = scenario.span()
        self.outages: list[F64] = []
        for rx in self.receivers:
            windows = list(rx.outages)
            for day in range(scenario.days + 1):
                for _ in range(rng.poisson(rx.random_outages_per_day)):
                    start = first + (day + rng.random()) * 86400.0
                    windows.append((start, start + rng.uniform(20, 120) * 60.0))
            self.outages.append(np.array(sorted(windows), dtype=np.float64).reshape(-1, 2))

    def range_km(self, rx: Receiver, agl_ft: F64) -> F64:
        """How far the receiver hears an aircraft at each height above the ground."""
        h = np.maximum(agl_ft * 0.3048, 0.0) + AIRCRAFT_ANTENNA_M
        return np.minimum(4.12 * (np.sqrt(rx.height_m) + np.sqrt(h)), rx.radius_km)

    def down(self, k: int, t: F64) -> B:
        w = self.outages[k]
        if not len(w):
            return np.zeros(len(t), dtype=bool)
        i = np.searchsorted(w[:, 0], t, side="right") - 1
        return (i >= 0) & (t < np.where(i >= 0, w[np.maximum(i, 0), 1], -np.inf))

    def hears(self, k: int, t: F64, lat: F64, lon: F64, agl_ft: F64) -> tuple[B, F64]:
        """Whether receiver ``k`` is in range and up, and the distance ratio d / range."""
        rx = self.receivers[k]
        d = haversine_km(np.full(len(t), rx.lat), np.full(len(t), rx.lon), lat, lon)
        limit = self.range_km(rx, agl_ft)
        return (d <= limit) & ~self.down(k, t), d / limit

    def received(
        self, k: int, t: F64, lat: F64, lon: F64, agl_ft: F64, rng: np.random.Generator
    ) -> tuple[B, F64]:
        """Which messages receiver ``k`` decodes, after range, outages and random loss,
        and the distance ratio d / range of each."""
        ok, ratio = self.hears(k, t, lat, lon, agl_ft)
        loss = self.receivers[k].loss
        p_lost = loss + (1.0 - loss) * np.clip(ratio, 0, 1) ** 6
        return ok & (rng.random(len(t)) >= p_lost), ratio
