"""Ingest a landing folder: every file ends as exactly one accepted document or one rejected row.

A file is accepted when it reads, has a usable text layer, is a self-evaluation report and has a fiscal
year (from its text, or from the <year>/ folder it sits in). Copies are rejected as duplicate_content
in favour of one kept file: the same bytes under another name (the first path wins), or the same text in
another format (pdf over docx over txt, then the first path). Nothing here raises for a bad file: an
unexpected exception becomes an unexpected_error rejection naming the exception class.

Files are read in worker processes (perf_etl/pool.py), each within a time budget: a reader stuck
on a pathological PDF costs that budget and a too_large rejection, and a reader that crashes the process
costs an unexpected_error rejection, never the partition. Cheap checks (empty, unsupported, over the size
limit, unreadable entry) are made here first, so such files never reach a worker.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path, PurePosixPath

from perf_etl.ingest.classify import foreign_text_reason, garbage_text_reason
from perf_etl.ingest.discover import DiscoveredFile, discover, entry_for
from perf_etl.ingest.fingerprint import text_fingerprint
from perf_etl.ingest.fiscal_year import INFERRED_PREFIX, YearDetection, detect_years
from perf_etl.ingest.genre import not_a_report_reason
from perf_etl.ingest.readers import FORMATS, format_rank, read_document, source_format_of
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
from perf_etl.pool import BudgetPool, CallFailed, OverBudget, map_with_budget
from perf_etl.settings import FIRST_FISCAL_YEAR, IngestSettings, last_closed_fiscal_year
from perf_etl.text.repairs import repair_text

_HASH_CHUNK = 1 << 20


@dataclass
class LandingResult:
    """Accepted documents and rejected files, each sorted by source_path."""

    accepted: list[IngestedFile] = field(default_factory=list)
    rejected: list[RejectedFile] = field(default_factory=list)


@dataclass(frozen=True)
class FiscalYearDecision:
    """The fiscal year of a document and how it was decided (RawDocument.fiscal_year_*)."""

    fiscal_year: int | None
    source: str | None  # "content" | "folder" | "fill_date" | "publication_date" | None
    note: str | None = None


Outcome = IngestedFile | RejectedFile


# The three steps of reading a landing folder (perf_etl/stages/raw.py puts the read cache between them),
# public so that a distributed executor can run the middle one (the expensive, embarrassingly parallel
# reading) as separate steps on other machines (perf_etl/defs/distributed.py).


@dataclass(frozen=True)
class LandingPlan:
    """Every landing entry in path order, and which must be read: byte-identical copies of an earlier path
    are not read, they are settled as duplicates of that path's outcome. Picklable, like its tasks."""

    now: datetime
    tasks: list[ReadTask]
    first: dict[str, int]  # sha256 -> index of the first task with those bytes
    originals: list[int]  # indexes of the tasks to read, in order

    @property
    def to_read(self) -> list[ReadTask]:
        return [self.tasks[index] for index in self.originals]


FileStamp = tuple[int, int]  # size in bytes, modification time in ns: what says a file may have changed


def plan_landing(root: Path, *, now: datetime, limits: IngestSettings = IngestSettings(),
                 known_hashes: Mapping[tuple[str, FileStamp], str] | None = None) -> LandingPlan:
    """Discover and hash every entry under `root` (cheap next to reading). Raises when `root` is not a folder.

    `known_hashes` maps (source_path, stamp) to the sha256 taken when the file had that stamp: a file whose
    size and modification time are unchanged is not hashed again (as git's index and rsync decide)."""
    if not root.is_dir():
        raise NotADirectoryError(f"landing folder {root} does not exist or is not a folder")
    tasks = [_task(found, now, limits, known_hashes or {}) for found in discover(root, limits)]
    first = _first_with_each_content(tasks)
    originals = [index for index, task in enumerate(tasks) if not _is_copy(index, task, first)]
    return LandingPlan(now, tasks, first, originals)


def read_tasks(tasks: list[ReadTask], limits: IngestSettings, pool: ReadingPool | None = None) -> list[Outcome]:
    """The outcome of every task, in order: cheap rejections in this process, the reading in worker
    processes within the per-file time budget (`pool`'s, else started for this call). Any consecutive
    slice of `plan.to_read` may be read apart."""
    return _ingest_all(tasks, limits, pool)


def settle_landing(plan: LandingPlan, read: list[Outcome]) -> LandingResult:
    """Accepted and rejected files from the outcomes of `plan.to_read` (in that order): byte copies and
    the same text in another format become duplicate_content rejections."""
    by_index = dict(zip(plan.originals, read, strict=True))
    outcomes = [
        by_index[index] if index in by_index
        else _byte_duplicate(task.found, task.sha256, by_index[plan.first[task.sha256]], plan.now)
        for index, task in enumerate(plan.tasks)
    ]
    return _split(_within_fiscal_years(_reject_format_duplicates(outcomes, plan.now), plan.now))


def ingest_file(path: Path, root: Path, now: datetime, limits: IngestSettings = IngestSettings()) -> Outcome:
    """Ingest one file on its own, in this process (no duplicate checks, no time budget); source_path is
    relative to `root`."""
    found = entry_for(path.absolute(), root.absolute())
    return _ingest_safely(ReadTask(found, _sha256_or_none(found), now, limits))


def decide_fiscal_year(detection: YearDetection, folder_year: int | None) -> FiscalYearDecision:
    """Content first; the <year>/ folder when the text names no year; a year inferred from the report's
    date (填报日期, the page's publication date) last; a note when text and folder disagree."""
    content_year = detection.fiscal_year
    span = detection.fiscal_span
    inferred = span is not None and span.rule.startswith(INFERRED_PREFIX)
    if content_year is None or (inferred and folder_year is not None):
        return FiscalYearDecision(folder_year, "folder" if folder_year is not None else None)
    if inferred:
        return FiscalYearDecision(content_year, span.rule.removeprefix(INFERRED_PREFIX))
    if folder_year is None or folder_year == content_year:
        return FiscalYearDecision(content_year, "content")
    evidence = f' ("{span.raw_text}")' if span else ""
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


@dataclass(frozen=True)
class ReadTask:
    """One landing entry to ingest, with what it is judged by; sent to a worker process (or, in a batch,
    to another machine) as it is."""

    found: DiscoveredFile
    sha256: str | None
    now: datetime
    limits: IngestSettings
    stamp: FileStamp | None = None  # taken before hashing: a change during hashing shows next time


ReadingPool = BudgetPool[ReadTask, Outcome]


def reading_pool(limits: IngestSettings) -> ReadingPool:
    """Worker processes for several `read_tasks` calls (started by the first that needs them)."""
    return BudgetPool(_ingest_safely, limits.worker_count(), limits.max_seconds_per_file,
                      limits.max_worker_memory_bytes)


def _task(found: DiscoveredFile, now: datetime, limits: IngestSettings,
          known_hashes: Mapping[tuple[str, FileStamp], str]) -> ReadTask:
    stamp = file_stamp(found)
    known = known_hashes.get((found.source_path, stamp)) if stamp is not None else None
    return ReadTask(found, known or _sha256_or_none(found), now, limits, stamp)


def file_stamp(found: DiscoveredFile) -> FileStamp | None:
    """Size and modification time of a discovered file; None when it could not be listed or stat'ed."""
    if found.problem is not None:
        return None
    try:
        status = found.path.stat()
    except OSError:
        return None
    return status.st_size, status.st_mtime_ns


@dataclass
class _Known:
    """What is known about a file so far, for the rejection row if a later step fails."""

    sha256: str | None
    fiscal_year: int | None


def _ingest_all(tasks: list[ReadTask], limits: IngestSettings, pool: ReadingPool | None) -> list[Outcome]:
    """The outcome of every task, in order: cheap rejections here, the reading in worker processes."""
    rejected_early = [_rejected_before_reading(task) for task in tasks]
    to_read = [task for task, rejection in zip(tasks, rejected_early, strict=True) if rejection is None]
    read = iter(_read_all(to_read, limits, pool))
    return [rejection if rejection is not None else next(read) for rejection in rejected_early]


def _read_all(tasks: list[ReadTask], limits: IngestSettings, pool: ReadingPool | None) -> list[Outcome]:
    workers = limits.worker_count()
    if workers == 0:
        return [_ingest_safely(task) for task in tasks]
    if pool is None:
        calls = map_with_budget(_ingest_safely, tasks, workers=workers, seconds=limits.max_seconds_per_file,
                                memory_bytes=limits.max_worker_memory_bytes)
    else:
        calls = pool.map(tasks)
    return [_settled(task, call) for task, call in zip(tasks, calls, strict=True)]


def _settled(task: ReadTask, call: Outcome | OverBudget | CallFailed) -> Outcome:
    """A worker's outcome, or the rejection for a call that ran out of time or lost its process."""
    if isinstance(call, OverBudget):
        detail = (f"reading it took longer than the {call.seconds:g} s allowed per file "
                  "(max_seconds_per_file, PERF_ETL_MAX_SECONDS_PER_FILE)")
        return _rejected_task(task, Reason.TOO_LARGE, detail)
    if isinstance(call, CallFailed):
        # A crash in C code (pdfium, lxml) ends the process without a Python exception to name.
        return _rejected_task(task, Reason.UNEXPECTED_ERROR, f"crash of the reader: {call.reason}")
    return call


def _ingest_safely(task: ReadTask) -> Outcome:
    found = task.found
    known = _Known(task.sha256, found.folder_year)
    try:
        _check_before_reading(found, task.limits)
        return _read_checked(found, known, task.now, task.limits)
    except IngestRejection as rejection:
        return _rejected(found.source_path, known, rejection.code, rejection.detail, task.now)
    except PermissionError:
        return _rejected(found.source_path, known, Reason.UNREADABLE_FILE, "permission denied", task.now)
    except MemoryError:
        limit = task.limits.max_worker_memory_bytes // 1024**2
        detail = f"reading it needed more than the {limit} MB a reader may use (PERF_ETL_MAX_WORKER_MEMORY_MB)"
        return _rejected(found.source_path, known, Reason.TOO_LARGE, detail, task.now)
    except Exception as error:
        # A reader bug or an exotic file must not stop the other files; the class name tells what broke.
        detail = f"{type(error).__name__}: {error}"
        return _rejected(found.source_path, known, Reason.UNEXPECTED_ERROR, detail, task.now)


def _rejected_before_reading(task: ReadTask) -> RejectedFile | None:
    """The rejection of a file that fails a cheap check, or None when its text must be read."""
    try:
        _check_before_reading(task.found, task.limits)
    except IngestRejection as rejection:
        return _rejected_task(task, rejection.code, rejection.detail)
    except OSError:
        pass  # vanished or unreadable since discovery: reading it gives the precise rejection
    return None


def _check_before_reading(found: DiscoveredFile, limits: IngestSettings) -> None:
    """Raises the IngestRejection of a file that fails a check costing no more than a stat and its first
    bytes."""
    if found.problem is not None:
        raise found.problem
    size = found.path.stat().st_size
    if size == 0:
        raise EmptyFileError("0 bytes")
    source_format_of(found.path)
    if size > limits.max_file_bytes:
        raise TooLargeError(
            f"{size:,} bytes, over the limit of {limits.max_file_bytes:,} (max_file_bytes, PERF_ETL_MAX_FILE_BYTES)"
        )


def _read_checked(found: DiscoveredFile, known: _Known, now: datetime, limits: IngestSettings) -> IngestedFile:
    """The accepted file, or an IngestRejection."""
    size = found.path.stat().st_size
    known.sha256 = known.sha256 or sha256_file(found.path)
    read = read_document(found.path, limits)
    foreign = foreign_text_reason(read.pages)
    if foreign is not None:
        raise NotAReportError(foreign)
    garbage = garbage_text_reason(read.pages)
    if garbage is not None:
        raise NoTextLayerError(garbage)
    text = "\n".join(page.text for page in read.pages)
    # Dated as normalization will see the text: pinyin glosses, full-width digits and stray spaces repaired.
    decision = decide_fiscal_year(detect_years(repair_text(text), max_year=now.year), found.folder_year)
    known.fiscal_year = decision.fiscal_year
    looks_like = not_a_report_reason(text)
    if looks_like is not None:
        raise NotAReportError(looks_like)
    if decision.fiscal_year is None:
        raise UnknownFiscalYearError()
    document = RawDocument(
        document_id=known.sha256,
        fiscal_year=decision.fiscal_year,
        source_path=found.source_path,
        file_name=PurePosixPath(found.source_path).name,
        file_size_bytes=size,
        source_format=read.source_format,
        page_count=len(read.pages),
        text_engine=read.text_engine,
        ingested_at=now,
        fiscal_year_source=decision.source,
        folder_year=found.folder_year,
        fiscal_year_note=decision.note,
    )
    return IngestedFile(document, read.pages, text_fingerprint(read.pages), read.tables)


def _rejected_task(task: ReadTask, code: str, detail: str) -> RejectedFile:
    """The rejection of a file known by its bytes and folder only (it was not read, or not to the end)."""
    return _rejected(task.found.source_path, _Known(task.sha256, task.found.folder_year), code, detail, task.now)


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

# Every empty file has this sha256; each is reported as empty, not as a copy of the first.
_EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()


def _first_with_each_content(tasks: list[ReadTask]) -> dict[str, int]:
    """sha256 -> index of the first task with those bytes. Tasks come in path order, so the first path
    of identical byte strings is the one ingested; a file itself before a link to it."""
    first: dict[str, int] = {}
    for index, task in sorted(enumerate(tasks), key=lambda item: item[1].found.linked):
        if task.sha256 is not None and task.sha256 != _EMPTY_SHA256:
            first.setdefault(task.sha256, index)
    return first


def _is_copy(index: int, task: ReadTask, first: dict[str, int]) -> bool:
    return task.sha256 is not None and first.get(task.sha256, index) != index


def _byte_duplicate(found: DiscoveredFile, sha256: str | None, kept: Outcome, now: datetime) -> RejectedFile:
    if isinstance(kept, IngestedFile):
        detail = f"has the same bytes as {kept.document.source_path}, which was ingested instead"
    else:
        detail = (
            f"has the same bytes as {kept.source_path}, which was read instead and rejected "
            f"({kept.reason_code}); fix that file"
        )
    return _rejected(found.source_path, _Known(sha256, _year_of(kept)), Reason.DUPLICATE_CONTENT, detail, now)


def _within_fiscal_years(outcomes: list[Outcome], now: datetime) -> list[Outcome]:
    """Outcomes whose fiscal year has a partition (FIRST_FISCAL_YEAR to the last year that has ended): a report
    of another year becomes a rejection, and a rejection of another year loses its year, so that every run
    records both as it records files of unknown year (no run can be made for their year). Decided at each
    settling, not when the file is read: next January the year's report is accepted from the read cache."""
    first, last = FIRST_FISCAL_YEAR, last_closed_fiscal_year(now)
    settled: list[Outcome] = []
    for outcome in outcomes:
        year = _year_of(outcome)
        if year is None or first <= year <= last:
            settled.append(outcome)
        elif isinstance(outcome, IngestedFile):
            document = outcome.document
            settled.append(_rejected(document.source_path, _Known(document.document_id, None),
                                     Reason.FISCAL_YEAR_OUT_OF_RANGE,
                                     f"{year}; the warehouse's fiscal years are {first}–{last}", now))
        else:
            settled.append(replace(outcome, fiscal_year=None))
    return settled


def _reject_format_duplicates(outcomes: list[Outcome], now: datetime) -> list[Outcome]:
    """Keep one accepted file per text fingerprint; the others become duplicate_content rejections."""
    groups: dict[str, list[IngestedFile]] = defaultdict(list)
    for outcome in outcomes:
        if isinstance(outcome, IngestedFile):
            groups[outcome.fingerprint].append(outcome)
    replaced: dict[int, RejectedFile] = {}
    for group in groups.values():
        keeper = min(group, key=_preference)
        for copy in group:
            if copy is not keeper:
                replaced[id(copy)] = _text_duplicate(copy, keeper, now)
    return [replaced.get(id(outcome), outcome) for outcome in outcomes]


def _preference(ingested: IngestedFile) -> tuple[int, str]:
    document = ingested.document
    return format_rank(document.source_format), document.source_path


def _text_duplicate(copy: IngestedFile, keeper: IngestedFile, now: datetime) -> RejectedFile:
    mine, kept = copy.document, keeper.document
    if mine.source_format != kept.source_format:
        detail = (
            f"is the same text as {kept.source_path} in another format ({mine.source_format}; the format "
            f"that keeps more of the layout is kept: {' over '.join(f.name for f in FORMATS)}), and "
            f"{kept.source_path} was ingested instead"
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
