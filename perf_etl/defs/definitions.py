"""The perf_etl code location."""

from pathlib import Path

import dagster as dg

from perf_etl import settings
from perf_etl.defs.assets.core import core_tables
from perf_etl.defs.assets.marts import marts_tables, published_marts
from perf_etl.defs.assets.raw import raw_documents
from perf_etl.defs.assets.staging import staging_documents
from perf_etl.defs.assets.tables import raw_table_cells
from perf_etl.defs.io_managers import WarehouseTableIOManager
from perf_etl.defs.jobs import fiscal_year_job, read_landing_job
from perf_etl.defs.resources import LandingFolder, MartsPublisher, Warehouse
from perf_etl.defs.schedules import yearly_reports_schedule
from perf_etl.defs.sensors import landing_folder_sensor
from perf_etl.publish.locations import parquet_dir, publish_url, review_copy_path


def build_definitions(landing: str | None = None, warehouse: str | None = None) -> dg.Definitions:
    """Definitions over a landing folder and a warehouse file (defaults: PERF_ETL_LANDING / _WAREHOUSE)."""
    landing_path = landing or str(settings.landing_dir())
    warehouse_path = warehouse or str(settings.warehouse_path())
    return dg.Definitions(
        assets=[raw_documents, raw_table_cells, staging_documents, core_tables, marts_tables, published_marts],
        jobs=[fiscal_year_job, read_landing_job],
        schedules=[yearly_reports_schedule],
        sensors=[landing_folder_sensor],
        # Every writing step holds the one DuckDB writer slot anyway (pool "duckdb"), so a process per step
        # would only add interpreter start-up; parallelism lives inside the ingest step's worker pool.
        executor=dg.in_process_executor,
        resources=build_resources(landing_path, warehouse_path),
    )


def build_resources(landing_path: str, warehouse_path: str) -> dict[str, object]:
    """The resources every variant of the code location shares (also perf_etl/defs/distributed.py)."""
    return {
        "landing": LandingFolder(path=landing_path),
        "warehouse": Warehouse(database=warehouse_path),
        "warehouse_io_manager": WarehouseTableIOManager(database=warehouse_path),
        # Beside the warehouse unless PERF_ETL_PUBLISH_URL names another database (perf_etl/publish).
        "marts_publisher": MartsPublisher(parquet_dir=str(parquet_dir(Path(warehouse_path))),
                                          url=publish_url(Path(warehouse_path)),
                                          review_copy=str(review_copy_path(Path(warehouse_path)))),
    }


defs = build_definitions()
