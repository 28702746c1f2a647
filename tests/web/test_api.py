"""The JSON API: readsb-style filters, flights, exodus, token-protected edits, headers."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from tests.helpers import exodus_cli
from tests.web.conftest import TOKEN

DAY = "2023-06-24"


def get(web: str, path: str, **params: object) -> dict:
    r = httpx.get(web + path, params=params, timeout=60)
    assert r.status_code == 200, r.text
    assert "default-src 'self'" in r.headers["content-security-policy"]
    return r.json()


def test_live_picture_and_readsb_filters(web: str) -> None:
    every = get(web, "api/aircraft", minutes=60)["aircraft"]
    assert every and {"icao24", "lat", "lon", "registration", "class"} <= set(every[0])
    one = every[0]
    assert [
        a["icao24"]
        for a in get(web, "api/aircraft", minutes=60, find_hex=one["icao24"])["aircraft"]
    ] == [one["icao24"]]
    near = get(web, "api/aircraft", minutes=60, circle=f"{one['lat']},{one['lon']},1")["aircraft"]
    assert one["icao24"] in [a["icao24"] for a in near]
    box = f"{one['lat'] - 0.01},{one['lat'] + 0.01},{one['lon'] - 0.01},{one['lon'] + 0.01}"
    assert one["icao24"] in [
        a["icao24"] for a in get(web, "api/aircraft", minutes=60, box=box)["aircraft"]
    ]
    bad = httpx.get(web + "api/aircraft", params={"circle": "55,37"})
    assert bad.status_code == 422 and "circle" in bad.text


def test_flights_search_and_one_flight(web: str) -> None:
    found = get(web, "api/flights", origin="UUWW", on=DAY, **{"class": "business_jet"})["flights"]
    assert found and all(f["origin"] == "UUWW" for f in found)
    one = get(web, f"api/flights/{found[0]['id']}")
    assert one["flight"]["id"] == found[0]["id"] and len(one["track"]) > 10
    assert httpx.get(web + "api/flights/nope").status_code == 404


def test_exodus_is_the_clis(web: str, exodus_sim: tuple[Path, Path]) -> None:
    _, db = exodus_sim
    assert get(web, "api/exodus", area="moscow", on=DAY, **{"class": "business_jet"}) == exodus_cli(
        db
    )
    report = httpx.get(web + "api/report/exodus", params={"area": "moscow", "on": DAY}, timeout=60)
    assert report.status_code == 200 and "Verdict:" in report.text
    unknown = httpx.get(web + "api/exodus", params={"area": "atlantis", "on": DAY})
    assert unknown.status_code == 404 and "moscow" in unknown.text  # the valid choices


def test_edits_need_the_token(web: str) -> None:
    entry = {"kind": "reg", "value": "RA-73555", "note": "<b>bold</b>"}
    assert httpx.post(web + "api/watchlist", json=entry).status_code == 401
    assert (
        httpx.post(
            web + "api/watchlist", json=entry, headers={"Authorization": "Bearer wrong"}
        ).status_code
        == 401
    )
    ok = httpx.post(web + "api/watchlist", json=entry, headers={"Authorization": f"Bearer {TOKEN}"})
    assert ok.status_code == 200
    listed = get(web, "api/watchlist")["entries"]
    assert any(e["value"] == "RA-73555" and e["note"] == "<b>bold</b>" for e in listed)
    gone = httpx.delete(
        web + f"api/watchlist/{ok.json()['id']}", headers={"Authorization": f"Bearer {TOKEN}"}
    )
    assert gone.status_code == 200


@pytest.mark.parametrize("path", ["", "js/main.js", "api/info", "openapi.json"])
def test_every_response_has_the_security_headers(web: str, path: str) -> None:
    r = httpx.get(web + path)
    assert r.status_code == 200
    assert "script-src 'self'" in r.headers["content-security-policy"]
    assert r.headers["x-content-type-options"] == "nosniff"


@pytest.mark.parametrize(
    "path",
    [
        "api/aircraft?at=0001-01-01T00:00:00",
        "api/aircraft/4ac8b3?at=9999-12-31T23:59:59",
        "api/flights?on=0001-01-01",
        "api/exodus?area=moscow&on=9999-12-31",
        "api/exodus?area=moscow&on=0001-01-01",
        "api/report/exodus?area=moscow&on=9999-12-31",
        "api/report/aircraft?aircraft=RA-96022&on=0001-01-01",
    ],
)
def test_extreme_dates_are_422_not_500(web: str, path: str) -> None:
    got = httpx.get(web + path, timeout=60)
    assert got.status_code == 422, got.text
    assert "1970" in got.text


def test_only_a_bearer_token_is_accepted(web: str) -> None:
    entry = {"kind": "hex", "value": "abcdef"}
    bare = httpx.post(web + "api/watchlist", json=entry, headers={"Authorization": TOKEN})
    assert bare.status_code == 401
    lower = httpx.post(
        web + "api/watchlist", json=entry, headers={"Authorization": f"bearer{TOKEN}"}
    )
    assert lower.status_code == 401


def test_the_api_reference_loads_nothing_from_elsewhere(web: str) -> None:
    page = httpx.get(web + "docs")
    assert page.status_code == 200 and "api.js" in page.text
    assert "http" not in page.text.replace('href="openapi.json"', "")  # no CDN
    assert httpx.get(web + "api.js").status_code == 200


def test_trails_of_all_traffic_before_a_time(web: str) -> None:
    at = f"{DAY}T08:30:00"
    got = get(web, "api/trails", at=at, minutes=10, every=15)
    assert got["now"] == f"{at}Z" and got["trails"]
    picture = {a["icao24"] for a in get(web, "api/aircraft", at=at, minutes=10)["aircraft"]}
    assert set(got["trails"]) == picture  # every aircraft of those 10 minutes, no other
    for points in got["trails"].values():
        assert len(points) <= 10 * 60 // 15 + 1
        assert all(len(p) == 4 and p[3] in (0.0, 1.0, None) for p in points)


def test_flight_exports_are_the_searchs_rows(web: str) -> None:
    listed = get(web, "api/flights", on=DAY, origin="UUWW")["flights"]
    csv = httpx.get(
        web + "api/flights/export", params={"format": "csv", "on": DAY, "origin": "UUWW"}
    )
    assert csv.status_code == 200 and csv.headers["content-type"].startswith("text/csv")
    assert 'filename="flights-2023-06-24-UUWW.csv"' in csv.headers["content-disposition"]
    rows = csv.text.splitlines()[1:]
    assert sorted(r.split(",")[0] for r in rows) == sorted(f["id"] for f in listed)
    geo = httpx.get(web + "api/flights/export", params={"format": "geojson", "on": DAY})
    assert geo.json()["type"] == "FeatureCollection"
    bad = httpx.get(web + "api/flights/export", params={"format": "parquet"})
    assert bad.status_code == 422


def test_rules_are_edited_with_the_token_and_served_without_secrets(web: str) -> None:
    rule = {
        "event": "takeoff",
        "when": {"from_area": "moscow"},
        "notify": ["json://user:s3cret@127.0.0.1:9/h"],
    }
    assert httpx.post(web + "api/rules", json=rule).status_code == 401
    bad = httpx.post(
        web + "api/rules",
        json=rule | {"event": "explode"},
        headers={"Authorization": f"Bearer {TOKEN}"},
    )
    assert bad.status_code == 422 and "explode" in bad.text
    added = httpx.post(web + "api/rules", json=rule, headers={"Authorization": f"Bearer {TOKEN}"})
    assert added.status_code == 200
    listed = get(web, "api/rules")["rules"]
    mine = [r for r in listed if r["id"] == added.json()["id"]]
    assert mine and mine[0]["conditions"]["from_area"] == "moscow"
    assert "s3cret" not in json.dumps(listed)
    sent = httpx.post(
        web + "api/notify/test",
        json={"rule": mine[0]["id"]},
        headers={"Authorization": f"Bearer {TOKEN}"},
    ).json()
    assert (
        sent["ok"] is False and sent["error"] and "s3cret" not in json.dumps(sent)
    )  # port 9: refused
    gone = httpx.delete(
        web + f"api/rules/{mine[0]['id']}", headers={"Authorization": f"Bearer {TOKEN}"}
    )
    assert gone.status_code == 200
    assert all(r["id"] != mine[0]["id"] for r in get(web, "api/rules")["rules"])
