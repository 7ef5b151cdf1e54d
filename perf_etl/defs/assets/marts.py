"""marts.*: the tables BI tools read, and their publication outside the working warehouse.

Two steps. `marts_tables` rebuilds the four marts of the partition's years inside the warehouse (one
transaction). `published_marts` then copies those years to Parquet and to the SQL database readers use.
Publishing is its own asset so that a target that is down (PostgreSQL restarting) fails only the copy,
which can be retried from the UI without rebuilding the marts, and so that the UI shows when the readers'
copy was last refreshed, per year.
"""

# No `from __future__ import annotations`: Dagster checks the `context` annotation as a class.

import warnings
from datetime import datetime, timezone
from pathlib import Path

import dagster as dg
import duckdb
import pandas as pd
import sqlalchemy as sa

from perf_etl.defs.assets.common import (
    WAREHOUSE_ASSET,
    frame_preview,
    plan_metadata,
    plan_years,
    record_statements,
    row_count,
)
from perf_etl.defs.partitions import partition_years
from perf_etl.defs.resources import MartsPublisher, Warehouse
from perf_etl.defs.review import REVIEW_CHECK_SPEC, queue_counts, review_check_result, review_metadata
from perf_etl.marts.build import (
    MART_TABLES,
    MartRead,
    ensure_mart_tables,
    mart_columns,
    mart_description,
    mart_reads,
    query_mart,
)
from perf_etl.marts.charts import mart_chart_markdown, mart_text_chart
from perf_etl.publish import publish_marts
from perf_etl.publish.parquet import year_dir
from perf_etl.warehouse import fingerprints, store

MART_KEYS = {table: dg.AssetKey(["marts", table]) for table in MART_TABLES}
PUBLISHED_MARTS = dg.AssetKey("published_marts")

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


def _mart_views(table: str, stored: pd.DataFrame) -> dict[str, object]:
    """What a person looks at on the asset's page: the rows the run's years hold now (computed by this run or
    kept from an earlier one), as a preview, a text chart (both shown inline) and the chart image."""
    return {"chart": frame_preview(mart_text_chart(table, stored)),
            "chart_image": dg.MetadataValue.md(mart_chart_markdown(table, stored)), "preview": frame_preview(stored)}


@dg.multi_asset(
    specs=[dg.AssetSpec(key, deps=MART_DEPS[table], description=mart_description(table), kinds={"duckdb"})
           for table, key in MART_KEYS.items()],
    check_specs=[REVIEW_CHECK_SPEC],
    group_name="marts",
    **WAREHOUSE_ASSET,
)
def marts_tables(context: dg.AssetExecutionContext, warehouse: Warehouse):
    """Runs perf_etl/marts/<table>.sql for the partition's fiscal years and replaces those years' rows; a
    year whose inputs (core of the year and the year before, its rejected files, the SQL) did not change
    since its marts were built is skipped. The year after each is planned too: its year-over-year columns
    read this year's reports."""
    frames = {table: pd.DataFrame() for table in MART_TABLES}
    with warehouse.connect() as conn:
        plan = plan_years(context, conn, "marts", list(MART_KEYS.values()), with_following_years=True)
        ensure_mart_tables(conn)  # also installs the macros the queries use
        if plan.changed:
            frames = {table: query_mart(conn, table, plan.changed) for table in MART_TABLES}
            store.write_partition_with(
                conn, plan.changed, [store.TableWrite(f"marts.{table}", frame) for table, frame in frames.items()],
                record_statements(plan, list(MART_KEYS.values())))
        schemas = {table: dg.TableSchema(columns=[dg.TableColumn(c.name, c.type, c.description)
                                                  for c in mart_columns(conn, table)]) for table in MART_TABLES}
        stored = {table: store.read_partition(conn, f"marts.{table}", partition_years(context))
                  for table in MART_TABLES}
        waiting = queue_counts(conn, partition_years(context))
    for table, frame in frames.items():
        metadata = {**row_count(plan, len(frame)), "dagster/column_schema": schemas[table],
                    **_mart_views(table, stored[table]), **plan_metadata(plan)}
        if table == "review_queue":
            metadata.update(review_metadata(waiting, warehouse.database))
        yield dg.MaterializeResult(asset_key=MART_KEYS[table], metadata=metadata)
    yield review_check_result(waiting, warehouse.database)


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
    """Replaces the partition's fiscal years in the Parquet folder and in the database; a year whose marts
    did not change since they were published, and whose copies are still there (Parquet folders, the
    database's row counts), is skipped."""
    parquet_root = Path(marts_publisher.parquet_dir)
    rows: dict[str, int] = {}
    with warehouse.connect() as conn:
        plan = plan_years(context, conn, "published_marts", [PUBLISHED_MARTS], with_following_years=True)
        # The fingerprint covers the marts, not the copies: check that they are still there (a target
        # that moved, was emptied or lost files gets the years again).
        missing = _missing_copies(conn, parquet_root, marts_publisher.url, plan.skipped) if plan.skipped else set()
        review_copy = _review_copy(marts_publisher)
        if plan.skipped and review_copy is not None and not review_copy.exists():
            missing |= set(plan.skipped)
        if missing:
            context.log.info(f"fiscal years {sorted(missing)}: the published copy is missing or incomplete; "
                             "publishing them again")
            plan = plan.recompute(missing)
        if plan.changed:
            rows = publish_marts(conn, plan.changed, parquet_root, marts_publisher.url, _review_copy(marts_publisher))
            # After the copy succeeded; the copy is in other files and databases, so not in one transaction.
            fingerprints.record(conn, [PUBLISHED_MARTS.to_user_string()], plan.to_record,
                                datetime.now(timezone.utc))
    return dg.MaterializeResult(asset_key=PUBLISHED_MARTS, metadata={
        "rows_published": dg.MetadataValue.json(rows),
        "parquet_dir": dg.MetadataValue.path(marts_publisher.parquet_dir),
        "database": dg.MetadataValue.text(marts_publisher.describe_url()),
        "review_copy": dg.MetadataValue.text(marts_publisher.review_copy or "none (not published)"),
        **plan_metadata(plan),
    })


def _review_copy(publisher: MartsPublisher) -> Path | None:
    return Path(publisher.review_copy) if publisher.review_copy else None


def _missing_copies(conn: duckdb.DuckDBPyConnection, parquet_root: Path, url: str, years: list[int]) -> set[int]:
    """The years whose Parquet folders are not all there, or whose row counts in the database at `url`
    differ from the marts' (all of them when the database cannot be read)."""
    expected: dict[tuple[str, int], int] = {}
    missing = set()
    for table in MART_TABLES:
        counts = conn.execute(f"SELECT fiscal_year, count(*) FROM marts.{table} WHERE list_contains(?, fiscal_year) "
                              "GROUP BY fiscal_year", [years]).fetchall()
        for year, count in counts:
            expected[(table, year)] = count
            if not year_dir(parquet_root, table, year).is_dir():
                missing.add(year)
    try:
        published = _published_counts(url, years)
    except Exception:  # no such database or table yet, or unreachable: publishing will tell
        return set(years)
    return missing | {year for table in MART_TABLES for year in years
                      if published.get((table, year), 0) != expected.get((table, year), 0)}


def _published_counts(url: str, years: list[int]) -> dict[tuple[str, int], int]:
    target = sa.make_url(url)
    read_only = {"read_only": True} if target.get_backend_name() == "duckdb" else {}
    engine = sa.create_engine(target, connect_args=read_only)
    try:
        with engine.connect() as connection:
            return {(table, int(year)): int(count) for table in MART_TABLES for year, count in connection.execute(
                sa.text(f'SELECT fiscal_year, count(*) FROM "{table}" WHERE fiscal_year IN :years GROUP BY fiscal_year')
                .bindparams(sa.bindparam("years", expanding=True)), {"years": [int(y) for y in years]})}
    finally:
        engine.dispose()
