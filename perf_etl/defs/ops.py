"""Ops outside the assets: reading the landing folder into the read cache, for the sensor to learn years."""

import dagster as dg

from perf_etl.defs.assets.common import DUCKDB_POOL, stage_log
from perf_etl.defs.resources import SettingsResource
from perf_etl.stages import raw


@dg.op(pool=DUCKDB_POOL, tags={"dagster-celery/queue": "warehouse"})
def read_landing_folder(context: dg.OpExecutionContext, settings: SettingsResource) -> None:
    """Reads every landing file the read cache has no outcome for (within the per-file limits) into the
    cache. The landing sensor then finds their fiscal years there and launches those years' runs."""
    result = raw.read_landing(settings, stage_log(context).progress("read"))
    context.log.info(f"{len(result.accepted)} reports (fiscal years {raw.landing_years(result)}), "
                     f"{len(result.rejected)} rejected files in the landing folder")
