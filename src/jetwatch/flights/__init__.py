"""Flights: positions segmented into flights with take-off, landing and airports.

``build(store)`` maintains the stored ``flights`` table incrementally
(:mod:`.build`); segmentation is a vectorised pass over positions sorted by
aircraft and time (:mod:`.segment`, :mod:`.summary`, :mod:`.batches`) and airports
come from the spatial lookup and the runways (:mod:`.airports`).
"""

from jetwatch.flights.airports import AirportSettings
from jetwatch.flights.build import BuildResult, build
from jetwatch.flights.segment import Settings

__all__ = ["AirportSettings", "BuildResult", "Settings", "build"]
