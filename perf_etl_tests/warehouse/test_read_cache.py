"""The read cache: a landing file is read once per reader version, whichever run needs it."""

from __future__ import annotations

import dataclasses
import os
import shutil
from datetime import datetime, timezone
from pathlib import Path

import pytest

from perf_etl.grid import cells_frame
from perf_etl.ingest import ingest, readers
from perf_etl.ingest.ingest import IngestSettings, ReadingPool, ReadTask
from perf_etl.ingest.readers import read_document
from perf_etl.ingest.reasons import Reason
from perf_etl.models import IngestedFile
from perf_etl.settings import Settings
from perf_etl.stages import raw
from perf_etl.warehouse import read_cache, store
from perf_etl_tests.conftest import SAMPLES
from perf_etl_tests.fixtures.table_pdfs import write_fixture
from perf_etl_tests.landing import ingest_landing

NOW = datetime(2025, 6, 1, 9, 30, tzinfo=timezone.utc)
IN_PROCESS = IngestSettings(workers=0)


class ReadSpy:
    """raw.read_tasks, recording which files it was asked to read."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.read: list[str] = []
        self._real = raw.read_tasks
        monkeypatch.setattr(raw, "read_tasks", self)

    def __call__(self, tasks: list[ReadTask], limits: IngestSettings, pool: ReadingPool | None = None) -> list:
        self.read += [task.found.source_path for task in tasks]
        return self._real(tasks, limits, pool)

    def take(self) -> list[str]:
        read, self.read = sorted(self.read), []
        return read


@pytest.fixture
def landing(tmp_path: Path) -> Path:
    folder = tmp_path / "landing"
    folder.mkdir()
    for name in ("001_0b37341ce517e90b.pdf", "003_9525dc9db79afe20.txt", "003_9525dc9db79afe20.pdf"):
        shutil.copy(SAMPLES / name, folder)
    (folder / "notes.doc").write_bytes(b"legacy Word")
    return folder


def _read(landing: Path, warehouse: Path, limits: IngestSettings = IN_PROCESS, *,
          reread: bool = False) -> ingest.LandingResult:
    settings = Settings(landing=landing, warehouse=warehouse, ingest=limits, full_refresh=reread)
    return raw.read_landing(settings, now=NOW)


@pytest.fixture
def read_once(landing: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, ReadSpy]:
    """The warehouse after one read of the landing folder, and a spy that has forgotten that read."""
    warehouse = tmp_path / "w.duckdb"
    spy = ReadSpy(monkeypatch)
    _read(landing, warehouse)
    spy.take()
    return warehouse, spy


def _outcomes(result: ingest.LandingResult) -> dict[str, str]:
    return {f.document.source_path: f"document {f.document.fiscal_year}" for f in result.accepted} | {
        r.source_path: r.reason_code for r in result.rejected}


def test_a_second_read_reads_nothing_and_settles_the_same(landing: Path, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    warehouse = tmp_path / "w.duckdb"
    spy = ReadSpy(monkeypatch)
    first = _read(landing, warehouse)
    assert spy.take() == ["001_0b37341ce517e90b.pdf", "003_9525dc9db79afe20.pdf", "003_9525dc9db79afe20.txt",
                          "notes.doc"]
    second = _read(landing, warehouse)
    assert spy.take() == []
    assert _outcomes(second) == _outcomes(first) == _outcomes(ingest_landing(landing, now=NOW, limits=IN_PROCESS))
    assert _outcomes(first)["003_9525dc9db79afe20.txt"] == Reason.DUPLICATE_CONTENT  # found from fingerprints
    assert [f.document for f in second.accepted] == [f.document for f in first.accepted]
    assert [r.message for r in second.rejected] == [r.message for r in first.rejected]


def test_only_new_files_are_read_and_removed_files_are_forgotten(landing: Path, read_once) -> None:
    warehouse, spy = read_once
    shutil.copy(SAMPLES / "004_3cc4b0b52db76508.pdf", landing)
    (landing / "001_0b37341ce517e90b.pdf").unlink()
    result = _read(landing, warehouse)
    assert spy.take() == ["004_3cc4b0b52db76508.pdf"]
    assert "001_0b37341ce517e90b.pdf" not in _outcomes(result)
    with store.connect(warehouse, read_only=True) as conn:
        kept = sorted(path for (path,) in conn.execute("SELECT source_path FROM meta.file_reads").fetchall())
        page_owners = conn.execute("SELECT count(DISTINCT sha256) FROM meta.file_read_pages").fetchone()[0]
    assert kept == ["003_9525dc9db79afe20.pdf", "003_9525dc9db79afe20.txt", "004_3cc4b0b52db76508.pdf", "notes.doc"]
    assert page_owners == 3


def test_a_new_reader_version_reads_everything_again(landing: Path, read_once,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    warehouse, spy = read_once
    monkeypatch.setattr(read_cache, "READER_CODE_VERSION", "next")
    _read(landing, warehouse)
    assert len(spy.take()) == 4


def test_a_full_refresh_reads_everything_again(landing: Path, read_once) -> None:
    warehouse, spy = read_once
    cached = _read(landing, warehouse)
    again = _read(landing, warehouse, reread=True)
    assert len(spy.take()) == 4
    assert _outcomes(again) == _outcomes(cached)


def test_cached_pages_are_the_pages_read(landing: Path, tmp_path: Path) -> None:
    warehouse = tmp_path / "w.duckdb"
    _read(landing, warehouse)
    fresh = {f.document.document_id: f for f in ingest_landing(landing, now=NOW, limits=IN_PROCESS).accepted}
    with store.connect(warehouse, read_only=True) as conn:
        rows = conn.execute("SELECT sha256, page_number, text, char_count, text_engine, ocr_confidence "
                            "FROM meta.file_read_pages ORDER BY ALL").fetchall()
    expected = sorted(
        (document_id, page.page_number, page.text, len(page.text), page.engine, page.ocr_confidence)
        for document_id, ingested in fresh.items() for page in ingested.pages
    )
    assert [row for row in rows if row[0] in fresh] == expected
    cached = _read(landing, warehouse).accepted
    assert all(isinstance(outcome, IngestedFile) and not outcome.pages and outcome.fingerprint for outcome in cached)


def test_files_with_the_same_size_and_time_are_not_hashed_again(landing: Path, read_once,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    warehouse, spy = read_once
    hashed: list[str] = []
    real_sha256 = ingest.sha256_file
    monkeypatch.setattr(ingest, "sha256_file", lambda path: hashed.append(path.name) or real_sha256(path))
    _read(landing, warehouse)
    assert hashed == [] and spy.take() == []
    # The same size, another modification time (another content): hashed and read again.
    changed = landing / "003_9525dc9db79afe20.txt"
    changed.write_bytes(changed.read_bytes().replace("部门".encode(), "单位".encode(), 1))
    os.utime(changed, ns=(changed.stat().st_atime_ns, changed.stat().st_mtime_ns + 10**9))
    _read(landing, warehouse)
    assert hashed == ["003_9525dc9db79afe20.txt"] and spy.take() == ["003_9525dc9db79afe20.txt"]


def test_a_touched_file_is_hashed_once_more_then_not(landing: Path, read_once, monkeypatch: pytest.MonkeyPatch) -> None:
    warehouse, spy = read_once
    touched = landing / "001_0b37341ce517e90b.pdf"
    os.utime(touched, ns=(touched.stat().st_atime_ns, touched.stat().st_mtime_ns + 10**9))
    hashed: list[str] = []
    real_sha256 = ingest.sha256_file
    monkeypatch.setattr(ingest, "sha256_file", lambda path: hashed.append(path.name) or real_sha256(path))
    _read(landing, warehouse)
    _read(landing, warehouse)
    assert hashed == ["001_0b37341ce517e90b.pdf"]  # the same bytes: not read again either
    assert spy.take() == []


def _cached_cells(warehouse: Path) -> list[tuple]:
    with store.connect(warehouse, read_only=True) as conn:
        return conn.execute("SELECT sha256, page_number, table_index, row_index, column_index, text, caption "
                            "FROM meta.file_read_cells ORDER BY ALL").fetchall()


def test_cached_cells_are_the_tables_read_and_are_replaced_with_the_file_s_reading(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    landing = tmp_path / "landing"
    landing.mkdir()
    table_pdf = write_fixture("merged", landing)
    warehouse = tmp_path / "w.duckdb"
    _read(landing, warehouse)
    document_id = ingest.sha256_file(table_pdf)
    read = read_document(table_pdf)
    expected = sorted(tuple(row) for row in cells_frame(document_id, None, read.tables).drop(columns="fiscal_year")
                      [["document_id", "page_number", "table_index", "row_index", "column_index", "text", "caption"]]
                      .itertuples(index=False))
    assert len(read.tables) == 1 and len(expected) > 20
    assert _cached_cells(warehouse) == expected
    # Read again by a reader whose table finder fails: the document stays, its old cells go, and the cells
    # are those the new reading has (the table as flattened in the page text, tables/flat.py).
    monkeypatch.setattr(read_cache, "READER_CODE_VERSION", "next")
    monkeypatch.setattr(readers, "page_tables", _failing_table_finder)
    result = _read(landing, warehouse)
    assert [f.document.document_id for f in result.accepted] == [document_id]
    flattened = sorted(
        tuple(row) for row in cells_frame(document_id, None, read_document(table_pdf).tables)
        .drop(columns="fiscal_year")
        [["document_id", "page_number", "table_index", "row_index", "column_index", "text", "caption"]]
        .itertuples(index=False))
    assert flattened != expected
    assert _cached_cells(warehouse) == flattened


def _failing_table_finder(page: object, number: int) -> list:
    raise ValueError("a table finder bug")


def test_files_over_a_limit_are_not_read_again_until_the_limits_change(landing: Path, tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    warehouse = tmp_path / "w.duckdb"
    spy = ReadSpy(monkeypatch)
    few_pages = IngestSettings(workers=0, max_pages=2)
    first = _read(landing, warehouse, few_pages)
    over = sorted(path for path, reason in _outcomes(first).items() if reason == Reason.TOO_LARGE)
    assert over == ["001_0b37341ce517e90b.pdf", "003_9525dc9db79afe20.pdf"]
    spy.take()
    assert _outcomes(_read(landing, warehouse, few_pages)) == _outcomes(first)
    assert spy.take() == []  # the expensive outcome is kept like any other
    second = _read(landing, warehouse)
    assert spy.take() == over  # the limit was raised: those files are read again, the others not
    assert Reason.TOO_LARGE not in _outcomes(second).values()


def test_a_file_a_reader_failed_on_is_not_read_again(landing: Path, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    warehouse = tmp_path / "w.duckdb"
    spy = ReadSpy(monkeypatch)

    def failing_docx(data: bytes, max_pages: int | None = None) -> None:
        raise RuntimeError("a reader bug")

    (landing / "报告.docx").write_bytes(b"PK\x03\x04 word/ not really a zip")
    docx_format = dataclasses.replace(readers._BY_NAME["docx"], read=failing_docx)
    monkeypatch.setitem(readers._BY_NAME, "docx", docx_format)
    first = _read(landing, warehouse)
    assert _outcomes(first)["报告.docx"] == Reason.UNEXPECTED_ERROR
    spy.take()
    _read(landing, warehouse)
    assert spy.take() == []
