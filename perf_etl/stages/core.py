"""core.*: every field with its evidence, the 自评表's indicators, validated by pandera, with the contract's
checks.

For the fiscal years whose staging rows, table cells, extraction code or corrections changed since their core
rows were written (every year on a full refresh): the staged texts are extracted in worker processes, batch by
batch; the analysts' corrections are applied; the contract checks run; rows pandera refuses become
rejections (stage validate), as do documents extraction fails on (stage extract). The core tables, those
rejections, the checks' outcomes and the fingerprints are written in one transaction.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone

import duckdb
import pandas as pd

from perf_etl.core_tables import core_frames
from perf_etl.extract.batch import ExtractionError, extract_batch
from perf_etl.extract.confidence import finalize_confidence
from perf_etl.extract.table_rows import TableReading, totals_frame
from perf_etl.grid import grids_from_frame
from perf_etl.models import Extraction, RejectedFile, Stage, StagedDocument
from perf_etl.normalize.packed import packed
from perf_etl.parallel import Parallelism, Progress, WorkerPool, map_batches, overlapped
from perf_etl.pool import CallFailed, OverBudget
from perf_etl.review import corrections
from perf_etl.settings import Settings
from perf_etl.stages.common import (
    SILENT,
    StageLog,
    parallelism,
    plan_years,
    record_statements,
    rejected_frame,
    with_first_seen,
)
from perf_etl.stages.fingerprints import CORE_ASSETS, YearPlan
from perf_etl.stages.staging import staged_from_frames
from perf_etl.validate.checks import CheckOutcome, run_contract_checks, table_totals_agree
from perf_etl.validate.rows import validate_core
from perf_etl.validate.schemas import CORE_MODELS
from perf_etl.warehouse import check_results, store

ASSETS = CORE_ASSETS
TABLES = tuple(CORE_MODELS)
EXTRACTION_ERROR = "extraction_error"


@dataclass(frozen=True)
class CoreResult:
    """What a run of the stage computed and kept."""

    plan: YearPlan
    tables: dict[str, pd.DataFrame]  # the rows written, by core table (none when no year was computed)
    checks: list[CheckOutcome]  # evaluated now, over the years computed
    kept_checks: dict[str, check_results.KeptOutcome]  # as last evaluated, over the years skipped
    withheld: list[str]  # documents whose rows pandera refused, all of them
    review: pd.DataFrame  # review.corrections: what became of every correction


def run(settings: Settings, years: Sequence[int], log: StageLog = SILENT,
        tables: Collection[str] = TABLES) -> CoreResult:
    """The stage for `years`, writing the core `tables` (all by default; a subset selected in the UI writes
    those only, and the others lack this year's fingerprint and are computed next time)."""
    now = datetime.now(timezone.utc)
    # Read once, when the stage starts: a correction recorded meanwhile is applied by the next run.
    stored_corrections = corrections.load_corrections(settings.corrections)
    written: dict[str, pd.DataFrame] = {}
    outcomes: list[CheckOutcome] = []
    withheld: list[str] = []
    with store.connect(settings.warehouse) as conn:
        year_corrections = corrections.by_year(conn, stored_corrections, years)
        plan = plan_years(conn, "core", ASSETS, years, settings, log, extra_by_year={
            year: corrections.fingerprint(found) for year, found in year_corrections.items()})
        if plan.changed:
            to_apply = [c for year in plan.changed for c in year_corrections.get(year, [])]
            written, outcomes, withheld = _compute(conn, settings, plan, now, to_apply, log, tables)
        kept = check_results.load(conn, plan.skipped) if plan.skipped else {}
        # After the core rows are written: what became of every correction.
        review = corrections.write_review_table(conn, stored_corrections)
    if not review.empty:
        log.info("corrections: " + ", ".join(
            f"{count} {status}" for status, count in review["status"].value_counts().sort_index().items()))
    return CoreResult(plan, written, outcomes, kept, withheld, review)


def _compute(
    conn: duckdb.DuckDBPyConnection, settings: Settings, plan: YearPlan, now: datetime,
    to_apply: list[corrections.Correction], log: StageLog, tables: Collection[str],
) -> tuple[dict[str, pd.DataFrame], list[CheckOutcome], list[str]]:
    """Extract, correct, check and validate the plan's changed years, and write them. Returns the rows
    written, the checks' outcomes, and the documents whose rows pandera refused, all of them."""
    years = plan.changed
    raw_documents = store.read_partition(conn, "raw.documents", years)
    source_paths = dict(zip(raw_documents["document_id"], raw_documents["source_path"], strict=True))
    del raw_documents
    gathered = _extract_years(conn, settings, years, source_paths, now, log)
    extracted, extract_failures = extracted_frames(gathered, store.ocr_page_confidence(conn, years))
    # Before the checks and the validation: they see the values core will hold.
    extracted = corrections.apply_corrections(extracted, to_apply)
    outcomes = run_contract_checks(extracted, years)
    accepted, validate_failures = validate_core(extracted, source_paths, now)
    selected = {table: frame for table, frame in accepted.items() if table in tables}
    writes = [store.TableWrite(f"core.{table}", frame) for table, frame in selected.items()]
    for stage, rejected in ((Stage.EXTRACT, extract_failures), (Stage.VALIDATE, validate_failures)):
        writes.append(store.TableWrite("raw.rejected_files", with_first_seen(conn, rejected_frame(rejected)),
                                       {"stage": stage}))
    store.write_partition_with(conn, years, writes, [
        *record_statements(plan, [f"core/{table}" for table in selected]),
        *check_results.save_statements(conn, outcomes, years, now)])
    kept = set(accepted["reports"]["document_id"])
    return selected, outcomes, sorted({r.sha256 for r in validate_failures if r.sha256 and r.sha256 not in kept})


def _extract_years(conn: duckdb.DuckDBPyConnection, settings: Settings, years: list[int],
                   source_paths: dict[str, str], now: datetime, log: StageLog) -> Extracted:
    """What extraction gives for the years' documents. The staged texts are read and extracted
    `store.DOCUMENTS_PER_BATCH` documents at a time and dropped; what extraction gives is small next to
    them and is kept for the whole years, which the validation and the contract checks need."""
    ids = store.document_ids(conn, "staging.documents", years)
    progress = log.progress("extracted")
    gathered = Extracted()
    with WorkerPool(parallelism(settings)) as pool:
        inputs = ((staged_from_frames(store.read_partition(conn, "staging.documents", years, document_ids=batch),
                                      store.read_partition(conn, "staging.sections", years, document_ids=batch)),
                   store.read_partition(conn, "raw.table_cells", years, document_ids=batch))
                  for batch in store.document_batches(ids))
        # The workers extract a batch while this process reads the next.
        for _ in overlapped(lambda batch: extract_documents(batch[0], source_paths, now=now, tables=batch[1],
                                                            pool=pool, into=gathered), inputs):
            progress(len(gathered.extractions) + len(gathered.failures), len(ids))
    return gathered


# ---------------------------------------------------------------- extraction of staged documents


def extract(
    staged: Sequence[StagedDocument], source_paths: dict[str, str], *, now: datetime,
    tables: pd.DataFrame | None = None, page_confidence: pd.DataFrame | None = None,
    parallel: Parallelism | None = None, progress: Progress | None = None,
) -> tuple[dict[str, pd.DataFrame], list[RejectedFile]]:
    """The core tables of the documents (before validation), and the documents extraction failed on.

    `tables` are raw.table_cells rows: each document's 自评表 adds its indicators and fills the report
    fields the prose left null. `page_confidence` (document_id, page_number, ocr_confidence: raw.pages
    rows of OCR'd pages) gives each evidence row the confidence of the page it was read from. The frames
    also hold `table_totals` (what each table states, for the table_totals_agree check), which is not a
    core table and is not stored. Documents are extracted in worker processes (`parallel`), with the same
    result in the same order as in one process; a document whose extraction raises (or whose worker process
    dies) becomes a rejection. The stage does the same in batches of documents: `extract_documents` per
    batch, then `extracted_frames` once.
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
    `Extracted`) in the documents' order; see `extract`."""
    extracted = into if into is not None else Extracted()
    grids = grids_from_frame(tables) if tables is not None and not tables.empty else {}
    work = [(packed(doc), grids.get(doc.document_id, [])) for doc in staged]
    outcomes = map_batches(extract_batch, work, parallel=parallel, progress=progress, pool=pool)
    for doc, outcome in zip(staged, outcomes, strict=True):
        if isinstance(outcome, ExtractionError | CallFailed | OverBudget):
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
    """The frames of `extract` from what `extract_documents` gathered."""
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


def _extraction_failure(
    doc: StagedDocument, source_paths: dict[str, str], error: ExtractionError | CallFailed | OverBudget,
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


def _describe(error: ExtractionError | CallFailed | OverBudget) -> str:
    if isinstance(error, CallFailed):
        return error.reason
    if isinstance(error, OverBudget):
        return f"over {error.seconds:.0f} s in a worker process"
    return str(error)
