"""Split files read as the one file they make (adsb.lol's ``<tag>.tar.aa``, ...)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jetwatch.errors import JetwatchError
from jetwatch.parts import Parts, group, open_input
from jetwatch.store.archive import sha256_file


def _split(data: bytes, sizes: list[int], where: Path) -> list[Path]:
    paths, at = [], 0
    for k, size in enumerate([*sizes, len(data)]):
        piece = data[at : at + size] if k < len(sizes) else data[at:]
        if k == len(sizes) and not piece and paths:
            break
        path = where / f"day.tar.{chr(97 + k // 26)}{chr(97 + k % 26)}"
        path.write_bytes(piece)
        paths.append(path)
        at += len(piece)
    return paths


@settings(max_examples=40, deadline=None)
@given(data=st.binary(max_size=5000), sizes=st.lists(st.integers(0, 2000), max_size=30))
def test_joined_parts_are_the_original_bytes(
    tmp_path_factory: pytest.TempPathFactory, data: bytes, sizes: list[int]
) -> None:
    where = tmp_path_factory.mktemp("parts")
    paths = _split(data, sizes, where)
    (parts,) = group(reversed(paths))  # any order on the command line
    assert isinstance(parts, Parts) and parts.paths == tuple(paths)
    with open_input(parts) as fh:
        assert fh.read() == data
    assert parts.size == len(data)
    whole = where / "whole"
    whole.write_bytes(data)
    assert sha256_file(parts) == sha256_file(whole)


def test_groups_keep_their_place_and_other_files_pass(tmp_path: Path) -> None:
    a, b = tmp_path / "x.tar.aa", tmp_path / "x.tar.ab"
    other = tmp_path / "notes.aa"  # not a split tar: a file like any other
    for p in (a, b, other):
        p.write_bytes(b"-")
    log = tmp_path / "log.sbs"
    got = group([log, b, other, a])
    assert got[0] == log and got[2] == other
    assert isinstance(got[1], Parts) and got[1].paths == (a, b)
    assert got[1].name == "x.tar.{aa..ab}"


def test_a_missing_part_is_named(tmp_path: Path) -> None:
    for name in ("d.tar.aa", "d.tar.ac"):
        (tmp_path / name).write_bytes(b"-")
    with pytest.raises(JetwatchError, match=r"part d\.tar\.ab is missing"):
        group([tmp_path / "d.tar.aa", tmp_path / "d.tar.ac"])
    with pytest.raises(JetwatchError, match=r"part d\.tar\.aa is missing"):
        group([tmp_path / "d.tar.ac"])
