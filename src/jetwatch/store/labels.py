"""The label simulated data carries into stores and outputs.

The simulator writes ``manifest.json`` at the root of its output (:mod:`jetwatch.sim.run`).
Whatever reads those files (``jetwatch demo``, or a Spark build over them) labels
its results with :func:`label`, so every later table, report and page says the data
is simulated. :func:`label_near` finds the manifest of a local input path (a file,
a directory or a glob) in it or any parent directory; remote paths (``s3a://…``)
are out of scope: give their label explicitly.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any


def label(manifest: dict[str, Any]) -> str:
    """The label of a simulator manifest's data."""
    return f"{manifest['label']}; scenario {manifest['scenario']}, seed {manifest['seed']}"


def label_near(path: str) -> str | None:
    """The label of the simulated data at a local ``path``, if it is the simulator's."""
    if re.match(r"^[a-z][a-z0-9+.-]*://", path) and not path.startswith("file://"):
        return None
    plain = re.split(r"[*?\[]", path.removeprefix("file://"), maxsplit=1)[0]
    here = Path(plain).resolve()
    for folder in (here, *here.parents):
        manifest = folder / "manifest.json"
        if manifest.is_file():
            try:
                doc = json.loads(manifest.read_text())
            except (OSError, ValueError):
                return None
            return label(doc) if isinstance(doc, dict) and doc.get("simulated") else None
    return None
