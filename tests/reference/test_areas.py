from __future__ import annotations

from pathlib import Path

import pytest

from jetwatch.reference import areas
from jetwatch.reference.airports import Airports

CITIES = {
    "moscow",
    "st-petersburg",
    "london",
    "paris",
    "new-york",
    "dubai",
    "istanbul",
    "beijing",
    "kyiv",
    "minsk",
}


@pytest.fixture(scope="module")
def airports() -> Airports:
    return Airports()


def test_builtin_areas_resolve(airports: Airports) -> None:
    known = areas.load()
    assert set(known) >= CITIES
    for area in known.values():
        codes = area.resolve(airports)
        assert codes and len(codes) == len(set(codes))


def test_moscow(airports: Airports) -> None:
    codes = areas.get("Moscow").resolve(airports)
    assert {"UUEE", "UUWW", "UUDD", "UUMO", "UUBW"} <= set(codes)
    assert "ULLI" not in codes
    assert codes[:5] == ["UUEE", "UUWW", "UUDD", "UUMO", "UUBW"]


def test_user_file_adds_and_replaces(tmp_path: Path, airports: Airports) -> None:
    path = tmp_path / "areas.toml"
    path.write_text(
        '[vnukovo]\nairports = ["UUWW"]\n\n[minsk]\ntitle = "Minsk airport"\nairports = ["UMMS"]\n'
    )
    known = areas.load(path)
    assert known["vnukovo"].resolve(airports) == ["UUWW"]
    assert known["minsk"].resolve(airports) == ["UMMS"]
    assert "moscow" in known


def test_errors_are_explicit(tmp_path: Path, airports: Airports) -> None:
    with pytest.raises(areas.UnknownAreaError, match="known: .*moscow"):
        areas.get("atlantis")
    path = tmp_path / "areas.toml"
    path.write_text('[nowhere]\nairports = ["XXXX"]\n')
    with pytest.raises(areas.UnknownAreaError, match="XXXX"):
        areas.load(path)["nowhere"].resolve(airports)
    path.write_text("[empty]\ntitle = 'nothing'\n")
    with pytest.raises(areas.UnknownAreaError, match="needs airports or a centre"):
        areas.load(path)
    path.write_text("not toml [")
    with pytest.raises(areas.UnknownAreaError, match="areas.toml"):
        areas.load(path)
