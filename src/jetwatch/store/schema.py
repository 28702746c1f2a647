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
- ``meta``: key/value, including the schema version.
"""

from __future__ import annotations

SCHEMA_VERSION = "1"

DDL = """
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
ALTER TABLE ingests ADD COLUMN IF NOT EXISTS label VARCHAR;
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
"""
