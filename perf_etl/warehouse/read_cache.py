"""What each landing file gave when it was last read, so that a file is read once per reader version.

Reading is the costly part of a run (and OCR by far the costliest). A file is identified by its bytes
(sha256) and its landing path (the <year>/ folder it sits in takes part in its fiscal year), and what
reading it gave is kept in meta.file_reads: the raw.documents row of an accepted file, with its pages in
meta.file_read_pages and its tables' cells in meta.file_read_cells, or the raw.rejected_files row of a
rejected one. The next run, of any fiscal year,
takes the outcome from here instead of reading the file again, as long as the reader is the same
(`reader_version`: our reading code's version, the libraries' versions and whether OCR is on).

Outcomes that depend on the moment or on limits a user may raise are not kept, so they are tried again:
a reader over its time budget or the size limits (too_large), a crash (unexpected_error), an entry that
could not be opened (unreadable_file). Entries for files that left the landing folder are dropped.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict, fields
from datetime import datetime
from importlib.metadata import version
from typing import TypeVar

import duckdb
import pandas as pd

from perf_etl.grid import TABLE_CELL_COLUMNS, cells_frame, empty_cells
from perf_etl.ingest.ingest import FileStamp, IngestSettings, Outcome, ReadTask
from perf_etl.ingest.readers import FORMATS
from perf_etl.ingest.reasons import Reason
from perf_etl.models import IngestedFile, RawDocument, RejectedFile

_Record = TypeVar("_Record", RawDocument, RejectedFile)

# Bump when perf_etl/ingest or perf_etl/tables changes what a file reads as (text, engine choice,
# accept/reject rules, table cells).
READER_CODE_VERSION = "19"
# A file that cannot be opened has no content to key on (and costs nothing to try again). Everything else is
# kept: a file over a limit or one a reader failed on took the longest to find out, and is not read again
# until it changes, the reader changes, or (too_large) the limits change.
# A file rejected because a converter is missing (LibreOffice for .doc) is read again once it is installed.
_NOT_KEPT = frozenset({Reason.UNREADABLE_FILE, Reason.CONVERTER_MISSING})
_DOCUMENT = "document"
_PAGE_COLUMNS = ["sha256", "page_number", "text", "char_count", "text_engine", "ocr_confidence"]
_CELL_COLUMNS = ["sha256", *(column for column in TABLE_CELL_COLUMNS if column not in ("document_id", "fiscal_year"))]


def reader_version(ocr: bool = True) -> str:
    """What a cached outcome must have been read with to be reused (`ocr`: IngestSettings.ocr): our reading
    code, the libraries, the formats read (a format added to the registry reads the files that were
    unsupported_format), OCR on or off."""
    libraries = ", ".join(f"{name} {version(name)}" for name in ("pypdfium2", "pdfplumber", "rapidocr-onnxruntime"))
    formats = ",".join(fmt.name for fmt in FORMATS)
    return f"reader {READER_CODE_VERSION} ({libraries}); formats {formats}; OCR {'on' if ocr else 'off'}"


def cached_outcomes(conn: duckdb.DuckDBPyConnection, tasks: Sequence[ReadTask], reader: str) -> dict[int, Outcome]:
    """index in `tasks` -> the outcome kept for that task's file; accepted files come without pages and
    tables (they are in meta.file_read_pages and meta.file_read_cells, see `pages_insert` and
    `cells_insert`) but with their text fingerprint."""
    keys = pd.DataFrame({"position": range(len(tasks)), "sha256": [task.sha256 for task in tasks],
                         "source_path": [task.found.source_path for task in tasks],
                         "limited_version": [_limited(reader, task.limits) for task in tasks]})
    if keys.empty:
        return {}
    conn.register("wanted_reads", keys)
    try:
        rows = conn.execute(
            "SELECT w.position, r.outcome, r.record, r.text_fingerprint FROM wanted_reads w "
            "JOIN meta.file_reads r USING (sha256, source_path) "
            "WHERE r.reader_version = ? OR r.reader_version = w.limited_version", [reader]
        ).fetchall()
    finally:
        conn.unregister("wanted_reads")
    return {int(position): _outcome(kind, record, fingerprint) for position, kind, record, fingerprint in rows}


def cached_years(conn: duckdb.DuckDBPyConnection, keys: Sequence[tuple[str, str]], reader: str
                 ) -> dict[tuple[str, str], int | None]:
    """(sha256, source_path) -> the fiscal year this reader's outcome for those bytes gave (None: none), for
    the keys the cache has read; bytes read under another path (a copy) count, the same path first."""
    if not keys:
        return {}
    wanted = pd.DataFrame(keys, columns=["sha256", "source_path"])
    conn.register("wanted_years", wanted)
    try:
        rows = conn.execute(
            "SELECT w.sha256, w.source_path, arg_min_null("
            "TRY_CAST(json_extract(r.record, '$.fiscal_year') AS INTEGER), r.source_path != w.source_path) "
            "FROM wanted_years w JOIN meta.file_reads r ON r.sha256 = w.sha256 "
            "WHERE r.reader_version = ? OR starts_with(r.reader_version, ? || '; limits') GROUP BY ALL",
            [reader, reader],
        ).fetchall()
    finally:
        conn.unregister("wanted_years")
    return {(sha256, path): year for sha256, path, year in rows}


def known_hashes(conn: duckdb.DuckDBPyConnection) -> dict[tuple[str, FileStamp], str]:
    """(source_path, (size, modification time)) -> sha256 of every file read before (for plan_landing)."""
    rows = conn.execute("SELECT source_path, file_size, modified_ns, sha256 FROM meta.file_reads "
                        "WHERE modified_ns IS NOT NULL").fetchall()
    return {(path, (size, modified)): sha256 for path, size, modified, sha256 in rows}


def refresh_stamps(conn: duckdb.DuckDBPyConnection, tasks: Sequence[ReadTask]) -> None:
    """Record the size and modification time each file had when it was hashed this time, for the kept
    outcomes of its bytes and path (a file touched but not changed is then not hashed again)."""
    stamps = pd.DataFrame(
        [(task.sha256, task.found.source_path, *task.stamp) for task in tasks if task.sha256 and task.stamp],
        columns=["sha256", "source_path", "file_size", "modified_ns"],
    )
    if stamps.empty:
        return
    conn.register("current_stamps", stamps)
    try:
        conn.execute(
            "UPDATE meta.file_reads r SET file_size = s.file_size, modified_ns = s.modified_ns FROM current_stamps s "
            "WHERE r.sha256 = s.sha256 AND r.source_path = s.source_path "
            "AND (r.modified_ns IS DISTINCT FROM s.modified_ns OR r.file_size IS DISTINCT FROM s.file_size)"
        )
    finally:
        conn.unregister("current_stamps")


def store_outcomes(
    conn: duckdb.DuckDBPyConnection, tasks: Sequence[ReadTask], outcomes: Sequence[Outcome], reader: str
) -> None:
    """Keep the outcomes worth keeping (and the pages and table cells of accepted files), in one
    transaction."""
    kept = [(task, outcome) for task, outcome in zip(tasks, outcomes, strict=True) if _worth_keeping(task, outcome)]
    if not kept:
        return
    accepted = [outcome for _, outcome in kept if isinstance(outcome, IngestedFile)]
    frames = {
        "new_reads": pd.DataFrame([_read_row(task, outcome, reader) for task, outcome in kept]),
        "new_pages": pd.DataFrame(
            [{"sha256": outcome.document.document_id, "page_number": page.page_number, "text": page.text,
              "char_count": len(page.text), "text_engine": page.engine, "ocr_confidence": page.ocr_confidence}
             for outcome in accepted for page in outcome.pages],
            columns=_PAGE_COLUMNS,
        ),
        "new_cells": pd.concat(
            [empty_cells(), *(cells_frame(o.document.document_id, None, o.tables) for o in accepted if o.tables)],
            ignore_index=True,
        ).rename(columns={"document_id": "sha256"})[_CELL_COLUMNS],
    }
    for name, frame in frames.items():
        conn.register(name, frame)
    try:
        conn.execute("BEGIN TRANSACTION")
        conn.execute("DELETE FROM meta.file_reads r USING new_reads n "
                     "WHERE r.sha256 = n.sha256 AND r.source_path = n.source_path")
        conn.execute("INSERT INTO meta.file_reads BY NAME SELECT * FROM new_reads")
        # By the files read, not by the rows: a file re-read may have lost its tables.
        for table, rows in (("meta.file_read_pages", "new_pages"), ("meta.file_read_cells", "new_cells")):
            conn.execute(f"DELETE FROM {table} WHERE sha256 IN (SELECT sha256 FROM new_reads)")
            conn.execute(f"INSERT INTO {table} BY NAME SELECT * FROM {rows}")
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    finally:
        for name in frames:
            conn.unregister(name)


def forget_missing(conn: duckdb.DuckDBPyConnection, tasks: Sequence[ReadTask]) -> None:
    """Drop what is kept for files no longer in the landing folder (every task of a landing plan)."""
    present = pd.DataFrame({"sha256": [task.sha256 for task in tasks],
                            "source_path": [task.found.source_path for task in tasks]}, dtype="object")
    conn.register("present_files", present)
    try:
        conn.execute("DELETE FROM meta.file_reads r WHERE NOT EXISTS (SELECT 1 FROM present_files p "
                     "WHERE p.sha256 = r.sha256 AND p.source_path = r.source_path)")
        for table in ("meta.file_read_pages", "meta.file_read_cells"):
            conn.execute(f"DELETE FROM {table} c WHERE NOT EXISTS "
                         "(SELECT 1 FROM meta.file_reads r WHERE r.sha256 = c.sha256)")
    finally:
        conn.unregister("present_files")


def pages_insert(years: Sequence[int]) -> tuple[str, list[object]]:
    """SQL (and parameters) that fills raw.pages for `years` from the kept pages of the documents that
    raw.documents holds for those years: run it after raw.documents is written, in the same transaction."""
    placeholders = ", ".join("?" for _ in years) or "NULL"
    sql = (
        "INSERT INTO raw.pages (document_id, fiscal_year, page_number, text, char_count, text_engine, "
        "ocr_confidence) SELECT p.sha256, d.fiscal_year, p.page_number, p.text, p.char_count, p.text_engine, "
        "p.ocr_confidence FROM meta.file_read_pages p JOIN raw.documents d ON d.document_id = p.sha256 "
        f"WHERE d.fiscal_year IN ({placeholders}) ORDER BY p.sha256, p.page_number"
    )
    return sql, list(years)


def cells_insert(years: Sequence[int]) -> tuple[str, list[object]]:
    """SQL (and parameters) that fills raw.table_cells for `years` from the kept cells of the documents
    that raw.documents holds for those years."""
    placeholders = ", ".join("?" for _ in years) or "NULL"
    sql = (
        "INSERT INTO raw.table_cells (document_id, fiscal_year, page_number, table_index, row_index, column_index, "
        "text, caption) SELECT c.sha256, d.fiscal_year, c.page_number, c.table_index, c.row_index, c.column_index, "
        "c.text, c.caption FROM meta.file_read_cells c JOIN raw.documents d ON d.document_id = c.sha256 "
        f"WHERE d.fiscal_year IN ({placeholders}) ORDER BY c.sha256, c.table_index, c.row_index, c.column_index"
    )
    return sql, list(years)


def without_content(outcome: Outcome) -> Outcome:
    """The outcome as `cached_outcomes` gives it: an accepted file's pages and tables live in the cache
    only."""
    if isinstance(outcome, IngestedFile):
        return IngestedFile(outcome.document, [], outcome.fingerprint)
    return outcome


# ---------------------------------------------------------------- rows


def _worth_keeping(task: ReadTask, outcome: Outcome) -> bool:
    if task.sha256 is None:
        return False
    return isinstance(outcome, IngestedFile) or outcome.reason_code not in _NOT_KEPT


def _limited(reader: str, limits: IngestSettings) -> str:
    """The version a too_large outcome is kept under: the reader's and the limits it was over."""
    return (f"{reader}; limits {limits.max_file_bytes} bytes, {limits.max_pages} pages, "
            f"{limits.max_seconds_per_file:g} s, {limits.max_worker_memory_bytes} bytes of memory")


def _read_row(task: ReadTask, outcome: Outcome, reader: str) -> dict[str, object]:
    record = outcome.document if isinstance(outcome, IngestedFile) else outcome
    too_large = isinstance(outcome, RejectedFile) and outcome.reason_code == Reason.TOO_LARGE
    return {
        "sha256": task.sha256,
        "source_path": task.found.source_path,
        "file_size": task.stamp[0] if task.stamp else None,
        "modified_ns": task.stamp[1] if task.stamp else None,
        "reader_version": _limited(reader, task.limits) if too_large else reader,
        "outcome": _DOCUMENT if isinstance(outcome, IngestedFile) else outcome.reason_code,
        "record": json.dumps(asdict(record), default=_iso, ensure_ascii=False),
        "text_fingerprint": outcome.fingerprint if isinstance(outcome, IngestedFile) else None,
        "read_at": _timestamp_of(record),
    }


def _outcome(kind: str, record: str, fingerprint: str | None) -> Outcome:
    values = json.loads(record)
    if kind == _DOCUMENT:
        return IngestedFile(_from_values(RawDocument, values, "ingested_at"), [], fingerprint or "")
    return _from_values(RejectedFile, values, "detected_at")


def _from_values(cls: type[_Record], values: dict[str, object], timestamp: str) -> _Record:
    names = {field.name for field in fields(cls)}
    kwargs = {name: value for name, value in values.items() if name in names}
    kwargs[timestamp] = datetime.fromisoformat(str(kwargs[timestamp]))
    return cls(**kwargs)


def _timestamp_of(record: RawDocument | RejectedFile) -> datetime:
    return record.ingested_at if isinstance(record, RawDocument) else record.detected_at


def _iso(value: object) -> str:
    if isinstance(value, datetime):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")
