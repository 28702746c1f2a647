"""The one-way flow, checked on the source: sources and decode share only
``jetwatch.model``; readers import neither the store nor the ingest; nothing below
the CLI and the web app imports them; only the simulator, the demo and the CLI
import the simulator."""

from __future__ import annotations

import ast
from pathlib import Path

from tests.conftest import ROOT

PACKAGE = ROOT / "src" / "jetwatch"
TOP = ("cli", "__main__", "web")


def _part(path: Path) -> str:
    """The first component of a module under jetwatch/ (its package or module name)."""
    return path.relative_to(PACKAGE).parts[0].removesuffix(".py")


def _imports(path: Path) -> set[str]:
    """The first component after ``jetwatch.`` of every jetwatch module ``path`` imports."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module] if node.module != "jetwatch" else [
                f"jetwatch.{a.name}" for a in node.names
            ]  # fmt: skip
        elif isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        else:
            continue
        found |= {n.split(".")[1] for n in names if n.startswith("jetwatch.")}
    return found


def _modules() -> dict[Path, tuple[str, set[str]]]:
    return {p: (_part(p), _imports(p)) for p in PACKAGE.rglob("*.py")}


def test_sources_and_decode_share_only_the_model() -> None:
    wrong = [
        str(p.relative_to(PACKAGE))
        for p, (part, used) in _modules().items()
        if (part == "decode" and "sources" in used) or (part == "sources" and "decode" in used)
    ]
    assert wrong == []
    assert not _imports(PACKAGE / "model.py") & {"sources", "decode", "store"}


def test_readers_write_to_the_store_only_through_the_sink_they_are_given() -> None:
    wrong = [
        str(p.relative_to(PACKAGE))
        for p, (part, used) in _modules().items()
        if part == "sources" and used & {"store", "ingest"}
    ]
    assert wrong == []


def test_nothing_below_the_cli_and_the_web_imports_them() -> None:
    wrong = [
        str(p.relative_to(PACKAGE))
        for p, (part, used) in _modules().items()
        if part not in TOP and part != "demo" and used & set(TOP)
    ]
    assert wrong == []


def test_only_the_simulator_the_demo_and_the_cli_import_the_simulator() -> None:
    wrong = [
        str(p.relative_to(PACKAGE))
        for p, (part, used) in _modules().items()
        if "sim" in used and part not in ("sim", "demo", *TOP)
    ]
    assert wrong == []


def test_every_table_is_made_in_the_store_schema() -> None:
    wrong = [
        str(p.relative_to(PACKAGE))
        for p in PACKAGE.rglob("*.py")
        if p != PACKAGE / "store" / "schema.py"
        and any(
            k in p.read_text()
            for k in ("CREATE TABLE IF NOT EXISTS", "CREATE SEQUENCE", "ALTER TABLE")
        )
    ]
    assert wrong == []


def test_the_store_takes_only_the_class_rules_from_the_reference_layer() -> None:
    used = {
        node.module
        for p in (PACKAGE / "store").rglob("*.py")
        for node in ast.walk(ast.parse(p.read_text()))
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("jetwatch.reference")
    }
    assert used <= {"jetwatch.reference.classes"}
    assert not _imports(PACKAGE / "reference" / "classes.py") & {"store"}


def test_the_cli_holds_no_sql() -> None:
    sql = ("SELECT ", "INSERT INTO", "DELETE FROM", "UPDATE ")
    wrong = [
        str(p.relative_to(PACKAGE))
        for p in (PACKAGE / "cli").rglob("*.py")
        if any(k in p.read_text() for k in sql)
    ]
    assert wrong == []
