"""What every warehouse-writing asset shares: partitions, pool and backfill policy."""

import dagster as dg
import pandas as pd

from perf_etl.defs.partitions import fiscal_year_partitions

DUCKDB_POOL = "duckdb"

# Keyword arguments for every asset that writes to the warehouse: fiscal-year partitions, one DuckDB
# writer at a time, and a multi-year backfill from the UI as one run.
WAREHOUSE_ASSET = {
    "partitions_def": fiscal_year_partitions,
    "pool": DUCKDB_POOL,
    "backfill_policy": dg.BackfillPolicy.single_run(),
    # With the Celery executor (perf_etl/defs/distributed.py) writing steps go to the worker on the machine
    # that holds the warehouse file; other executors ignore the tag.
    "op_tags": {"dagster-celery/queue": "warehouse"},
}


def frame_preview(frame: pd.DataFrame, rows: int = 20) -> dg.MetadataValue:
    """A markdown table of the first rows, for the asset's page in the UI."""
    if frame.empty:
        return dg.MetadataValue.md("_no rows_")
    return dg.MetadataValue.md(frame.head(rows).to_markdown(index=False))
