"""Simulated data is found by the simulator's manifest, wherever a build reads it."""

from __future__ import annotations

import json
from pathlib import Path

from jetwatch.store.labels import label, label_near

MANIFEST = {"simulated": True, "label": "SIMULATED DATA", "scenario": "tiny", "seed": 7}


def test_the_manifest_in_a_parent_directory_labels_the_input(tmp_path: Path) -> None:
    (tmp_path / "manifest.json").write_text(json.dumps(MANIFEST))
    (tmp_path / "states" / "hour=1").mkdir(parents=True)
    expected = "SIMULATED DATA; scenario tiny, seed 7"
    assert label(MANIFEST) == expected
    assert label_near(str(tmp_path / "states")) == expected
    assert label_near(f"{tmp_path}/states/hour=*/") == expected  # a glob
    assert label_near(f"file://{tmp_path}/states") == expected


def test_other_inputs_have_no_label(tmp_path: Path) -> None:
    assert label_near("s3a://bucket/states/") is None
    assert label_near(str(tmp_path / "missing")) is None
    (tmp_path / "manifest.json").write_text(json.dumps(MANIFEST | {"simulated": False}))
    assert label_near(str(tmp_path)) is None
    (tmp_path / "manifest.json").write_text("{not json")
    assert label_near(str(tmp_path)) is None
