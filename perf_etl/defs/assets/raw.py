"""raw.*: every landing file of the fiscal year as a document with pages, or as a rejected file."""

from datetime import datetime, timezone

import dagster as dg
import pandas as pd

from perf_etl.defs.assets.common import WAREHOUSE_ASSET, frame_preview
from perf_etl.defs.partitions import partition_years
from perf_etl.defs.resources import LandingFolder, Warehouse
from perf_etl.models import Stage
from perf_etl.pipeline import ingest_stage
from perf_etl.warehouse import store

RAW_DOCUMENTS = dg.AssetKey(["raw", "documents"])
RAW_PAGES = dg.AssetKey(["raw", "pages"])
RAW_REJECTED_FILES = dg.AssetKey(["raw", "rejected_files"])


def write_raw_frames(
    warehouse: Warehouse, years: list[int], frames: dict[str, pd.DataFrame]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """First-seen times carried over, then the years' raw.* rows replaced in one transaction (shared with
    the distributed ingestion, perf_etl/defs/distributed.py). Returns the documents and rejected rows."""
    with warehouse.connect() as conn:
        documents = store.carry_over_timestamps(conn, "raw.documents", frames["documents"],
                                                ["document_id", "source_path"], "ingested_at")
        rejected = store.carry_over_timestamps(conn, "raw.rejected_files", frames["rejected_files"],
                                               ["source_path", "sha256", "stage", "reason_code"], "detected_at")
        store.write_partition(conn, years, [
            store.TableWrite("raw.documents", documents),
            store.TableWrite("raw.pages", frames["pages"]),
            store.TableWrite("raw.rejected_files", rejected, {"stage": Stage.INGEST}, include_null_year=True),
        ])
    return documents, rejected


@dg.multi_asset(
    specs=[
        dg.AssetSpec(RAW_DOCUMENTS, description="One row per accepted input file.", kinds={"duckdb"}),
        dg.AssetSpec(RAW_PAGES, description="Page texts as extracted.", kinds={"duckdb"}),
        dg.AssetSpec(RAW_REJECTED_FILES, description="Inputs that did not make it through a stage, with "
                     "a reason code and a message a person can act on.", kinds={"duckdb"}),
    ],
    group_name="raw",
    **WAREHOUSE_ASSET,
)
def raw_documents(context: dg.AssetExecutionContext, landing: LandingFolder, warehouse: Warehouse):
    """Reads every file of the landing folder, keeps those of the run's fiscal years, and records the
    rejected ones (files of unknown year are recorded by every run)."""
    years = partition_years(context)
    frames = ingest_stage(landing.root, years, now=datetime.now(timezone.utc), limits=landing.limits)
    documents, rejected = write_raw_frames(warehouse, years, frames)
    context.log.info(f"fiscal years {years}: {len(documents)} documents, {len(rejected)} rejected files")
    yield dg.MaterializeResult(asset_key=RAW_DOCUMENTS, metadata={
        "dagster/row_count": len(documents),
        "preview": frame_preview(documents[["source_path", "fiscal_year", "source_format", "page_count"]]),
    })
    yield dg.MaterializeResult(asset_key=RAW_PAGES, metadata={"dagster/row_count": len(frames["pages"])})
    yield dg.MaterializeResult(asset_key=RAW_REJECTED_FILES, metadata={
        "dagster/row_count": len(rejected),
        "preview": frame_preview(rejected[["source_path", "reason_code", "message"]]),
    })
