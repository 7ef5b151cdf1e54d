"""The marts BI tools read: SQL over core and raw, rebuilt per fiscal year (see build.py)."""

from importlib import resources

# A mart is its .sql file (macros.sql holds what they share). No mart reads another, so any order builds them.
MART_TABLES: tuple[str, ...] = tuple(sorted(
    entry.name.removesuffix(".sql") for entry in resources.files("perf_etl.marts").iterdir()
    if entry.name.endswith(".sql") and entry.name != "macros.sql"
))
