"""The web app in a real headless Chromium (Debian's ``chromium``, driven by Playwright
with its executable path): what a person would see. Screenshots go to the folder
printed at the end of the session (``$JETWATCH_ARTIFACTS``, else
``test-artifacts/screenshots``)."""

from __future__ import annotations

import base64
import http.server
import os
import shutil
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from jetwatch.config import Config
from jetwatch.reports import exodus as exodus_report
from jetwatch.store.db import Store
from tests.helpers import Catcher
from tests.web.conftest import TOKEN, serve

ROOT = Path(__file__).resolve().parents[2]
SHOTS = Path(os.environ.get("JETWATCH_ARTIFACTS", ROOT / "test-artifacts" / "screenshots"))
DAY = "2023-06-24"


def chromium() -> str:
    path = os.environ.get("JETWATCH_CHROMIUM") or shutil.which("chromium")
    if not path:
        pytest.fail("Debian's chromium is needed for the browser tests (apt-get install chromium)")
    return path


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium(), args=["--no-sandbox"])
        yield b
        b.close()
    print(f"\nscreenshots: {SHOTS}", file=sys.__stderr__)


def open_page(browser: Browser, url: str) -> tuple[Page, list[str]]:
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(url)
    expect(page.locator("#map-status")).to_contain_text("aircraft shown", timeout=30_000)
    return page, dialogs


def test_map_aircraft_flights_and_dashboard(browser: Browser, web: str) -> None:
    page, dialogs = open_page(browser, web)
    expect(page.locator("#label")).to_contain_text("SIMULATED")
    rows = page.locator("#aircraft-list tr.pick")
    expect(rows.first).to_be_visible()
    reg = rows.first.locator("td").first.text_content() or ""
    rows.first.click()
    expect(page.locator("#detail-title")).to_have_text(reg)
    expect(page.locator("#detail dl")).to_contain_text("class")
    page.screenshot(path=SHOTS / "map-selected.png")

    page.click("nav button[data-tab=flights]")
    page.fill("#flight-form input[name=origin]", "UUWW")
    page.fill("#flight-form input[name=on]", DAY)
    page.click("#flight-form button")
    flights = page.locator("#flight-table tr.pick")
    expect(flights.first).to_be_visible()
    assert flights.count() > 5
    origin = flights.first.locator("td").nth(5)
    expect(origin).to_have_text("UUWW")
    assert (origin.get_attribute("title") or "").startswith("found by ")
    takeoff = flights.first.locator("td").first.text_content() or ""
    assert len(takeoff) == 20 and takeoff.endswith("Z"), takeoff  # 2023-06-24 06:16:58Z
    lost = page.locator("#flight-table tr.pick", has_text="RA-96022").locator("td")
    expect(lost.nth(6)).to_have_text("unknown")  # never landed in view: not an empty cell
    expect(lost.nth(7)).to_have_text("last seen 2023-06-24 11:38:00Z")  # not a landing time
    page.screenshot(path=SHOTS / "flights-search.png")
    flights.first.click()  # replays it on the map, with the traffic around it
    expect(page.locator("#tab-map")).to_be_visible()
    expect(page.locator("#clock")).to_contain_text("replay 2023-06-24")
    expect(page.locator("#detail-title")).to_be_visible()
    expect(page.locator("#map")).to_have_attribute("aria-busy", "false")
    page.screenshot(path=SHOTS / "flight-replay.png")

    page.click("nav button[data-tab=exodus]")
    page.select_option("#exodus-area", "moscow")
    page.fill("#exodus-form input[name=on]", DAY)
    page.click("#exodus-form button")
    expect(page.locator("#exodus-head")).to_contain_text("surge(s)", timeout=30_000)
    expect(page.locator("#exodus-head .headline")).to_contain_text(
        "business-jet departures from moscow against"
    )
    expect(page.locator("#exodus-surges tr")).to_have_count(2)  # heading and the surge
    assert page.locator("#exodus-chart rect.obs").count() > 5
    page.screenshot(path=SHOTS / "exodus-dashboard.png")
    assert dialogs == []


def test_a_blackout_is_shaded_on_the_dashboard(
    browser: Browser, exodus_dark: tuple[Path, Path]
) -> None:
    """The receivers' outage (04:00-16:00 UTC), found from the data, is a shaded band
    with a tooltip, and the headline says so."""
    _, db = exodus_dark
    for url in serve(db, Config(token=TOKEN)):
        page, dialogs = open_page(browser, url)
        page.click("nav button[data-tab=exodus]")
        page.select_option("#exodus-area", "moscow")
        page.fill("#exodus-form input[name=on]", DAY)
        page.click("#exodus-form button")
        expect(page.locator("#exodus-head .headline")).to_contain_text(
            "Blackout from", timeout=30_000
        )
        shade = page.locator("#exodus-chart rect.blackout")
        expect(shade).to_have_count(1)
        tip = shade.locator("title").text_content() or ""
        assert tip.startswith("blackout 2023-06-24T04:00:00Z to 2023-06-24T16:00:00Z"), tip
        box = shade.bounding_box()
        assert box is not None and box["width"] > 100  # 12 of 24 hourly buckets
        fill = page.evaluate(
            "getComputedStyle(document.querySelector('#exodus-chart rect.blackout')).fill"
        )
        assert fill not in ("none", "rgba(0, 0, 0, 0)"), fill
        page.screenshot(path=SHOTS / "exodus-blackout.png")
        assert dialogs == []
        page.close()


def test_strings_from_data_are_text_in_every_view(
    browser: Browser, exodus_sim: tuple[Path, Path], tmp_path: Path
) -> None:
    """Hostile callsign, registration, operator, watch note and alert title go into
    every view (map tooltips, list, detail, flights, dashboard, watchlist, alerts,
    report); no element may come of them."""
    _, db = exodus_sim
    hostile = tmp_path / "hostile.duckdb"
    shutil.copy(db, hostile)
    script = "<script>alert(1)</script>"
    img = '"><img src=x data-pwn=1 onerror=alert(2)>'
    bold = "<b data-pwn=1>OP</b>"
    with Store(hostile) as store:
        store.con.execute("UPDATE position_rows SET callsign = ?", [script])
        store.con.execute("UPDATE flights SET callsigns = [?]", [script])
        store.con.execute("UPDATE aircraft SET registration = ?, operator = ?", [img, bold])
        store.con.execute(
            "INSERT INTO watchlist (id, kind, value, note, exclude) "
            "VALUES (9999, 'hex', 'abcdef', ?, false)",
            [img],
        )
        store.con.execute(
            "INSERT INTO alerts (id, rule_id, key, event, icao24, registration, time, title, "
            "body, status) VALUES (9999, 1, 'k', 'surge', 'abcdef', ?, now(), ?, ?, 'sent')",
            [img, img, bold],
        )
    served = serve(hostile, Config())
    url = next(served)

    def clean(page: Page, where: str) -> None:
        assert page.locator("[data-pwn]").count() == 0, where
        assert page.locator("img[src=x]").count() == 0, where

    try:
        page, dialogs = open_page(browser, url)
        first = page.locator("#aircraft-list tr.pick").first
        expect(first.locator("td").nth(1)).to_have_text(script)
        page.keyboard.press("l")  # labels are drawn on the map's canvas: text, never nodes
        expect(page.locator("#t-labels")).to_be_checked()
        clean(page, "map labels")
        first.click()
        expect(page.locator("#detail-title")).to_have_text(img)
        expect(page.locator("#detail dl")).to_contain_text(bold)
        clean(page, "aircraft detail")
        page.screenshot(path=SHOTS / "hostile-strings.png")

        page.click("nav button[data-tab=flights]")
        page.fill("#flight-form input[name=on]", DAY)
        page.click("#flight-form button")
        expect(page.locator("#flight-table tr.pick").first).to_contain_text(img)
        clean(page, "flights")
        page.goto(f"{url}#sel=abcdef&find={quote(img)}&cat={quote(img)}")  # the URL is data too
        expect(page.locator("#f-find")).to_have_value(img)
        clean(page, "permalink")

        page.click("nav button[data-tab=exodus]")
        page.select_option("#exodus-area", "moscow")
        page.fill("#exodus-form input[name=on]", DAY)
        page.click("#exodus-form button")
        expect(page.locator("#exodus-alerts")).to_contain_text(img, timeout=30_000)
        clean(page, "dashboard")

        page.click("nav button[data-tab=watch]")
        expect(page.locator("#watch-table")).to_contain_text(img)
        expect(page.locator("#alert-table")).to_contain_text(img)
        clean(page, "watchlist and alerts")

        report = browser.new_page()
        report.goto(f"{url}api/report/aircraft?aircraft=abcdef&on={DAY}")
        report.goto(f"{url}api/report/exodus?area=moscow&on={DAY}")
        expect(report.locator("body")).to_contain_text(img)
        clean(report, "report")
        assert page.locator("#detail script, #aircraft-list script").count() == 0
        assert dialogs == []
    finally:
        next(served, None)


def test_the_report_opens_with_networking_disabled(
    browser: Browser, exodus_sim: tuple[Path, Path], tmp_path: Path
) -> None:
    _, db = exodus_sim
    with Store(db) as store:
        html, doc = exodus_report.render(store, area="moscow", on=DAY)
    path = tmp_path / "report.html"
    path.write_text(html)
    context = browser.new_context(offline=True, viewport={"width": 1000, "height": 900})
    page = context.new_page()
    asked: list[str] = []
    page.on("request", lambda r: asked.append(r.url))
    page.goto(path.as_uri())
    expect(page.locator("p.verdict")).to_have_text("Verdict: surge flagged")
    expect(page.locator("p.label")).to_contain_text("SIMULATED")
    assert page.locator("svg.map polygon.land").count() > 10  # the offline borders drew
    assert 0 < page.locator("svg.map polyline.track").count() <= len(doc["flights"])
    page.screenshot(path=SHOTS / "report-offline.png", full_page=True)
    assert [u for u in asked if not u.startswith("file:")] == []
    context.close()


def test_watchlist_edits_need_the_token(browser: Browser, web: str) -> None:
    page, dialogs = open_page(browser, web)
    page.click("nav button[data-tab=watch]")
    form = page.locator("#watch-form")
    form.locator("select[name=kind]").select_option("reg")
    form.locator("input[name=value]").fill("RA-09007")
    form.locator("input[name=note]").fill("<img src=x onerror=alert(3)>")
    page.fill("#w-token", "wrong")
    form.locator("button").click()
    expect(page.locator("#watch-status")).to_contain_text("401")
    expect(page.locator("#watch-table")).not_to_contain_text("RA-09007")

    page.fill("#w-token", TOKEN)
    form.locator("button").click()
    expect(page.locator("#watch-status")).to_have_text("added")
    added = page.locator("#watch-table tr", has_text="RA-09007")
    expect(added).to_contain_text("<img src=x onerror=alert(3)>")  # as text
    page.screenshot(path=SHOTS / "watchlist-edit.png")
    added.locator("button.remove").click()
    expect(page.locator("#watch-status")).to_have_text("removed")
    expect(page.locator("#watch-table")).not_to_contain_text("RA-09007")
    assert page.locator("img[src=x]").count() == 0 and dialogs == []


def test_rules_and_a_test_notification_from_the_page(browser: Browser, web: str) -> None:
    """A rule added from the page, a real apprise send to a local endpoint by its test
    button, and the rule removed."""
    catcher = Catcher()
    try:
        page, dialogs = open_page(browser, web)
        page.click("nav button[data-tab=watch]")
        page.fill("#w-token", TOKEN)
        form = page.locator("#rule-form")
        form.locator("select[name=event]").select_option("enter")
        form.locator("input[name=notify]").fill(catcher.url)
        form.locator("button").click()
        expect(page.locator("#watch-status")).to_contain_text("needs --area")  # the library's
        form.locator("input[name=area]").fill("moscow")
        form.locator("button").click()
        expect(page.locator("#watch-status")).to_have_text("rule added")
        rule = page.locator("#rule-table tr", has_text="area=moscow")
        expect(rule).to_contain_text("json://127.0.0.1")
        rule.locator("button.test").click()
        expect(page.locator("#watch-status")).to_contain_text("test notification sent")
        assert [p["title"] for p in catcher.posts] == ["jetwatch test notification"]
        page.screenshot(path=SHOTS / "watchlist-rules.png", full_page=True)
        rule.locator("button.remove").click()
        expect(page.locator("#watch-status")).to_have_text("rule removed")
        expect(page.locator("#rule-table tr", has_text="area=moscow")).to_have_count(0)
        assert dialogs == []
    finally:
        catcher.close()


def test_an_aircraft_report_from_the_reports_tab(browser: Browser, web: str) -> None:
    page, dialogs = open_page(browser, web)
    page.click("nav button[data-tab=reports]")
    form = page.locator("#aircraft-report-form")
    form.locator("input[name=aircraft]").fill("RA-96022")
    form.locator("input[name=on]").fill(DAY)
    form.locator("input[name=left]").fill("moscow")
    form.locator("button").click()
    with page.context.expect_page() as opened:
        page.click("#report-anchor")
    report = opened.value
    report.wait_for_load_state()
    expect(report.locator("h1")).to_have_text(f"Aircraft report: RA-96022 on {DAY}")
    expect(report.locator(".verdict")).to_have_text("Verdict: supported")
    expect(report.locator("p.label")).to_contain_text("SIMULATED")
    report.screenshot(path=SHOTS / "aircraft-report.png", full_page=True)
    assert dialogs == []


PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)


def test_online_tiles_when_the_config_names_them(
    browser: Browser, exodus_sim: tuple[Path, Path]
) -> None:
    asked: list[str] = []

    class Tiles(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            asked.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.send_header("Content-Length", str(len(PNG)))
            self.end_headers()
            self.wfile.write(PNG)

        def log_message(self, *args: object) -> None:
            pass

    tiles = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Tiles)
    threading.Thread(target=tiles.serve_forever, daemon=True).start()
    template = f"http://127.0.0.1:{tiles.server_address[1]}/{{z}}/{{x}}/{{y}}.png"
    _, db = exodus_sim
    served = serve(db, Config(tiles=template, tiles_attribution="local test tiles"))
    url = next(served)
    try:
        page, dialogs = open_page(browser, url)
        expect(page.locator("#map .leaflet-tile-loaded").first).to_be_attached(timeout=15_000)
        expect(page.locator("#map .leaflet-control-attribution")).to_contain_text(
            "local test tiles"
        )
        assert asked and all(p.endswith(".png") for p in asked)
        assert dialogs == []
    finally:
        next(served, None)
        tiles.shutdown()


def test_filters_replay_and_a_permalink_round_trip(browser: Browser, web: str) -> None:
    """Filters, labels, trails, a selection and a replay time set by hand come back
    the same from the link the share button copies, in a new page."""
    page, dialogs = open_page(browser, web)
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.select_option("#r-mode", "replay")
    page.fill("#r-day", DAY)
    page.dispatch_event("#r-day", "change")
    expect(page.locator("#clock")).to_contain_text(f"replay {DAY} 08:00:00Z")
    page.select_option("#r-speed", "1000")
    page.click("#r-play")
    page.wait_for_timeout(2500)
    page.click("#r-play")  # pause
    page.wait_for_function(  # no picture on its way; the one drawn is the one linked
        """() => {
            const t = new URLSearchParams(location.hash.slice(1)).get("t");
            return document.getElementById("map").getAttribute("aria-busy") === "false"
                && t && document.getElementById("clock").textContent.endsWith(t.replace("T", " "));
        }"""
    )
    clock = page.locator("#clock").text_content() or ""
    hh, mm = int(clock[-9:-7]), int(clock[-6:-4])
    assert (hh, mm) >= (8, 20), clock  # at 1000x, 2.5 s are over 40 min of data time
    page.select_option("#f-class", "airliner")
    page.fill("#f-altmin", "10000")
    page.keyboard.press("Escape")
    page.locator("body").press("t")
    expect(page.locator("#t-trails")).to_be_checked()
    rows = page.locator("#aircraft-list tr.pick")
    expect(rows.first).to_be_visible()
    for k in range(rows.count()):
        assert (
            int((rows.nth(k).locator("td").nth(3).text_content() or "0").replace(",", "")) >= 10000
        )
    rows.first.click()
    title = page.locator("#detail-title").text_content()
    status = page.locator("#map-status").text_content()
    page.click("#share")
    expect(page.locator("#share-status")).to_have_text("link copied")
    link = page.evaluate("navigator.clipboard.readText()")
    assert "class=airliner" in link and "amin=10000" in link and "trails=1" in link
    page.screenshot(path=SHOTS / "map-replay-filtered.png")

    again = browser.new_page(viewport={"width": 1280, "height": 800})
    again.goto(link)
    expect(again.locator("#detail-title")).to_have_text(title or "")
    expect(again.locator("#clock")).to_have_text(clock)
    expect(again.locator("#map-status")).to_have_text(status or "")
    expect(again.locator("#f-class")).to_have_value("airliner")
    expect(again.locator("#f-altmin")).to_have_value("10000")
    expect(again.locator("#t-trails")).to_be_checked()
    expect(again.locator("#r-mode")).to_have_value("replay")
    again.close()
    assert dialogs == []


def test_keyboard_shortcuts_and_labelled_controls(browser: Browser, web: str) -> None:
    page, dialogs = open_page(browser, web)
    body = page.locator("body")
    body.press("l")
    expect(page.locator("#t-labels")).to_be_checked()
    body.press("l")
    expect(page.locator("#t-labels")).not_to_be_checked()
    body.press("?")
    expect(page.locator("#keys p")).to_be_visible()
    body.press("2")
    expect(page.locator("#tab-flights")).to_be_visible()
    assert "tab=flights" in page.evaluate(
        "new Promise((r) => setTimeout(() => r(location.hash), 300))"
    )
    body.press("1")
    page.locator("#aircraft-list tr.pick").first.focus()
    page.keyboard.press("Enter")
    expect(page.locator("#detail-title")).to_be_visible()
    body.press("Escape")
    expect(page.locator("#detail-title")).to_have_count(0)
    unnamed = page.evaluate(
        """() => [...document.querySelectorAll('input, select, button')].filter((e) =>
            !(e.labels && e.labels.length) && !e.getAttribute('aria-label')
            && !(e.textContent || '').trim()).map((e) => e.outerHTML)"""
    )
    assert unnamed == []
    assert dialogs == []


def test_a_phone_sized_screen(browser: Browser, web: str) -> None:
    page = browser.new_page(viewport={"width": 390, "height": 844}, is_mobile=True)
    page.goto(web)
    expect(page.locator("#map-status")).to_contain_text("aircraft shown", timeout=30_000)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    box = page.locator("#map").bounding_box()
    assert box is not None and box["width"] > 300 and box["height"] > 300
    page.locator("#aircraft-list tr.pick").first.click()
    expect(page.locator("#detail-title")).to_be_visible()
    page.screenshot(path=SHOTS / "phone-map.png", full_page=True)
    page.close()


def test_flight_exports_use_the_output_layer(browser: Browser, web: str) -> None:
    page, _ = open_page(browser, web)
    page.click("nav button[data-tab=flights]")
    page.fill("#flight-form input[name=on]", DAY)
    page.click("#flight-form button")
    expect(page.locator("#flight-table tr.pick").first).to_be_visible()
    n = page.locator("#flight-table tr.pick").count()
    expect(page.locator("#export-csv")).to_be_visible()
    with page.expect_download() as got:
        page.click("#export-csv")
    lines = Path(got.value.path()).read_text().splitlines()
    assert lines[0].startswith("id,") and len(lines) == n + 1
    with page.expect_download() as got:
        page.click("#export-kml")
    assert "<kml" in Path(got.value.path()).read_text()
    header = page.locator("#flight-table th button").nth(2)
    header.click()
    expect(page.locator("#flight-table th").nth(2)).to_have_attribute("aria-sort", "ascending")
    names = page.locator("#flight-table tr.pick td:nth-child(3)").all_text_contents()
    assert names == sorted(names)
