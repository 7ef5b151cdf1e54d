"""The job that materializes every asset for one or more fiscal years (partitioning comes from the assets)."""

import dagster as dg

fiscal_year_job = dg.define_asset_job(
    "fiscal_year_job",
    selection=dg.AssetSelection.all(),
    description="Landing folder → raw → staging → core (→ marts) for the selected fiscal years.",
)
