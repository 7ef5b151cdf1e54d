"""staging.*: the one final text of each document, and its heading-delimited sections.

For the fiscal years whose raw.documents / raw.pages rows changed since their staging rows were written
(every year on a full refresh), the documents are read, normalized in worker processes and written
`store.DOCUMENTS_PER_BATCH` at a time, all in one transaction: a failure anywhere leaves the previous rows.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

import pandas as pd

from perf_etl.models import PageText, Section, StagedDocument
from perf_etl.normalize.packed import SECTION_FIELDS, normalize_batch, section_values, unpacked
from perf_etl.parallel import Parallelism, Progress, WorkerPool, map_batches, overlapped
from perf_etl.pool import CallFailed, OverBudget
from perf_etl.settings import Settings
from perf_etl.stages.common import SILENT, StageLog, parallelism, plan_years, record_statements
from perf_etl.stages.fingerprints import STAGING_ASSETS, YearPlan
from perf_etl.warehouse import store

ASSETS = STAGING_ASSETS
_Row = TypeVar("_Row")


@dataclass(frozen=True)
class StagingResult:
    plan: YearPlan
    documents: int  # rows written to staging.documents
    sections: int


def run(settings: Settings, years: Sequence[int], log: StageLog = SILENT) -> StagingResult:
    with store.connect(settings.warehouse) as conn:
        plan = plan_years(conn, "staging", ASSETS, years, settings, log)
        if not plan.changed:
            return StagingResult(plan, 0, 0)
        changed = plan.changed
        ids = store.document_ids(conn, "raw.documents", changed)
        progress = log.progress("normalized")
        written = {"documents": 0, "sections": 0}
        with store.partition_writer(conn, changed, [store.TableWrite(f"staging.{table}", frame)
                                                    for table, frame in staging_frames([]).items()]) as writer, \
                WorkerPool(parallelism(settings)) as pool:
            inputs = ((store.read_partition(conn, "raw.documents", changed, document_ids=batch),
                       store.read_partition(conn, "raw.pages", changed, document_ids=batch))
                      for batch in store.document_batches(ids))
            # The workers normalize a batch while this process reads the next and writes the one before.
            for staged in overlapped(lambda frames: normalize(*frames, pool=pool), inputs):
                for table, frame in staging_frames(staged).items():
                    writer.insert(f"staging.{table}", frame)
                    written[table] += len(frame)
                progress(written["documents"], len(ids))
                del staged
            writer.record(record_statements(plan, ASSETS))
    return StagingResult(plan, written["documents"], written["sections"])


def normalize(
    documents: pd.DataFrame, pages: pd.DataFrame, *, parallel: Parallelism | None = None,
    progress: Progress | None = None, pool: WorkerPool | None = None,
) -> list[StagedDocument]:
    """Normalize every raw document of the frames, in worker processes (`parallel`, or `pool`'s, kept between
    calls); the result is the same, in the same order, with any number of workers, and for a batch of
    documents it is that batch's part of the whole."""
    pages_by_document = by_document(pages, "page_number", PageText, ["page_number", "text"])
    work = [(str(row.document_id), optional_int(row.fiscal_year), pages_by_document.get(row.document_id, []))
            for row in documents.sort_values("document_id").itertuples()]
    packed = map_batches(normalize_batch, work, parallel=parallel, progress=progress, pool=pool)
    for (document_id, _, _), result in zip(work, packed, strict=True):
        if isinstance(result, CallFailed | OverBudget):
            # As in one process, where it would have ended the step: normalization has no rejection path.
            raise RuntimeError(f"normalizing {document_id} failed: {result}")
    return [unpacked(result) for result in packed]  # type: ignore[arg-type]  # every failure raised above


def by_document(frame: pd.DataFrame, order: str, build: Callable[..., _Row], columns: list[str],
                ) -> dict[str, list[_Row]]:
    """document_id -> `build(*columns)` of each of its rows, in `order`. Plain lists of Python values
    (`tolist`): a pandas group per document costs more than the rows' whole content."""
    ordered = frame.sort_values(["document_id", order], kind="stable")
    rows: dict[str, list[_Row]] = {}
    for document_id, *values in zip(*(ordered[column].tolist() for column in ["document_id", *columns]), strict=True):
        rows.setdefault(document_id, []).append(build(*values))
    return rows


def staging_frames(staged: Sequence[StagedDocument]) -> dict[str, pd.DataFrame]:
    """staging.documents and staging.sections rows."""
    documents = pd.DataFrame(
        [{"document_id": d.document_id, "fiscal_year": d.fiscal_year, "text": d.text,
          "char_count": len(d.text), "page_starts": list(d.page_starts)} for d in staged],
        columns=["document_id", "fiscal_year", "text", "char_count", "page_starts"],
    )
    # Tuples of the fields, not dataclasses.asdict: its deep copies cost seconds per 10,000 documents.
    section_rows = [(d.document_id, d.fiscal_year, *section_values(s)) for d in staged for s in d.sections]
    return {"documents": documents,
            "sections": pd.DataFrame(section_rows, columns=["document_id", "fiscal_year", *SECTION_FIELDS])}


def staged_from_frames(documents: pd.DataFrame, sections: pd.DataFrame) -> list[StagedDocument]:
    """Rebuild StagedDocuments from staging rows (the inverse of `staging_frames`)."""
    sections_by_document = by_document(sections, "ordinal", Section, SECTION_FIELDS)
    return [
        StagedDocument(
            document_id=row.document_id,
            fiscal_year=optional_int(row.fiscal_year),
            text=row.text,
            page_starts=[int(x) for x in row.page_starts],
            sections=sections_by_document.get(row.document_id, []),
        )
        for row in documents.sort_values("document_id").itertuples()
    ]


def optional_int(value: object) -> int | None:
    return None if value is None or pd.isna(value) else int(value)
