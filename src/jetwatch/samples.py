"""Real recordings bundled with the package, for the demo, docs and tests.

All are real receptions, trimmed or re-encoded by ``tools/make_samples.py`` (see
``data/README.md`` for their sources and licences). Inputs whose records carry only
a receiver clock come with the UTC time of their first record (``start``).
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path


@dataclass(frozen=True)
class Sample:
    name: str
    description: str
    start: float | None = None  # UTC of the first record, for clock-only inputs
    receiver: tuple[float, float] | None = None  # reference for surface positions

    @property
    def path(self) -> Path:
        return Path(str(resources.files("jetwatch") / "data" / self.name))


SAMPLES = (
    Sample(
        "afr34zg-cdg.avr.gz",
        "AVR raw frames, 12 MHz clock: AFR34ZG taxi and departure at Paris CDG, 2024-07-06",
        start=1720248189.525094,
    ),
    Sample(
        "klm-beast.bin.gz",
        "Beast binary: KLM flight and traffic in range, 2023-10-24 (rs1090 sample)",
        start=1698140962.119813,
        # This excerpt holds surface positions only; the reference is the median of
        # the airborne positions of the whole capture (it needs to be within 45 deg).
        receiver=(48.67, 1.50),
    ),
    Sample(
        "klm-port30003.sbs.gz",
        "SBS port 30003: the next 10 minutes of that capture, decoded and written by jetwatch",
    ),
    Sample("trace_full_ac671b.json.gz", "readsb trace: N899DN (B739), 2025-02-04"),
    Sample(
        "state_vectors_EDW24_20240406.parquet",
        "OpenSky state vectors: EDW24 taxi and take-off at Zurich, 2024-04-06",
    ),
)
