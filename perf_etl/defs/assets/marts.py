"""marts.*: the tables BI tools read, and their publication outside the working warehouse.

Two steps. `marts_tables` rebuilds the marts of the partition's years inside the warehouse
(perf_etl/stages/marts.py). `published_marts` then copies those years to Parquet and to the SQL database
readers use (perf_etl/stages/publish.py). Publishing is its own asset so that a target that is down
(PostgreSQL restarting) fails only the copy, which can be retried from the UI without rebuilding the marts,
and so that the UI shows when the readers' copy was last refreshed, per year.
"""

# No `from __future__ import annotations`: Dagster checks the `context` annotation as a class.

import warnings

import dagster as dg

from perf_etl.defs.assets.common import (
    WAREHOUSE_ASSET,
    frame_preview,
    plan_metadata,
    row_count,
    run_settings,
    stage_log,
)
from perf_etl.defs.partitions import partition_years
from perf_etl.defs.resources import SettingsResource
from perf_etl.defs.review import REVIEW_CHECK_SPEC, queue_counts, review_check_result, review_metadata
from perf_etl.marts.build import MART_TABLES, MartRead, mart_description, mart_reads
from perf_etl.marts.text_charts import mart_text_chart
from perf_etl.stages import marts, publish
from perf_etl.warehouse import store

MART_KEYS = {table: dg.AssetKey(["marts", table]) for table in MART_TABLES}
PUBLISHED_MARTS = dg.AssetKey(publish.ASSET)

with warnings.catch_warnings():
    # allow_nonexistent_upstream_partitions is marked beta; without it the first partition (whose year
    # before has no partition) could not be mapped at all.
    warnings.simplefilter("ignore", dg.BetaWarning)
    # Year-over-year columns of year Y read core.reports of Y-1 and Y: the UI then marks Y as stale when
    # Y-1 is re-materialized. A year before with no reports gives NULLs, not an error.
    YEAR_BEFORE_AND_YEAR = dg.TimeWindowPartitionMapping(start_offset=-1, end_offset=0,
                                                         allow_nonexistent_upstream_partitions=True)

# Each mart's dependencies are the "-- Reads:" line of its SQL header. Only department_year has year-over-year
# columns, but every mart reads core.reports "(and the year before)": the step builds the marts of a year
# together, and rebuilds the year after with them (its fingerprint covers core of Y-1 for all). A
# non-subsettable multi-asset needs the same mapping on every mart: a backfill from the asset graph targets
# each mart's years through its mapping, and Dagster refuses one whose marts differ (so review_queue maps
# staging.documents the same way, though it reads year Y only; test_services).
def _dependency(read: MartRead) -> dg.AssetKey | dg.AssetDep:
    key = dg.AssetKey(read.table.split("."))
    return dg.AssetDep(key, partition_mapping=YEAR_BEFORE_AND_YEAR) if read.year_before else key


MART_DEPS: dict[str, list[dg.AssetKey | dg.AssetDep]] = {
    table: [_dependency(read) for read in mart_reads(table)] for table in MART_TABLES
}


def _mart_views(table: str, result: marts.MartsResult) -> dict[str, object]:
    """What a person looks at on the asset's page: the rows the run's years hold now (computed by this run or
    kept from an earlier one), as a preview, a text chart (both shown inline) and the chart image."""
    stored = result.stored[table]
    return {"chart": frame_preview(mart_text_chart(table, stored)),
            "chart_image": dg.MetadataValue.md(result.charts[table]), "preview": frame_preview(stored)}


@dg.multi_asset(
    specs=[dg.AssetSpec(key, deps=MART_DEPS[table], description=mart_description(table), kinds={"duckdb"})
           for table, key in MART_KEYS.items()],
    check_specs=[REVIEW_CHECK_SPEC],
    group_name="marts",
    **WAREHOUSE_ASSET,
)
def marts_tables(context: dg.AssetExecutionContext, settings: SettingsResource):
    """Runs perf_etl/marts/<table>.sql for the partition's fiscal years (and the year after each) and replaces
    those years' rows; a year whose inputs (core of the year and the year before, its rejected files, the SQL)
    did not change since its marts were built is skipped."""
    years = partition_years(context)
    result = marts.run(run_settings(context, settings), years, stage_log(context))
    with store.connect(settings.warehouse) as conn:
        waiting = queue_counts(conn, years)
    for table, key in MART_KEYS.items():
        schema = dg.TableSchema(columns=[dg.TableColumn(c.name, c.type, c.description) for c in result.columns[table]])
        metadata = {**row_count(result.plan, result.written[table]), "dagster/column_schema": schema,
                    **_mart_views(table, result), **plan_metadata(result.plan)}
        if table == "review_queue":
            metadata.update(review_metadata(waiting, str(settings.warehouse)))
        yield dg.MaterializeResult(asset_key=key, metadata=metadata)
    yield review_check_result(waiting, str(settings.warehouse))


# A multi_asset of one, like every warehouse step: @dg.asset warns that backfill_policy is beta.
@dg.multi_asset(
    specs=[dg.AssetSpec(
        PUBLISHED_MARTS, deps=list(MART_KEYS.values()), kinds={"parquet", "sql"},
        description="The marts copied for BI tools: Parquet files (one folder per table and fiscal year) and "
                    "the tables of the database at PERF_ETL_PUBLISH_URL (default: data/marts.duckdb).")],
    group_name="marts",
    **WAREHOUSE_ASSET,
)
def published_marts(context: dg.AssetExecutionContext, settings: SettingsResource):
    """Replaces the partition's fiscal years in the Parquet folder and in the database; a year whose marts
    did not change since they were published, and whose copies are still there (Parquet folders, the
    database's row counts), is skipped."""
    result = publish.run(run_settings(context, settings), partition_years(context), stage_log(context))
    return dg.MaterializeResult(asset_key=PUBLISHED_MARTS, metadata={
        "rows_published": dg.MetadataValue.json(result.rows),
        "parquet_dir": dg.MetadataValue.path(str(result.targets.parquet_dir)),
        "database": dg.MetadataValue.text(result.targets.describe_url()),
        "review_copy": dg.MetadataValue.text(str(result.targets.review_copy)),
        **plan_metadata(result.plan),
    })
