"""Split files: parts that are one stream when joined in order.

adsb.lol publishes each day of ``globe_history`` as one tar cut into parts,
``<tag>.tar.aa``, ``<tag>.tar.ab``, … (the names ``split`` gives). Given such
parts, jetwatch reads them as the one file they make, in suffix order, without
joining them on disk: :class:`Parts` names the group, :func:`group` finds the
groups among paths, and :func:`open_input` opens a path, parts or bytes as one
readable binary stream.

A group must be complete from ``aa``: a missing part (``aa``, ``ac`` with no
``ab``) is an error naming the first one missing, because the bytes after a gap
belong to the middle of some member.
"""

from __future__ import annotations

import io
import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from jetwatch.errors import JetwatchError

PART = re.compile(r"^(?P<stem>.+)\.(?P<suffix>[a-z]{2})$")


@dataclass(frozen=True)
class Parts:
    """Files read as one, in order."""

    paths: tuple[Path, ...]

    @property
    def name(self) -> str:
        first, last = self.paths[0].name, self.paths[-1].name
        return f"{first[:-3]}.{{{first[-2:]}..{last[-2:]}}}" if len(self.paths) > 1 else first

    @property
    def size(self) -> int:
        return sum(p.stat().st_size for p in self.paths)

    @property
    def mtime(self) -> float:
        return max(p.stat().st_mtime for p in self.paths)

    def __str__(self) -> str:
        return str(self.paths[0].parent / self.name)


@dataclass(frozen=True)
class Member:
    """Bytes from inside a container (a tar member), named ``container:member``."""

    name: str
    data: bytes

    @property
    def size(self) -> int:
        return len(self.data)

    def __str__(self) -> str:
        return self.name


Input = Path | Parts | Member


def _suffix_index(suffix: str) -> int:
    return (ord(suffix[0]) - 97) * 26 + ord(suffix[1]) - 97


def group(paths: Iterable[Path]) -> list[Path | Parts]:
    """``paths`` with the parts of each split file (``X.aa``, ``X.ab``, … whose stem
    ``X`` ends in ``.tar``) gathered into one :class:`Parts`, at the first part's
    place. Raises :class:`JetwatchError` for a group with a missing part."""
    out: list[Path | Parts] = []
    groups: dict[Path, list[Path]] = {}
    for path in paths:
        m = PART.match(path.name)
        if m and m["stem"].endswith(".tar"):
            stem = path.parent / m["stem"]
            if stem not in groups:
                groups[stem] = []
                out.append(stem)  # placeholder, replaced below
            groups[stem].append(path)
        else:
            out.append(path)
    for stem, members in groups.items():
        members = sorted(set(members), key=lambda p: _suffix_index(p.name[-2:]))
        for want, path in enumerate(members):
            if _suffix_index(path.name[-2:]) != want:
                missing = f"{stem.name}.{chr(97 + want // 26)}{chr(97 + want % 26)}"
                raise JetwatchError(
                    f"split file incomplete: part {missing} is missing", where=str(stem)
                )
        out[out.index(stem)] = Parts(tuple(members))
    return out


class _Joined(io.RawIOBase):
    """The concatenation of several files, read in order."""

    def __init__(self, paths: Sequence[Path]) -> None:
        self._paths = list(paths)
        self._fh: io.BufferedReader | None = None

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        while True:
            if self._fh is None:
                if not self._paths:
                    return 0
                self._fh = open(self._paths.pop(0), "rb")  # noqa: SIM115
            n = self._fh.readinto(buffer)
            if n:
                return n
            self._fh.close()
            self._fh = None

    def close(self) -> None:
        if self._fh is not None:
            self._fh.close()
        super().close()


def open_input(source: Input) -> BinaryIO:
    """A binary file object over a path, joined parts or a member's bytes."""
    if isinstance(source, Parts):
        return io.BufferedReader(_Joined(source.paths), buffer_size=1 << 20)
    if isinstance(source, Member):
        return io.BytesIO(source.data)
    return open(source, "rb")  # noqa: SIM115


def size_of(source: Input) -> int:
    return source.stat().st_size if isinstance(source, Path) else source.size


def mtime_of(source: Input) -> float:
    if isinstance(source, Member):
        return 0.0
    return source.stat().st_mtime if isinstance(source, Path) else source.mtime


def fspath(source: Input) -> str:
    return os.fspath(source) if isinstance(source, Path) else str(source)
