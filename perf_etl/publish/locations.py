"""Where the marts are published: beside the warehouse by default, so that a warehouse given on the
command line (or to build_definitions) publishes next to itself and never into the repository's data/."""

from __future__ import annotations

import os
from pathlib import Path

import sqlalchemy as sa

PUBLISH_URL_ENV = "PERF_ETL_PUBLISH_URL"


def parquet_dir(warehouse: Path) -> Path:
    """data/warehouse.duckdb -> data/marts (one folder per table, one per fiscal year inside)."""
    return warehouse.parent / "marts"


def default_publish_url(warehouse: Path) -> str:
    """data/warehouse.duckdb -> duckdb:///data/marts.duckdb"""
    return sa.URL.create("duckdb", database=str(warehouse.parent / "marts.duckdb")).render_as_string()


def publish_url(warehouse: Path) -> str:
    """PERF_ETL_PUBLISH_URL (any SQLAlchemy URL, e.g. postgresql+psycopg2://…), else the DuckDB default."""
    return os.environ.get(PUBLISH_URL_ENV) or default_publish_url(warehouse)


def review_copy_path(warehouse: Path) -> Path:
    """data/warehouse.duckdb -> data/review.duckdb: what the review page reads (perf_etl/publish/review_copy.py)."""
    return warehouse.parent / "review.duckdb"
