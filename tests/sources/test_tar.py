"""tar archives read member by member: adsb.lol's globe_history layout."""

from __future__ import annotations

import gzip
import io
import tarfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jetwatch.ingest import ingest_file
from jetwatch.parts import group
from jetwatch.sources import detect, tar
from jetwatch.store.db import Store
from tests.conftest import real_path
from tests.helpers import read_file

SBS = (
    b"MSG,3,1,1,4AC8B3,1,2019/12/10,19:10:46.320,2019/12/10,19:10:47.789,,36017,,,"
    b"51.1001,10.1915,,,,,,\n"
)


def _add(archive: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size, info.mtime = len(data), 1_700_000_000
    archive.addfile(info, io.BytesIO(data))


def globe_day(path: Path, extra: dict[str, bytes] | None = None) -> Path:
    """A tar in globe_history's layout: a real trace (gzip, named .json), a heatmap
    (no format jetwatch reads as positions) and a directory."""
    trace = real_path("traffic/readsb/trace_full_ac671b.json.gz").read_bytes()
    with tarfile.open(path, "w", format=tarfile.GNU_FORMAT) as archive:
        d = tarfile.TarInfo("traces/1b")
        d.type = tarfile.DIRTYPE
        archive.addfile(d)
        _add(archive, "traces/1b/trace_full_ac671b.json", trace)
        _add(archive, "heatmap/00.bin.ttf", bytes(range(256)) * 8)
        for name, data in (extra or {}).items():
            _add(archive, name, data)
    return path


def test_members_are_read_as_the_files_they_hold(tmp_path: Path) -> None:
    path = globe_day(tmp_path / "day.tar", {"logs/a.sbs": SBS, "logs/b.sbs.gz": gzip.compress(SBS)})
    assert detect(path) == "tar"
    got = read_file(path, "tar")
    alone = read_file(real_path("traffic/readsb/trace_full_ac671b.json.gz"), "readsb_trace")
    assert got.positions.num_rows == alone.positions.num_rows + 2
    assert got.rejects.counts() == {"unsupported": 1}
    assert got.rejects.detail[0].startswith("member heatmap/00.bin.ttf: not a format")


def test_a_member_too_large_or_damaged_is_rejected_and_the_rest_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tar, "MAX_MEMBER", 1000)
    broken = gzip.compress(SBS * 50)[:-30]  # a truncated gzip member
    path = globe_day(tmp_path / "day.tar", {"big.sbs": SBS * 20, "cut.sbs": broken})
    got = read_file(path, "tar")
    reasons = got.rejects.counts()
    assert reasons["unsupported"] >= 2  # the trace and the big log are over the cap
    assert reasons["truncated"] == 1
    assert any("member cut.sbs: truncated gz" in d for d in got.rejects.detail)
    assert got.positions.num_rows > 0  # what the truncated member held before the damage


def test_a_truncated_archive_keeps_the_members_before_the_cut(tmp_path: Path) -> None:
    whole = globe_day(tmp_path / "day.tar", {"z.sbs": SBS})
    cut = tmp_path / "cut.tar"
    cut.write_bytes(whole.read_bytes()[: 2048 + 3000])  # inside the trace member
    got = read_file(cut, "tar")
    assert got.stream_error is not None and "tar archive damaged" in got.stream_error


def test_split_parts_ingest_once_whatever_they_are_called(tmp_path: Path) -> None:
    whole = globe_day(tmp_path / "day.tar")
    data = whole.read_bytes()
    names = []
    for k, at in enumerate(range(0, len(data), 7000)):
        part = tmp_path / f"v2025.02.04-planes-readsb-prod-0.tar.a{chr(97 + k)}"
        part.write_bytes(data[at : at + 7000])
        names.append(part)
    (parts,) = group(names)
    with Store(tmp_path / "s.duckdb") as store:
        first = ingest_file(store, parts)
        assert first.status == "ingested" and first.format == "tar"
        assert first.positions == 2500
        assert ingest_file(store, whole).status == "skipped"  # the same bytes
        (n,) = store.con.execute("SELECT count(*) FROM positions").fetchone()  # type: ignore[misc]
        assert n == 2500


@settings(max_examples=60, deadline=None)
@given(cut=st.integers(0, 20_000), junk=st.binary(max_size=600))
def test_any_damage_never_raises(
    tmp_path_factory: pytest.TempPathFactory, cut: int, junk: bytes
) -> None:
    where = tmp_path_factory.mktemp("tar")
    data = globe_day(where / "day.tar", {"a.sbs": SBS}).read_bytes()
    bad = where / "bad.tar"
    bad.write_bytes(data[:cut] + junk + data[cut + len(junk) :])
    got = read_file(bad, "tar")
    assert got.records >= 0
