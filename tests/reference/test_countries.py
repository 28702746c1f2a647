"""Country from the ICAO address, checked on known blocks and on 1.58 M real
registrations (FlightAware's public registry): the nationality prefix of a
registration and the block of its address must agree."""

from __future__ import annotations

import lzma
from pathlib import Path

import numpy as np
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pytest

from jetwatch.reference.countries import block_of, blocks, countries

KNOWN = {
    "140ad7": "RU",  # RA-02775 (plane-alert-db, Oligarch)
    "4b1901": "CH",  # EDW24, Zurich
    "393322": "FR",  # AFR34ZG
    "486257": "NL",  # KLM
    "406b90": "GB",  # EZY, pyModeS sample
    "ac671b": "US",  # N899DN, readsb trace
    "789123": "HK",  # inside China's block: the smaller block wins
    "780001": "CN",
    "510000": "BY",
    "508000": "UA",
    "a00001": "US",
    "e40000": "BR",
}

# registration prefix -> ISO code of the state that issues it
PREFIXES = {
    "N": "US",
    "G-": "GB",
    "D-": "DE",
    "F-": "FR",
    "RA-": "RU",
    "HB-": "CH",
    "PH-": "NL",
    "EI-": "IE",
    "VH-": "AU",
    "C-": "CA",
    "JA": "JP",
    "OE-": "AT",
    "SE-": "SE",
    "SP-": "PL",
    "UR-": "UA",
    "EW-": "BY",
    "4X-": "IL",
    "A6-": "AE",
    "TC-": "TR",
    "PR-": "BR",
}


@pytest.mark.parametrize("icao, iso", sorted(KNOWN.items()))
def test_known_blocks(icao: str, iso: str) -> None:
    assert block_of(icao).iso == iso


def test_unassigned_and_bad_addresses() -> None:
    assert block_of(0xFFFFFF).iso is None and block_of(0xFFFFFF).name == "Unassigned"
    with pytest.raises(ValueError):
        block_of(1 << 24)


def test_blocks_are_well_formed() -> None:
    found = blocks()
    assert len(found) > 190
    assert all(0 <= b.start <= b.end < 1 << 24 for b in found)
    assert {b.iso for b in found} >= set(PREFIXES.values())


@pytest.fixture(scope="module")
def registry(shared: Path):
    with lzma.open(shared / "flightaware-dump1090/flightaware-20250514.csv.xz") as fh:
        table = pacsv.read_csv(
            fh, convert_options=pacsv.ConvertOptions(column_types={"icao24": "string"})
        )
    return table


@pytest.mark.parametrize("prefix", sorted(PREFIXES))
def test_registration_prefixes_match_the_address_block(registry, prefix: str) -> None:
    reg = registry["r"]
    mask = pc.fill_null(pc.starts_with(reg, prefix), False)
    if prefix == "N":  # US registrations: N followed by a digit
        mask = pc.fill_null(pc.match_substring_regex(reg, "^N[1-9]"), False)
    if prefix == "C-":
        mask = pc.fill_null(pc.match_substring_regex(reg, "^C-[FGI]"), False)
    hexes = registry.filter(mask)["icao24"].to_pylist()
    addresses = np.array([int(h, 16) for h in hexes if h and len(h) == 6], dtype=np.int64)
    assert len(addresses) >= 15, prefix
    iso, _ = countries(addresses)
    agree = float(np.mean(iso == PREFIXES[prefix]))
    print(
        f"registrations {prefix}: {agree:.2%} of {len(addresses):,} in the {PREFIXES[prefix]} block"
    )
    assert agree >= 0.97, (prefix, agree)
