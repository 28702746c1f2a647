"""Named areas: the airports a city's departures can leave from.

An area is a list of ICAO codes and, optionally, a centre (lat, lon) and a radius
in km that adds every airport within that great-circle distance. Built-in areas
(``data/areas.toml``) cover Moscow, St Petersburg, London, Paris, New York, Dubai,
Istanbul, Beijing, Kyiv and Minsk; a user TOML file of the same shape adds areas
or replaces built-in ones of the same name. An unknown area name, or an ICAO code
that is not an airport, is an :class:`~jetwatch.errors.UnknownAreaError`, never an
empty answer.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np

from jetwatch.errors import JetwatchError
from jetwatch.geo import haversine_km
from jetwatch.reference.airports import Airports


class UnknownAreaError(JetwatchError, KeyError):
    """An area name, or an airport code in an area, that does not exist."""


@dataclass(frozen=True)
class Area:
    name: str
    title: str
    airports: tuple[str, ...] = ()
    centre: tuple[float, float] | None = None
    radius_km: float | None = None

    def resolve(self, airports: Airports) -> list[str]:
        """The ICAO codes of the area's airports, listed ones first, then by distance."""
        codes = list(self.airports)
        for code in codes:
            if airports.get(code) is None:
                raise UnknownAreaError(f"area {self.name!r} lists an unknown airport", value=code)
        if self.centre is not None and self.radius_km is not None:
            table = airports.table
            lat = table["lat"].to_numpy()
            lon = table["lon"].to_numpy()
            dist = haversine_km(
                np.full_like(lat, self.centre[0]), np.full_like(lon, self.centre[1]), lat, lon
            )
            near = np.flatnonzero(dist <= self.radius_km)
            icao = table["icao"].to_numpy(zero_copy_only=False)
            codes += [str(icao[i]) for i in near[np.argsort(dist[near])] if icao[i] not in codes]
        return codes


def _parse(doc: dict[str, dict], where: str) -> dict[str, Area]:
    areas = {}
    for name, spec in doc.items():
        try:
            centre = spec.get("centre")
            areas[name] = Area(
                name=name,
                title=str(spec.get("title", name)),
                airports=tuple(str(c).upper() for c in spec.get("airports", ())),
                centre=None if centre is None else (float(centre[0]), float(centre[1])),
                radius_km=None if spec.get("radius_km") is None else float(spec["radius_km"]),
            )
        except (AttributeError, TypeError, ValueError, IndexError) as exc:
            raise UnknownAreaError(f"malformed area: {exc}", value=name, where=where) from exc
        if not areas[name].airports and areas[name].centre is None:
            raise UnknownAreaError("an area needs airports or a centre", value=name, where=where)
    return areas


def load(path: Path | None = None) -> dict[str, Area]:
    """The built-in areas, with those of ``path`` (a TOML file) added or replacing."""
    text = (resources.files("jetwatch") / "data" / "areas.toml").read_text()
    areas = _parse(tomllib.loads(text), "built-in areas")
    if path is not None:
        try:
            doc = tomllib.loads(Path(path).read_text())
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise UnknownAreaError(f"cannot read areas: {exc}", where=str(path)) from exc
        areas.update(_parse(doc, str(path)))
    return areas


def get(name: str, areas: dict[str, Area] | None = None) -> Area:
    areas = load() if areas is None else areas
    try:
        return areas[name.lower()]
    except KeyError:
        known = ", ".join(sorted(areas))
        raise UnknownAreaError(f"no such area; known: {known}", value=name) from None
