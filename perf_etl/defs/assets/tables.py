"""raw.table_cells: the cells of the self-evaluation tables (自评表) of the fiscal year's documents."""

import dagster as dg

from perf_etl.defs.assets.common import WAREHOUSE_ASSET, frame_preview
from perf_etl.defs.assets.raw import RAW_DOCUMENTS, RAW_PAGES
from perf_etl.defs.partitions import partition_years
from perf_etl.defs.resources import LandingFolder, Warehouse
from perf_etl.tables import table_cells_stage
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
    header (and the page after each), and reads its ruled tables."""
    years = partition_years(context)
    with warehouse.connect() as conn:
        documents = store.read_partition(conn, "raw.documents", years)
        pages = store.read_partition(conn, "raw.pages", years)
    # Read with the warehouse closed: the writer slot is held only for the write.
    cells = table_cells_stage(landing.root, documents, pages)
    with warehouse.connect() as conn:
        store.write_partition(conn, years, [store.TableWrite("raw.table_cells", cells)])
    tables = cells[["document_id", "table_index"]].drop_duplicates()
    context.log.info(f"fiscal years {years}: {len(tables)} tables in {cells['document_id'].nunique()} documents")
    return dg.MaterializeResult(asset_key=RAW_TABLE_CELLS, metadata={
        "dagster/row_count": len(cells),
        "tables": len(tables),
        "preview": frame_preview(cells[["document_id", "page_number", "table_index", "row_index", "column_index",
                                        "text"]]),
    })
