"""core.*: fields with evidence, validated by pandera, with the contract's checks."""

import warnings
from datetime import datetime, timezone

import dagster as dg
from dagster_pandera import pandera_schema_to_dagster_type

from perf_etl.defs.assets.common import WAREHOUSE_ASSET, frame_preview
from perf_etl.defs.assets.staging import STAGING_DOCUMENTS, STAGING_SECTIONS
from perf_etl.defs.assets.tables import RAW_TABLE_CELLS
from perf_etl.defs.checks import CORE_CHECK_SPECS, check_result, core_asset_key
from perf_etl.defs.partitions import partition_years
from perf_etl.defs.resources import Warehouse
from perf_etl.models import RejectedFile, Stage
from perf_etl.pipeline import extract_stage, rejected_frame, staged_from_frames
from perf_etl.validate.checks import run_contract_checks
from perf_etl.validate.rows import validate_core
from perf_etl.validate.schemas import CORE_MODELS
from perf_etl.warehouse import store


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


@dg.multi_asset(
    outs=CORE_OUTS,
    deps=[STAGING_DOCUMENTS, STAGING_SECTIONS, RAW_TABLE_CELLS],
    check_specs=CORE_CHECK_SPECS,
    group_name="core",
    **WAREHOUSE_ASSET,
)
def core_tables(context: dg.AssetExecutionContext, warehouse: Warehouse):
    """Extracts every field with its evidence (the 自评表 cells of raw.table_cells fill what the prose left
    null, and are cross-checked with it); rows pandera refuses go to raw.rejected_files (stage
    validate), documents extraction fails on go there too (stage extract)."""
    years = partition_years(context)
    now = datetime.now(timezone.utc)
    with warehouse.connect() as conn:
        staged = staged_from_frames(store.read_partition(conn, "staging.documents", years),
                                    store.read_partition(conn, "staging.sections", years))
        raw_documents = store.read_partition(conn, "raw.documents", years)
        source_paths = dict(zip(raw_documents["document_id"], raw_documents["source_path"], strict=True))
        tables = store.read_partition(conn, "raw.table_cells", years)
        extracted, extract_failures = extract_stage(staged, source_paths, now=now, tables=tables)
        outcomes = run_contract_checks(extracted, years)
        accepted, validate_failures = validate_core(extracted, source_paths, now)
        _record_rejections(conn, years, extract_failures, validate_failures)
    withheld = sorted({r.sha256 for r in validate_failures if r.sha256 and r.sha256 not in
                       set(accepted["reports"]["document_id"])})
    for table, frame in accepted.items():
        metadata = {"dagster/row_count": len(frame)}
        if table == "reports":
            metadata["preview"] = frame_preview(frame[["department_name", "fiscal_year", "budget_wan",
                                                       "expenditure_wan", "self_score", "grade"]])
        yield dg.Output(frame, output_name=table, metadata=metadata)
    for outcome in outcomes:
        yield check_result(outcome, withheld)


def _record_rejections(conn, years: list[int], *failures: list[RejectedFile]) -> None:
    writes = []
    for stage, rejected in zip((Stage.EXTRACT, Stage.VALIDATE), failures, strict=True):
        frame = store.carry_over_timestamps(conn, "raw.rejected_files", rejected_frame(rejected),
                                            ["source_path", "sha256", "stage", "reason_code"], "detected_at")
        writes.append(store.TableWrite("raw.rejected_files", frame, {"stage": stage}))
    store.write_partition(conn, years, writes)
