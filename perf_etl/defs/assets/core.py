"""core.*: fields with evidence, validated by pandera, with the contract's checks."""

import warnings
from datetime import datetime, timezone

import dagster as dg
import pandas as pd
from dagster_pandera import pandera_schema_to_dagster_type

from perf_etl.defs.assets.common import WAREHOUSE_ASSET, frame_preview, plan_metadata, plan_years, progress_log
from perf_etl.defs.assets.staging import STAGING_DOCUMENTS, STAGING_SECTIONS
from perf_etl.defs.assets.tables import RAW_TABLE_CELLS
from perf_etl.defs.checks import CORE_CHECK_SPECS, check_result, core_asset_key
from perf_etl.defs.io_managers import for_years
from perf_etl.defs.partitions import partition_years
from perf_etl.defs.resources import Warehouse
from perf_etl.defs.review import queue_counts, review_metadata
from perf_etl.models import RejectedFile, Stage
from perf_etl.parallel import WorkerPool, overlapped
from perf_etl.pipeline import (
    Extracted,
    extract_documents,
    extract_stage,
    extracted_frames,
    rejected_frame,
    staged_from_frames,
)
from perf_etl.review import corrections
from perf_etl.validate.checks import CONTRACT_CHECKS, CheckOutcome, ContractCheck, run_contract_checks
from perf_etl.validate.rows import validate_core
from perf_etl.validate.schemas import CORE_MODELS
from perf_etl.warehouse import check_results, store


def _dagster_type(model: type) -> dg.DagsterType:
    # The dagster-pandera bridge is marked beta; we depend on it knowingly (the UI shows each core table's
    # schema and Dagster type-checks the output), so its warning is noise for every user command.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", dg.BetaWarning)
        return pandera_schema_to_dagster_type(model)


CORE_OUTS = {
    table: dg.AssetOut(
        key=core_asset_key(table),
        dagster_type=_dagster_type(model),
        io_manager_key="warehouse_io_manager",
        description=(model.__doc__ or "").strip(),
        kinds={"duckdb", "pandas"},
    )
    for table, model in CORE_MODELS.items()
}
CORE_KEYS = [out.key for out in CORE_OUTS.values()]


@dg.multi_asset(
    outs=CORE_OUTS,
    deps=[STAGING_DOCUMENTS, STAGING_SECTIONS, RAW_TABLE_CELLS],
    check_specs=CORE_CHECK_SPECS,
    # Subsettable so that a step that skips its years (inputs unchanged) may leave out the check results:
    # Dagster requires the results of a non-subsettable asset's checks. A subset selected in the UI writes
    # the selected tables only; the others then lack this year's fingerprint and are computed next time.
    can_subset=True,
    group_name="core",
    **WAREHOUSE_ASSET,
)
def core_tables(context: dg.AssetExecutionContext, warehouse: Warehouse):
    """Extracts every field with its evidence (the 自评表 cells of raw.table_cells fill what the prose left
    null, and are cross-checked with it); rows pandera refuses go to raw.rejected_files (stage
    validate), documents extraction fails on go there too (stage extract). Only the fiscal years whose
    staging rows, table cells or extraction code changed since their core rows were written are computed
    (every year on a full refresh): a skipped year's output is empty and the IO manager leaves its rows,
    and its checks keep their last evaluation."""
    now = datetime.now(timezone.utc)
    # Read once, when the step starts: a correction recorded meanwhile is applied by the next run.
    stored_corrections = corrections.load_corrections(corrections.corrections_store(warehouse.database))
    with warehouse.connect() as conn:
        year_corrections = corrections.by_year(conn, stored_corrections, partition_years(context))
        plan = plan_years(context, conn, "core", CORE_KEYS, extra_by_year={
            year: corrections.fingerprint(found) for year, found in year_corrections.items()})
        if plan.changed:
            to_apply = [c for year in plan.changed for c in year_corrections.get(year, [])]
            outcomes, accepted, validate_failures = _extract_years(context, conn, plan.changed, now, to_apply)
            check_results.save(conn, outcomes, plan.changed, now)
        else:
            outcomes, validate_failures = [], []
            accepted = _empty_core_frames(now)
        kept = check_results.load(conn, plan.skipped) if plan.skipped else {}
    withheld = sorted({r.sha256 for r in validate_failures if r.sha256 and r.sha256 not in
                       set(accepted["reports"]["document_id"])})
    with warehouse.connect() as conn:  # the queue as the marts were last built (the marts step rebuilds it)
        queue = review_metadata(queue_counts(conn, partition_years(context)), warehouse.database, as_last_built=True)
    for table, frame in accepted.items():
        if table not in context.op_execution_context.selected_output_names:
            continue
        metadata = {**plan_metadata(plan), **queue}
        if table == "reports" and plan.changed:
            metadata["preview"] = frame_preview(frame[["department_name", "fiscal_year", "budget_wan",
                                                       "expenditure_wan", "self_score", "grade"]])
        yield dg.Output(for_years(frame, plan.changed, plan.to_record), output_name=table, metadata=metadata)
    with warehouse.connect() as conn:
        # After the core rows are written (each output as it is yielded): what became of every correction.
        review = corrections.write_review_table(conn, stored_corrections)
    if not review.empty:
        context.log.info("corrections: " + ", ".join(
            f"{count} {status}" for status, count in review["status"].value_counts().sort_index().items()))
    fresh = {outcome.name: outcome for outcome in outcomes}
    for check in CONTRACT_CHECKS:
        result = _check_result(check, fresh.get(check.name), kept.get(check.name), withheld)
        if result is not None and dg.AssetCheckKey(result.asset_key, result.check_name) in \
                context.selected_asset_check_keys:
            yield result


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


def _extract_years(context: dg.AssetExecutionContext, conn, years: list[int], now: datetime,
                   to_apply: list[corrections.Correction]):
    raw_documents = store.read_partition(conn, "raw.documents", years)
    source_paths = dict(zip(raw_documents["document_id"], raw_documents["source_path"], strict=True))
    del raw_documents
    extracted, extract_failures = extracted_frames(_extract_batches(context, conn, years, source_paths, now),
                                                   store.ocr_page_confidence(conn, years))
    # Before the checks and the validation: they see the values core will hold.
    extracted = corrections.apply_corrections(extracted, to_apply)
    outcomes = run_contract_checks(extracted, years)
    accepted, validate_failures = validate_core(extracted, source_paths, now)
    _record_rejections(conn, years, extract_failures, validate_failures)
    return outcomes, accepted, validate_failures


def _extract_batches(context: dg.AssetExecutionContext, conn, years: list[int], source_paths: dict[str, str],
                     now: datetime) -> Extracted:
    """What extraction gives for the years' documents. The staged texts are read and extracted
    `store.DOCUMENTS_PER_BATCH` documents at a time and dropped; what extraction gives is small next to
    them and is kept for the whole years, which the validation and the contract checks need."""
    ids = store.document_ids(conn, "staging.documents", years)
    progress = progress_log(context, "extracted")
    gathered = Extracted()
    with WorkerPool() as pool:
        inputs = ((staged_from_frames(store.read_partition(conn, "staging.documents", years, document_ids=batch),
                                      store.read_partition(conn, "staging.sections", years, document_ids=batch)),
                   store.read_partition(conn, "raw.table_cells", years, document_ids=batch))
                  for batch in store.document_batches(ids))
        # The workers extract a batch while this process reads the next.
        for _ in overlapped(lambda batch: extract_documents(batch[0], source_paths, now=now, tables=batch[1],
                                                            pool=pool, into=gathered), inputs):
            progress(len(gathered.extractions) + len(gathered.failures), len(ids))
    return gathered


def _empty_core_frames(now: datetime) -> dict:
    """Core frames with no rows, typed as pandera wants them (the output of a skipped step)."""
    extracted, _ = extract_stage([], {}, now=now)
    accepted, _ = validate_core(extracted, {}, now)
    return accepted


def _record_rejections(conn, years: list[int], *failures: list[RejectedFile]) -> None:
    writes = []
    for stage, rejected in zip((Stage.EXTRACT, Stage.VALIDATE), failures, strict=True):
        frame = store.carry_over_timestamps(conn, "raw.rejected_files", rejected_frame(rejected),
                                            ["source_path", "sha256", "stage", "reason_code"], "detected_at")
        writes.append(store.TableWrite("raw.rejected_files", frame, {"stage": stage}))
    store.write_partition(conn, years, writes)
