"""The embedded DuckDB store (:mod:`.db`), its schema (:mod:`.schema`) and Parquet
export/import (:mod:`.parquet`)."""
