"""raw.table_cells: the cells of the self-evaluation tables (自评表) of the fiscal year's documents."""

import dagster as dg
import pandas as pd

from perf_etl.defs.assets.common import (
    WAREHOUSE_ASSET,
    frame_preview,
    plan_metadata,
    plan_years,
    progress_log,
    record_statements,
    row_count,
)
from perf_etl.defs.assets.raw import RAW_DOCUMENTS, RAW_PAGES
from perf_etl.defs.resources import LandingFolder, Warehouse
from perf_etl.parallel import ProgressShare, WorkerPool
from perf_etl.tables import empty_cells, table_cells_stage
from perf_etl.warehouse import store

RAW_TABLE_CELLS = dg.AssetKey(["raw", "table_cells"])
PREVIEW_ROWS = 20


# A multi_asset of one, like every warehouse step: @dg.asset warns that backfill_policy is beta.
@dg.multi_asset(
    specs=[dg.AssetSpec(RAW_TABLE_CELLS, deps=[RAW_DOCUMENTS, RAW_PAGES], kinds={"duckdb"},
                        description="Cells of the 自评表 tables, one row per cell; merged cells filled, tables "
                                    "continued over a page break joined.")],
    group_name="raw",
    **WAREHOUSE_ASSET,
)
def raw_table_cells(context: dg.AssetExecutionContext, landing: LandingFolder, warehouse: Warehouse):
    """Re-opens each document's file from the landing folder, only on the pages whose text shows a table
    header (and the page after each), and reads its ruled tables; only for the fiscal years whose raw rows
    changed since their cells were written (every year on a full refresh). The documents' pages are read
    `store.DOCUMENTS_PER_BATCH` documents at a time; the cells, a small part of the text, are kept until
    the write."""
    with warehouse.connect() as conn:
        plan = plan_years(context, conn, "tables", [RAW_TABLE_CELLS])
        ids = store.document_ids(conn, "raw.documents", plan.changed) if plan.changed else []
    batches: list[pd.DataFrame] = []
    if plan.changed:
        # Read with the warehouse closed but for short reads of each batch's inputs: the writer slot is held
        # only for the write.
        failed: list[str] = []
        unread_years: set[int] = set()
        progress = ProgressShare(progress_log(context, "read tables of"), len(ids))
        with WorkerPool() as pool:
            for batch in store.document_batches(ids):
                with warehouse.connect() as conn:
                    documents = store.read_partition(conn, "raw.documents", plan.changed, document_ids=batch)
                    pages = store.read_partition(conn, "raw.pages", plan.changed, document_ids=batch)
                batch_failed: list[str] = []
                batches.append(table_cells_stage(landing.root, documents, pages, failed=batch_failed, pool=pool,
                                                 progress=progress.batch(len(batch))))
                # A year with a document whose reader's process died is written without a fingerprint, so
                # that the next run reads it again instead of skipping it.
                unread_years |= set(documents.loc[documents["document_id"].isin(batch_failed),
                                                  "fiscal_year"].dropna().astype(int))
                failed += batch_failed
                del documents, pages
        with warehouse.connect() as conn, store.partition_writer(
                conn, plan.changed, [store.TableWrite("raw.table_cells", empty_cells())]) as writer:
            for cells in batches:
                writer.insert("raw.table_cells", cells)
            writer.record(record_statements(plan.unvouched(unread_years), [RAW_TABLE_CELLS]))
    rows = sum(len(cells) for cells in batches)
    # Batches hold whole documents, so a table or a document is counted in one batch only.
    tables = sum(len(cells[["document_id", "table_index"]].drop_duplicates()) for cells in batches)
    if plan.changed:
        documents_with_tables = sum(cells["document_id"].nunique() for cells in batches)
        context.log.info(f"fiscal years {plan.changed}: {tables} tables in {documents_with_tables} documents")
    first = pd.concat([empty_cells(), *[cells.head(PREVIEW_ROWS) for cells in batches if not cells.empty]],
                      ignore_index=True).head(PREVIEW_ROWS)
    return dg.MaterializeResult(asset_key=RAW_TABLE_CELLS, metadata={
        **row_count(plan, pd.DataFrame(index=pd.RangeIndex(rows))),
        "tables": tables,
        "preview": frame_preview(first[["document_id", "page_number", "table_index", "row_index", "column_index",
                                        "text"]], PREVIEW_ROWS),
        **plan_metadata(plan),
    })
