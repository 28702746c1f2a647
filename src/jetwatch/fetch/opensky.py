"""The OpenSky Network's REST API: an area's flights, tracks and state vectors.

Since March 2026 the API takes OAuth2 client credentials: the client id and secret
from the account page (``$OPENSKY_CLIENT_ID`` and ``$OPENSKY_CLIENT_SECRET``, or
the config file's ``[opensky]``) are exchanged at :data:`AUTH` for a bearer token,
renewed before it expires and once after a 401. The secret is never printed.

For each UTC day, :func:`fetch_day` asks (``what``):

- ``flights``: ``/flights/departure`` and ``/flights/arrival`` for every airport of
  the area (``--area``, else ``--airport``, else the airports with an IATA code in
  ``--bbox``), in spans of at most :data:`AIRPORT_SPAN_S` (two days; a day is one
  request). OpenSky computes flights overnight for the day before, so yesterday's
  may be empty yet. 404 with an empty body is "no flights", not an error.
- ``tracks``: ``/tracks/all?icao24=&time=`` for each flight fetched (OpenSky keeps
  tracks for 30 days; older ones answer 404 and are counted as missing).
- ``states``: ``/states/all`` for the box (``lamin, lomin, lamax, lomax``) every
  ``step`` seconds of the part of the day that lies within the last hour (all the
  REST API keeps: the history is :mod:`.trino`'s).

Answers are written as they arrive, each as one line of its exact JSON, to a work
file beside the store; the URL (parameters, never credentials) of each answered
request goes to a ``.done`` file, so a fetch stopped by Ctrl-C resumes at the
first unanswered request. The day's file is then ingested (archived, hashed,
idempotent: :mod:`jetwatch.sources.opensky_rest` reads it, OpenSky's flights
going to ``reported_flights``), and the provenance goes to ``fetches``: every
request with its status, size and SHA-256. 429 waits as the server says
(``X-Rate-Limit-Retry-After-Seconds``), and a wait beyond a minute, such as a
day's credits spent, stops with that said.
"""

from __future__ import annotations

import datetime as dt
import time
import urllib.parse
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from jetwatch.errors import JetwatchError
from jetwatch.fetch.answers import AnswerLog, Progress, Request, answers_in
from jetwatch.fetch.http import Client, FetchError, NotFound, Refused, form
from jetwatch.fetch.provenance import Terms, already, work_files
from jetwatch.fetch.window import Box, span
from jetwatch.ingest import IngestResult
from jetwatch.store.db import Store

SOURCE = "opensky"
API = "https://opensky-network.org/api"
AUTH_PATH = "/auth/realms/opensky-network/protocol/openid-connect/token"
AUTH = "https://auth.opensky-network.org" + AUTH_PATH
WHAT = ("flights", "tracks", "states")
AIRPORT_SPAN_S = 2 * 86400
STATES_KEPT_S = 3600
TRACKS_KEPT_S = 30 * 86400
TOKEN_MARGIN_S = 30.0
LICENCE = "OpenSky Network terms of use (non-commercial research and education)"
ATTRIBUTION = (
    "The OpenSky Network (https://opensky-network.org); cite Schäfer et al., "
    "'Bringing Up OpenSky: A Large-scale ADS-B Sensor Network for Research', IPSN 2014"
)
TERMS = Terms(SOURCE, LICENCE, ATTRIBUTION)


class CredentialsError(JetwatchError):
    """No OpenSky client credentials, or OpenSky refused them."""


@dataclass(frozen=True)
class Credentials:
    client_id: str
    client_secret: str = field(repr=False)


class Tokens:
    """Bearer tokens for one client: fetched when needed, renewed before they
    expire, forgotten after a 401 (``jetwatch listen`` polls states with them too)."""

    def __init__(self, client: Client, credentials: Credentials, auth: str = AUTH) -> None:
        self.client, self.credentials, self.auth = client, credentials, auth
        self._token: str | None = None
        self._expires = 0.0

    def get(self) -> str:
        if self._token is None or time.monotonic() > self._expires - TOKEN_MARGIN_S:
            fields = {
                "grant_type": "client_credentials",
                "client_id": self.credentials.client_id,
                "client_secret": self.credentials.client_secret,
            }
            try:
                doc = self.client.json(self.auth, data=form(fields))
            except (Refused, FetchError) as exc:
                if isinstance(exc, Refused) or "HTTP 400" in exc.message:
                    raise CredentialsError(
                        f"OpenSky refused the client credentials of {self.credentials.client_id!r}"
                        ": check OPENSKY_CLIENT_ID and OPENSKY_CLIENT_SECRET (the account "
                        "page's API client)",
                        where=self.auth,
                    ) from None
                raise
            token = doc.get("access_token") if isinstance(doc, dict) else None
            if not isinstance(token, str) or not token:
                raise CredentialsError("the token answer has no access_token", where=self.auth)
            self._token = token
            self._expires = time.monotonic() + float(doc.get("expires_in") or 1800)
        return self._token

    def forget(self) -> None:
        self._token = None


def auth_url(api_url: str) -> str:
    """The token endpoint for an API URL: OpenSky's own, or the same origin's (a mirror)."""
    parts = urllib.parse.urlsplit(api_url)
    if (parts.hostname or "").endswith("opensky-network.org"):
        return AUTH
    return f"{parts.scheme}://{parts.netloc}{AUTH_PATH}"


class Session:
    """Authenticated requests to one OpenSky API base."""

    def __init__(
        self, client: Client, credentials: Credentials, api: str = API, auth: str = AUTH
    ) -> None:
        self.client, self.api = client, api
        self.tokens = Tokens(client, credentials, auth)

    def request(self, req: Request) -> tuple[str, bytes | None]:
        """The request's URL (no credentials) and the answer's bytes, None for 404."""
        url = f"{self.api}{req.key}"
        for attempt in (0, 1):
            head = {"Authorization": f"Bearer {self.tokens.get()}"}
            try:
                with self.client.open(url, headers=head) as response:
                    return url, response.read()
            except NotFound:
                return url, None
            except Refused:
                if attempt:
                    raise CredentialsError(
                        "OpenSky refused the request with a fresh token: the account may "
                        "not be allowed this endpoint",
                        where=url,
                    ) from None
                self.tokens.forget()  # expired early or revoked: one new token
        raise AssertionError("unreachable")


@dataclass
class FetchResult:
    """What one day's fetch did."""

    day: dt.date
    status: str  # "fetched", "skipped" (already), "failed"
    counts: Counter[str] = field(default_factory=Counter)
    ingest: IngestResult | None = None
    error: str | None = None
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0


def airport_requests(airports: Sequence[str], day: dt.date) -> list[Request]:
    """Departures and arrivals of each airport over the day, in allowed spans."""
    start, end = (int(t) for t in span(day))
    out = []
    for code in airports:
        for kind in ("departure", "arrival"):
            for begin in range(start, end, AIRPORT_SPAN_S):
                stop = min(begin + AIRPORT_SPAN_S, end) - 1
                out.append(
                    Request(f"/flights/{kind}", {"airport": code, "begin": begin, "end": stop})
                )
    return out


def state_requests(box: Box, day: dt.date, now: float, step: int) -> list[Request]:
    """``/states/all`` for the box every ``step`` s of the day within the last hour."""
    start, end = span(day)
    first, last = max(start, now - STATES_KEPT_S + step), min(end, now)
    first = int(first) + (-int(first)) % step
    area = {"lamin": box.south, "lomin": box.west, "lamax": box.north, "lomax": box.east}
    return [Request("/states/all", {"time": t, **area}) for t in range(first, int(last) + 1, step)]


def track_requests(flights: list[dict[str, Any]], now: float) -> tuple[list[Request], int]:
    """One track request per flight OpenSky still keeps, and how many are too old."""
    keep, old = {}, 0
    for f in flights:
        icao24, first = f.get("icao24"), f.get("firstSeen")
        if not isinstance(icao24, str) or not isinstance(first, int):
            continue
        if now - first > TRACKS_KEPT_S:
            old += 1
            continue
        keep[(icao24, first)] = Request("/tracks/all", {"icao24": icao24, "time": first})
    return list(keep.values()), old


def credentials(client_id: str | None, client_secret: str | None) -> Credentials:
    """The client credentials given (environment, then config file), or a clear error."""
    if not client_id or not client_secret:
        raise CredentialsError(
            "OpenSky's API needs client credentials (since 18 March 2026): create an API "
            "client on your account page (https://opensky-network.org/my-opensky/account) "
            "and set OPENSKY_CLIENT_ID and OPENSKY_CLIENT_SECRET, or client_id and "
            "client_secret under [opensky] in the config file"
        )
    return Credentials(client_id, client_secret)


def release_name(day: dt.date, what: Sequence[str]) -> str:
    return f"{day} {'+'.join(w for w in WHAT if w in what)}"


def fetch_day(
    store: Store,
    day: dt.date,
    box: Box,
    airports: Sequence[str],
    *,
    session: Session,
    what: Sequence[str] = ("flights",),
    step: int = 10,
    refresh: bool = False,
    progress: Progress | None = None,
    now: float | None = None,
) -> FetchResult:
    """Fetch one day (see the module); raises only for Ctrl-C and refused credentials."""
    began = time.perf_counter()
    now = time.time() if now is None else now
    result = FetchResult(day, "failed")
    release = release_name(day, what)
    if not refresh and (skipped := already(store, SOURCE, release, box.name)) is not None:
        result.status, result.ingest = "skipped", skipped
        return result
    answers, log = work_files(store, "opensky", release, box.name)
    run = AnswerLog(answers, log, progress, tally="flights")
    get = session.request
    try:
        if "flights" in what or "tracks" in what:
            run.run(airport_requests(airports, day), get)
        flights = [f for doc in answers_in(answers) if isinstance(doc, list) for f in doc]
        flights = [f for f in flights if isinstance(f, dict)]
        run.counts["flights"] = len({(f.get("icao24"), f.get("firstSeen")) for f in flights})
        if "tracks" in what:
            tracks, old = track_requests(flights, now)
            run.counts["tracks_too_old"] = old
            if old:
                result.notes.append(
                    f"{old} tracks older than 30 days: OpenSky no longer keeps them"
                )
            run.run(tracks, get)
        if "states" in what:
            states = state_requests(box, day, now, step)
            if not states:
                result.notes.append(
                    f"states: the REST API keeps the last hour only and {day} has none of it; "
                    "past state vectors are in OpenSky's history (Trino): see docs/real-data.md"
                )
            run.run(states, get)
    except FetchError as exc:
        result.error = str(exc)
        result.counts = run.counts
        return result
    finally:
        run.close()
        result.seconds = time.perf_counter() - began
    result.counts = run.counts
    result.ingest = run.ingest(store)
    if result.ingest is not None and not result.ingest.read_anything:
        result.error = result.ingest.error
        return result
    TERMS.cite(
        store,
        release=release,
        day=result.day,
        box=box,
        url=session.api,
        assets=run.assets,
        counts=result.counts,
        ingest=result.ingest,
        note="; ".join(result.notes) or "REST API",
    )
    run.discard()
    result.status = "fetched"
    result.seconds = time.perf_counter() - began
    return result
