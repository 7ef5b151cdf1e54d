"""Normalizing documents in worker processes (perf_etl/parallel.py), and StagedDocuments between processes.

The workers' function lives here, below the stages, so that a worker process imports what normalizing and
extracting need and nothing of the warehouse or of Dagster.
"""

from __future__ import annotations

from operator import attrgetter

from perf_etl.models import PageText, Section, StagedDocument
from perf_etl.normalize import normalize_document

# Section's fields in constructor order, and a section's values in that order (staging.sections columns).
SECTION_FIELDS = list(Section.__dataclass_fields__)
section_values = attrgetter(*SECTION_FIELDS)

# A StagedDocument between processes: its fields, and its sections' fields as tuples. Pickling a hundred
# Section dataclasses a document costs about four times what pickling their fields does.
PackedDocument = tuple[str, int | None, str, list[int], list[tuple[object, ...]]]


def packed(doc: StagedDocument) -> PackedDocument:
    return doc.document_id, doc.fiscal_year, doc.text, doc.page_starts, [section_values(s) for s in doc.sections]


def unpacked(packed_doc: PackedDocument) -> StagedDocument:
    document_id, fiscal_year, text, page_starts, sections = packed_doc
    return StagedDocument(document_id, fiscal_year, text, page_starts, [Section(*fields) for fields in sections])


def normalize_batch(batch: list[tuple[str, int | None, list[PageText]]]) -> list[PackedDocument]:
    """Normalize (document_id, fiscal_year, pages) items, in a worker process."""
    return [packed(normalize_document(document_id, year, pages)) for document_id, year, pages in batch]
