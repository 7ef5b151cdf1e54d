"""staging.*: normalized text and sections of the fiscal year's documents."""

import dagster as dg

from perf_etl.defs.assets.common import (
    WAREHOUSE_ASSET,
    plan_metadata,
    plan_years,
    progress_log,
    record_statements,
    row_count,
)
from perf_etl.defs.assets.raw import RAW_DOCUMENTS, RAW_PAGES
from perf_etl.defs.resources import Warehouse
from perf_etl.parallel import WorkerPool, overlapped
from perf_etl.pipeline import normalize_stage, staging_frames
from perf_etl.warehouse import store
from perf_etl.warehouse.fingerprints import YearPlan

STAGING_DOCUMENTS = dg.AssetKey(["staging", "documents"])
STAGING_SECTIONS = dg.AssetKey(["staging", "sections"])
STAGING_ASSETS = (STAGING_DOCUMENTS, STAGING_SECTIONS)


@dg.multi_asset(
    specs=[
        dg.AssetSpec(STAGING_DOCUMENTS, deps=[RAW_DOCUMENTS, RAW_PAGES], kinds={"duckdb"},
                     description="Normalized text: lines re-joined, page furniture removed, numbers repaired."),
        dg.AssetSpec(STAGING_SECTIONS, deps=[RAW_DOCUMENTS, RAW_PAGES], kinds={"duckdb"},
                     description="Heading-delimited sections with the page each starts on."),
    ],
    group_name="staging",
    **WAREHOUSE_ASSET,
)
def staging_documents(context: dg.AssetExecutionContext, warehouse: Warehouse):
    """Normalizes the documents of the fiscal years whose raw.documents / raw.pages rows changed since their
    staging rows were written (every year on a full refresh); the other years are skipped. The documents
    are read, normalized and written `store.DOCUMENTS_PER_BATCH` at a time, all in one transaction."""
    written = {"documents": 0, "sections": 0}
    with warehouse.connect() as conn:
        plan = plan_years(context, conn, "staging", STAGING_ASSETS)
        if plan.changed:
            written = _normalize_years(context, conn, plan)
    for key, table in zip(STAGING_ASSETS, ("documents", "sections"), strict=True):
        yield dg.MaterializeResult(asset_key=key, metadata={**row_count(plan, written[table]),
                                                            **plan_metadata(plan)})


def _normalize_years(context: dg.AssetExecutionContext, conn, plan: YearPlan) -> dict[str, int]:
    """Replaces the staging rows of the plan's changed years, batch by batch (memory bounded by a batch,
    not by the years' documents); a failure anywhere leaves the previous rows. The rows written per table."""
    years = plan.changed
    ids = store.document_ids(conn, "raw.documents", years)
    progress = progress_log(context, "normalized")
    written = {"documents": 0, "sections": 0}
    empty = staging_frames([])
    with store.partition_writer(conn, years, [store.TableWrite(f"staging.{table}", frame)
                                              for table, frame in empty.items()]) as writer, WorkerPool() as pool:
        inputs = ((store.read_partition(conn, "raw.documents", years, document_ids=batch),
                   store.read_partition(conn, "raw.pages", years, document_ids=batch))
                  for batch in store.document_batches(ids))
        # The workers normalize a batch while this process reads the next and writes the one before.
        for staged in overlapped(lambda frames: normalize_stage(*frames, pool=pool), inputs):
            for table, frame in staging_frames(staged).items():
                writer.insert(f"staging.{table}", frame)
                written[table] += len(frame)
            progress(written["documents"], len(ids))
            del staged
        writer.record(record_statements(plan, STAGING_ASSETS))
    return written

