"""staging.*: normalized text and sections of the fiscal year's documents."""

import dagster as dg

from perf_etl.defs.assets.common import WAREHOUSE_ASSET
from perf_etl.defs.assets.raw import RAW_DOCUMENTS, RAW_PAGES
from perf_etl.defs.partitions import partition_years
from perf_etl.defs.resources import Warehouse
from perf_etl.pipeline import normalize_stage, staging_frames
from perf_etl.warehouse import store

STAGING_DOCUMENTS = dg.AssetKey(["staging", "documents"])
STAGING_SECTIONS = dg.AssetKey(["staging", "sections"])


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
    years = partition_years(context)
    with warehouse.connect() as conn:
        documents = store.read_partition(conn, "raw.documents", years)
        pages = store.read_partition(conn, "raw.pages", years)
        frames = staging_frames(normalize_stage(documents, pages))
        store.write_partition(conn, years, [
            store.TableWrite("staging.documents", frames["documents"]),
            store.TableWrite("staging.sections", frames["sections"]),
        ])
    yield dg.MaterializeResult(asset_key=STAGING_DOCUMENTS, metadata={"dagster/row_count": len(frames["documents"])})
    yield dg.MaterializeResult(asset_key=STAGING_SECTIONS, metadata={"dagster/row_count": len(frames["sections"])})
