"""Aircraft classes: business jet, airliner, regional, turboprop, piston, helicopter,
military, government or unknown, each with the reason it was given.

One SQL query (:data:`CLASSES_SELECT`, the store's ``aircraft_classes`` view)
classifies every aircraft in the store, first match wins:

1. an override set for that aircraft (``class_overrides``);
2. ``military``: the registry flags it military, or files it under one of
   :data:`MILITARY_CATEGORIES` (plane-alert-db's air forces and navies);
3. ``government`` (state aircraft): plane-alert-db marks it ``Gov`` or files it
   under one of :data:`GOVERNMENT_CATEGORIES` (governments, heads of state,
   police, coastguards…);
4. ``business_jet`` when the registry's description names a corporate version of
   an airliner (ACJ, BBJ, Lineage), which WingX-style counts treat as business
   aviation: an ACJ319 is not an airliner here;
5. its ICAO type designator in ``data/aircraft_types.csv`` (the documented lists of
   business-jet, airliner, regional, turboprop, piston, helicopter and military
   types, e.g. GLF6, GLEX, CL35, FA7X, PC24 are business jets);
6. its ICAO type description (Doc 8643, e.g. ``L2J``: landplane, 2 jets) when a
   types file was imported (``aircraft_type_descs``): ``H..`` helicopter, ``..P``
   piston, ``..T`` turboprop, a jet of wake category M, H or J an airliner (light
   jets outside the business-jet list are often warbirds: they stay unknown);
7. its ADS-B emitter category, as last broadcast: A7 rotorcraft is a helicopter,
   A6 high performance is military, A3/A4/A5 (large, B757, heavy) are airliners;
8. otherwise ``unknown``.

The view covers aircraft in the registry and aircraft only seen in ``positions``,
with the emitter category each last broadcast. Reading it scans ``positions`` for
those categories; :func:`snapshot` keeps a copy for callers that ask many times (the
web app refreshes one every 30 s) and pass it to ``flights.query`` or
``registry.lookup``.
"""

from __future__ import annotations

import duckdb
import pyarrow as pa

from jetwatch.sql import literals

CLASSES = (
    "business_jet",
    "airliner",
    "regional",
    "turboprop",
    "piston",
    "helicopter",
    "military",
    "government",
    "unknown",
)

MILITARY_CATEGORIES = (
    "USAF",
    "Other Air Forces",
    "Toy Soldiers",
    "United States Navy",
    "United States Marine Corps",
    "GAF",
    "RAF",
    "Other Navies",
    "Army Air Corps",
    "Royal Navy Fleet Air Arm",
    "Special Forces",
    "Gunship",
    "Zoomies",
)
GOVERNMENT_CATEGORIES = (
    "Governments",
    "Dictator Alert",
    "Head of State",
    "Royal Aircraft",
    "Da Comrade",
    "Quango",
    "Police Forces",
    "UK National Police Air Service",
    "Coastguard",
)
EMITTER = {
    "A7": "helicopter",
    "A6": "military",
    "A3": "airliner",
    "A4": "airliner",
    "A5": "airliner",
}

_emitter_case = " ".join(f"WHEN '{k}' THEN '{v}'" for k, v in EMITTER.items())


_military = f"k.military OR list_has_any(k.categories, {literals(MILITARY_CATEGORIES)})"
_government = (
    f"list_contains(k.tags, 'Gov') OR list_has_any(k.categories, {literals(GOVERNMENT_CATEGORIES)})"
)

_corporate = r"regexp_matches(coalesce(k.description, ''), '\b(ACJ|BBJ|Lineage)', 'i')"

_by_desc = """CASE
        WHEN d.description_code LIKE 'H%' THEN 'helicopter'
        WHEN d.description_code LIKE '%P' THEN 'piston'
        WHEN d.description_code LIKE '%T' THEN 'turboprop'
        WHEN d.description_code LIKE '%J' AND d.wtc IN ('M', 'H', 'J') THEN 'airliner'
    END"""

CLASSES_SELECT = f"""
WITH emitter AS (
    SELECT icao24, arg_max(category, time) AS category
    FROM positions WHERE category IS NOT NULL GROUP BY icao24
),
known AS (
    SELECT coalesce(a.icao24, e.icao24) AS icao24, a.typecode, a.description,
           a.military, a.tags,
           a.categories, e.category AS emitter_category
    FROM aircraft a FULL OUTER JOIN emitter e ON a.icao24 = e.icao24
)
SELECT k.icao24,
    CASE
        WHEN o.class IS NOT NULL THEN o.class
        WHEN {_military} THEN 'military'
        WHEN {_government} THEN 'government'
        WHEN {_corporate} THEN 'business_jet'
        WHEN t.class IS NOT NULL THEN t.class
        WHEN ({_by_desc}) IS NOT NULL THEN {_by_desc}
        WHEN (CASE k.emitter_category {_emitter_case} END) IS NOT NULL
             THEN CASE k.emitter_category {_emitter_case} END
        ELSE 'unknown'
    END AS class,
    CASE
        WHEN o.class IS NOT NULL THEN 'override: ' || coalesce(o.reason, 'set by hand')
        WHEN {_military} THEN 'registry flags or files it as military'
        WHEN {_government} THEN 'registry files it as government or state aircraft'
        WHEN {_corporate} THEN 'corporate airliner: ' || k.description
        WHEN t.class IS NOT NULL THEN 'type ' || k.typecode || ' in ' || t.class || ' list'
        WHEN ({_by_desc}) IS NOT NULL THEN 'type ' || k.typecode || ' described '
             || d.description_code || coalesce(' (wake ' || d.wtc || ')', '')
        WHEN (CASE k.emitter_category {_emitter_case} END) IS NOT NULL
             THEN 'emitter category ' || k.emitter_category
        ELSE 'no type, flag or emitter category to go by'
    END AS class_reason,
    k.emitter_category
FROM known k
LEFT JOIN aircraft_types t ON t.typecode = k.typecode
LEFT JOIN aircraft_type_descs d ON d.typecode = k.typecode
LEFT JOIN class_overrides o ON o.icao24 = k.icao24"""


def snapshot(con: duckdb.DuckDBPyConnection) -> pa.Table:
    """The ``aircraft_classes`` view as it is now (icao24, class, class_reason,
    emitter_category)."""
    return con.sql("SELECT * FROM aircraft_classes").to_arrow_table()
