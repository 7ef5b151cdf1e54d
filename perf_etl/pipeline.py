"""The pipeline's stages as plain functions from tables to tables.

The Dagster assets (perf_etl/defs) and the `perf-etl` CLI call these; they know nothing of Dagster, so
they are tested directly. Each stage takes the rows of some fiscal years and returns the rows to write
for those years, plus the inputs it rejected.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path

import pandas as pd

from perf_etl.core_tables import core_frames
from perf_etl.extract import extract_document
from perf_etl.ingest.ingest import IngestLimits, LandingResult, ingest_landing
from perf_etl.ingest.pool import CallFailed, OverBudget
from perf_etl.models import (
    Extraction,
    PageText,
    RawDocument,
    RejectedFile,
    Section,
    Stage,
    StagedDocument,
    records_frame,
)
from perf_etl.normalize import normalize_document
from perf_etl.parallel import Parallelism, Progress, map_batches
from perf_etl.tables.grid import TableGrid, grids_from_frame
from perf_etl.tables.rows import TableReading, read_reading, totals_frame

log = logging.getLogger(__name__)

EXTRACTION_ERROR = "extraction_error"
PAGE_COLUMNS = ["document_id", "fiscal_year", "page_number", "text", "char_count"]


def rejected_frame(rejected: Iterable[RejectedFile]) -> pd.DataFrame:
    return records_frame(list(rejected), RejectedFile)


# ---------------------------------------------------------------- ingest


def ingest_stage(
    landing: Path, years: Sequence[int], *, now: datetime, limits: IngestLimits | None = None
) -> dict[str, pd.DataFrame]:
    """raw.documents, raw.pages and raw.rejected_files rows for `years`.

    Rejections whose fiscal year is unknown are returned by every run (they belong to no partition).
    """
    return raw_frames(ingest_landing(landing, now=now, limits=limits or IngestLimits.from_environment()), years)


def raw_frames(result: LandingResult, years: Sequence[int]) -> dict[str, pd.DataFrame]:
    """The raw.* rows of `years` from a settled landing folder (shared with the distributed ingestion,
    which settles the outcomes of batches read on other machines)."""
    wanted = set(years)
    accepted = [f for f in result.accepted if f.document.fiscal_year in wanted]
    pages = [
        {"document_id": f.document.document_id, "fiscal_year": f.document.fiscal_year,
         "page_number": p.page_number, "text": p.text, "char_count": len(p.text)}
        for f in accepted
        for p in f.pages
    ]
    rejected = [r for r in result.rejected if r.fiscal_year is None or r.fiscal_year in wanted]
    return {
        "documents": records_frame([f.document for f in accepted], RawDocument),
        "pages": pd.DataFrame(pages, columns=PAGE_COLUMNS),
        "rejected_files": rejected_frame(rejected),
    }


def landing_years(landing: Path, *, now: datetime, limits: IngestLimits | None = None) -> list[int]:
    """The fiscal years of the reports accepted from the landing folder."""
    result = ingest_landing(landing, now=now, limits=limits or IngestLimits.from_environment())
    return sorted({f.document.fiscal_year for f in result.accepted if f.document.fiscal_year is not None})


# ---------------------------------------------------------------- normalize


def normalize_stage(
    documents: pd.DataFrame, pages: pd.DataFrame, *, parallel: Parallelism | None = None,
    progress: Progress | None = None,
) -> list[StagedDocument]:
    """Normalize every raw document of the frames, in worker processes (`parallel`, default from
    PERF_ETL_WORKERS); the result is the same, in the same order, with any number of workers."""
    pages_by_document = {
        document_id: [PageText(int(p.page_number), str(p.text)) for p in group.sort_values("page_number").itertuples()]
        for document_id, group in pages.groupby("document_id")
    }
    work = [(str(row.document_id), _optional_int(row.fiscal_year), pages_by_document.get(row.document_id, []))
            for row in documents.sort_values("document_id").itertuples()]
    staged = map_batches(_normalize_batch, work, parallel=parallel, progress=progress)
    for (document_id, _, _), result in zip(work, staged, strict=True):
        if isinstance(result, CallFailed | OverBudget):
            # As in one process, where it would have ended the step: normalization has no rejection path.
            raise RuntimeError(f"normalizing {document_id} failed: {result}")
    return staged  # type: ignore[return-value]  # every failure raised above


def _normalize_batch(batch: list[tuple[str, int | None, list[PageText]]]) -> list[StagedDocument]:
    return [normalize_document(document_id, year, pages) for document_id, year, pages in batch]


def staging_frames(staged: Sequence[StagedDocument]) -> dict[str, pd.DataFrame]:
    """staging.documents and staging.sections rows."""
    documents = pd.DataFrame(
        [{"document_id": d.document_id, "fiscal_year": d.fiscal_year, "text": d.text,
          "char_count": len(d.text), "page_starts": list(d.page_starts)} for d in staged],
        columns=["document_id", "fiscal_year", "text", "char_count", "page_starts"],
    )
    section_rows = [
        {"document_id": d.document_id, "fiscal_year": d.fiscal_year, **asdict(s)} for d in staged for s in d.sections
    ]
    section_columns = ["document_id", "fiscal_year", *Section.__dataclass_fields__]
    return {"documents": documents, "sections": pd.DataFrame(section_rows, columns=section_columns)}


def staged_from_frames(documents: pd.DataFrame, sections: pd.DataFrame) -> list[StagedDocument]:
    """Rebuild StagedDocuments from staging rows (the inverse of `staging_frames`)."""
    sections_by_document = {
        document_id: [
            Section(int(s.ordinal), int(s.level), s.heading, s.text, int(s.page_number), int(s.char_start))
            for s in group.sort_values("ordinal").itertuples()
        ]
        for document_id, group in sections.groupby("document_id")
    }
    return [
        StagedDocument(
            document_id=row.document_id,
            fiscal_year=_optional_int(row.fiscal_year),
            text=row.text,
            page_starts=[int(x) for x in row.page_starts],
            sections=sections_by_document.get(row.document_id, []),
        )
        for row in documents.sort_values("document_id").itertuples()
    ]


# ---------------------------------------------------------------- extract


def extract_stage(
    staged: Sequence[StagedDocument], source_paths: dict[str, str], *, now: datetime,
    tables: pd.DataFrame | None = None, parallel: Parallelism | None = None, progress: Progress | None = None,
) -> tuple[dict[str, pd.DataFrame], list[RejectedFile]]:
    """The core tables of the documents (before validation), and the documents extraction failed on.

    `tables` are raw.table_cells rows: each document's 自评表 adds its indicators and fills the report
    fields the prose left null. The frames also hold `table_totals` (what each table states, for the
    table_totals_agree check), which is not a core table and is not stored. Documents are extracted in
    worker processes (`parallel`, default from PERF_ETL_WORKERS), with the same result in the same order as
    in one process; a document whose extraction raises (or whose worker process dies) becomes a rejection.
    """
    grids = grids_from_frame(tables) if tables is not None and not tables.empty else {}
    work = [(doc, grids.get(doc.document_id, [])) for doc in staged]
    extractions: list[tuple[StagedDocument, Extraction]] = []
    readings: list[tuple[StagedDocument, TableReading]] = []
    failures = []
    for doc, outcome in zip(staged, map_batches(_extract_batch, work, parallel=parallel, progress=progress),
                            strict=True):
        if isinstance(outcome, _ExtractionError | CallFailed | OverBudget):
            failures.append(_extraction_failure(doc, source_paths, outcome, now))
        else:
            extraction, reading = outcome
            extractions.append((doc, extraction))
            readings.append((doc, reading))
    return {**core_frames(extractions), "table_totals": totals_frame(readings)}, failures


@dataclass(frozen=True)
class _ExtractionError:
    """What extraction raised on one document (an exception object may not survive pickling)."""

    error_type: str
    message: str

    def __str__(self) -> str:
        return f"{self.error_type}: {self.message}"


def _extract_batch(
    batch: list[tuple[StagedDocument, list[TableGrid]]],
) -> list[tuple[Extraction, TableReading] | _ExtractionError]:
    outcomes: list[tuple[Extraction, TableReading] | _ExtractionError] = []
    for doc, grids in batch:
        try:
            reading = read_reading(doc.document_id, doc.fiscal_year, grids)
            outcomes.append((extract_document(doc, reading), reading))
        except Exception as error:  # one bad document must not take the partition down
            log.exception("extraction failed for %s", doc.document_id)
            outcomes.append(_ExtractionError(type(error).__name__, str(error)))
    return outcomes


def _extraction_failure(
    doc: StagedDocument, source_paths: dict[str, str], error: _ExtractionError | CallFailed | OverBudget,
    now: datetime,
) -> RejectedFile:
    return RejectedFile(
        source_path=source_paths.get(doc.document_id, doc.document_id),
        sha256=doc.document_id,
        fiscal_year=doc.fiscal_year,
        stage=Stage.EXTRACT,
        reason_code=EXTRACTION_ERROR,
        message=f"field extraction failed ({_describe(error)}); the report is kept in raw and "
        "staging but not in core. Report it with the file so the rule can be fixed, then re-run the year.",
        detected_at=now,
    )


def _describe(error: _ExtractionError | CallFailed | OverBudget) -> str:
    if isinstance(error, CallFailed):
        return error.reason
    if isinstance(error, OverBudget):
        return f"over {error.seconds:.0f} s in a worker process"
    return str(error)


def _optional_int(value: object) -> int | None:
    return None if value is None or pd.isna(value) else int(value)
