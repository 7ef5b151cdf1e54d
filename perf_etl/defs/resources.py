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

# PERF_ETL_MAX_FILE_BYTES, … where set, else the built-in limits (docs/operations.md).
DEFAULT_LIMITS = IngestLimits.from_environment()


class LandingFolder(dg.ConfigurableResource):
    """The folder users drop reports into (subfolders included), the limits per file, and how many files
    are read at once (each in its own process; None: min(2, CPUs); 0: in the step's process, no time budget)."""

    path: str
    max_file_bytes: int = DEFAULT_LIMITS.max_file_bytes
    max_pages: int = DEFAULT_LIMITS.max_pages
    max_seconds_per_file: float = DEFAULT_LIMITS.max_seconds_per_file
    workers: int | None = DEFAULT_LIMITS.workers
    max_worker_memory_bytes: int = DEFAULT_LIMITS.max_worker_memory_bytes

    @property
    def root(self) -> Path:
        return Path(self.path)

    @property
    def limits(self) -> IngestLimits:
        return IngestLimits(max_file_bytes=self.max_file_bytes, max_pages=self.max_pages,
                            max_seconds_per_file=self.max_seconds_per_file, workers=self.workers,
                            max_worker_memory_bytes=self.max_worker_memory_bytes, archives=DEFAULT_LIMITS.archives)


class Warehouse(DuckDBResource):
    """The DuckDB warehouse file, with its schema created on first use.

    DuckDB allows one writing process: every asset that writes runs in the `duckdb` pool, whose limit is 1
    (instance.yaml), so two fiscal-year runs queue instead of fighting over the file lock. Runs outside that
    pool (two `perf-etl run` at once use separate throwaway instances) wait for the lock instead, up to
    `lock_timeout_seconds`.
    """

    lock_timeout_seconds: float = store.DEFAULT_LOCK_TIMEOUT_SECONDS

    @contextlib.contextmanager
    def connect(self) -> Iterator[duckdb.DuckDBPyConnection]:
        with store.connect(self.database, lock_timeout_seconds=self.lock_timeout_seconds) as conn:
            yield conn


class MartsPublisher(dg.ConfigurableResource):
    """Where the marts are published for BI tools: a Parquet folder and a SQLAlchemy URL."""

    parquet_dir: str
    url: str
    # The review page's copy (perf_etl/publish/review_copy.py); "" publishes none.
    review_copy: str = ""

    def describe_url(self) -> str:
        return sa.make_url(self.url).render_as_string(hide_password=True)
