"""staging.*: normalized text and sections of the fiscal year's documents (perf_etl/stages/staging.py)."""

import dagster as dg

from perf_etl.defs.assets.common import WAREHOUSE_ASSET, asset_keys, plan_metadata, row_count, run_settings, stage_log
from perf_etl.defs.assets.raw import RAW_DOCUMENTS, RAW_PAGES
from perf_etl.defs.partitions import partition_years
from perf_etl.defs.resources import SettingsResource
from perf_etl.stages import staging

STAGING_DOCUMENTS, STAGING_SECTIONS = asset_keys(staging.ASSETS)


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
def staging_documents(context: dg.AssetExecutionContext, settings: SettingsResource):
    """Normalizes the documents of the fiscal years whose raw rows changed since their staging rows were
    written (every year on a full refresh); the other years are skipped."""
    result = staging.run(run_settings(context, settings), partition_years(context), stage_log(context))
    for key, written in ((STAGING_DOCUMENTS, result.documents), (STAGING_SECTIONS, result.sections)):
        yield dg.MaterializeResult(asset_key=key, metadata={**row_count(result.plan, written),
                                                            **plan_metadata(result.plan)})
