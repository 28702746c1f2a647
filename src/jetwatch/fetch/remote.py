"""Remote split parts read as one stream, from any byte, with copies kept on request.

A release's assets (``<tag>.tar.aa``, ``.ab``, …) are one file cut in pieces.
:class:`RemoteParts` reads them in order as one binary stream starting at any
byte of the joined file (a resumed fetch starts at the member it stopped at):

- each part is requested from its own offset with an HTTP Range request; a
  connection dropped mid-part is reopened from the byte it stopped at;
- each part must deliver exactly its listed size, else the fetch fails naming the
  part and both sizes;
- with ``keep`` (a directory), each part is also written there under its own name,
  and a part already there in full (or in part) is read from the disk instead;
- each part read from its first byte to its last in one run gets its SHA-256
  (``hashes``); a part entered in the middle (a resumed fetch) gets none, and says
  so, rather than a hash of half of it.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from jetwatch.fetch.http import NETWORK_ERRORS, Client, FetchError

RETRIES = 5


@dataclass(frozen=True)
class Asset:
    """One part of a release: its name, size in bytes and address."""

    name: str
    size: int
    url: str
    digest: str | None = None  # as the publisher lists it ("sha256:…"), when it does


class RemoteParts(io.RawIOBase):
    """The joined bytes of ``assets`` from byte ``start`` (see the module)."""

    def __init__(
        self, client: Client, assets: list[Asset], start: int = 0, keep: Path | None = None
    ) -> None:
        self.client = client
        self.assets = assets
        self.keep = keep
        self.hashes: dict[str, str | None] = {a.name: None for a in assets}
        self.downloaded = 0  # bytes that came over the network
        self.position = start
        self._part = 0
        self._at = start  # offset within the current part
        while self._part < len(assets) and self._at >= assets[self._part].size:
            self._at -= assets[self._part].size
            self._part += 1
        self._source: Any = None
        self._remote = False
        self._copy: IO[bytes] | None = None
        self._digest: hashlib._Hash | None = None

    def readable(self) -> bool:
        return True

    @property
    def total(self) -> int:
        return sum(a.size for a in self.assets)

    def _open(self) -> None:
        asset = self.assets[self._part]
        self._digest = hashlib.sha256() if self._at == 0 else None
        local = self.keep / asset.name if self.keep is not None else None
        have = local.stat().st_size if local is not None and local.exists() else 0
        if local is not None and self._at < have:
            fh = open(local, "rb")  # noqa: SIM115
            fh.seek(self._at)
            self._source, self._remote = fh, False
            return
        response = self.client.open(asset.url, offset=self._at)
        served = _total(
            response.headers.get("Content-Range"), response.headers.get("Content-Length"), self._at
        )
        if served is not None and served != asset.size:
            response.close()
            raise FetchError(
                f"part {asset.name} is {served:,} bytes; the release lists {asset.size:,}",
                where=asset.url,
            )
        self._source, self._remote = response, True
        if local is not None and have == self._at:  # extend the kept copy
            self._copy = open(local, "ab")  # noqa: SIM115

    def _close(self) -> None:
        for fh in (self._source, self._copy):
            if fh is not None:
                fh.close()
        self._source = self._copy = None

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        failures = 0
        while self._part < len(self.assets):
            asset = self.assets[self._part]
            if self._source is None:
                self._open()
            assert self._source is not None
            want = min(len(buffer), asset.size - self._at)
            try:
                n = self._source.readinto(buffer[:want]) if want else 0
            except NETWORK_ERRORS + (OSError,) as exc:
                failures += 1
                self._close()
                if not self._remote or failures > RETRIES:
                    raise FetchError(f"{exc} at byte {self._at:,}", where=asset.url) from None
                continue  # reopen from self._at
            if n:
                view = buffer[:n]
                if self._digest is not None:
                    self._digest.update(view)
                if self._copy is not None:
                    self._copy.write(view)
                if self._remote:
                    self.downloaded += n
                self._at += n
                self.position += n
                if self._at == asset.size:
                    self._next()
                return n
            if self._at < asset.size:  # the body ended early: a dropped connection
                failures += 1
                self._close()
                if failures > RETRIES:
                    raise FetchError(
                        f"part {asset.name} ended at byte {self._at:,} of {asset.size:,}",
                        where=asset.url,
                    )
                continue
            self._next()
        return 0

    def _next(self) -> None:
        """The current part is complete: its hash, then the next part."""
        if self._digest is not None:
            self.hashes[self.assets[self._part].name] = self._digest.hexdigest()
        self._close()
        self._part += 1
        self._at = 0

    def close(self) -> None:
        self._close()
        super().close()


def _total(content_range: str | None, length: str | None, offset: int) -> int | None:
    """The whole file's size as the server states it (``bytes a-b/total``, or the
    length of a full answer), or None when it does not."""
    try:
        if content_range and "/" in content_range:
            total = content_range.rsplit("/", 1)[1].strip()
            return None if total == "*" else int(total)
        return int(length) + offset if length is not None else None
    except ValueError:
        return None
