"""readsb's position source types mapped to jetwatch's ``positions.source`` values.

readsb names where a position came from (``adsb_icao``, ``adsb_icao_nt``,
``adsr_icao``, ``tisb_icao``, ``tisb_trackfile``, ``adsc``, ``mlat``, ``mode_s``,
``other``…); jetwatch keeps the family: adsb, adsr, tisb, adsc, mlat, modes, other.
"""

from __future__ import annotations

FAMILIES = ("adsb", "adsr", "tisb", "adsc", "mlat")


def family(kind: object, default: str = "other") -> str:
    if not isinstance(kind, str) or not kind:
        return default
    if kind.startswith("mode_s"):
        return "modes"
    return next((f for f in FAMILIES if kind.startswith(f)), "other")
