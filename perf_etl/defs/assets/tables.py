"""raw.table_cells: the cells of the self-evaluation tables (自评表) of the fiscal year's documents."""

from dataclasses import dataclass

import dagster as dg
import duckdb
import pandas as pd

from perf_etl.defs.assets.common import (
    WAREHOUSE_ASSET,
    frame_preview,
    plan_metadata,
    plan_years,
    record_statements,
    row_count,
)
from perf_etl.defs.assets.raw import RAW_DOCUMENTS, RAW_PAGES
from perf_etl.defs.resources import Warehouse
from perf_etl.grid import empty_cells
from perf_etl.warehouse import read_cache, store

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
def raw_table_cells(context: dg.AssetExecutionContext, warehouse: Warehouse):
    """Copies the table cells of the fiscal years' documents from the read cache: ingestion reads a
    document's tables with its text (perf_etl/ingest/readers.py), so no file is opened here. Only for the
    fiscal years whose raw rows changed since their cells were written (every year on a full refresh)."""
    with warehouse.connect() as conn:
        plan = plan_years(context, conn, "tables", [RAW_TABLE_CELLS])
        if plan.changed:
            store.write_partition_with(conn, plan.changed, [store.TableWrite("raw.table_cells", empty_cells())],
                                       [read_cache.cells_insert(plan.changed),
                                        *record_statements(plan, [RAW_TABLE_CELLS])])
        written = _written(conn, plan.changed)
    if plan.changed:
        context.log.info(f"fiscal years {plan.changed}: {written.tables} tables in {written.documents} documents")
    return dg.MaterializeResult(asset_key=RAW_TABLE_CELLS, metadata={
        **row_count(plan, written.rows),
        "tables": written.tables,
        "preview": frame_preview(written.preview),
        **plan_metadata(plan),
    })


@dataclass(frozen=True)
class _Written:
    rows: int
    tables: int
    documents: int
    preview: pd.DataFrame


def _written(conn: duckdb.DuckDBPyConnection, years: list[int]) -> _Written:
    """What raw.table_cells holds for `years`: counts, and its first rows for the asset's page."""
    placeholders = ", ".join("?" for _ in years) or "NULL"
    where = f"FROM raw.table_cells WHERE fiscal_year IN ({placeholders})"
    rows, tables, documents = conn.execute(
        f"SELECT count(*), count(DISTINCT (document_id, table_index)), count(DISTINCT document_id) {where}", years
    ).fetchone()
    preview = conn.execute(f"SELECT document_id, page_number, table_index, row_index, column_index, text {where} "
                           f"ORDER BY document_id, table_index, row_index, column_index LIMIT {PREVIEW_ROWS}",
                           years).df()
    return _Written(rows, tables, documents, preview)
