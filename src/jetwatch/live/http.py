"""One HTTP/1.1 GET for polled feeds, bounded in size and time, and cancellable.

A polled feed (``aircraft.json``, an aggregator's v2 API) is a server jetwatch does
not control. :func:`get` reads its answer on the event loop, so stopping the
listener (``--duration``, SIGINT, SIGTERM) cancels it at once, and it gives up when:

- the body would exceed ``max_bytes`` (a real ``aircraft.json`` is a few MB);
- the whole exchange takes longer than ``deadline_s`` (a server that drips bytes);
- a single read waits longer than ``stall_s`` (a server that stops sending).

The body may come with ``Content-Length``, chunked, or until the server closes; a
``gzip`` content encoding is inflated within the same cap. Up to three redirects
are followed. Credentials in the URL (``user:pass@``) are sent as basic auth.
"""

from __future__ import annotations

import asyncio
import base64
import ssl
import zlib
from collections.abc import Mapping
from urllib.parse import unquote, urljoin, urlsplit

from jetwatch import __version__
from jetwatch.errors import JetwatchError

MAX_HEADER_LINES = 100
REDIRECTS = 3


class HTTPError(JetwatchError):
    """A poll that failed: an HTTP status, an oversized or endless body, a timeout."""


async def get(
    url: str,
    *,
    max_bytes: int,
    deadline_s: float,
    stall_s: float,
    headers: Mapping[str, str] | None = None,
) -> bytes:
    """The body of ``url`` (sent with ``headers``, e.g. a bearer token); raises
    :class:`HTTPError` (or ``OSError``) on failure."""
    try:
        async with asyncio.timeout(deadline_s):
            for _ in range(REDIRECTS + 1):
                status, answer, body = await _exchange(url, max_bytes, stall_s, headers or {})
                if status in (301, 302, 303, 307, 308) and "location" in answer:
                    url = urljoin(url, answer["location"])
                    continue
                if status != 200:
                    raise HTTPError(f"HTTP {status}", where=_shown(url))
                return body
    except TimeoutError:
        raise HTTPError(f"no complete answer within {deadline_s:g} s", where=_shown(url)) from None
    raise HTTPError(f"more than {REDIRECTS} redirects", where=_shown(url))


def _shown(url: str) -> str:
    parts = urlsplit(url)
    return parts._replace(netloc=parts.hostname or "").geturl() if parts.password else url


async def _exchange(
    url: str, max_bytes: int, stall_s: float, extra: Mapping[str, str]
) -> tuple[int, dict[str, str], bytes]:
    parts = urlsplit(url)
    secure = parts.scheme == "https"
    host = parts.hostname or ""
    port = parts.port or (443 if secure else 80)
    context = ssl.create_default_context() if secure else None
    reader, writer = await asyncio.wait_for(
        asyncio.open_connection(host, port, ssl=context, limit=1 << 16), stall_s
    )
    try:
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        lines = [
            f"GET {target} HTTP/1.1",
            f"Host: {parts.netloc.rpartition('@')[2]}",
            f"User-Agent: jetwatch/{__version__}",
            "Accept: application/json",
            "Accept-Encoding: gzip, identity",
            "Connection: close",
            *(f"{k}: {v}" for k, v in extra.items()),
        ]
        if parts.username is not None:
            pair = f"{unquote(parts.username)}:{unquote(parts.password or '')}"
            lines.append(f"Authorization: Basic {base64.b64encode(pair.encode()).decode()}")
        writer.write(("\r\n".join(lines) + "\r\n\r\n").encode())
        await asyncio.wait_for(writer.drain(), stall_s)
        status, headers = await _head(reader, stall_s, url)
        body = await _body(reader, headers, max_bytes, stall_s, url)
        if headers.get("content-encoding", "").lower() == "gzip":
            body = _gunzip(body, max_bytes, url)
        return status, headers, body
    finally:
        writer.close()


async def _line(reader: asyncio.StreamReader, stall_s: float, url: str) -> bytes:
    try:
        return await asyncio.wait_for(reader.readline(), stall_s)
    except ValueError:  # longer than the reader's limit
        raise HTTPError("a header line longer than 64 KiB", where=_shown(url)) from None


async def _head(
    reader: asyncio.StreamReader, stall_s: float, url: str
) -> tuple[int, dict[str, str]]:
    first = (await _line(reader, stall_s, url)).decode("latin-1").split()
    if len(first) < 2 or not first[0].startswith("HTTP/") or not first[1].isdigit():
        raise HTTPError("not an HTTP answer", value=" ".join(first)[:60], where=_shown(url))
    headers: dict[str, str] = {}
    for _ in range(MAX_HEADER_LINES):
        line = (await _line(reader, stall_s, url)).decode("latin-1").strip()
        if not line:
            return int(first[1]), headers
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    raise HTTPError(f"more than {MAX_HEADER_LINES} header lines", where=_shown(url))


async def _body(
    reader: asyncio.StreamReader, headers: dict[str, str], cap: int, stall_s: float, url: str
) -> bytes:
    too_big = HTTPError(f"answer larger than {cap:,} bytes: not read", where=_shown(url))
    if "chunked" in headers.get("transfer-encoding", "").lower():
        out = bytearray()
        while True:
            size_line = (await _line(reader, stall_s, url)).split(b";")[0].strip()
            try:
                size = int(size_line, 16)
            except ValueError:
                raise HTTPError("bad chunk size", value=size_line[:20], where=_shown(url)) from None
            if size == 0:
                return bytes(out)
            if len(out) + size > cap:
                raise too_big
            out += await asyncio.wait_for(reader.readexactly(size + 2), stall_s)
            del out[-2:]
    if "content-length" in headers:
        try:
            size = int(headers["content-length"])
        except ValueError:
            raise HTTPError("bad Content-Length", where=_shown(url)) from None
        if size > cap:
            raise too_big
        return await asyncio.wait_for(reader.readexactly(size), stall_s)
    out = bytearray()
    while block := await asyncio.wait_for(reader.read(1 << 16), stall_s):
        out += block
        if len(out) > cap:
            raise too_big
    return bytes(out)


def _gunzip(data: bytes, cap: int, url: str) -> bytes:
    inflate = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        out = inflate.decompress(data, cap + 1)
    except zlib.error as exc:
        raise HTTPError(f"bad gzip body: {exc}", where=_shown(url)) from None
    if len(out) > cap:
        raise HTTPError(f"answer inflates past {cap:,} bytes: not read", where=_shown(url))
    return out
