"""One landing file through the pipeline's functions, as the readers' tests look at it."""

from datetime import datetime
from pathlib import Path

from perf_etl.extract import extract_document
from perf_etl.extract.table_rows import read_reading
from perf_etl.ingest.ingest import ingest_file
from perf_etl.models import Extraction, IngestedFile, RejectedFile
from perf_etl.normalize import normalize_document


def extracted(path: Path, root: Path, now: datetime) -> Extraction:
    """What extraction reads of the file, which must be accepted."""
    outcome = ingest_file(path, root, now)
    assert isinstance(outcome, IngestedFile), outcome
    doc = outcome.document
    staged = normalize_document(doc.document_id, doc.fiscal_year, outcome.pages)
    return extract_document(staged, read_reading(doc.document_id, doc.fiscal_year, outcome.tables))


def rejected(path: Path, root: Path, now: datetime) -> RejectedFile:
    """The file's rejection, which there must be."""
    outcome = ingest_file(path, root, now)
    assert isinstance(outcome, RejectedFile), outcome
    return outcome
