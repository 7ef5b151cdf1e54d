"""The pipeline's stages as plain functions from tables to tables.

The Dagster assets (perf_etl/defs) and the `perf-etl` CLI call these; they know nothing of Dagster, so
they are tested directly. Each stage takes the rows of some fiscal years and returns the rows to write
for those years, plus the inputs it rejected.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import datetime
from operator import attrgetter
from pathlib import Path
from typing import TypeVar

import duckdb
import pandas as pd

from perf_etl.core_tables import core_frames
from perf_etl.extract.confidence import finalize_confidence
from perf_etl.extract.reports import extract_reports
from perf_etl.extract.table_rows import TableReading, totals_frame
from perf_etl.grid import TableGrid, grids_from_frame
from perf_etl.ingest.ingest import (
    IngestLimits,
    LandingPlan,
    LandingResult,
    Outcome,
    ReadTask,
    plan_landing,
    read_tasks,
    reading_pool,
    settle_landing,
)
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
from perf_etl.parallel import Parallelism, Progress, WorkerPool, map_batches
from perf_etl.pool import CallFailed, OverBudget
from perf_etl.validate.checks import table_totals_agree
from perf_etl.warehouse import read_cache, store

_Row = TypeVar("_Row")

# Section's fields in constructor order, and a section's values in that order (staging.sections columns).
_SECTION_FIELDS = list(Section.__dataclass_fields__)
_section_values = attrgetter(*_SECTION_FIELDS)

log = logging.getLogger(__name__)

EXTRACTION_ERROR = "extraction_error"


def rejected_frame(rejected: Iterable[RejectedFile]) -> pd.DataFrame:
    return records_frame(list(rejected), RejectedFile)


# ---------------------------------------------------------------- ingest


# Files read between two writes to the read cache: bounds the pages held in memory, and is the grain of
# the progress reports.
READ_CHUNK_FILES = 200

Connect = Callable[[], contextlib.AbstractContextManager[duckdb.DuckDBPyConnection]]  # opens the warehouse


def plan_from_cache(
    landing: Path, connect: Connect, *, now: datetime, limits: IngestLimits, reread: bool = False
) -> tuple[LandingPlan, dict[int, Outcome]]:
    """The landing plan (files of unchanged size and mtime are not hashed again) and, by position in
    plan.to_read, the outcomes the read cache has for it; none with `reread` (a full refresh)."""
    with connect() as conn:
        known_hashes = {} if reread else read_cache.known_hashes(conn)
    plan = plan_landing(landing, now=now, limits=limits, known_hashes=known_hashes)
    with connect() as conn:
        cached = {} if reread else read_cache.cached_outcomes(conn, plan.to_read, read_cache.reader_version())
        read_cache.refresh_stamps(conn, plan.tasks)
    return plan, cached


def read_landing(
    landing: Path, connect: Connect, *, now: datetime,
    limits: IngestLimits | None = None, progress: Progress | None = None, reread: bool = False,
) -> LandingResult:
    """Every landing file settled as a document or a rejection, reading only files the read cache
    (perf_etl/warehouse/read_cache.py) has no outcome for, or every file with `reread` (a full refresh);
    accepted files come without pages, which are in the cache. `connect` opens the warehouse, for short
    transactions between chunks of reading."""
    limits = limits or IngestLimits.from_environment()
    plan, outcomes = plan_from_cache(landing, connect, now=now, limits=limits, reread=reread)
    tasks, reader = plan.to_read, read_cache.reader_version()
    unread = [index for index in range(len(tasks)) if index not in outcomes]
    log.info("%d landing files: %d read before, %d to read", len(plan.tasks), len(outcomes), len(unread))
    # A chunk's outcomes are written to the cache in a thread while the workers read the next chunk.
    # The same worker processes read every chunk; none start when there is nothing to read.
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="read-cache") as writer, reading_pool(limits) as pool:
        stored: Future[None] | None = None
        for start in range(0, len(unread), READ_CHUNK_FILES):
            chunk = unread[start : start + READ_CHUNK_FILES]
            chunk_tasks = [tasks[index] for index in chunk]
            read = read_tasks(chunk_tasks, limits, pool)
            if stored is not None:
                stored.result()  # one chunk of pages waiting at most; a failed write stops the run here
            stored = writer.submit(_store_reads, connect, chunk_tasks, read, reader)
            outcomes.update((index, read_cache.without_content(o)) for index, o in zip(chunk, read, strict=True))
            if progress is not None:
                progress(start + len(chunk), len(unread))
        if stored is not None:
            stored.result()
    with connect() as conn:
        read_cache.forget_missing(conn, plan.tasks)
    return settle_landing(plan, [outcomes[index] for index in range(len(tasks))])


def _store_reads(connect: Connect, tasks: list[ReadTask], read: list[Outcome], reader: str) -> None:
    with connect() as conn:
        read_cache.store_outcomes(conn, tasks, read, reader)


def raw_frames(result: LandingResult, years: Sequence[int]) -> dict[str, pd.DataFrame]:
    """The raw.documents and raw.rejected_files rows of `years` from a settled landing folder (raw.pages
    is filled from the read cache). Rejections whose fiscal year is unknown belong to every run."""
    wanted = set(years)
    accepted = [f for f in result.accepted if f.document.fiscal_year in wanted]
    rejected = [r for r in result.rejected if r.fiscal_year is None or r.fiscal_year in wanted]
    return {
        "documents": records_frame([f.document for f in accepted], RawDocument),
        "rejected_files": rejected_frame(rejected),
    }


def landing_years(result: LandingResult) -> list[int]:
    """The fiscal years of the landing folder's files: of its reports, and of the files rejected with a known
    year (a run of that year records them)."""
    years = {f.document.fiscal_year for f in result.accepted} | {r.fiscal_year for r in result.rejected}
    return sorted(year for year in years if year is not None)


def record_yearless_rejections(conn: duckdb.DuckDBPyConnection, result: LandingResult) -> int:
    """Write the rejections whose fiscal year is unknown to raw.rejected_files, as every run of a year does:
    for a landing folder with no year to run, so that its files are accounted for all the same. Returns how
    many there are."""
    frame = store.carry_over_timestamps(conn, "raw.rejected_files", raw_frames(result, [])["rejected_files"],
                                        ["source_path", "sha256", "stage", "reason_code"], "detected_at")
    store.write_partition(conn, [], [store.TableWrite("raw.rejected_files", frame, {"stage": Stage.INGEST},
                                                      include_null_year=True)])
    return len(frame)


def years_left_behind(conn: duckdb.DuckDBPyConnection, found: Sequence[int]) -> list[int]:
    """The fiscal years the warehouse holds rows for that no landing file has any more (its files were
    removed): a run of those years empties them."""
    held = conn.execute(
        "SELECT fiscal_year FROM raw.documents UNION SELECT fiscal_year FROM raw.rejected_files "
        "UNION SELECT fiscal_year FROM core.reports"
    ).fetchall()
    return sorted({year for (year,) in held if year is not None} - set(found))


# ---------------------------------------------------------------- normalize


def normalize_stage(
    documents: pd.DataFrame, pages: pd.DataFrame, *, parallel: Parallelism | None = None,
    progress: Progress | None = None, pool: WorkerPool | None = None,
) -> list[StagedDocument]:
    """Normalize every raw document of the frames, in worker processes (`parallel`, default from
    PERF_ETL_WORKERS, or `pool`'s, kept between calls); the result is the same, in the same order, with any
    number of workers, and for a batch of documents it is that batch's part of the whole."""
    pages_by_document = _by_document(pages, "page_number", PageText, ["page_number", "text"])
    work = [(str(row.document_id), _optional_int(row.fiscal_year), pages_by_document.get(row.document_id, []))
            for row in documents.sort_values("document_id").itertuples()]
    packed = map_batches(_normalize_batch, work, parallel=parallel, progress=progress, pool=pool)
    for (document_id, _, _), result in zip(work, packed, strict=True):
        if isinstance(result, CallFailed | OverBudget):
            # As in one process, where it would have ended the step: normalization has no rejection path.
            raise RuntimeError(f"normalizing {document_id} failed: {result}")
    return [_unpacked(result) for result in packed]  # type: ignore[arg-type]  # every failure raised above


def _by_document(frame: pd.DataFrame, order: str, build: Callable[..., _Row], columns: list[str],
                 ) -> dict[str, list[_Row]]:
    """document_id -> `build(*columns)` of each of its rows, in `order`. Plain lists of Python values
    (`tolist`): a pandas group per document costs more than the rows' whole content."""
    ordered = frame.sort_values(["document_id", order], kind="stable")
    rows: dict[str, list[_Row]] = {}
    for document_id, *values in zip(*(ordered[column].tolist() for column in ["document_id", *columns]), strict=True):
        rows.setdefault(document_id, []).append(build(*values))
    return rows


def _normalize_batch(batch: list[tuple[str, int | None, list[PageText]]]) -> list[_PackedDocument]:
    return [_packed(normalize_document(document_id, year, pages)) for document_id, year, pages in batch]


# A StagedDocument between processes: its fields, and its sections' fields as tuples. Pickling a hundred
# Section dataclasses a document costs about four times what pickling their fields does.
_PackedDocument = tuple[str, int | None, str, list[int], list[tuple[object, ...]]]


def _packed(doc: StagedDocument) -> _PackedDocument:
    return doc.document_id, doc.fiscal_year, doc.text, doc.page_starts, [_section_values(s) for s in doc.sections]


def _unpacked(packed: _PackedDocument) -> StagedDocument:
    document_id, fiscal_year, text, page_starts, sections = packed
    return StagedDocument(document_id, fiscal_year, text, page_starts, [Section(*fields) for fields in sections])


def staging_frames(staged: Sequence[StagedDocument]) -> dict[str, pd.DataFrame]:
    """staging.documents and staging.sections rows."""
    documents = pd.DataFrame(
        [{"document_id": d.document_id, "fiscal_year": d.fiscal_year, "text": d.text,
          "char_count": len(d.text), "page_starts": list(d.page_starts)} for d in staged],
        columns=["document_id", "fiscal_year", "text", "char_count", "page_starts"],
    )
    # Tuples of the fields, not dataclasses.asdict: its deep copies cost seconds per 10,000 documents.
    section_rows = [(d.document_id, d.fiscal_year, *_section_values(s)) for d in staged for s in d.sections]
    return {"documents": documents,
            "sections": pd.DataFrame(section_rows, columns=["document_id", "fiscal_year", *_SECTION_FIELDS])}


def staged_from_frames(documents: pd.DataFrame, sections: pd.DataFrame) -> list[StagedDocument]:
    """Rebuild StagedDocuments from staging rows (the inverse of `staging_frames`)."""
    sections_by_document = _by_document(sections, "ordinal", Section, _SECTION_FIELDS)
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
    tables: pd.DataFrame | None = None, page_confidence: pd.DataFrame | None = None,
    parallel: Parallelism | None = None, progress: Progress | None = None,
) -> tuple[dict[str, pd.DataFrame], list[RejectedFile]]:
    """The core tables of the documents (before validation), and the documents extraction failed on.

    `tables` are raw.table_cells rows: each document's 自评表 adds its indicators and fills the report
    fields the prose left null. `page_confidence` (document_id, page_number, ocr_confidence: raw.pages
    rows of OCR'd pages) gives each evidence row the confidence of the page it was read from. The frames
    also hold `table_totals` (what each table states, for the table_totals_agree check), which is not a
    core table and is not stored. Documents are extracted in
    worker processes (`parallel`, default from PERF_ETL_WORKERS), with the same result in the same order as
    in one process; a document whose extraction raises (or whose worker process dies) becomes a rejection.
    The same in batches of documents: `extract_documents` per batch, then `extracted_frames` once.
    """
    extracted = extract_documents(staged, source_paths, now=now, tables=tables, parallel=parallel,
                                  progress=progress)
    return extracted_frames(extracted, page_confidence)


@dataclass
class Extracted:
    """What extraction read from documents, batch after batch (`extract_documents`), without their text:
    the core rows are small next to the text, so a stage keeps these for all its documents and builds the
    frames once (`extracted_frames`)."""

    extractions: list[tuple[StagedDocument, Extraction]] = field(default_factory=list)  # one a report
    readings: list[tuple[StagedDocument, str, TableReading]] = field(default_factory=list)  # (…, report_id, …)
    failures: list[RejectedFile] = field(default_factory=list)


def extract_documents(
    staged: Sequence[StagedDocument], source_paths: dict[str, str], *, now: datetime,
    tables: pd.DataFrame | None = None, parallel: Parallelism | None = None, progress: Progress | None = None,
    pool: WorkerPool | None = None, into: Extracted | None = None,
) -> Extracted:
    """Extract `staged` (with `tables`, their raw.table_cells rows), appending to `into` (or a new
    `Extracted`) in the documents' order; see `extract_stage`."""
    extracted = into if into is not None else Extracted()
    grids = grids_from_frame(tables) if tables is not None and not tables.empty else {}
    work = [(_packed(doc), grids.get(doc.document_id, [])) for doc in staged]
    outcomes = map_batches(_extract_batch, work, parallel=parallel, progress=progress, pool=pool)
    for doc, outcome in zip(staged, outcomes, strict=True):
        if isinstance(outcome, _ExtractionError | CallFailed | OverBudget):
            extracted.failures.append(_extraction_failure(doc, source_paths, outcome, now))
        else:
            # The frames need the document's id and year only: its text is not kept.
            bare = replace(doc, text="", page_starts=[], sections=[])
            for extraction, reading in outcome:  # one a report the file holds (extract/reports.py)
                extracted.extractions.append((bare, extraction))
                extracted.readings.append((bare, extraction.report["report_id"], reading))
    return extracted


def extracted_frames(
    extracted: Extracted, page_confidence: pd.DataFrame | None = None,
) -> tuple[dict[str, pd.DataFrame], list[RejectedFile]]:
    """The frames of `extract_stage` from what `extract_documents` gathered."""
    frames = core_frames(extracted.extractions)
    frames["field_evidence"] = with_ocr_confidence(frames["field_evidence"], page_confidence)
    frames["table_totals"] = totals_frame(extracted.readings)
    # The evidence's confidence, lowered for OCR pages, flattened tables and prose the 自评表 contradicts.
    frames["field_evidence"] = finalize_confidence(frames["field_evidence"], table_totals_agree(frames, []))
    return frames, list(extracted.failures)


def with_ocr_confidence(evidence: pd.DataFrame, page_confidence: pd.DataFrame | None) -> pd.DataFrame:
    """`evidence` with its ocr_confidence column set to its page's OCR confidence (null for pages with a
    text layer), rows and columns in the same order."""
    keys = ["document_id", "page_number"]
    pages = page_confidence if page_confidence is not None else pd.DataFrame(columns=[*keys, "ocr_confidence"])
    confidence = pages[[*keys, "ocr_confidence"]].astype({"page_number": "int64", "ocr_confidence": "float64"})
    merged = evidence.drop(columns="ocr_confidence").astype({"page_number": "int64"}).merge(
        confidence, on=keys, how="left", validate="many_to_one")
    merged.index = evidence.index
    return merged[evidence.columns]


@dataclass(frozen=True)
class _ExtractionError:
    """What extraction raised on one document (an exception object may not survive pickling)."""

    error_type: str
    message: str

    def __str__(self) -> str:
        return f"{self.error_type}: {self.message}"


def _extract_batch(
    batch: list[tuple[_PackedDocument, list[TableGrid]]],
) -> list[list[tuple[Extraction, TableReading]] | _ExtractionError]:
    outcomes: list[list[tuple[Extraction, TableReading]] | _ExtractionError] = []
    for packed, grids in batch:
        doc = _unpacked(packed)
        try:
            outcomes.append(extract_reports(doc, grids))
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
