"""The pipeline on Apache Spark (``pip install jetwatch[spark]``, Java 17).

Raw files are decoded by jetwatch's own readers and decoder, one file per task
(:mod:`.ingest`); flights are built from positions or OpenSky state vectors
(:mod:`.flights`); exodus departures and coverage are read from the result
(:mod:`.exodus`). The SQL is jetwatch's own DuckDB SQL, transpiled (:mod:`.dialect`);
what is not SQL runs as the same Python code inside ``mapInArrow``.
"""
