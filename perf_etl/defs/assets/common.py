"""What every warehouse-writing asset shares: partitions, pool and backfill policy, the settings of its run,
and how a stage's result shows on the asset's page."""

import dataclasses
from collections.abc import Sequence
from decimal import Decimal

import dagster as dg
import pandas as pd

from perf_etl.defs.partitions import fiscal_year_partitions
from perf_etl.settings import Settings, is_true
from perf_etl.stages.common import StageLog, unchanged_since
from perf_etl.stages.fingerprints import YearPlan

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
    """The first rows as a table, which the UI shows inline on the asset's page (markdown only behind a
    click)."""
    head = frame.head(rows)
    schema = dg.TableSchema(columns=[dg.TableColumn(str(column), str(dtype)) for column, dtype in head.dtypes.items()])
    return dg.MetadataValue.table(
        [dg.TableRecord({str(column): _cell(value) for column, value in record.items()})
         for record in head.to_dict("records")], schema=schema)


def _cell(value: object) -> str | int | float | bool | None:
    if value is None or (not isinstance(value, (list, dict)) and pd.isna(value)):
        return None
    if isinstance(value, (bool, int, float, str)):
        return value
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    if isinstance(value, Decimal):
        return float(value)
    return str(value)


# A run tag that makes every stage recompute its years even when their inputs did not change (as does
# PERF_ETL_FULL_REFRESH=1 in the environment the code location was loaded with).
FULL_REFRESH_TAG = "perf_etl/full_refresh"


def run_settings(context: dg.AssetExecutionContext | dg.OpExecutionContext, settings: Settings) -> Settings:
    """The code location's settings, with a full refresh when the run's tags ask for one."""
    if is_true(context.run.tags.get(FULL_REFRESH_TAG)):
        return dataclasses.replace(settings, full_refresh=True)
    return settings


def stage_log(context: dg.AssetExecutionContext | dg.OpExecutionContext) -> StageLog:
    """A stage's messages and progress ('normalized 2,000/10,000 documents') in the step's log."""
    return StageLog(context.log.info)


def asset_keys(names: Sequence[str]) -> list[dg.AssetKey]:
    """The asset keys of a stage's tables ("core/reports" -> core / reports)."""
    return [dg.AssetKey.from_user_string(name) for name in names]


def plan_metadata(plan: YearPlan) -> dict[str, object]:
    """What a materialization did: which years it computed, and which it skipped (inputs unchanged)."""
    metadata: dict[str, object] = {
        "skipped": not plan.changed,
        "computed_years": dg.MetadataValue.json(plan.changed),
        "skipped_years": dg.MetadataValue.json(plan.skipped),
    }
    if plan.skipped:
        metadata["inputs"] = dg.MetadataValue.text(
            f"{unchanged_since(plan)}; skipped" + (f" (fiscal years {plan.skipped})" if plan.changed else ""))
    return metadata


def row_count(plan: YearPlan, written: int) -> dict[str, object]:
    """The rows written. They are the partition's rows (dagster/row_count) only when no year was skipped."""
    if plan.skipped:
        return {"rows_written": written}
    return {"dagster/row_count": written, "rows_written": written}
