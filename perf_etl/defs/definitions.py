"""The perf_etl code location."""

from pathlib import Path

import dagster as dg

from perf_etl.defs.assets.core import core_tables
from perf_etl.defs.assets.marts import marts_tables, published_marts
from perf_etl.defs.assets.raw import raw_documents
from perf_etl.defs.assets.staging import staging_documents
from perf_etl.defs.assets.tables import raw_table_cells
from perf_etl.defs.jobs import fiscal_year_job, read_landing_job
from perf_etl.defs.resources import build_resources
from perf_etl.defs.schedules import build_yearly_schedule
from perf_etl.defs.sensors import build_landing_sensor
from perf_etl.settings import Settings

ASSETS = [raw_documents, raw_table_cells, staging_documents, core_tables, marts_tables, published_marts]


def build_definitions(landing: str | Path | None = None, warehouse: str | Path | None = None,
                      settings: Settings | None = None) -> dg.Definitions:
    """Definitions with `settings` (default: from the environment, PERF_ETL_*), over `landing` and `warehouse`
    when given."""
    settings = settings or Settings.from_environment(landing=landing, warehouse=warehouse)
    return dg.Definitions(
        assets=ASSETS,
        jobs=[fiscal_year_job, read_landing_job],
        schedules=[build_yearly_schedule(settings)],
        sensors=[build_landing_sensor(settings)],
        # Every writing step holds the one DuckDB writer slot anyway (pool "duckdb"), so a process per step
        # would only add interpreter start-up; parallelism lives inside the stages' worker pools.
        executor=dg.in_process_executor,
        resources=build_resources(settings),
    )


defs = build_definitions()
