"""The pipeline on Apache Spark (``pip install jetwatch[spark]``, Java 17).

The SQL is jetwatch's own DuckDB SQL, transpiled (:mod:`.dialect`); what is not
SQL runs as the same Python code inside ``mapInArrow`` (:mod:`.flights`).
"""
