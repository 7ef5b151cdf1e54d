"""raw.table_cells: the cells of the self-evaluation tables (自评表) of the fiscal year's documents
(perf_etl/stages/tables.py)."""

import dagster as dg

from perf_etl.defs.assets.common import (
    WAREHOUSE_ASSET,
    asset_keys,
    frame_preview,
    plan_metadata,
    row_count,
    run_settings,
    stage_log,
)
from perf_etl.defs.assets.raw import RAW_DOCUMENTS, RAW_PAGES
from perf_etl.defs.partitions import partition_years
from perf_etl.defs.resources import SettingsResource
from perf_etl.stages import tables

(RAW_TABLE_CELLS,) = asset_keys(tables.ASSETS)


# A multi_asset of one, like every warehouse step: @dg.asset warns that backfill_policy is beta.
@dg.multi_asset(
    specs=[dg.AssetSpec(RAW_TABLE_CELLS, deps=[RAW_DOCUMENTS, RAW_PAGES], kinds={"duckdb"},
                        description="Cells of the 自评表 tables, one row per cell; merged cells filled, tables "
                                    "continued over a page break joined.")],
    group_name="raw",
    **WAREHOUSE_ASSET,
)
def raw_table_cells(context: dg.AssetExecutionContext, settings: SettingsResource):
    """Copies the table cells of the fiscal years' documents from the read cache (no file is opened), for the
    fiscal years whose raw rows changed since their cells were written (every year on a full refresh)."""
    result = tables.run(run_settings(context, settings), partition_years(context), stage_log(context))
    return dg.MaterializeResult(asset_key=RAW_TABLE_CELLS, metadata={
        **row_count(result.plan, result.rows),
        "tables": result.tables,
        "preview": frame_preview(result.preview),
        **plan_metadata(result.plan),
    })
