"""Ops outside the assets: reading the landing folder into the read cache, for the sensor to learn years."""

from datetime import datetime, timezone

import dagster as dg

from perf_etl.defs.assets.common import DUCKDB_POOL
from perf_etl.defs.resources import LandingFolder, Warehouse
from perf_etl.parallel import ProgressLog
from perf_etl.pipeline import landing_years, read_landing


@dg.op(pool=DUCKDB_POOL, tags={"dagster-celery/queue": "warehouse"})
def read_landing_folder(context: dg.OpExecutionContext, landing: LandingFolder, warehouse: Warehouse) -> None:
    """Reads every landing file the read cache has no outcome for (within the per-file limits) into the
    cache. The landing sensor then finds their fiscal years there and launches those years' runs."""
    result = read_landing(landing.root, warehouse.connect, now=datetime.now(timezone.utc), limits=landing.limits,
                          progress=ProgressLog(context.log.info, "read"))
    context.log.info(f"{len(result.accepted)} reports (fiscal years {landing_years(result)}), "
                     f"{len(result.rejected)} rejected files in the landing folder")
