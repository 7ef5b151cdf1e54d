"""staging.*: normalized text and sections of the fiscal year's documents."""

import dagster as dg
import pandas as pd

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
from perf_etl.pipeline import normalize_stage, staging_frames
from perf_etl.warehouse import store

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
    staging rows were written (every year on a full refresh); the other years are skipped."""
    frames = {"documents": pd.DataFrame(), "sections": pd.DataFrame()}
    with warehouse.connect() as conn:
        plan = plan_years(context, conn, "staging", STAGING_ASSETS)
        if plan.changed:
            documents = store.read_partition(conn, "raw.documents", plan.changed)
            pages = store.read_partition(conn, "raw.pages", plan.changed)
            staged = normalize_stage(documents, pages, progress=progress_log(context, "normalized"))
            frames = staging_frames(staged)
            store.write_partition_with(conn, plan.changed, [
                store.TableWrite("staging.documents", frames["documents"]),
                store.TableWrite("staging.sections", frames["sections"]),
            ], record_statements(plan, STAGING_ASSETS))
    for key, table in zip(STAGING_ASSETS, ("documents", "sections"), strict=True):
        yield dg.MaterializeResult(asset_key=key, metadata={**row_count(plan, frames[table]), **plan_metadata(plan)})
