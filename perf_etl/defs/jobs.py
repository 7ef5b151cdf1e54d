"""The job that materializes every asset for one or more fiscal years (partitioning comes from the assets),
and the one that reads new landing files into the read cache (for the landing sensor)."""

import dagster as dg

from perf_etl.defs.ops import read_landing_folder

fiscal_year_job = dg.define_asset_job(
    "fiscal_year_job",
    selection=dg.AssetSelection.all(),
    description="Landing folder → raw → staging → core (→ marts) for the selected fiscal years.",
)


@dg.job(description="Reads the landing files no run has read yet into the read cache, so that the landing "
                    "sensor learns their fiscal years (it reads no file itself).")
def read_landing_job():
    read_landing_folder()
