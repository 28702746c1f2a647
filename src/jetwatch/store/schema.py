"""The DuckDB schema of a jetwatch store. See ``docs/store.md`` for every column.

- ``ingests``: one row per ingested file (path, SHA-256, size, format, counts, the
  archived copy, ``status``). A file whose SHA-256 is here is never ingested again.
- ``position_rows`` / ``reject_rows``: the rows as written, in chunks, during an
  ingest. Query the views instead:
- ``positions``: one row per decoded position, every source in one shape, from
  ingests whose status is ``done`` or ``live`` (a live feed's current segment,
  committed batch by batch: :mod:`jetwatch.store.live`). Units: altitude and geo_altitude ft,
  ground_speed kt, track deg, vertical_rate ft/min; ``time`` is UTC. ``flags`` bits
  are in :mod:`jetwatch.model`.
- ``rejects``: every record that could not be used: where (byte offset and, for
  text, line), why (``reason``), and its exact bytes.
- ``aircraft``: the merged aircraft registry (:mod:`jetwatch.reference.registry`),
  with the source of each field in ``sources``.
- ``aircraft_types`` / ``class_overrides`` / ``aircraft_classes``: the class of each
  aircraft and its reason (:mod:`jetwatch.reference.classes`).
- ``fetches``: what ``jetwatch fetch`` took from a public source: the source,
  release or endpoint, day, area, URL, assets (names, sizes, SHA-256), licence and
  attribution, what was kept, and the ingest it became (reports cite it).
- ``reported_flights``: flights another system reported (OpenSky's flights
  endpoints, ``source = 'opensky'``), one row per (source, icao24, first_seen) from
  done ingests: a second, labelled account of departures that checks set beside
  jetwatch's own flights, never mixed into them (rows in ``reported_flight_rows``).
- ``flights`` / ``flight_ingests``: the flights built from the positions, and the
  ingests they were built from (:mod:`jetwatch.flights.build`).
- ``activity``: positions per 0.5° cell and 15-minute slot, per ingest, for coverage
  (:mod:`jetwatch.store.activity`).
- ``watchlist`` / ``watch_rules`` / ``alerts``: what is watched, which events raise
  alerts and where they go, and every alert raised (:mod:`jetwatch.watch`).
- ``exodus_results``: the last saved exodus analysis per scope, class, day, bucket and
  detector (:mod:`jetwatch.exodus.analysis`).
- ``meta``: key/value, including the schema version.

Every table is made here, by numbered migrations (:data:`MIGRATIONS`) applied once, in
order, when a store opens for writing; ``meta.schema_version`` is the last one
applied. The views are queries, not data: they are made again at every writable open.
"""

from __future__ import annotations

from dataclasses import dataclass

from jetwatch.reference.classes import CLASSES_SELECT

STORE = """
CREATE SEQUENCE IF NOT EXISTS ingest_ids START 1;
CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR);
CREATE TABLE IF NOT EXISTS ingests (
    id INTEGER PRIMARY KEY,
    status VARCHAR NOT NULL,
    path VARCHAR NOT NULL,
    sha256 VARCHAR UNIQUE,
    size BIGINT NOT NULL,
    format VARCHAR NOT NULL,
    compression VARCHAR NOT NULL,
    archive VARCHAR,
    records BIGINT,
    positions BIGINT,
    rejected BIGINT,
    rejected_by_reason MAP(VARCHAR, BIGINT),
    stream_error VARCHAR,
    started TIMESTAMP,
    finished TIMESTAMP,
    jetwatch_version VARCHAR,
    options VARCHAR,
    label VARCHAR
);
CREATE TABLE IF NOT EXISTS position_rows (
    time TIMESTAMP NOT NULL,
    icao24 VARCHAR NOT NULL,
    callsign VARCHAR,
    lat DOUBLE NOT NULL,
    lon DOUBLE NOT NULL,
    altitude INTEGER,
    geo_altitude INTEGER,
    ground_speed FLOAT,
    track FLOAT,
    vertical_rate INTEGER,
    on_ground BOOLEAN,
    squawk VARCHAR,
    category VARCHAR,
    source VARCHAR NOT NULL,
    flags USMALLINT NOT NULL,
    ingest_id INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS reject_rows (
    ingest_id INTEGER NOT NULL,
    "offset" BIGINT,
    line BIGINT,
    reason VARCHAR NOT NULL,
    detail VARCHAR,
    data BLOB
);
CREATE TABLE IF NOT EXISTS aircraft (
    icao24 VARCHAR PRIMARY KEY,
    registration VARCHAR,
    typecode VARCHAR,
    description VARCHAR,
    operator VARCHAR,
    year INTEGER,
    military BOOLEAN,
    interesting BOOLEAN,
    pia BOOLEAN,
    ladd BOOLEAN,
    categories VARCHAR[],
    tags VARCHAR[],
    sources MAP(VARCHAR, VARCHAR),
    updated TIMESTAMP
);
CREATE TABLE IF NOT EXISTS aircraft_types (
    typecode VARCHAR PRIMARY KEY,
    class VARCHAR NOT NULL,
    name VARCHAR
);
CREATE TABLE IF NOT EXISTS aircraft_type_descs (
    typecode VARCHAR PRIMARY KEY,
    description_code VARCHAR,
    wtc VARCHAR,
    name VARCHAR,
    source VARCHAR
);
CREATE TABLE IF NOT EXISTS class_overrides (
    icao24 VARCHAR PRIMARY KEY,
    class VARCHAR NOT NULL,
    reason VARCHAR
);
CREATE TABLE IF NOT EXISTS fetches (
    source VARCHAR NOT NULL,
    release VARCHAR NOT NULL,
    day DATE,
    area VARCHAR NOT NULL,
    url VARCHAR NOT NULL,
    assets JSON,
    licence VARCHAR,
    attribution VARCHAR,
    counts JSON,
    ingest_id INTEGER,
    fetched TIMESTAMP,
    jetwatch_version VARCHAR,
    note VARCHAR,
    PRIMARY KEY (source, release, area)
);
CREATE TABLE IF NOT EXISTS reported_flight_rows (
    source VARCHAR NOT NULL,
    icao24 VARCHAR NOT NULL,
    callsign VARCHAR,
    first_seen TIMESTAMP NOT NULL,
    last_seen TIMESTAMP NOT NULL,
    departure VARCHAR,
    arrival VARCHAR,
    departure_distance_m INTEGER,
    arrival_distance_m INTEGER,
    departure_candidates INTEGER,
    arrival_candidates INTEGER,
    ingest_id INTEGER NOT NULL
);
"""

FLIGHTS = """
CREATE TABLE IF NOT EXISTS flights (
    id VARCHAR PRIMARY KEY,
    icao24 VARCHAR NOT NULL,
    callsigns VARCHAR[],
    first_seen TIMESTAMP NOT NULL,
    last_seen TIMESTAMP NOT NULL,
    takeoff TIMESTAMP,
    takeoff_method VARCHAR,
    landing TIMESTAMP,
    landing_method VARCHAR,
    origin VARCHAR,
    origin_country VARCHAR,
    origin_distance_km DOUBLE,
    origin_method VARCHAR,
    origin_confidence VARCHAR,
    origin_runway VARCHAR,
    origin_reason VARCHAR,
    destination VARCHAR,
    destination_country VARCHAR,
    destination_distance_km DOUBLE,
    destination_method VARCHAR,
    destination_confidence VARCHAR,
    destination_runway VARCHAR,
    destination_reason VARCHAR,
    starts_airborne BOOLEAN,
    ends_airborne BOOLEAN,
    gaps INTEGER,
    longest_gap_s DOUBLE,
    positions INTEGER,
    max_altitude INTEGER,
    path_km DOUBLE,
    touch_and_go INTEGER
);
ALTER TABLE flights ADD COLUMN IF NOT EXISTS last_lat DOUBLE;
ALTER TABLE flights ADD COLUMN IF NOT EXISTS last_lon DOUBLE;
ALTER TABLE flights ADD COLUMN IF NOT EXISTS last_altitude INTEGER;
ALTER TABLE flights ADD COLUMN IF NOT EXISTS last_track DOUBLE;
ALTER TABLE flights ADD COLUMN IF NOT EXISTS last_vertical_rate DOUBLE;
"""

FIRST_USE = (
    FLIGHTS
    + """
ALTER TABLE ingests ADD COLUMN IF NOT EXISTS label VARCHAR;
CREATE TABLE IF NOT EXISTS flight_ingests (ingest_id INTEGER PRIMARY KEY);
CREATE TABLE IF NOT EXISTS activity (
    ingest_id INTEGER, cy SMALLINT, cx SMALLINT, slot TIMESTAMP, positions BIGINT
);
CREATE SEQUENCE IF NOT EXISTS watch_ids START 1;
CREATE TABLE IF NOT EXISTS watchlist (
    id INTEGER PRIMARY KEY DEFAULT nextval('watch_ids'),
    kind VARCHAR NOT NULL,
    value VARCHAR NOT NULL,
    exclude BOOLEAN NOT NULL DEFAULT false,
    note VARCHAR,
    category VARCHAR,
    added TIMESTAMP DEFAULT now(),
    UNIQUE (kind, value, exclude)
);
CREATE SEQUENCE IF NOT EXISTS rule_ids START 1;
CREATE TABLE IF NOT EXISTS watch_rules (
    id INTEGER PRIMARY KEY DEFAULT nextval('rule_ids'),
    event VARCHAR NOT NULL,
    conditions JSON NOT NULL,
    notify JSON NOT NULL,
    template VARCHAR,
    per_hour INTEGER NOT NULL DEFAULT 30,
    enabled BOOLEAN NOT NULL DEFAULT true,
    created TIMESTAMP DEFAULT now()
);
CREATE SEQUENCE IF NOT EXISTS alert_ids START 1;
CREATE TABLE IF NOT EXISTS alerts (
    id INTEGER PRIMARY KEY DEFAULT nextval('alert_ids'),
    rule_id INTEGER NOT NULL,
    key VARCHAR NOT NULL,
    event VARCHAR NOT NULL,
    icao24 VARCHAR,
    registration VARCHAR,
    time TIMESTAMP,
    airport VARCHAR,
    title VARCHAR,
    body VARCHAR,
    detail JSON,
    status VARCHAR NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    error VARCHAR,
    created TIMESTAMP,
    sent TIMESTAMP,
    UNIQUE (rule_id, key)
);
CREATE TABLE IF NOT EXISTS exodus_results (
    scope VARCHAR, class VARCHAR, day DATE, bucket_minutes INTEGER, detector VARCHAR,
    computed_at TIMESTAMP, surges INTEGER, result JSON,
    PRIMARY KEY (scope, class, day, bucket_minutes, detector)
);
"""
)


@dataclass(frozen=True)
class Migration:
    """One step of the schema: applied once, in a transaction, in version order."""

    version: int
    what: str
    sql: str


MIGRATIONS = (
    Migration(1, "the store: ingests, positions, rejects, registry, fetches", STORE),
    # Version 1 made these tables on first use, so a version-1 store may hold some,
    # all or none of them, and its ``ingests`` may predate ``label``: every statement
    # is IF NOT EXISTS.
    Migration(
        2,
        "tables made on first use until now: flights, activity, watchlist, rules, "
        "alerts, exodus results",
        FIRST_USE,
    ),
)
SCHEMA_VERSION = MIGRATIONS[-1].version

VIEWS = f"""
CREATE OR REPLACE VIEW reported_flights AS
    SELECT * EXCLUDE (ingest_id, k) FROM (
        SELECT *, row_number() OVER (
            PARTITION BY source, icao24, first_seen ORDER BY ingest_id DESC) AS k
        FROM reported_flight_rows
        WHERE ingest_id IN (SELECT id FROM ingests WHERE status IN ('done', 'live'))
    ) WHERE k = 1;
CREATE OR REPLACE VIEW positions AS
    SELECT * FROM position_rows
    WHERE ingest_id IN (SELECT id FROM ingests WHERE status IN ('done', 'live'));
CREATE OR REPLACE VIEW rejects AS
    SELECT * FROM reject_rows
    WHERE ingest_id IN (SELECT id FROM ingests WHERE status IN ('done', 'live'));
CREATE OR REPLACE VIEW aircraft_classes AS
{CLASSES_SELECT};
"""
