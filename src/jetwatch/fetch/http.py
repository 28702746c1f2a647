"""HTTP for public archives and APIs: polite, retried, resumable, never silent.

- Every request names jetwatch and its version in ``User-Agent``.
- Requests to one :class:`Client` are spaced by ``min_interval`` seconds (the
  aggregator APIs allow 1 request/s).
- **429** waits ``Retry-After`` (or OpenSky's ``X-Rate-Limit-Retry-After-Seconds``)
  seconds, else 2, 4, 8, … up to 60, and tries again; a server asking for more than
  a minute (a day's credits spent) stops the fetch with the wait said. **5xx** and
  dropped connections are retried the same way, ``retries`` times.
- **404** is :class:`NotFound`, which callers read as "nothing there" (OpenSky
  answers 404 for no flights; a day with no release is 404 too).
- **401/403** are :class:`Refused`, which callers turn into a message about
  credentials; no credential is ever printed.
- :meth:`Client.open` starts a body at a byte ``offset`` with an HTTP Range
  request (a download resumed after a dropped connection or a kill); a server that
  ignores Range is an error rather than a silent restart.
- JSON answers are read whole up to ``max_bytes`` (64 MiB).
"""

from __future__ import annotations

import http.client
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Mapping
from typing import Any

import orjson

from jetwatch import __version__
from jetwatch.errors import JetwatchError

USER_AGENT = f"jetwatch/{__version__} (+https://github.com/jetwatch/jetwatch)"
MAX_JSON = 64 << 20
BACKOFF_CAP_S = 60.0
NETWORK_ERRORS = (urllib.error.URLError, http.client.HTTPException, ConnectionError, TimeoutError)


class FetchError(JetwatchError):
    """A request that failed for good."""


class NotFound(FetchError):
    """404: nothing at this address."""


class Refused(FetchError):
    """401 or 403: the credentials are missing, wrong or not allowed."""


class Client:
    """One source's requests: spacing, retries and the User-Agent."""

    def __init__(
        self,
        min_interval: float = 0.0,
        retries: int = 5,
        timeout: float = 60.0,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.min_interval = min_interval
        self.retries = retries
        self.timeout = timeout
        self.sleep = sleep
        self._last = 0.0
        self.requests = 0

    def _space(self) -> None:
        wait = self._last + self.min_interval - time.monotonic()
        if wait > 0:
            self.sleep(wait)
        self._last = time.monotonic()

    def open(
        self,
        url: str,
        *,
        headers: Mapping[str, str] | None = None,
        data: bytes | None = None,
        offset: int = 0,
    ) -> http.client.HTTPResponse:
        """The response to ``url`` (a POST when ``data`` is given), its body from byte
        ``offset``; retried as the module says."""
        head = {"User-Agent": USER_AGENT, **(headers or {})}
        if offset:
            head["Range"] = f"bytes={offset}-"
        delay = 2.0
        for attempt in range(self.retries + 1):
            self._space()
            self.requests += 1
            request = urllib.request.Request(url, data=data, headers=head)
            try:
                response: http.client.HTTPResponse = urllib.request.urlopen(  # noqa: S310
                    request, timeout=self.timeout
                )
            except urllib.error.HTTPError as exc:
                exc.close()
                if exc.code == 404:
                    raise NotFound("not found (HTTP 404)", where=url) from None
                if exc.code in (401, 403):
                    raise Refused(f"refused (HTTP {exc.code})", where=url) from None
                if exc.code == 429 or exc.code >= 500:
                    if attempt == self.retries:
                        raise FetchError(f"HTTP {exc.code}, {attempt} retries", where=url) from None
                    answer = {k.lower(): v for k, v in (exc.headers or {}).items()}
                    wait = _retry_after(answer, delay)
                    if wait > BACKOFF_CAP_S:
                        raise FetchError(
                            f"rate-limited (HTTP {exc.code}): the server asks to wait "
                            f"{wait:,.0f} s; run the same command again later to resume",
                            where=url,
                        ) from None
                    self.sleep(wait)
                    delay = min(delay * 2, BACKOFF_CAP_S)
                    continue
                raise FetchError(f"HTTP {exc.code} {exc.reason}", where=url) from None
            except NETWORK_ERRORS as exc:
                if attempt == self.retries:
                    raise FetchError(f"{exc}, {attempt} retries", where=url) from None
                self.sleep(delay)
                delay = min(delay * 2, BACKOFF_CAP_S)
                continue
            if offset and response.status != 206:
                response.close()
                raise FetchError(
                    f"the server ignored a Range request (HTTP {response.status})", where=url
                )
            return response
        raise AssertionError("unreachable")

    def json(
        self,
        url: str,
        *,
        headers: Mapping[str, str] | None = None,
        data: bytes | None = None,
        max_bytes: int = MAX_JSON,
    ) -> Any:
        """The JSON answer of ``url``, at most ``max_bytes``."""
        with self.open(url, headers=headers, data=data) as response:
            body = response.read(max_bytes + 1)
        if len(body) > max_bytes:
            raise FetchError(f"answer larger than {max_bytes >> 20} MiB", where=url)
        if not body.strip():
            return None
        try:
            return orjson.loads(body)
        except orjson.JSONDecodeError as exc:
            raise FetchError(f"not JSON: {exc}", value=body[:80], where=url) from None


def _retry_after(headers: Mapping[str, str] | None, default: float) -> float:
    """The wait a 429 or 5xx answer asks for (its headers, lower-cased), in seconds,
    else ``default``."""
    for name in ("retry-after", "x-rate-limit-retry-after-seconds"):
        value = headers.get(name) if headers else None
        try:
            if value:
                return max(float(value), 0.0)
        except ValueError:
            continue
    return default


def form(fields: Mapping[str, str]) -> bytes:
    """``application/x-www-form-urlencoded`` body."""
    return urllib.parse.urlencode(fields).encode()
