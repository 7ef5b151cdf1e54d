"""The bad landing folder (perf_etl_tests/fixtures/bad_landing.py): every file ends as a document or as a
rejected file with the contract's reason and a message a person can act on, through `perf-etl run` too."""

from __future__ import annotations

import contextlib
import io
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import duckdb
import pdfplumber
import pytest

from perf_etl.ingest.ingest import IngestSettings
from perf_etl.ingest.readers import read_document
from perf_etl.ingest.reasons import REASON_CODES, Reason
from perf_etl.models import Stage
from perf_etl_tests.fixtures.bad_landing import (
    DOCUMENT,
    DOCUMENT_YEARS,
    S004,
    build_bad_landing,
    pdf_only_pdfium_reads,
    pdf_without_tounicode,
    sample_text,
)
from perf_etl_tests.landing import ingest_landing
from perf_etl_tests.robustness.runs import Snapshot, published, run_cli, snapshot

NOW = datetime(2025, 6, 1, tzinfo=timezone.utc)
# What each message tells a person to do, by reason: the words that must be there.
ACTIONS = {
    Reason.EMPTY_FILE: "re-download or re-export",
    Reason.CORRUPT_PDF: "re-download it",
    Reason.ENCRYPTED_PDF: "unlocked copy",
    Reason.NO_TEXT_LAYER: "supply a PDF with real text",
    Reason.UNREADABLE_SCAN: "supply a sharper scan",
    Reason.UNSUPPORTED_FORMAT: "convert it or remove it",
    Reason.UNDECODABLE_TEXT: "re-save it as UTF-8",
    Reason.DUPLICATE_CONTENT: "remove this copy",
    Reason.NOT_A_SELF_EVALUATION_REPORT: "remove it from the landing folder",
    Reason.TOO_LARGE: "check it is a single report",
    Reason.ENCRYPTED_ARCHIVE: "unpack it with the password",
    Reason.ARCHIVE_BOMB: "it was not unpacked",
}


@pytest.fixture(scope="module")
def bad_landing(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    landing = tmp_path_factory.mktemp("bad") / "landing"
    return landing, build_bad_landing(landing)


def landing_files(landing: Path) -> set[str]:
    return {path.relative_to(landing).as_posix() for path in landing.rglob("*") if path.is_file()}


def test_the_folder_has_every_kind_of_trouble_the_issue_lists(bad_landing) -> None:
    landing, expected = bad_landing
    assert set(expected) == landing_files(landing)
    assert set(expected.values()) == {DOCUMENT, *ACTIONS}
    names = "".join(expected)
    for awkward in (" ", "'", '"', ";", "子目录/深一层/"):
        assert awkward in names


def test_the_broken_pdfs_are_broken_the_way_they_claim() -> None:
    # No ToUnicode: pdfminer gives (cid:N) runs (and pdfium control characters, see classify).
    with pdfplumber.open(io.BytesIO(pdf_without_tounicode("002_fa04becc64be89b5"))) as pdf:
        assert "(cid:" in pdf.pages[0].extract_text()
    # Unknown CMap: pdfplumber reads nothing, the reader gets every word from pypdfium2.
    only_pdfium = pdf_only_pdfium_reads(sample_text(S004))
    with pdfplumber.open(io.BytesIO(only_pdfium)) as pdf:
        assert all(not page.extract_text() for page in pdf.pages)


def test_every_file_ends_as_expected_with_a_message_to_act_on(bad_landing) -> None:
    landing, expected = bad_landing
    result = ingest_landing(landing, now=NOW)
    outcomes = {ingested.document.source_path: DOCUMENT for ingested in result.accepted}
    outcomes |= {rejected.source_path: rejected.reason_code for rejected in result.rejected}
    assert len(outcomes) == len(result.accepted) + len(result.rejected)  # no file in both lists
    assert outcomes == expected
    for rejected in result.rejected:
        assert rejected.stage == Stage.INGEST and rejected.reason_code in REASON_CODES
        assert rejected.source_path in rejected.message
        assert ACTIONS[rejected.reason_code] in rejected.message


def test_documents_get_their_years_and_the_engine_that_read_them(bad_landing) -> None:
    landing, _ = bad_landing
    documents = {i.document.source_path: i.document for i in ingest_landing(landing, now=NOW).accepted}
    years = {path: document.fiscal_year for path, document in documents.items()}
    assert sorted(years.values()) == sorted(DOCUMENT_YEARS.values())
    assert "pypdfium2" in documents["pdfium only/004 自定义编码.pdf"].text_engine
    assert documents["texts/武侯 utf-8 with BOM.txt"].text_engine.endswith("(utf_8 with BOM)")
    assert documents["fonts/no ToUnicode.pdf"].text_engine.startswith("rapidocr-onnxruntime ")
    assert documents["texts/003 GBK 编码.txt"].text_engine.endswith("(gb18030)")
    pdfium_text = read_document(landing / "pdfium only/004 自定义编码.pdf").pages[0].text
    assert sample_text(S004).splitlines()[0].strip()[:10] in pdfium_text
    assert documents["texts/北京 Notepad Unicode (UTF-16).txt"].text_engine.endswith("(utf_16 with BOM)")
    # Named .docx and .txt, read as the PDFs they are.
    assert {documents[f"misnamed/{name}"].source_format for name in ("杭州 a PDF named .docx.docx",
                                                                     "郑州 a PDF named .txt.txt")} == {"pdf"}
    nul_text = read_document(landing / "texts/武汉 with NUL bytes.txt").pages[0].text
    assert "\x00" not in nul_text and "。" in nul_text


def test_what_the_messages_say_of_a_zip_and_of_a_text_in_english(bad_landing) -> None:
    landing, _ = bad_landing
    rejected = {r.source_path: r for r in ingest_landing(landing, now=NOW).rejected}
    assert "password-protected archive" in rejected["reports.zip"].message
    minutes = rejected["other/minutes (English).pdf"]
    assert "words in Latin letters" in minutes.message and "scan" not in minutes.message


def test_a_file_the_pipeline_may_not_read_is_unreadable_not_unexpected(tmp_path: Path, monkeypatch) -> None:
    # Tests run as root in CI, where chmod 000 does not stop a read: the OS's answer is raised instead.
    (tmp_path / "locked.pdf").write_bytes(b"%PDF-1.7\n")

    def denied(path: Path, *_: object) -> None:
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr("perf_etl.ingest.ingest.read_document", denied)
    (rejected,) = ingest_landing(tmp_path, now=NOW, limits=IngestSettings(workers=0)).rejected
    assert rejected.reason_code == Reason.UNREADABLE_FILE and "permission denied" in rejected.message


def test_building_twice_gives_the_same_bytes(bad_landing, tmp_path: Path) -> None:
    landing, _ = bad_landing
    build_bad_landing(tmp_path)
    for source_path in landing_files(landing):
        assert (tmp_path / source_path).read_bytes() == (landing / source_path).read_bytes(), source_path


# ---------------------------------------------------------------- through `perf-etl run`


@dataclass
class TwoRuns:
    """Two `perf-etl run` of the bad landing folder into one warehouse, and the tables after each."""

    expected: dict[str, str]
    warehouse: Path
    runs: list[subprocess.CompletedProcess[str]]
    warehouse_after: list[Snapshot]
    published_after: list[Snapshot]


@pytest.fixture(scope="module")
def two_cli_runs(bad_landing, tmp_path_factory: pytest.TempPathFactory) -> TwoRuns:
    landing, expected = bad_landing
    warehouse = tmp_path_factory.mktemp("bad-warehouse") / "warehouse.duckdb"
    result = TwoRuns(expected, warehouse, [], [], [])
    for reader_open in (False, True):
        # A BI tool holding the published marts open during the second run must not block it.
        with holding_open(published(warehouse)) if reader_open else contextlib.nullcontext():
            result.runs.append(run_cli(landing, warehouse))
        result.warehouse_after.append(snapshot(warehouse))
        result.published_after.append(snapshot(published(warehouse)))
    return result


@contextlib.contextmanager
def holding_open(database: Path) -> Iterator[None]:
    """Another process with `database` open read-only (which holds DuckDB's lock on the file) meanwhile."""
    reader = subprocess.Popen(
        [sys.executable, "-c", "import duckdb, sys; c = duckdb.connect(sys.argv[1], read_only=True); "
                               "print(c.execute('SELECT 1').fetchone()[0], flush=True); sys.stdin.read()",
         str(database)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert reader.stdout.readline().strip() == "1"
        yield
    finally:
        reader.communicate("", timeout=30)


@pytest.mark.slow
def test_perf_etl_run_exits_0_and_accounts_for_every_file(two_cli_runs: TwoRuns) -> None:
    for run in two_cli_runs.runs:  # the second with a reader holding the published marts open
        assert run.returncode == 0, run.stderr[-3000:]
    print(two_cli_runs.runs[0].stdout)  # the summary a user sees (pytest -s shows it)
    assert "rejections by reason:" in two_cli_runs.runs[0].stdout
    with duckdb.connect(str(two_cli_runs.warehouse), read_only=True) as conn:
        documents = conn.execute("SELECT source_path FROM raw.documents").fetchall()
        rejected = conn.execute(
            "SELECT source_path, reason_code FROM raw.rejected_files WHERE stage = 'ingest'").fetchall()
        reports = conn.execute("SELECT count(*) FROM core.reports").fetchone()[0]
    outcomes = [(path, DOCUMENT) for (path,) in documents] + rejected
    assert sorted(outcomes) == sorted(two_cli_runs.expected.items())  # each file once, as expected
    assert reports == len(DOCUMENT_YEARS)


@pytest.mark.slow
def test_a_second_run_leaves_every_table_identical(two_cli_runs: TwoRuns) -> None:
    first, second = two_cli_runs.warehouse_after
    assert second == first  # every table, every column, time-stamps included
    assert len(first["raw.rejected_files"]) >= len(ACTIONS)
    assert two_cli_runs.published_after[1] == two_cli_runs.published_after[0]


def test_a_file_that_needs_more_memory_than_a_reader_may_use_is_too_large(tmp_path: Path, monkeypatch) -> None:
    (tmp_path / "huge.pdf").write_bytes(b"%PDF-1.7\n")

    def out_of_memory(path: Path, *_: object) -> None:
        raise MemoryError  # what the worker's address-space limit (perf_etl/pool.py) raises

    monkeypatch.setattr("perf_etl.ingest.ingest.read_document", out_of_memory)
    (rejected,) = ingest_landing(tmp_path, now=NOW, limits=IngestSettings(workers=0)).rejected
    assert rejected.reason_code == Reason.TOO_LARGE and "PERF_ETL_MAX_WORKER_MEMORY_MB" in rejected.message
