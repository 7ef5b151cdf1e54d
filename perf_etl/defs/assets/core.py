"""core.*: fields with evidence, validated by pandera, with the contract's checks (perf_etl/stages/core.py)."""

import warnings

import dagster as dg
import pandas as pd
from dagster_pandera import pandera_schema_to_dagster_type

from perf_etl.defs.assets.common import WAREHOUSE_ASSET, frame_preview, plan_metadata, run_settings, stage_log
from perf_etl.defs.assets.staging import STAGING_DOCUMENTS, STAGING_SECTIONS
from perf_etl.defs.assets.tables import RAW_TABLE_CELLS
from perf_etl.defs.checks import CORE_CHECK_SPECS, check_result, core_asset_key
from perf_etl.defs.partitions import partition_years
from perf_etl.defs.resources import SettingsResource
from perf_etl.defs.review import queue_counts, review_metadata
from perf_etl.stages import core
from perf_etl.validate.checks import CONTRACT_CHECKS, CheckOutcome, ContractCheck
from perf_etl.validate.schemas import CORE_MODELS
from perf_etl.warehouse import check_results, store


def _column_schema(model: type) -> dg.TableSchema:
    """The table's columns as pandera declares them, shown on the asset's page. The dagster-pandera bridge is
    marked beta; we depend on it knowingly, so its warning is noise for every user command."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", dg.BetaWarning)
        return pandera_schema_to_dagster_type(model).metadata["schema"].schema


CORE_SPECS = [
    dg.AssetSpec(core_asset_key(table), deps=[STAGING_DOCUMENTS, STAGING_SECTIONS, RAW_TABLE_CELLS],
                 description=(model.__doc__ or "").strip(), kinds={"duckdb", "pandas"},
                 metadata={"dagster/column_schema": _column_schema(model)})
    for table, model in CORE_MODELS.items()
]
CORE_KEYS = [spec.key for spec in CORE_SPECS]
_TABLE_OF = {core_asset_key(table): table for table in CORE_MODELS}


@dg.multi_asset(
    specs=CORE_SPECS,
    check_specs=CORE_CHECK_SPECS,
    # Subsettable so that a step that skips its years (inputs unchanged) may leave out the check results:
    # Dagster requires the results of a non-subsettable asset's checks. A subset selected in the UI writes
    # the selected tables only; the others then lack this year's fingerprint and are computed next time.
    can_subset=True,
    group_name="core",
    **WAREHOUSE_ASSET,
)
def core_tables(context: dg.AssetExecutionContext, settings: SettingsResource):
    """Extracts every field with its evidence (the 自评表 cells of raw.table_cells fill what the prose left
    null, and are cross-checked with it); rows pandera refuses go to raw.rejected_files (stage validate),
    documents extraction fails on go there too (stage extract). Only the fiscal years whose staging rows,
    table cells, extraction code or corrections changed since their core rows were written are computed
    (every year on a full refresh); a skipped year's checks keep their last evaluation."""
    years = partition_years(context)
    selected = [_TABLE_OF[key] for key in CORE_KEYS if key in context.selected_asset_keys]
    result = core.run(run_settings(context, settings), years, stage_log(context), tables=selected)
    with store.connect(settings.warehouse) as conn:  # the queue as the marts were last built (the marts rebuild it)
        queue = review_metadata(queue_counts(conn, years), str(settings.warehouse), as_last_built=True)
    for table in selected:
        metadata = {**plan_metadata(result.plan), **queue}
        frame = result.tables.get(table)
        if frame is not None:
            metadata["rows_written"] = len(frame)
            if not result.plan.skipped:
                metadata["dagster/row_count"] = len(frame)
            if table == "reports":
                metadata["preview"] = frame_preview(frame[["department_name", "fiscal_year", "budget_wan",
                                                           "expenditure_wan", "self_score", "grade"]])
        yield dg.MaterializeResult(asset_key=core_asset_key(table), metadata=metadata)
    fresh = {outcome.name: outcome for outcome in result.checks}
    for check in CONTRACT_CHECKS:
        outcome = _check_result(check, fresh.get(check.name), result.kept_checks.get(check.name), result.withheld)
        if outcome is not None and dg.AssetCheckKey(outcome.asset_key, outcome.check_name) in \
                context.selected_asset_check_keys:
            yield outcome


def _check_result(check: ContractCheck, fresh: CheckOutcome | None, kept: check_results.KeptOutcome | None,
                  withheld: list[str]) -> dg.AssetCheckResult | None:
    """The check over the run's years: evaluated now for the years computed, as last evaluated for the years
    skipped (their inputs did not change). None when a skipped year has no kept evaluation."""
    if kept is None:
        return None if fresh is None else check_result(fresh, withheld)
    parts = [frame for frame in (fresh.failures if fresh else None, kept.failures)
             if frame is not None and not frame.empty]
    failures = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()
    combined = CheckOutcome(check.name, check.table, check.description, failures)
    evaluated = ", ".join(f"{year}: {at:%Y-%m-%d %H:%M:%S} UTC" for year, at in sorted(kept.evaluated_at.items()))
    return check_result(combined, withheld, {
        # the kept preview holds the first rows only; the count is exact
        "failing_rows": (len(fresh.failures) if fresh else 0) + kept.failing_rows,
        "kept_from_last_evaluation": dg.MetadataValue.text(
            f"years whose inputs did not change, as last evaluated ({evaluated})"),
    })
