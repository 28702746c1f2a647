"""The config file: web token, tiles and their origin for the CSP."""

from __future__ import annotations

from pathlib import Path

import pytest

from jetwatch.config import ConfigError, load


def test_tiles_and_their_origin(tmp_path: Path) -> None:
    path = tmp_path / "jetwatch.toml"
    path.write_text(
        '[web]\ntoken = "t"\ntiles = "https://{s}.tile.example.org/{z}/{x}/{y}.png"\n'
        'tiles_attribution = "© example"\n'
    )
    cfg = load(path)
    assert cfg.token == "t" and cfg.tiles_attribution == "© example"
    assert cfg.tiles_origin == "https://*.tile.example.org"
    path.write_text('[web]\ntiles = "https://tiles.example.org:8443/{z}/{x}/{y}.png"\n')
    assert load(path).tiles_origin == "https://tiles.example.org:8443"


def test_a_tile_url_must_be_http(tmp_path: Path) -> None:
    path = tmp_path / "jetwatch.toml"
    path.write_text('[web]\ntiles = "javascript:alert(1)"\n')
    with pytest.raises(ConfigError, match="http"):
        _ = load(path).tiles_origin
