"""Resources: the landing folder and the DuckDB warehouse, configured from the environment."""

import contextlib
from collections.abc import Iterator
from pathlib import Path

import dagster as dg
import duckdb
import sqlalchemy as sa
from dagster_duckdb import DuckDBResource

from perf_etl.ingest.ingest import IngestLimits
from perf_etl.warehouse import store

DEFAULT_LIMITS = IngestLimits()


class LandingFolder(dg.ConfigurableResource):
    """The folder users drop reports into (subfolders included), and the limits per file."""

    path: str
    max_file_bytes: int = DEFAULT_LIMITS.max_file_bytes
    max_pages: int = DEFAULT_LIMITS.max_pages

    @property
    def root(self) -> Path:
        return Path(self.path)

    @property
    def limits(self) -> IngestLimits:
        return IngestLimits(max_file_bytes=self.max_file_bytes, max_pages=self.max_pages)


class Warehouse(DuckDBResource):
    """The DuckDB warehouse file, with its schema created on first use.

    DuckDB allows one writing process: every asset that writes runs in the `duckdb` pool, whose limit is 1
    (dagster.yaml), so two fiscal-year runs queue instead of fighting over the file lock.
    """

    @contextlib.contextmanager
    def connect(self) -> Iterator[duckdb.DuckDBPyConnection]:
        Path(self.database).parent.mkdir(parents=True, exist_ok=True)
        with self.get_connection() as conn:
            store.ensure_schema(conn)
            yield conn


class MartsPublisher(dg.ConfigurableResource):
    """Where the marts are published for BI tools: a Parquet folder and a SQLAlchemy URL."""

    parquet_dir: str
    url: str

    def describe_url(self) -> str:
        return sa.make_url(self.url).render_as_string(hide_password=True)
