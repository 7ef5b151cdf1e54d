"""What every warehouse-writing asset shares: partitions, pool and backfill policy."""

from collections.abc import Mapping, Sequence
from datetime import datetime, timezone
from decimal import Decimal

import dagster as dg
import duckdb
import pandas as pd

from perf_etl import settings
from perf_etl.defs.partitions import fiscal_year_partitions, partition_years
from perf_etl.parallel import ProgressLog
from perf_etl.warehouse import fingerprints, store

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
# PERF_ETL_FULL_REFRESH=1 in the environment of the run's process).
FULL_REFRESH_TAG = "perf_etl/full_refresh"


def wants_full_refresh(context: dg.AssetExecutionContext) -> bool:
    return settings.full_refresh() or settings.is_true(context.run.tags.get(FULL_REFRESH_TAG))


def plan_years(
    context: dg.AssetExecutionContext, conn: duckdb.DuckDBPyConnection, stage: str, assets: Sequence[dg.AssetKey],
    *, extra: str = "", with_following_years: bool = False, extra_by_year: Mapping[int, str] | None = None,
) -> fingerprints.YearPlan:
    """Which of the run's fiscal years the stage must compute (their inputs changed since the rows were
    written, or a full refresh was asked for), said in the step's log. `with_following_years`: the year
    after each of the run's years is planned too (its year-over-year columns read this year), so that a
    change to Y brings Y+1 up to date in the same step, whatever order the years are run in."""
    years = partition_years(context)
    if with_following_years:
        years = sorted({*years, *following_years(conn, years)})
    full = wants_full_refresh(context)
    plan = fingerprints.plan(conn, stage, [key.to_user_string() for key in assets], years, extra=extra,
                             full_refresh=full, extra_by_year=extra_by_year)
    if full:
        context.log.info(f"full refresh: computing fiscal years {plan.changed}")
    elif not plan.changed:
        context.log.info(f"{_unchanged(plan)}; skipped")
    elif plan.skipped:
        context.log.info(f"fiscal years {plan.skipped}: {_unchanged(plan)}; skipped. "
                         f"Computing fiscal years {plan.changed}")
    return plan


def following_years(conn: duckdb.DuckDBPyConnection, years: Sequence[int]) -> list[int]:
    """The years after `years` (not among them) that have reports."""
    after = sorted({year + 1 for year in years} - set(years))
    rows = conn.execute("SELECT DISTINCT fiscal_year FROM core.reports WHERE list_contains(?, fiscal_year)",
                        [after]).fetchall()
    return sorted(year for (year,) in rows)


def _unchanged(plan: fingerprints.YearPlan) -> str:
    return f"inputs unchanged since {max(plan.unchanged.values()):%Y-%m-%d %H:%M:%S} UTC"


def plan_metadata(plan: fingerprints.YearPlan) -> dict[str, object]:
    """What a materialization did: which years it computed, and which it skipped (inputs unchanged)."""
    metadata: dict[str, object] = {
        "skipped": not plan.changed,
        "computed_years": dg.MetadataValue.json(plan.changed),
        "skipped_years": dg.MetadataValue.json(plan.skipped),
    }
    if plan.skipped:
        metadata["inputs"] = dg.MetadataValue.text(
            f"{_unchanged(plan)}; skipped" + (f" (fiscal years {plan.skipped})" if plan.changed else ""))
    return metadata


def progress_log(context: dg.AssetExecutionContext, verb: str) -> ProgressLog:
    """'normalized 2,000/10,000 documents' in the step's log, every few seconds."""
    return ProgressLog(context.log.info, verb)


def row_count(plan: fingerprints.YearPlan, written: int) -> dict[str, object]:
    """The rows written. They are the partition's rows (dagster/row_count) only when no year was skipped."""
    if plan.skipped:
        return {"rows_written": written}
    return {"dagster/row_count": written, "rows_written": written}


def record_statements(plan: fingerprints.YearPlan, assets: Sequence[dg.AssetKey]) -> list[store.Statement]:
    """Recording the computed years' fingerprints, for the transaction that writes their rows."""
    return fingerprints.record_statements([key.to_user_string() for key in assets], plan.to_record,
                                          datetime.now(timezone.utc))
