"""The report map: labels never overlap, the basemap has its parts, strings are text."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from jetwatch.reports import trackmap

dots = st.lists(
    st.tuples(st.floats(0, 400), st.floats(0, 300), st.text(min_size=1, max_size=12)),
    max_size=60,
)


@given(dots)
def test_placed_labels_overlap_nothing_and_stay_on_the_map(points: list) -> None:
    taken: list[trackmap.Box] = [(x - 3, y - 3, x + 3, y + 3) for x, y, _ in points]
    marks = len(taken)
    for x, y, text in points:
        trackmap.place(x, y, text, taken, 400, 300)
    labels = taken[marks:]
    for k, a in enumerate(labels):
        assert a[0] >= 0 and a[2] <= 400 and a[1] >= 0 and a[3] <= 300
        for b in taken[:marks] + labels[:k]:
            assert a[2] <= b[0] or a[0] >= b[2] or a[3] <= b[1] or a[1] >= b[3], (a, b)


def _boxes(svg: str) -> list[tuple[float, float, float, float]]:
    found = re.findall(
        r'<text x="([-\d.]+)" y="([-\d.]+)" class="(?:label|town-label)">([^<]*)<', svg
    )
    w = trackmap.CHAR_PX
    return [(float(x), float(y) - 10, float(x) + len(t) * w, float(y) + 3) for x, y, t in found]


def test_a_crowded_map_keeps_its_labels_apart() -> None:
    """Moscow's nine airports and its towns: every label that is drawn is clear of the
    others (those that do not fit are left out)."""
    ports = [
        ("UUEE", 37.415, 55.973),
        ("UUWW", 37.261, 55.596),
        ("UUDD", 37.906, 55.409),
        ("UUMO", 37.378, 55.512),
        ("UUBW", 38.151, 55.553),
        ("UUMU", 38.06, 55.875),
        ("UUBM", 37.627, 55.911),
        ("UUUS", 37.325, 55.733),
        ("UUBB", 37.507, 55.617),
    ]
    towns = [("Moscow", 37.6, 55.75), ("Zhukovsky", 38.1, 55.6), ("<b>Evil</b>", 37.5, 55.7)]
    svg = trackmap.track_map([("a", [(37.26, 55.6), (30.3, 59.9)])], ports, towns)
    boxes = _boxes(svg)
    assert len(boxes) >= 6
    for k, a in enumerate(boxes):
        for b in boxes[:k]:
            assert a[2] <= b[0] or a[0] >= b[2] or a[3] <= b[1] or a[1] >= b[3], (a, b)
    assert "<b>" not in svg  # a town's name is text
    assert 'class="graticule"' in svg and " km</text>" in svg and 'class="scale"' in svg
