"""A real HTTP server on 127.0.0.1 in the OpenSky Network's layouts.

- ``POST /auth/realms/opensky-network/protocol/openid-connect/token``: the OAuth2
  client-credentials grant (form fields ``grant_type``, ``client_id``,
  ``client_secret``), answering ``{"access_token", "expires_in", "token_type"}`` or
  401 ``{"error": "invalid_client"}``.
- ``GET /api/flights/departure`` / ``arrival`` (``airport``, ``begin``, ``end``,
  unix s; 400 beyond two days), ``/api/tracks/all`` (``icao24``, ``time``) and
  ``/api/states/all`` (``time``, ``lamin``, ``lomin``, ``lamax``, ``lomax``; without
  ``time``, the next of its ``live`` answers, as a poll of the present gets), each
  needing ``Authorization: Bearer``; no flights or no track is 404 with an empty
  body, as OpenSky answers.

Faults on request: a 429 once (``X-Rate-Limit-Retry-After-Seconds``), a token
revoked once (401 to a valid token), a day's credits spent after N requests (429
asking for an hour), a delay per request.
"""

from __future__ import annotations

import http.server
import json
import time
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from tests.fetch.mirror import running

TOKEN_PATH = "/auth/realms/opensky-network/protocol/openid-connect/token"


@dataclass
class Faults:
    too_many_once: bool = False
    revoke_once: bool = False
    credits_after: int | None = None  # API requests answered before the day's credits end
    delay_s: float = 0.0


@dataclass
class OpenSky:
    client_id: str = "jw-test-client"
    client_secret: str = "s3cr3t-never-shown"
    flights: list[dict[str, Any]] = field(default_factory=list)
    tracks: list[dict[str, Any]] = field(default_factory=list)
    states: dict[int, list[list[Any]]] = field(default_factory=dict)  # time -> states
    live: list[list[list[Any]]] = field(default_factory=list)  # answers without ``time``
    served: list[int] = field(default_factory=list)  # which live answer each poll got
    faults: Faults = field(default_factory=Faults)
    tokens: list[str] = field(default_factory=list)  # valid now
    issued: int = 0
    requests: list[tuple[str, dict[str, str], str, str]] = field(default_factory=list)
    url: str = ""

    def api_requests(self, path: str) -> list[dict[str, str]]:
        return [q for p, q, _, _ in self.requests if p == path]


def _handler(sky: OpenSky) -> type[http.server.BaseHTTPRequestHandler]:
    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: object) -> None:
            pass

        def _send(self, code: int, body: Any, **head: str) -> None:
            data = b"" if body is None else json.dumps(body).encode()
            self.send_response(code)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            for k, v in head.items():
                self.send_header(k.replace("_", "-"), v)
            self.end_headers()
            self.wfile.write(data)

        def do_POST(self) -> None:  # noqa: N802
            size = int(self.headers.get("Content-Length", "0"))
            fields = dict(urllib.parse.parse_qsl(self.rfile.read(size).decode()))
            if self.path != TOKEN_PATH:
                self._send(404, None)
                return
            ok = (
                fields.get("grant_type") == "client_credentials"
                and fields.get("client_id") == sky.client_id
                and fields.get("client_secret") == sky.client_secret
            )
            if not ok:
                self._send(401, {"error": "invalid_client"})
                return
            sky.issued += 1
            token = f"token-{sky.issued}"
            sky.tokens.append(token)
            self._send(200, {"access_token": token, "expires_in": 1800, "token_type": "Bearer"})

        def do_GET(self) -> None:  # noqa: N802
            path, _, query = self.path.partition("?")
            q = dict(urllib.parse.parse_qsl(query))
            auth = self.headers.get("Authorization", "")
            sky.requests.append((path, q, auth, self.headers.get("User-Agent", "")))
            if sky.faults.delay_s:
                time.sleep(sky.faults.delay_s)
            if auth.removeprefix("Bearer ") not in sky.tokens:
                self._send(401, None)
                return
            if sky.faults.revoke_once:
                sky.faults.revoke_once = False
                sky.tokens.clear()
                self._send(401, None)
                return
            if sky.faults.too_many_once:
                sky.faults.too_many_once = False
                self._send(429, None, X_Rate_Limit_Retry_After_Seconds="1")
                return
            after = sky.faults.credits_after
            if after is not None and len(sky.requests) > after:
                self._send(429, None, X_Rate_Limit_Retry_After_Seconds="3600")
                return
            self._api(path, q)

        def _api(self, path: str, q: dict[str, str]) -> None:
            if path in ("/api/flights/departure", "/api/flights/arrival"):
                begin, end = int(q["begin"]), int(q["end"])
                if end - begin > 2 * 86400:
                    self._send(400, {"error": "interval larger than two days"})
                    return
                dep = path.endswith("departure")
                key, when = (
                    ("estDepartureAirport", "firstSeen")
                    if dep
                    else (
                        "estArrivalAirport",
                        "lastSeen",
                    )
                )
                found = [
                    f for f in sky.flights if f[key] == q["airport"] and begin <= f[when] <= end
                ]
                self._send(200, found) if found else self._send(404, None)
            elif path == "/api/tracks/all":
                t = int(q["time"])
                found = [
                    tr
                    for tr in sky.tracks
                    if tr["icao24"] == q["icao24"] and tr["startTime"] <= t <= tr["endTime"]
                ]
                self._send(200, found[0]) if found else self._send(404, None)
            elif path == "/api/states/all" and "time" not in q:  # now: the next live answer
                k = len(sky.served) % max(len(sky.live), 1)
                sky.served.append(k)
                self._send(
                    200, {"time": int(time.time()), "states": sky.live[k] if sky.live else None}
                )
            elif path == "/api/states/all":
                t = int(q["time"])
                box = [float(q[k]) for k in ("lamin", "lomin", "lamax", "lomax")]
                states = [
                    s
                    for s in sky.states.get(t, [])
                    if s[6] is not None and box[0] <= s[6] <= box[2] and box[1] <= s[5] <= box[3]
                ]
                self._send(200, {"time": t, "states": states or None})
            else:
                self._send(404, None)

    return Handler


@contextmanager
def serve(sky: OpenSky) -> Iterator[OpenSky]:
    with running(_handler(sky)) as url:
        sky.url = url
        yield sky
