"""Ingest a landing folder: every file ends as exactly one accepted document or one rejected row.

A file is accepted when it reads, has a usable text layer, is a self-evaluation report and has a fiscal
year (from its text, or from the <year>/ folder it sits in). Copies are rejected as duplicate_content
in favour of one kept file: the same bytes under another name (the first path wins), or the same text in
another format (pdf over docx over txt, then the first path). Nothing here raises for a bad file: an
unexpected exception becomes an unexpected_error rejection naming the exception class.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from perf_etl.ingest.classify import garbage_text_reason, is_self_evaluation_report
from perf_etl.ingest.discover import DiscoveredFile, discover, entry_for
from perf_etl.ingest.fingerprint import text_fingerprint
from perf_etl.ingest.fiscal_year import YearDetection, detect_years
from perf_etl.ingest.readers import read_document, source_format_of
from perf_etl.ingest.reasons import (
    EmptyFileError,
    IngestRejection,
    NotAReportError,
    NoTextLayerError,
    Reason,
    TooLargeError,
    UnknownFiscalYearError,
    describe,
)
from perf_etl.models import IngestedFile, RawDocument, RejectedFile, Stage

# Which copy of a report in several formats to keep: the PDF is what was published.
FORMAT_PREFERENCE: dict[str, int] = {"pdf": 0, "docx": 1, "txt": 2}
_HASH_CHUNK = 1 << 20


@dataclass(frozen=True)
class IngestLimits:
    """Files beyond these are rejected as too_large before their text is extracted."""

    max_file_bytes: int = 200 * 1024 * 1024
    max_pages: int = 500


@dataclass
class LandingResult:
    """Accepted documents and rejected files, each sorted by source_path."""

    accepted: list[IngestedFile] = field(default_factory=list)
    rejected: list[RejectedFile] = field(default_factory=list)


@dataclass(frozen=True)
class FiscalYearDecision:
    """The fiscal year of a document and how it was decided (RawDocument.fiscal_year_*)."""

    fiscal_year: int | None
    source: str | None  # "content" | "folder" | None
    note: str | None = None


Outcome = IngestedFile | RejectedFile


def ingest_landing(root: Path, *, now: datetime, limits: IngestLimits = IngestLimits()) -> LandingResult:
    """Ingest every file under `root`. Raises only when `root` itself is not a folder."""
    if not root.is_dir():
        raise NotADirectoryError(f"landing folder {root} does not exist or is not a folder")
    kept_by_bytes: dict[str, Outcome] = {}
    outcomes = [_ingest_or_duplicate(found, kept_by_bytes, now, limits) for found in discover(root)]
    return _split(_reject_format_duplicates(outcomes, now))


def ingest_file(path: Path, root: Path, now: datetime, limits: IngestLimits = IngestLimits()) -> Outcome:
    """Ingest one file on its own (no duplicate checks); source_path is relative to `root`."""
    found = entry_for(path.absolute(), root.absolute())
    return _ingest_safely(found, _sha256_or_none(found), now, limits)


def decide_fiscal_year(detection: YearDetection, folder_year: int | None) -> FiscalYearDecision:
    """Content first; the <year>/ folder when the text names no year; a note when the two disagree."""
    content_year = detection.fiscal_year
    if content_year is None:
        return FiscalYearDecision(folder_year, "folder" if folder_year is not None else None)
    if folder_year is None or folder_year == content_year:
        return FiscalYearDecision(content_year, "content")
    evidence = f' ("{detection.fiscal_span.raw_text}")' if detection.fiscal_span else ""
    note = (
        f"The text evaluates fiscal year {content_year}{evidence} but the file is in the {folder_year}/ "
        f"folder; the year in the text is used. Move the file to {content_year}/ if that is right."
    )
    return FiscalYearDecision(content_year, "content", " ".join(note.split()))


def sha256_file(path: Path) -> str:
    """sha256 hex of the file's bytes, read in chunks so large files do not fill memory."""
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while chunk := stream.read(_HASH_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


# ---------------------------------------------------------------- one file


@dataclass
class _Known:
    """What is known about a file so far, for the rejection row if a later step fails."""

    sha256: str | None
    fiscal_year: int | None


def _ingest_safely(found: DiscoveredFile, sha256: str | None, now: datetime, limits: IngestLimits) -> Outcome:
    known = _Known(sha256, found.folder_year)
    try:
        return _ingest_checked(found, known, now, limits)
    except IngestRejection as rejection:
        return _rejected(found.source_path, known, rejection.code, rejection.detail, now)
    except Exception as error:
        # A reader bug or an exotic file must not stop the other files; the class name tells what broke.
        detail = f"{type(error).__name__}: {error}"
        return _rejected(found.source_path, known, Reason.UNEXPECTED_ERROR, detail, now)


def _ingest_checked(found: DiscoveredFile, known: _Known, now: datetime, limits: IngestLimits) -> IngestedFile:
    """The accepted file, or an IngestRejection; cheap checks come before reading the text."""
    if found.problem is not None:
        raise found.problem
    size = found.path.stat().st_size
    if size == 0:
        raise EmptyFileError("0 bytes")
    source_format_of(found.path)
    if size > limits.max_file_bytes:
        raise TooLargeError(f"{size:,} bytes, limit {limits.max_file_bytes:,}")
    known.sha256 = known.sha256 or sha256_file(found.path)
    read = read_document(found.path, max_pages=limits.max_pages)
    garbage = garbage_text_reason(read.pages)
    if garbage is not None:
        raise NoTextLayerError(garbage)
    text = "\n".join(page.text for page in read.pages)
    decision = decide_fiscal_year(detect_years(text, max_year=now.year), found.folder_year)
    known.fiscal_year = decision.fiscal_year
    if not is_self_evaluation_report(text):
        raise NotAReportError("no 自评报告/自评表 heading and too few of the genre's words")
    if decision.fiscal_year is None:
        raise UnknownFiscalYearError()
    document = RawDocument(
        document_id=known.sha256,
        fiscal_year=decision.fiscal_year,
        source_path=found.source_path,
        file_name=found.path.name,
        file_size_bytes=size,
        source_format=read.source_format,
        page_count=len(read.pages),
        text_engine=read.text_engine,
        ingested_at=now,
        fiscal_year_source=decision.source,
        folder_year=found.folder_year,
        fiscal_year_note=decision.note,
    )
    return IngestedFile(document, read.pages)


def _rejected(source_path: str, known: _Known, code: str, detail: str, now: datetime) -> RejectedFile:
    return RejectedFile(
        source_path=source_path,
        sha256=known.sha256,
        fiscal_year=known.fiscal_year,
        stage=Stage.INGEST,
        reason_code=code,
        message=describe(code, source_path, detail),
        detected_at=now,
    )


def _sha256_or_none(found: DiscoveredFile) -> str | None:
    """The file's sha256, or None when it cannot be read (the rejection then has no sha256)."""
    if found.problem is not None:
        return None
    try:
        return sha256_file(found.path)
    except OSError:
        return None


# ---------------------------------------------------------------- duplicates


def _ingest_or_duplicate(
    found: DiscoveredFile, kept_by_bytes: dict[str, Outcome], now: datetime, limits: IngestLimits
) -> Outcome:
    """Files come in path order, so the first of identical byte strings is the one ingested."""
    sha256 = _sha256_or_none(found)
    kept = kept_by_bytes.get(sha256) if sha256 is not None else None
    if kept is not None and not _is_empty_rejection(kept):
        return _byte_duplicate(found, sha256, kept, now)
    outcome = _ingest_safely(found, sha256, now, limits)
    if sha256 is not None:
        kept_by_bytes.setdefault(sha256, outcome)
    return outcome


def _is_empty_rejection(outcome: Outcome) -> bool:
    # Every empty file has the same sha256; each is reported as empty, not as a copy of the first.
    return isinstance(outcome, RejectedFile) and outcome.reason_code == Reason.EMPTY_FILE


def _byte_duplicate(found: DiscoveredFile, sha256: str | None, kept: Outcome, now: datetime) -> RejectedFile:
    if isinstance(kept, IngestedFile):
        detail = f"has the same bytes as {kept.document.source_path}, which was ingested instead"
    else:
        detail = (
            f"has the same bytes as {kept.source_path}, which was read instead and rejected "
            f"({kept.reason_code}); fix that file"
        )
    return _rejected(found.source_path, _Known(sha256, _year_of(kept)), Reason.DUPLICATE_CONTENT, detail, now)


def _reject_format_duplicates(outcomes: list[Outcome], now: datetime) -> list[Outcome]:
    """Keep one accepted file per text fingerprint; the others become duplicate_content rejections."""
    groups: dict[str, list[IngestedFile]] = defaultdict(list)
    for outcome in outcomes:
        if isinstance(outcome, IngestedFile):
            groups[text_fingerprint(outcome.pages)].append(outcome)
    replaced: dict[int, RejectedFile] = {}
    for group in groups.values():
        keeper = min(group, key=_preference)
        for copy in group:
            if copy is not keeper:
                replaced[id(copy)] = _text_duplicate(copy, keeper, now)
    return [replaced.get(id(outcome), outcome) for outcome in outcomes]


def _preference(ingested: IngestedFile) -> tuple[int, str]:
    document = ingested.document
    return FORMAT_PREFERENCE.get(document.source_format, len(FORMAT_PREFERENCE)), document.source_path


def _text_duplicate(copy: IngestedFile, keeper: IngestedFile, now: datetime) -> RejectedFile:
    mine, kept = copy.document, keeper.document
    if mine.source_format != kept.source_format:
        detail = (
            f"is the same text as {kept.source_path} in another format ({mine.source_format}; pdf is "
            f"preferred over docx over txt), and {kept.source_path} was ingested instead"
        )
    else:
        detail = f"has the same text as {kept.source_path} (other bytes), which was ingested instead"
    known = _Known(mine.document_id, kept.fiscal_year)
    return _rejected(mine.source_path, known, Reason.DUPLICATE_CONTENT, detail, now)


def _year_of(outcome: Outcome) -> int | None:
    if isinstance(outcome, IngestedFile):
        return outcome.document.fiscal_year
    return outcome.fiscal_year


def _split(outcomes: list[Outcome]) -> LandingResult:
    result = LandingResult()
    for outcome in outcomes:
        if isinstance(outcome, IngestedFile):
            result.accepted.append(outcome)
        else:
            result.rejected.append(outcome)
    result.accepted.sort(key=lambda ingested: ingested.document.source_path)
    result.rejected.sort(key=lambda rejected: rejected.source_path)
    return result
