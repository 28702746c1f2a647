"""The exodus evidence report: the CLI's numbers, reproducible, offline, escaped."""

from __future__ import annotations

import shutil
from pathlib import Path

from click.testing import CliRunner

from jetwatch.cli import main
from jetwatch.reports import exodus as report
from jetwatch.store.db import Store
from tests.helpers import embedded, exodus_cli, made_again, outside_links

DAY = "2023-06-24"


def test_the_report_shows_the_clis_numbers_and_makes_itself_again(
    exodus_sim: tuple[Path, Path], tmp_path: Path
) -> None:
    _, db = exodus_sim
    runner = CliRunner()
    out = tmp_path / "moscow.html"
    made = runner.invoke(
        main,
        ["report", "exodus", "--db", str(db), "--area", "moscow", "--on", DAY, "--out", str(out)],
    )
    assert made.exit_code == 0, made.output
    html = out.read_text()
    assert embedded(html, "exodus-data") == exodus_cli(db)  # every number, as the CLI gives it
    args = made_again(html, out, db)
    assert args[:3] == ["jetwatch", "report", "exodus"]


def test_the_first_screen_says_simulated_and_gives_the_verdict(
    exodus_sim: tuple[Path, Path],
) -> None:
    _, db = exodus_sim
    with Store(db) as store:
        html, doc = report.render(store, area="moscow", on=DAY)
    body = html[html.index("<body>") :]
    assert body.index("SIMULATED") < body.index("Verdict: surge flagged") < body.index("<svg")
    # the day test leads, in words
    assert body.index("SIMULATED") < body.index(": above the usual level") < body.index("Verdict")
    assert doc["surges"] and f"{doc['observed']} departures observed" in html
    for s in doc["surges"]:
        assert s["flagged_at"] in html
    for f in doc["flights"][:5]:
        assert f'href="#track-{f["id"]}"' in html and f'id="track-{f["id"]}"' in html
    sha = store_sha(db)
    assert sha in html


def store_sha(db: Path) -> str:
    with Store(db) as store:
        return store.con.execute(
            "SELECT sha256 FROM ingests WHERE status = 'done' LIMIT 1"
        ).fetchall()[0][0]


def test_it_needs_no_network(exodus_sim: tuple[Path, Path]) -> None:
    _, db = exodus_sim
    with Store(db) as store:
        html, _ = report.render(store, area="moscow", on=DAY)
    assert "Content-Security-Policy" in html and "default-src 'none'" in html
    assert outside_links(html) == []
    assert "<script>" not in html and "<script src" not in html


def test_transponder_strings_are_shown_as_text(
    exodus_sim: tuple[Path, Path], tmp_path: Path
) -> None:
    _, db = exodus_sim
    copy = tmp_path / "hostile.duckdb"
    shutil.copy(db, copy)
    evil = '"><img src=x onerror=alert(1)>'
    with Store(copy) as store:
        store.con.execute("UPDATE flights SET callsigns = ['<script>alert(1)</script>']")
        store.con.execute("UPDATE aircraft SET registration = ?", [evil])
        html, doc = report.render(store, area="moscow", on=DAY)
    assert doc["flights"] and doc["flights"][0]["callsign"] == "<script>alert(1)</script>"
    assert "<script>alert(1)" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;" in html
