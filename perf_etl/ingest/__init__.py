"""Ingestion: landing folder -> accepted documents with pages (raw.documents, raw.pages) and rejected
files (raw.rejected_files). Plain functions over plain data; the Dagster layer only calls them."""

from perf_etl.ingest.classify import garbage_text_reason
from perf_etl.ingest.discover import DiscoveredFile, discover, folder_year
from perf_etl.ingest.fingerprint import text_fingerprint
from perf_etl.ingest.fiscal_year import YearDetection, YearSpan, detect_years
from perf_etl.ingest.genre import is_self_evaluation_report
from perf_etl.ingest.ingest import (
    FiscalYearDecision,
    IngestSettings,
    LandingResult,
    decide_fiscal_year,
    ingest_file,
)
from perf_etl.ingest.readers import ReadResult, read_document
from perf_etl.ingest.reasons import REASON_CODES, IngestRejection, Reason, describe

__all__ = [
    "REASON_CODES",
    "DiscoveredFile",
    "FiscalYearDecision",
    "IngestRejection",
    "IngestSettings",
    "LandingResult",
    "ReadResult",
    "Reason",
    "YearDetection",
    "YearSpan",
    "decide_fiscal_year",
    "describe",
    "detect_years",
    "discover",
    "folder_year",
    "garbage_text_reason",
    "ingest_file",
    "is_self_evaluation_report",
    "read_document",
    "text_fingerprint",
]
