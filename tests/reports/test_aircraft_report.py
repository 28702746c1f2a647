"""The aircraft evidence report: the claim as the CLI checks it, reproducible,
offline, escaped, and printable to PDF."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from html import unescape
from pathlib import Path

from click.testing import CliRunner

from jetwatch.cli import main
from jetwatch.reports import aircraft as report
from jetwatch.store.db import Store
from tests.helpers import aircraft_claim_cli, embedded, made_again, outside_links

DAY = "2023-06-24"


def test_the_claim_is_the_clis_and_the_report_makes_itself_again(
    exodus_sim: tuple[Path, Path], tmp_path: Path
) -> None:
    _, db = exodus_sim
    runner = CliRunner()
    out = tmp_path / "ra-96022.html"
    args = ["report", "aircraft", "RA-96022", "--db", str(db), "--on", DAY, "--left", "moscow"]
    made = runner.invoke(main, [*args, "--out", str(out)])
    assert made.exit_code == 0, made.output
    html = out.read_text()
    doc = embedded(html, "aircraft-data")
    assert doc["claim"] == aircraft_claim_cli(db, DAY)
    assert doc["claim"]["verdict"] == "supported"
    made_again(html, out, db)


def test_it_shows_the_flight_the_map_and_where_it_went_quiet(
    exodus_sim: tuple[Path, Path],
) -> None:
    _, db = exodus_sim
    with Store(db) as store:
        html, doc = report.render(store, "157716", on=DAY)
    body = html[html.index("<body>") :]
    assert body.index("SIMULATED") < body.index("<td>RA-96022") < body.index("<svg")
    assert doc["claim"] is None and "Verdict" not in html
    [flight] = doc["flights"]
    assert flight["origin"] == "UUWW" and flight["destination"] is None
    assert flight["ends_airborne"]  # the transponder goes off 22 min after take-off
    assert f'href="#track-{flight["id"]}"' in html and f'id="track-{flight["id"]}"' in html
    assert f"Last seen airborne at {flight['last_seen'][11:19]} UTC" in html
    assert 'class="profile"' in html
    assert doc["aircraft"]["class"] == "government"


def test_it_needs_no_network_and_prints_to_pdf(
    exodus_sim: tuple[Path, Path], tmp_path: Path
) -> None:
    _, db = exodus_sim
    out = tmp_path / "r.html"
    made = CliRunner().invoke(
        main,
        ["report", "aircraft", "RA96022", "--db", str(db), "--on", DAY, "--out", str(out), "--pdf"],
    )
    assert made.exit_code == 0, made.output
    html = out.read_text()
    assert "default-src 'none'" in html
    assert outside_links(html) == []
    pdf = out.with_suffix(".pdf").read_bytes()
    assert pdf.startswith(b"%PDF") and len(pdf) > 10_000


def test_an_unknown_aircraft_is_a_clear_error(exodus_sim: tuple[Path, Path]) -> None:
    _, db = exodus_sim
    made = CliRunner().invoke(
        main, ["report", "aircraft", "RA-00000", "--db", str(db), "--on", DAY]
    )
    assert made.exit_code != 0 and "unknown aircraft" in made.output


def test_transponder_strings_are_shown_as_text(
    exodus_sim: tuple[Path, Path], tmp_path: Path
) -> None:
    _, db = exodus_sim
    copy = tmp_path / "hostile.duckdb"
    shutil.copy(db, copy)
    with Store(copy) as store:
        store.con.execute(
            "UPDATE flights SET callsigns = ['<script>alert(1)</script>'] WHERE icao24 = '157716'"
        )
        store.con.execute(
            "UPDATE aircraft SET operator = ? WHERE icao24 = '157716'",
            ['"><img src=x onerror=alert(1)>'],
        )
        html, doc = report.render(store, "157716", on=DAY)
    assert doc["flights"][0]["callsign"] == "<script>alert(1)</script>"
    assert "<script>alert(1)" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_provenance_lists_what_it_read_and_hashes_its_data(
    exodus_sim: tuple[Path, Path],
) -> None:
    """Only the ingests holding the aircraft's positions that day; a command without
    folders; the SHA-256 of the embedded data; a summary to quote."""
    _, db = exodus_sim
    with Store(db) as store:
        html, doc = report.render(store, "RA-96022", on=DAY, left="moscow")
        (total,) = store.con.execute(
            "SELECT count(*) FROM ingests WHERE status = 'done'"
        ).fetchone()
        read = store.con.execute(
            "SELECT DISTINCT ingest_id FROM positions WHERE icao24 = '157716' "
            "AND time >= ?::TIMESTAMP AND time < ?::TIMESTAMP + INTERVAL 1 DAY",
            [DAY, DAY],
        ).fetchall()
    listed = re.findall(r"<tr><td>(\d+)</td><td><code>", html)
    assert sorted(int(i) for i in listed) == sorted(r[0] for r in read)
    assert 0 < len(listed) < total
    assert f"It read {len(listed)} of the store's {total} ingests" in html
    found = re.search(r"Made again, with the same numbers, by: <code>(.*?)</code>", html)
    assert found and "/" not in unescape(found.group(1))
    assert "--db store.duckdb" in unescape(found.group(1))
    data = embedded(html, "aircraft-data")
    digest = hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()
    assert f"keys sorted): <code>{digest}</code>" in html
    said = re.search(r'<blockquote class="summary">(.*?)</blockquote>', html)
    assert said is not None
    text = unescape(said.group(1))
    assert text.startswith("RA-96022 (IL96") and "from UUWW at 11:16:05 UTC" in text
    assert "destination unknown" in text and ": supported." in text and "SIMULATED" in text
