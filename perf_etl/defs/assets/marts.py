"""marts.*: the tables BI tools read, and their publication outside the working warehouse.

Two steps. `marts_tables` rebuilds the four marts of the partition's years inside the warehouse (one
transaction). `published_marts` then copies those years to Parquet and to the SQL database readers use.
Publishing is its own asset so that a target that is down (PostgreSQL restarting) fails only the copy,
which can be retried from the UI without rebuilding the marts, and so that the UI shows when the readers'
copy was last refreshed, per year.
"""

# No `from __future__ import annotations`: Dagster checks the `context` annotation as a class.

import warnings
from pathlib import Path

import dagster as dg
import pandas as pd

from perf_etl.defs.assets.common import WAREHOUSE_ASSET, frame_preview
from perf_etl.defs.assets.raw import RAW_REJECTED_FILES
from perf_etl.defs.checks import core_asset_key
from perf_etl.defs.partitions import partition_years
from perf_etl.defs.resources import MartsPublisher, Warehouse
from perf_etl.marts.build import MART_TABLES, build_marts, mart_columns, mart_description
from perf_etl.marts.charts import mart_chart_markdown
from perf_etl.publish import publish_marts

MART_KEYS = {table: dg.AssetKey(["marts", table]) for table in MART_TABLES}
PUBLISHED_MARTS = dg.AssetKey("published_marts")
CORE_REPORTS, CORE_INDICATORS, CORE_FIELD_EVIDENCE = (
    core_asset_key(table) for table in ("reports", "indicators", "field_evidence"))

with warnings.catch_warnings():
    # allow_nonexistent_upstream_partitions is marked beta; without it the first partition (whose year
    # before has no partition) could not be mapped at all.
    warnings.simplefilter("ignore", dg.BetaWarning)
    # Year-over-year columns of year Y read core.reports of Y-1 and Y: the UI then marks Y as stale when
    # Y-1 is re-materialized. A year before with no reports gives NULLs, not an error.
    YEAR_BEFORE_AND_YEAR = dg.TimeWindowPartitionMapping(start_offset=-1, end_offset=0,
                                                         allow_nonexistent_upstream_partitions=True)

MART_DEPS: dict[str, list[dg.AssetKey | dg.AssetDep]] = {
    "department_year": [dg.AssetDep(CORE_REPORTS, partition_mapping=YEAR_BEFORE_AND_YEAR), CORE_INDICATORS],
    "fiscal_year_summary": [CORE_REPORTS, RAW_REJECTED_FILES],
    "indicator_completion": [CORE_REPORTS, CORE_INDICATORS],
    "data_quality": [CORE_REPORTS, CORE_FIELD_EVIDENCE],
}


def _mart_metadata(table: str, frame: pd.DataFrame, columns: dg.TableSchema) -> dict[str, object]:
    return {
        "dagster/row_count": len(frame),
        "dagster/column_schema": columns,
        "preview": frame_preview(frame),
        "chart": dg.MetadataValue.md(mart_chart_markdown(table, frame)),
    }


@dg.multi_asset(
    specs=[dg.AssetSpec(key, deps=MART_DEPS[table], description=mart_description(table), kinds={"duckdb"})
           for table, key in MART_KEYS.items()],
    group_name="marts",
    **WAREHOUSE_ASSET,
)
def marts_tables(context: dg.AssetExecutionContext, warehouse: Warehouse):
    """Runs perf_etl/marts/<table>.sql for the partition's fiscal years and replaces those years' rows."""
    years = partition_years(context)
    with warehouse.connect() as conn:
        frames = build_marts(conn, years)
        schemas = {table: dg.TableSchema(columns=[dg.TableColumn(c.name, c.type, c.description)
                                                  for c in mart_columns(conn, table)]) for table in MART_TABLES}
    for table, frame in frames.items():
        yield dg.MaterializeResult(asset_key=MART_KEYS[table], metadata=_mart_metadata(table, frame, schemas[table]))


# A multi_asset of one, like every warehouse step: @dg.asset warns that backfill_policy is beta.
@dg.multi_asset(
    specs=[dg.AssetSpec(
        PUBLISHED_MARTS, deps=list(MART_KEYS.values()), kinds={"parquet", "sql"},
        description="The marts copied for BI tools: Parquet files (one folder per table and fiscal year) and "
                    "the tables of the database at PERF_ETL_PUBLISH_URL (default: data/marts.duckdb).")],
    group_name="marts",
    **WAREHOUSE_ASSET,
)
def published_marts(context: dg.AssetExecutionContext, warehouse: Warehouse, marts_publisher: MartsPublisher):
    """Replaces the partition's fiscal years in the Parquet folder and in the database."""
    years = partition_years(context)
    with warehouse.connect() as conn:
        rows = publish_marts(conn, years, Path(marts_publisher.parquet_dir), marts_publisher.url)
    return dg.MaterializeResult(asset_key=PUBLISHED_MARTS, metadata={
        "rows_published": dg.MetadataValue.json(rows),
        "parquet_dir": dg.MetadataValue.path(marts_publisher.parquet_dir),
        "database": dg.MetadataValue.text(marts_publisher.describe_url()),
    })
