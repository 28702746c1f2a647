"""Class assignment on 54 real aircraft, checked by hand: FlightAware registry rows
(address, registration, ICAO type) and plane-alert-db rows, plus two aircraft the
registry lacks or cannot type."""

from __future__ import annotations

import lzma
from pathlib import Path

import pytest

from jetwatch.ingest import ingest_file
from jetwatch.reference import registry
from jetwatch.reference.classes import CLASSES
from jetwatch.samples import SAMPLES
from jetwatch.store.db import Store

HAND_CHECKED = {
    # FlightAware registry: hex: (registration, type, class)
    "484171": ("PH-USA", "C172", "piston"),
    "4841A2": ("PH-DKH", "C172", "piston"),
    "484471": ("PH-JEG", "SR22", "piston"),
    "4844C9": ("PH-FMM", "SR22", "piston"),
    "020017": ("CN-RNJ", "B738", "airliner"),
    "020018": ("CN-RNK", "B738", "airliner"),
    "02010D": ("CN-NMH", "A320", "airliner"),
    "34134D": ("EC-HUH", "A321", "airliner"),
    "394A00": ("F-GSQA", "B77W", "airliner"),
    "39BD22": ("F-HPJC", "A388", "airliner"),
    "3C4D66": ("D-ACKF", "CRJ9", "regional"),
    "4852F4": ("PH-EXG", "E75L", "regional"),
    "020110": ("CN-RGO", "E190", "regional"),
    "3412C2": ("EC-GZA", "CRJ2", "regional"),
    "300279": ("I-LUXO", "GLF5", "business_jet"),
    "30086A": ("I-SEAO", "GLF6", "business_jet"),
    "02017B": ("CN-RAK", "GLEX", "business_jet"),
    "0201AC": ("CN-KAM", "GLEX", "business_jet"),
    "3008FB": ("I-AVNF", "CL60", "business_jet"),
    "0A005F": ("7T-VCX", "C56X", "business_jet"),
    "30092F": ("I-SDBX", "E55P", "business_jet"),
    "395C04": ("F-GXAE", "E55P", "business_jet"),
    "020183": ("CN-TME", "LJ45", "business_jet"),
    "02019A": ("CN-TMV", "LJ45", "business_jet"),
    "300473": ("I-JAMI", "FA7X", "business_jet"),
    "30095A": ("I-LRSL", "PC24", "business_jet"),
    "020093": ("CN-RBS", "H25B", "business_jet"),
    "020132": ("CN-LMH", "GLF4", "business_jet"),
    "399893": ("F-HGET", "PC12", "turboprop"),
    "7C2BE7": ("VH-IYH", "DH8D", "turboprop"),
    "3994CF": ("F-HFGP", "B350", "turboprop"),
    "48442F": ("PH-LBR", "C208", "turboprop"),
    "4845BD": ("PH-FVD", "R44", "helicopter"),
    "4843BB": ("PH-ELP", "EC35", "helicopter"),
    "7C0031": ("VH-ABN", "AS50", "helicopter"),
    "7C00E3": ("VH-AGL", "AS50", "helicopter"),
    "484597": ("PH-HHK", "B06", "helicopter"),
    "7C0C43": ("VH-CPH", "S76", "helicopter"),
    "484456": ("PH-SHK", "A139", "helicopter"),
    "7C06A0": ("VH-BLE", "B407", "helicopter"),
    # plane-alert-db
    "157716": ("RA-96022", "IL96", "government"),  # Russia Special Flight Detachment
    "14FC08": ("RA-64520", "T204", "government"),
    "00412D": ("Z-WPF", "B762", "government"),  # Dictator Alert
    "0082C0": ("ZS-BAL", "H25B", "government"),  # United Nations
    "000004": ("FAC1282", "C295", "military"),  # Colombian Aerospace Force
    "001108": ("EJC-1108", "AC90", "military"),  # Colombian Army
    "3B770D": ("F-RAFA", "FA7X", "military"),  # French Air Force Falcon 7X
    "3B7710": ("4588", "C130", "military"),  # French Air Force C-130H
    "140AD7": ("RA-02775", "H25B", "business_jet"),  # Vagit Alekperov (Oligarch)
    "3C065B": ("D-ARKO", "GLEX", "business_jet"),  # Oligarch
    "3C00AF": ("D-APGS", "A319", "business_jet"),  # Oligarch ACJ319: corporate airliner
    "14620D": ("RA-25101", "MI8", "helicopter"),  # Norilsk Nickel Mi-8
    # types outside jetwatch's lists, classed by their ICAO description (types.json)
    "4847BF": ("PH-PHY", "H269", "helicopter"),  # Hughes 269, H1P
    "4841C0": ("PH-COW", "PELI", "piston"),  # Flyer Pelican, L1P
    "3CC207": ("D-CATZ", "D328", "turboprop"),  # Dornier 328, L2T
    "394A60": ("F-GSTA", "A3ST", "airliner"),  # A300-600ST Beluga, L2J wake H
}
UNKNOWN = {"7C0072": ("VH-ADG", "TS11")}  # TS-11 Iskra: a light jet warbird


@pytest.fixture(scope="module")
def store(shared: Path, tmp_path_factory: pytest.TempPathFactory) -> Store:
    tmp = tmp_path_factory.mktemp("classes")
    with lzma.open(shared / "flightaware-dump1090/flightaware-20250514.csv.xz", "rt") as fh:
        lines = fh.readlines()
    wanted = {h.upper() for h in HAND_CHECKED} | {"004025", *UNKNOWN}
    subset = tmp / "flightaware.csv"
    subset.write_text(lines[0] + "".join(x for x in lines[1:] if x[:6].upper() in wanted))
    s = Store(tmp / "jw.duckdb")
    registry.import_file(s, subset)
    registry.import_file(s, shared / "plane-alert-db/plane-alert-db.csv.gz")
    types = registry.import_file(s, shared / "readsb-protobuf/types.json")
    assert types.format == "icao_types" and types.merged == 2816
    trace = next(x for x in SAMPLES if x.name.startswith("trace_full"))
    ingest_file(s, trace.path)  # ac671b, a B739 no registry here knows, broadcasts A3
    yield s
    s.close()


def test_at_least_fifty_across_every_class() -> None:
    assert len(HAND_CHECKED) >= 50
    classes = {c for _, _, c in HAND_CHECKED.values()}
    assert classes == set(CLASSES) - {"unknown"}  # unknown is tested below


@pytest.mark.parametrize("icao", sorted(HAND_CHECKED))
def test_hand_checked_class(store: Store, icao: str) -> None:
    reg, typecode, expected = HAND_CHECKED[icao]
    answer = registry.lookup(store, icao).to_dict()
    assert answer["registration"] == reg
    assert answer["typecode"] == typecode
    assert answer["class"] == expected, answer["class_reason"]
    assert answer["class_reason"]


def test_light_jets_outside_the_lists_stay_unknown(store: Store) -> None:
    for icao, (reg, typecode) in UNKNOWN.items():
        answer = registry.lookup(store, icao).to_dict()
        assert (answer["registration"], answer["typecode"]) == (reg, typecode)
        assert answer["class"] == "unknown"


def test_fallbacks_and_overrides(store: Store) -> None:
    seen = registry.lookup(store, "ac671b").to_dict()
    assert (seen["in_registry"], seen["class"]) == (False, "airliner")
    assert seen["class_reason"] == "emitter category A3"
    untyped = registry.lookup(store, "004025").to_dict()
    assert untyped["registration"] == "Z-GAC" and untyped["class"] == "unknown"
    registry.set_class(store, "004025", "piston", "seen on a photo")
    fixed = registry.lookup(store, "004025").to_dict()
    assert fixed["class"] == "piston" and "seen on a photo" in str(fixed["class_reason"])
    with pytest.raises(Exception, match="not a class"):
        registry.set_class(store, "004025", "spaceship")
