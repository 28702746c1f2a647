from __future__ import annotations

from pathlib import Path

import airportsdata
import numpy as np
import pyarrow as pa
import pytest

from jetwatch.errors import JetwatchError
from jetwatch.geo import haversine_km
from jetwatch.reference import airports as airports_module
from jetwatch.reference.airports import MAX_RADIUS_KM, Airports


@pytest.fixture(scope="module")
def airports() -> Airports:
    return Airports()


def test_moscow_airports_are_there(airports: Airports) -> None:
    for code in ("UUEE", "UUWW", "UUDD", "UUMO", "UUBW"):
        row = airports.get(code)
        assert row is not None and row["country"] == "RU"
    assert airports.get("uuww")["name"] == "Vnukovo International Airport"  # type: ignore[index]
    assert airports.get("ZZZZ") is None


def test_nearest_picks_the_field_under_the_point(airports: Airports) -> None:
    points = pa.table(
        {
            "lat": [55.5915, 55.9726, 55.4088, 49.0128],
            "lon": [37.2615, 37.4146, 37.9063, 2.55],
            "id": [1, 2, 3, 4],
        }
    )
    got = airports.nearest(points, 10, k=1).to_pylist()
    assert [(r["id"], r["icao"]) for r in got] == [
        (1, "UUWW"),
        (2, "UUEE"),
        (3, "UUDD"),
        (4, "LFPG"),
    ]
    assert all(r["distance_km"] < 0.1 for r in got)


@pytest.mark.parametrize("radius", [5.0, 25.0, MAX_RADIUS_KM])
def test_grid_lookup_equals_brute_force(airports: Airports, radius: float) -> None:
    rng = np.random.default_rng(7)
    n = 3000
    # points near real airports (so that most have neighbours), near the poles and
    # either side of the date line
    table = airports.table
    pick = rng.integers(0, table.num_rows, n)
    lat = np.clip(table["lat"].to_numpy()[pick] + rng.normal(0, 0.2, n), -89.99, 89.99)
    lon = table["lon"].to_numpy()[pick] + rng.normal(0, 0.3, n)
    lon = (lon + 180) % 360 - 180
    lat = np.concatenate([lat, [89.9, -89.9, 64.8, 51.9, 51.9]])
    lon = np.concatenate([lon, [10.0, 0.0, -147.9, 179.99, -179.99]])
    got = airports.nearest(
        pa.table({"lat": lat, "lon": lon, "i": np.arange(len(lat))}), radius, k=3
    )
    a_lat, a_lon = table["lat"].to_numpy(), table["lon"].to_numpy()
    codes = table["icao"].to_numpy(zero_copy_only=False)
    by_point: dict[int, list[str]] = {}
    for row in got.to_pylist():
        by_point.setdefault(row["i"], []).append(row["icao"])
    for i in range(len(lat)):
        d = haversine_km(np.full_like(a_lat, lat[i]), np.full_like(a_lon, lon[i]), a_lat, a_lon)
        order = np.lexsort((codes, d))
        expected = [str(codes[j]) for j in order[:3] if d[j] <= radius]
        assert by_point.get(i, []) == expected, (i, lat[i], lon[i])


def test_radius_is_checked(airports: Airports) -> None:
    with pytest.raises(JetwatchError, match="radius"):
        airports.nearest(pa.table({"lat": [0.0], "lon": [0.0]}), 500)


def test_a_million_lookups_in_one_call(airports: Airports) -> None:
    rng = np.random.default_rng(1)
    n = 1_000_000
    points = pa.table({"lat": rng.uniform(50, 60, n), "lon": rng.uniform(30, 40, n)})
    got = airports.nearest(points, 20)
    assert 0 < got.num_rows <= n
    assert (got["distance_km"].to_numpy() <= 20).all()


def test_ourairports_file_adds_small_fields(tmp_path) -> None:
    # two rows in OurAirports' airports.csv layout: a real heliport code that
    # airportsdata lacks, and a duplicate of Vnukovo that must not replace it
    path = tmp_path / "airports.csv"
    path.write_text(
        "id,ident,type,name,latitude_deg,longitude_deg,elevation_ft,continent,iso_country,"
        "iso_region,municipality,scheduled_service,gps_code,iata_code,local_code\n"
        "1,RU-0001,heliport,Moscow City heliport,55.75,37.54,490,EU,RU,RU-MOW,Moscow,no,,,\n"
        "2,UUWW,large_airport,Vnukovo duplicate,0,0,0,EU,RU,RU-MOW,Moscow,yes,UUWW,VKO,\n"
    )
    extended = Airports(extra=path)
    assert extended.table.num_rows == Airports().table.num_rows + 1
    assert extended.get("RU-0001")["name"] == "Moscow City heliport"  # type: ignore[index]
    assert extended.get("UUWW")["lat"] == 55.5915  # type: ignore[index]
    near = extended.nearest(pa.table({"lat": [55.7501], "lon": [37.5401]}), 5)
    assert near["icao"].to_pylist()[0] == "RU-0001"


def test_the_arrow_read_equals_the_packages_loader() -> None:
    fast = airports_module.load.__wrapped__()  # type: ignore[attr-defined]
    assert fast.num_rows > 28_000
    assert fast.equals(airports_module._load_by_package())


def test_a_code_twice_keeps_the_packages_rule(tmp_path: Path, monkeypatch) -> None:
    (tmp_path / "airports.csv").write_text(
        '"icao","iata","name","city","subd","country","elevation","lat","lon","tz","lid"\n'
        '"AAAA","","First","","","XX",10,1.0,2.0,"",""\n'
        '"","","No code","","","XX",10,1.0,2.0,"",""\n'
        '"BBBB","BBB","Other","Town","","XX",20,3.0,4.0,"UTC",""\n'
        '"AAAA","AAA","Second","","","XX",30,5.0,6.0,"",""\n',
        encoding="utf8",
    )
    monkeypatch.setattr(airportsdata, "__file__", str(tmp_path / "__init__.py"))
    table = airports_module.load.__wrapped__()  # type: ignore[attr-defined]
    assert table.num_rows == 2
    rows = {r["icao"]: r for r in table.to_pylist()}
    assert list(rows) == ["AAAA", "BBBB"]  # the first place, the last row's values
    assert rows["AAAA"]["name"] == "Second" and rows["AAAA"]["elevation_ft"] == 30.0
    assert rows["BBBB"]["iata"] == "BBB" and rows["BBBB"]["tz"] == "UTC"
    assert rows["AAAA"]["city"] is None
