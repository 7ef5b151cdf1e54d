"""The job that materializes every asset for one or more fiscal years."""

import dagster as dg

from perf_etl.defs.partitions import fiscal_year_partitions

fiscal_year_job = dg.define_asset_job(
    "fiscal_year_job",
    selection=dg.AssetSelection.all(),
    partitions_def=fiscal_year_partitions,
    description="Landing folder → raw → staging → core (→ marts) for the selected fiscal years.",
)
