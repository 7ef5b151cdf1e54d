"""raw.*: every landing file of the fiscal year as a document with pages, or as a rejected file
(perf_etl/stages/raw.py)."""

import dagster as dg

from perf_etl.defs.assets.common import WAREHOUSE_ASSET, asset_keys, frame_preview, run_settings, stage_log
from perf_etl.defs.partitions import partition_years
from perf_etl.defs.resources import SettingsResource
from perf_etl.stages import raw

RAW_DOCUMENTS, RAW_PAGES, RAW_REJECTED_FILES = asset_keys(raw.ASSETS)
RAW_SPECS = [
    dg.AssetSpec(RAW_DOCUMENTS, description="One row per accepted input file.", kinds={"duckdb"}),
    dg.AssetSpec(RAW_PAGES, description="Page texts as extracted.", kinds={"duckdb"}),
    dg.AssetSpec(RAW_REJECTED_FILES, description="Inputs that did not make it through a stage, with a reason code "
                 "and a message a person can act on.", kinds={"duckdb"}),
]


def raw_results(result: raw.RawResult) -> list[dg.MaterializeResult]:
    """The three assets' materializations (also the distributed location's)."""
    return [
        dg.MaterializeResult(asset_key=RAW_DOCUMENTS, metadata={
            "dagster/row_count": len(result.documents),
            "preview": frame_preview(result.documents[["source_path", "fiscal_year", "source_format", "page_count"]]),
        }),
        dg.MaterializeResult(asset_key=RAW_PAGES, metadata={"dagster/row_count": result.pages}),
        dg.MaterializeResult(asset_key=RAW_REJECTED_FILES, metadata={
            "dagster/row_count": len(result.rejected),
            "preview": frame_preview(result.rejected[["source_path", "reason_code", "message"]]),
        }),
    ]


@dg.multi_asset(specs=RAW_SPECS, group_name="raw", **WAREHOUSE_ASSET)
def raw_documents(context: dg.AssetExecutionContext, settings: SettingsResource):
    """Settles every file of the landing folder (reading only those not read before by this reader
    version, perf_etl/warehouse/read_cache.py), keeps those of the run's fiscal years, and records the
    rejected ones (files of unknown year are recorded by every run)."""
    yield from raw_results(raw.run(run_settings(context, settings), partition_years(context), stage_log(context)))
