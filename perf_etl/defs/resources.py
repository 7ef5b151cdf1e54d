"""Resources: the run's settings (perf_etl/settings.py), and the DuckDB warehouse they name."""

import contextlib
from collections.abc import Iterator

import dagster as dg
import duckdb
from dagster_duckdb import DuckDBResource

from perf_etl.settings import Settings
from perf_etl.warehouse import store

# The settings every stage is run with, built once when the code location loads (definitions.py): a plain
# object, not config, so that no step reads the environment again.
SettingsResource = dg.ResourceParam[Settings]


class Warehouse(DuckDBResource):
    """The DuckDB warehouse file, with its schema created on first use (for sensors, checks, and assets of
    your own that read it).

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


def build_resources(settings: Settings) -> dict[str, object]:
    """The resources every variant of the code location shares (also perf_etl/defs/distributed.py)."""
    return {"settings": settings, "warehouse": Warehouse(database=str(settings.warehouse))}
