"""The globe_history filter: which traces enter a box in a time window."""

from __future__ import annotations

import gzip
import io
import tarfile

import numpy as np
import orjson
from hypothesis import given, settings
from hypothesis import strategies as st

from jetwatch.fetch.globe import enters, filter_tar, finish
from jetwatch.fetch.window import Box, parse_bbox
from tests.fetch.mirror import globe_tar

MOSCOW = parse_bbox("55,57,36,39")
PACIFIC = Box(-10.0, 10.0, 170.0, -170.0, "dateline")  # crosses the antimeridian


def trace(points: list[tuple[float, float, float]], t0: float = 1000.0, **extra: object) -> bytes:
    return gzip.compress(
        orjson.dumps(
            {"icao": "abcdef", "timestamp": t0, "trace": [[*p, 1000] for p in points], **extra}
        )
    )


def test_a_point_inside_the_box_and_window_keeps_the_trace() -> None:
    assert enters(trace([(0, 10, 10), (60, 56, 37)]), MOSCOW, 0, 2000) == (True, False)
    assert enters(trace([(0, 10, 10), (60, 56, 37)]), MOSCOW, 1100, 2000) == (False, False)
    assert enters(trace([(0, 10, 10)]), MOSCOW, 0, 2000) == (False, False)
    assert enters(trace([(0, 0, 179.5)]), PACIFIC, 0, 2000)[0] is True
    assert enters(trace([(0, 0, -179.5)]), PACIFIC, 0, 2000)[0] is True
    assert enters(trace([(0, 0, 0)]), PACIFIC, 0, 2000)[0] is False
    assert enters(trace([(0, 56, 37)], jetwatch="SIMULATED"), MOSCOW, 0, 2000) == (True, True)


def test_unreadable_traces_are_none_unless_no_point_could_be_inside() -> None:
    assert enters(b"\x1f\x8b garbage", MOSCOW, 0, 1)[0] is None
    assert enters(b"{not json [0,56.1,37.2,", MOSCOW, 0, 1)[0] is None
    odd = {"timestamp": "noon", "trace": [[0, 56.1, 37.2, 0]]}  # might be inside: kept for ingest
    assert enters(orjson.dumps(odd), MOSCOW, 0, 1)[0] is None
    # no point in its text could lie inside: dropped unparsed
    junk = orjson.dumps({"timestamp": 0, "trace": [["a", "b", "c"]]})
    assert enters(junk, MOSCOW, 0, 1)[0] is False
    assert enters(b"{not json", MOSCOW, 0, 1)[0] is False
    bomb = gzip.compress(b" " * (80 << 20))
    assert enters(bomb, MOSCOW, 0, 1)[0] is None  # over 64 MiB inflated


@settings(max_examples=200, deadline=None)
@given(data=st.binary(max_size=300))
def test_any_bytes_are_judged_without_raising(data: bytes) -> None:
    inside, _ = enters(data, MOSCOW, 0, 1e10)
    assert inside in (True, False, None)


ZERO = parse_bbox("-1.5,0.5,-0.5,2")  # around 0: -0.x is written with its sign


@settings(max_examples=150, deadline=None)
@given(
    lats=st.lists(st.floats(-90, 90), min_size=1, max_size=30),
    lons=st.lists(st.floats(-180, 180), min_size=1, max_size=30),
    box=st.sampled_from([MOSCOW, PACIFIC, ZERO]),
    near=st.floats(-0.3, 0.3),
)
def test_the_filter_never_misses_a_point_inside(
    lats: list[float], lons: list[float], box: Box, near: float
) -> None:
    n = min(len(lats), len(lons))
    centre = ((box.south + box.north) / 2, box.west + 0.4)
    points = [(float(i), lats[i], lons[i]) for i in range(n)] + [
        (float(n), centre[0] + near, centre[1] + near)  # often inside, sometimes just out
    ]
    want = any(bool(box.contains(np.array([la]), np.array([lo]))[0]) for _, la, lo in points)
    assert enters(trace(points), box, 0, 1e10)[0] is want


def test_a_resumed_filter_writes_the_same_bytes() -> None:
    traces = {
        f"{k:06x}": orjson.dumps(
            {"icao": f"{k:06x}", "timestamp": 0, "trace": [[0, 56 if k % 3 else 10, 37, 0]]}
        )
        for k in range(40)
    }
    archive = globe_tar(traces)
    whole = io.BytesIO()
    done = filter_tar(io.BytesIO(archive), whole, MOSCOW, -1, 1e10)
    finish(whole)
    assert done.counts["traces_kept"] == 26 and done.counts["traces_seen"] == 40
    # a run stopped at the 18th member's header, then resumed from its checkpoint
    with tarfile.open(fileobj=io.BytesIO(archive), mode="r|") as tar:
        at = next(info.offset for k, info in enumerate(tar) if k == 17)
    out = io.BytesIO()
    head = filter_tar(io.BytesIO(archive[:at] + b"\0" * 1024), out, MOSCOW, -1, 1e10)
    assert head.offset == at
    filter_tar(io.BytesIO(archive[at:]), out, MOSCOW, -1, 1e10, resume=head)
    finish(out)
    assert out.getvalue() == whole.getvalue()
