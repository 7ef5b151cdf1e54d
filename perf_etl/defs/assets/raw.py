"""raw.*: every landing file of the fiscal year as a document with pages, or as a rejected file."""

from datetime import datetime, timezone

import dagster as dg
import pandas as pd

from perf_etl.defs.assets.common import WAREHOUSE_ASSET, frame_preview, wants_full_refresh
from perf_etl.defs.partitions import partition_years
from perf_etl.defs.resources import LandingFolder, Warehouse
from perf_etl.models import Stage
from perf_etl.parallel import ProgressLog
from perf_etl.pipeline import raw_frames, read_landing
from perf_etl.warehouse import fingerprints, read_cache, store

RAW_DOCUMENTS = dg.AssetKey(["raw", "documents"])
RAW_PAGES = dg.AssetKey(["raw", "pages"])
RAW_REJECTED_FILES = dg.AssetKey(["raw", "rejected_files"])
# The names under which the raw assets' input fingerprints are recorded (meta.stage_inputs.asset).
RAW_ASSETS = tuple(key.to_user_string() for key in (RAW_DOCUMENTS, RAW_PAGES, RAW_REJECTED_FILES))


def write_raw_frames(
    warehouse: Warehouse, years: list[int], frames: dict[str, pd.DataFrame], *, full_refresh: bool = False
) -> tuple[pd.DataFrame, pd.DataFrame, int, bool]:
    """First-seen times carried over, then the years' raw.* rows replaced in one transaction, the pages
    copied from the read cache (shared with the distributed ingestion, perf_etl/defs/distributed.py).
    Nothing is written when the rows would be the ones stored (their fingerprint is the one recorded):
    rewriting every page of a large year costs seconds on every run. Returns the documents and rejected
    rows, the number of pages, and whether anything was written."""
    now = datetime.now(timezone.utc)
    with warehouse.connect() as conn:
        documents = store.carry_over_timestamps(conn, "raw.documents", frames["documents"],
                                                ["document_id", "source_path"], "ingested_at")
        rejected = store.carry_over_timestamps(conn, "raw.rejected_files", frames["rejected_files"],
                                               ["source_path", "sha256", "stage", "reason_code"], "detected_at")
        current = fingerprints.raw_fingerprints(documents, rejected, years, read_cache.reader_version())
        stored = fingerprints.recorded(conn, RAW_ASSETS, years)
        unchanged = not full_refresh and all(
            stored.get((asset, year), ("",))[0] == current[year] for asset in RAW_ASSETS for year in years)
        if not unchanged:
            store.write_partition_with(conn, years, [
                store.TableWrite("raw.documents", documents),
                store.TableWrite("raw.pages", pd.DataFrame()),
                store.TableWrite("raw.rejected_files", rejected, {"stage": Stage.INGEST}, include_null_year=True),
            ], [read_cache.pages_insert(years), *fingerprints.record_statements(RAW_ASSETS, current, now)])
        pages = store.read_partition_count(conn, "raw.pages", years)
    return documents, rejected, pages, not unchanged


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
    """Settles every file of the landing folder (reading only those not read before by this reader
    version, perf_etl/warehouse/read_cache.py), keeps those of the run's fiscal years, and records the
    rejected ones (files of unknown year are recorded by every run)."""
    years = partition_years(context)
    full_refresh = wants_full_refresh(context)
    result = read_landing(landing.root, warehouse.connect, now=datetime.now(timezone.utc), limits=landing.limits,
                          progress=ProgressLog(context.log.info, "read"), reread=full_refresh)
    documents, rejected, pages, written = write_raw_frames(warehouse, years, raw_frames(result, years),
                                                           full_refresh=full_refresh)
    outcome = "written" if written else "unchanged, nothing written"
    context.log.info(f"fiscal years {years}: {len(documents)} documents, {len(rejected)} rejected files ({outcome})")
    yield dg.MaterializeResult(asset_key=RAW_DOCUMENTS, metadata={
        "dagster/row_count": len(documents),
        "preview": frame_preview(documents[["source_path", "fiscal_year", "source_format", "page_count"]]),
    })
    yield dg.MaterializeResult(asset_key=RAW_PAGES, metadata={"dagster/row_count": pages})
    yield dg.MaterializeResult(asset_key=RAW_REJECTED_FILES, metadata={
        "dagster/row_count": len(rejected),
        "preview": frame_preview(rejected[["source_path", "reason_code", "message"]]),
    })
