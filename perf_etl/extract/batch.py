"""Extracting documents in worker processes (perf_etl/parallel.py): one outcome a document, an error in place
of one that raised, so that one bad document never takes the others down."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from perf_etl.extract.reports import extract_reports
from perf_etl.extract.table_rows import TableReading
from perf_etl.grid import TableGrid
from perf_etl.models import Extraction
from perf_etl.normalize.packed import PackedDocument, unpacked

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ExtractionError:
    """What extraction raised on one document (an exception object may not survive pickling)."""

    error_type: str
    message: str

    def __str__(self) -> str:
        return f"{self.error_type}: {self.message}"


# A document's reports (one or several, extract/reports.py), each with what its 自评表 tables gave.
DocumentOutcome = list[tuple[Extraction, TableReading]] | ExtractionError


def extract_batch(batch: list[tuple[PackedDocument, list[TableGrid]]]) -> list[DocumentOutcome]:
    """Extract (packed document, its table grids) items, in a worker process."""
    outcomes: list[DocumentOutcome] = []
    for packed_doc, grids in batch:
        doc = unpacked(packed_doc)
        try:
            outcomes.append(extract_reports(doc, grids))
        except Exception as error:  # one bad document must not take the partition down
            log.exception("extraction failed for %s", doc.document_id)
            outcomes.append(ExtractionError(type(error).__name__, str(error)))
    return outcomes
