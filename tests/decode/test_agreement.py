"""jetwatch's decoder against pyModeS and rs1090 on the real raw corpus.

The rates are printed (``pytest -s``) and must stay at 100 % except where the
peers themselves differ by design (see the thresholds).
"""

from __future__ import annotations

import pytest

from tests.decode.agreement import compare

CORPORA = {
    # name: reference position for surface messages (the airport of the capture)
    "cdg": (49.0, 2.55),
    "klm": (52.31, 4.76),
}


@pytest.fixture(scope="module")
def rates(cdg_rows, klm_lines) -> dict[str, dict]:
    cdg = compare(
        [r["frame"] for r in cdg_rows], [r["timestamp"] for r in cdg_rows], CORPORA["cdg"]
    )
    klm = compare([b[9:].hex() for _, b in klm_lines], [t for t, _ in klm_lines], CORPORA["klm"])
    for name, result in (("cdg", cdg), ("klm", klm)):
        for field, rate in result.items():
            print(f"agreement {name} {field}: {rate}")
    return {"cdg": cdg, "klm": klm}


@pytest.mark.parametrize("corpus", sorted(CORPORA))
@pytest.mark.parametrize(
    "field", ["callsign", "altitude", "squawk", "speed", "track", "vrate", "position within 5 m"]
)
def test_fields_agree_exactly(rates: dict, corpus: str, field: str) -> None:
    rate = rates[corpus][field]
    assert rate.compared > 100
    assert rate.agree == rate.compared, f"{corpus} {field}: {rate}"


@pytest.mark.parametrize("corpus", sorted(CORPORA))
def test_positions_rs1090_decodes_are_decoded_too(rates: dict, corpus: str) -> None:
    # rs1090 and jetwatch pick different pairs and references when a track starts:
    # after a track's first minute, every position rs1090 resolves jetwatch resolves.
    settled = rates[corpus]["positions rs1090 also has, past a track's first minute"]
    assert settled.compared > 100 and settled.agree == settled.compared, settled
    assert rates[corpus]["positions rs1090 also has"].rate >= 0.99
