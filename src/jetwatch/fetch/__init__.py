"""Public data, one command away: archives and APIs fetched, cut to an area, cited.

Every source takes an area (``--area`` or ``--bbox``) and days, streams what it
needs, keeps only what enters the area, ingests it (archived and hashed like any
input) and records where it came from in the store's ``fetches`` table: source,
release or endpoint, assets with sizes and SHA-256, URL, licence and attribution.
``--mirror URL`` points a source at a local copy of the same paths (how the tests
run, and how a newsroom can work from its own mirror).
"""
