"""Flights: positions segmented into flights with take-off, landing and airports.

``build(store)`` maintains the stored ``flights`` table incrementally
(:mod:`.build`); segmentation is set-based SQL (:mod:`.segment`) and airports come
from the spatial lookup and the runways (:mod:`.airports`).
"""

from jetwatch.flights.airports import AirportSettings
from jetwatch.flights.build import BuildResult, build
from jetwatch.flights.segment import Settings

__all__ = ["AirportSettings", "BuildResult", "Settings", "build"]
