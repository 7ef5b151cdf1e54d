"""raw.table_cells: the cells of the self-evaluation tables (自评表) of the fiscal year's documents."""

import dagster as dg

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
from perf_etl.tables import empty_cells, table_cells_stage
from perf_etl.warehouse import store

RAW_TABLE_CELLS = dg.AssetKey(["raw", "table_cells"])


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
    changed since their cells were written (every year on a full refresh)."""
    with warehouse.connect() as conn:
        plan = plan_years(context, conn, "tables", [RAW_TABLE_CELLS])
        if plan.changed:
            documents = store.read_partition(conn, "raw.documents", plan.changed)
            pages = store.read_partition(conn, "raw.pages", plan.changed)
    cells = empty_cells()
    if plan.changed:
        # Read with the warehouse closed: the writer slot is held only for the write.
        failed: list[str] = []
        cells = table_cells_stage(landing.root, documents, pages, progress=progress_log(context, "read tables of"),
                                  failed=failed)
        # A year with a document whose reader's process died is written without a fingerprint, so that the
        # next run reads it again instead of skipping it.
        unread_years = set(documents.loc[documents["document_id"].isin(failed), "fiscal_year"].dropna().astype(int))
        with warehouse.connect() as conn:
            store.write_partition_with(conn, plan.changed, [store.TableWrite("raw.table_cells", cells)],
                                       record_statements(plan.unvouched(unread_years), [RAW_TABLE_CELLS]))
    tables = cells[["document_id", "table_index"]].drop_duplicates()
    if plan.changed:
        context.log.info(f"fiscal years {plan.changed}: {len(tables)} tables in {cells['document_id'].nunique()} "
                         "documents")
    return dg.MaterializeResult(asset_key=RAW_TABLE_CELLS, metadata={
        **row_count(plan, cells),
        "tables": len(tables),
        "preview": frame_preview(cells[["document_id", "page_number", "table_index", "row_index", "column_index",
                                        "text"]]),
        **plan_metadata(plan),
    })

