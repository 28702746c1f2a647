"""Feed URLs: which receiver to reach, how, and in which format.

| URL | format | default port |
|---|---|---|
| ``beast://host[:port]`` | Beast binary (dump1090/readsb ``--net-bo-port``) | 30005 |
| ``raw://host[:port]`` (or ``avr://``) | AVR hex lines, ``*8d...;`` | 30002 |
| ``sbs://host[:port]`` | SBS/BaseStation CSV | 30003 |
| ``http(s)://host[:port]/path/aircraft.json`` | readsb/tar1090 ``aircraft.json``, polled | 80/443 |
| ``http(s)://host/…/v2/…`` | an aggregator's v2 API answer (ADSBx v2 shape), polled | 80/443 |
| ``https://opensky-network.org/api/states/all?lamin=…`` | OpenSky state vectors, polled | 443 |

An http(s) URL whose path has a ``v2`` segment is an aggregator's API in the ADSBx
v2 shape: airplanes.live ``/v2/point/{lat}/{lon}/{nm}``, adsb.fi
``/api/v2/lat/{lat}/lon/{lon}/dist/{nm}``, adsb.lol ``/v2/point/…``. Those allow
one request a second: ``min_poll_s`` is 1 s, whatever ``--poll`` says. A path
ending in ``/api/states/all`` is OpenSky's REST API (its box in the query:
``lamin``, ``lomin``, ``lamax``, ``lomax``), polled at most every 5 s (its
resolution for API clients) with the OAuth2 client credentials of ``fetch opensky``.
Polls store only states that changed (:mod:`.window`).

A feed's ``name`` (scheme, host and port) names its raw archive file and its line
in the status. Credentials in a URL (``user:pass@``) are never shown: ``shown``
replaces them with ``***``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from jetwatch.errors import JetwatchError

POLLED = ("aircraft_json", "adsbx_v2", "opensky_rest")
MIN_POLL_S = {"adsbx_v2": 1.0, "opensky_rest": 5.0}
SCHEMES: dict[str, tuple[str, int]] = {
    "beast": ("beast", 30005),
    "raw": ("avr", 30002),
    "avr": ("avr", 30002),
    "sbs": ("sbs", 30003),
    "http": ("aircraft_json", 80),
    "https": ("aircraft_json", 443),
}


class FeedError(JetwatchError, ValueError):
    """A feed URL jetwatch cannot use."""


@dataclass(frozen=True)
class Feed:
    url: str
    scheme: str
    format: str  # a reader name of jetwatch.sources
    host: str
    port: int

    @property
    def name(self) -> str:
        return re.sub(r"[^A-Za-z0-9.-]+", "_", f"{self.scheme}-{self.host}-{self.port}")

    @property
    def polled(self) -> bool:
        return self.format in POLLED

    @property
    def min_poll_s(self) -> float:
        """The shortest interval between polls the server allows (aggregators: 1 s)."""
        return MIN_POLL_S.get(self.format, 0.0)

    @property
    def shown(self) -> str:
        """The URL without credentials, for logs and status."""
        parts = urlsplit(self.url)
        if parts.username is None and parts.password is None:
            return self.url
        return parts._replace(netloc=f"***@{parts.hostname}:{self.port}").geturl()


def parse(url: str) -> Feed:
    """A feed from its URL; an unknown scheme or a missing host is a :class:`FeedError`."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in SCHEMES:
        raise FeedError(
            "unknown feed scheme; use one of " + ", ".join(f"{s}://" for s in SCHEMES), value=url
        )
    fmt, default = SCHEMES[scheme]
    if not parts.hostname:
        raise FeedError("a feed URL needs a host, e.g. beast://127.0.0.1:30005", value=url)
    try:
        port = parts.port or default
    except ValueError:
        raise FeedError("bad port", value=url) from None
    if fmt == "aircraft_json" and "v2" in parts.path.split("/"):
        fmt = "adsbx_v2"
    elif fmt == "aircraft_json" and parts.path.rstrip("/").endswith("/api/states/all"):
        fmt = "opensky_rest"
    return Feed(url, scheme, fmt, parts.hostname, port)
