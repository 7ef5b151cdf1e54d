"""Where the marts are published: beside the warehouse by default, so that a warehouse given on the
command line (or to build_definitions) publishes next to itself and never into the repository's data/."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa

from perf_etl.settings import Settings


def parquet_dir(warehouse: Path) -> Path:
    """data/warehouse.duckdb -> data/marts (one folder per table, one per fiscal year inside)."""
    return warehouse.parent / "marts"


def default_publish_url(warehouse: Path) -> str:
    """data/warehouse.duckdb -> duckdb:///data/marts.duckdb"""
    return sa.URL.create("duckdb", database=str(warehouse.parent / "marts.duckdb")).render_as_string()


def publish_url(settings: Settings) -> str:
    """Settings.publish_url (PERF_ETL_PUBLISH_URL: any SQLAlchemy URL, e.g. postgresql+psycopg2://…), else the
    DuckDB default beside the warehouse."""
    return settings.publish_url or default_publish_url(settings.warehouse)


def review_copy_path(warehouse: Path) -> Path:
    """data/warehouse.duckdb -> data/review.duckdb: what the review page reads (perf_etl/publish/review_copy.py)."""
    return warehouse.parent / "review.duckdb"


@dataclass(frozen=True)
class PublishTargets:
    """Where the marts of a warehouse are published: a Parquet folder, a SQLAlchemy URL, the review page's copy."""

    parquet_dir: Path
    url: str
    review_copy: Path

    @classmethod
    def of(cls, settings: Settings) -> PublishTargets:
        return cls(parquet_dir(settings.warehouse), publish_url(settings), review_copy_path(settings.warehouse))

    def describe_url(self) -> str:
        """The URL without its password, for logs and the UI."""
        return sa.make_url(self.url).render_as_string(hide_password=True)
