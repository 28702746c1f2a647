"""jetwatch's own settings: one TOML file, with secrets overridable from the environment.

The file is ``$JETWATCH_CONFIG``, else ``./jetwatch.toml`` if it exists, else
``~/.config/jetwatch/config.toml`` (none at all is fine)::

    [notify.targets]          # named notification targets (apprise URLs)
    ops = "tgram://bottoken/chatid"
    [web]
    base_url = "http://127.0.0.1:8090"   # links in notifications
    token = "…"                          # needed by the web app's write endpoints
    tiles = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"   # online map tiles (optional)
    tiles_attribution = "© OpenStreetMap contributors"
    [store]
    memory = "2GB"                       # DuckDB's memory limit (default: see below)
    [opensky]                            # the OpenSky API client (jetwatch fetch opensky)
    client_id = "…"
    client_secret = "…"

A target ``NAME`` may instead come from ``$JETWATCH_NOTIFY_NAME`` (upper case), and
the web token from ``$JETWATCH_WEB_TOKEN``, and the store's memory limit from
``$JETWATCH_MEMORY``, and OpenSky's client from ``$OPENSKY_CLIENT_ID`` and
``$OPENSKY_CLIENT_SECRET``. Without one, the limit follows the machine: a quarter of its
memory (or of its container's limit), between 512 MB and 8 GB; DuckDB spills to
disk beyond it. Secrets are only ever shown redacted (:func:`redact`).
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from jetwatch.errors import JetwatchError


class ConfigError(JetwatchError):
    """The configuration file cannot be read, or names something missing."""


@dataclass(frozen=True)
class Config:
    targets: dict[str, str] = field(default_factory=dict)
    base_url: str = "http://127.0.0.1:8090"
    token: str | None = None
    tiles: str | None = None
    tiles_attribution: str = ""
    memory: str | None = None
    opensky_client_id: str | None = None
    opensky_client_secret: str | None = field(default=None, repr=False)
    path: Path | None = None

    @property
    def memory_limit(self) -> str:
        """DuckDB's ``memory_limit`` for the store, e.g. ``'6144MB'``."""
        return self.memory or f"{default_memory_mb()}MB"

    @property
    def tiles_origin(self) -> str | None:
        """``scheme://host[:port]`` of the tile URL, for the web app's CSP."""
        if not self.tiles:
            return None
        parts = urlsplit(self.tiles.replace("{s}", "a"))
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ConfigError(
                "[web] tiles must be an http(s) URL template",
                value=self.tiles,
                where=str(self.path),
            )
        host = parts.netloc.replace("a.", "*.", 1) if "{s}" in self.tiles else parts.netloc
        return f"{parts.scheme}://{host}"

    def target(self, spec: str) -> str:
        """The apprise URL of a ``--notify`` value: a URL itself, or a target's name."""
        if "://" in spec:
            return spec
        url = os.environ.get(f"JETWATCH_NOTIFY_{spec.upper()}") or self.targets.get(spec)
        if not url:
            raise ConfigError(
                "no such notification target: set it in the config's [notify.targets] "
                f"or in $JETWATCH_NOTIFY_{spec.upper()}",
                value=spec,
                where=str(self.path) if self.path else None,
            )
        return url


def _file() -> Path | None:
    named = os.environ.get("JETWATCH_CONFIG")
    if named:
        return Path(named)
    for candidate in (Path("jetwatch.toml"), Path.home() / ".config" / "jetwatch" / "config.toml"):
        if candidate.exists():
            return candidate
    return None


def load(path: Path | None = None) -> Config:
    path = path or _file()
    doc: dict[str, Any] = {}
    if path is not None:
        try:
            doc = tomllib.loads(path.read_text())
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise ConfigError(f"cannot read the configuration: {exc}", where=str(path)) from exc
    web = doc.get("web", {})
    opensky = doc.get("opensky", {})
    return Config(
        targets={str(k): str(v) for k, v in doc.get("notify", {}).get("targets", {}).items()},
        base_url=str(web.get("base_url", Config.base_url)).rstrip("/"),
        token=os.environ.get("JETWATCH_WEB_TOKEN") or web.get("token"),
        tiles=web.get("tiles"),
        tiles_attribution=str(web.get("tiles_attribution", "")),
        memory=os.environ.get("JETWATCH_MEMORY") or doc.get("store", {}).get("memory"),
        opensky_client_id=os.environ.get("OPENSKY_CLIENT_ID") or opensky.get("client_id"),
        opensky_client_secret=os.environ.get("OPENSKY_CLIENT_SECRET")
        or opensky.get("client_secret"),
        path=path,
    )


def default_memory_mb() -> int:
    """A quarter of the machine's memory (or its cgroup's limit), 512 MB to 8 GB."""
    total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    try:
        limit = Path("/sys/fs/cgroup/memory.max").read_text().strip()
        total = min(total, int(limit)) if limit.isdigit() else total
    except OSError:
        pass
    return int(min(max(total / 4 / 2**20, 512), 8192))


def redact(spec: str) -> str:
    """A ``--notify`` value as it may be shown: names as they are, URLs without secrets."""
    if "://" not in spec:
        return spec
    import apprise

    plugin = apprise.Apprise.instantiate(spec)
    if plugin is None:
        return spec.split("://", 1)[0] + "://…"
    return str(plugin.url(privacy=True)).split("?", 1)[0]
