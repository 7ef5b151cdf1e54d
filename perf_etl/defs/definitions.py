"""The perf_etl code location."""

import dagster as dg

from perf_etl import settings
from perf_etl.defs.assets.core import core_tables
from perf_etl.defs.assets.raw import raw_documents
from perf_etl.defs.assets.staging import staging_documents
from perf_etl.defs.io_managers import WarehouseTableIOManager
from perf_etl.defs.jobs import fiscal_year_job
from perf_etl.defs.resources import LandingFolder, Warehouse
from perf_etl.defs.schedules import yearly_reports_schedule
from perf_etl.defs.sensors import landing_folder_sensor


def build_definitions(landing: str | None = None, warehouse: str | None = None) -> dg.Definitions:
    """Definitions over a landing folder and a warehouse file (defaults: PERF_ETL_LANDING / _WAREHOUSE)."""
    landing_path = landing or str(settings.landing_dir())
    warehouse_path = warehouse or str(settings.warehouse_path())
    return dg.Definitions(
        assets=[raw_documents, staging_documents, core_tables],
        jobs=[fiscal_year_job],
        schedules=[yearly_reports_schedule],
        sensors=[landing_folder_sensor],
        resources={
            "landing": LandingFolder(path=landing_path),
            "warehouse": Warehouse(database=warehouse_path),
            "warehouse_io_manager": WarehouseTableIOManager(database=warehouse_path),
        },
    )


defs = build_definitions()
