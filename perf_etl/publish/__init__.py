"""Copies of the marts for BI tools, which must not open the working warehouse (DuckDB locks the file
while the pipeline writes): Parquet files and a database reached through SQLAlchemy. See docs/bi.md. The
review page reads a copy of its own (review_copy.py)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import duckdb

from perf_etl.marts.build import MART_TABLES
from perf_etl.publish.database import publish_to_database
from perf_etl.publish.parquet import write_parquet
from perf_etl.publish.review_copy import publish_review_copy


def publish_marts(conn: duckdb.DuckDBPyConnection, years: Sequence[int], parquet_root: Path,
                  url: str, review_copy: Path | None = None) -> dict[str, int]:
    """Publish the years' rows of every mart to Parquet and to the database at `url`, replacing those
    years only, and the review page's copy at `review_copy` when given. Returns the rows published per
    table."""
    if review_copy is not None:
        publish_review_copy(conn, years, review_copy)
    for table in MART_TABLES:
        write_parquet(conn, table, years, parquet_root)
    publish_to_database(conn, MART_TABLES, years, url)
    counts = " UNION ALL ".join(
        f"SELECT '{table}', count(*) FROM marts.{table} WHERE list_contains($years, fiscal_year)"
        for table in MART_TABLES)
    return dict(conn.execute(counts, {"years": [int(year) for year in years]}).fetchall())
