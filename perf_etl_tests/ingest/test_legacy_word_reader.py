"""Word 97 .doc and WPS .wps: read through LibreOffice into text and real table cells, and the files that
cannot be read rejected with their reasons.

The .doc is sample 001's report with its 自评表 (merged 一级 / 二级 cells), saved as Word 97 by LibreOffice
(perf_etl_tests/fixtures/legacy_formats.py). LibreOffice is a system package; .ci/run installs it, so these
tests run in CI. Where it is missing they are skipped, saying so.
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from pathlib import Path

import olefile
import pytest

from perf_etl.ingest import legacy_word_reader
from perf_etl.ingest.ingest import ingest_file
from perf_etl.ingest.readers import read_document, source_format_of
from perf_etl.ingest.reasons import Reason
from perf_etl.models import IngestedFile
from perf_etl_tests.fixtures.legacy_formats import SAMPLE, TABLE, TABLE_ROWS, sample_lines, soffice, write_doc
from perf_etl_tests.ingest.files import extracted as _extracted
from perf_etl_tests.ingest.files import rejected as _rejected

LABELS = json.loads((Path(__file__).resolve().parents[1] / "fixtures" / "labels.json").read_text(encoding="utf-8"))
needs_soffice = pytest.mark.skipif(
    soffice() is None, reason="LibreOffice (soffice) is not installed: .ci/run installs libreoffice-writer-nogui")
# The FIB's flags word ([MS-DOC] 2.5.2 FibBase): at byte 10 of the WordDocument stream; fEncrypted is bit 8.
_FIB_FLAGS = 10
_F_ENCRYPTED = 0x0100


@pytest.fixture(scope="module")
def doc_bytes(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    if soffice() is None:
        pytest.skip("LibreOffice (soffice) is not installed: .ci/run installs libreoffice-writer-nogui")
    return write_doc(tmp_path_factory.mktemp("doc") / "report.doc").read_bytes()


def _write(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


# ---------------------------------------------------------------- what a .doc gives


@needs_soffice
def test_doc_reads_to_the_report_text_and_its_table_cells(tmp_path: Path, doc_bytes: bytes) -> None:
    assert doc_bytes.startswith(b"\xd0\xcf\x11\xe0")  # a real OLE2 Word 97 file
    read = read_document(_write(tmp_path / "report.doc", doc_bytes))
    assert read.source_format == "doc"
    assert re.fullmatch(r"LibreOffice \d+\.\d+[.\d]* → python-docx \d[.\d]*", read.text_engine), read.text_engine
    assert [page.engine for page in read.pages] == [read.text_engine]
    lines = read.pages[0].text.split("\n")
    assert lines[: len(sample_lines())] == sample_lines()  # every paragraph, in order
    assert lines[len(sample_lines()) + 2] == "资金情况（万元）\t年初预算数\t全年预算数\t全年执行数\t执行率"
    # The Word table as cells: merged cells' text in every position they cover.
    assert [grid.rows for grid in read.tables] == [TABLE_ROWS]


@needs_soffice
def test_report_from_the_doc_has_its_figures_and_indicator_rows(tmp_path: Path, doc_bytes: bytes,
                                                                  now: datetime) -> None:
    labels = LABELS[SAMPLE]["report"]
    extraction = _extracted(_write(tmp_path / "2020" / "report.doc", doc_bytes), tmp_path, now)
    report = extraction.report
    for field in ("department_name", "fiscal_year", "filler_name", "contact_phone", "grade", "report_type"):
        assert report[field] == labels[field], field
    assert str(report["fill_date"]) == labels["fill_date"]
    for field in ("budget_initial_wan", "budget_wan", "expenditure_wan", "execution_rate_pct", "self_score",
                  "basic_expenditure_wan", "project_expenditure_wan"):
        assert report[field] == pytest.approx(labels[field], abs=0.01), field
    table_rows = [i for i in extraction.indicators if i.source == "table"]
    assert [(i.level1, i.level2, i.indicator_name, i.target_value, i.actual_value) for i in table_rows] == [
        ("产出指标", "数量指标", row[2], float(re.sub(r"\D", "", row[3])), float(re.sub(r"\D", "", row[4])))
        for row in TABLE[4:]
    ]
    for label in LABELS[SAMPLE]["indicators"]:
        row = next(i for i in table_rows if label["name_contains"] in i.indicator_name)
        assert (row.target_value, row.actual_value) == (label["target_value"], label["actual_value"])


@needs_soffice
def test_ingested_doc_is_recorded_as_doc(tmp_path: Path, doc_bytes: bytes, now: datetime) -> None:
    outcome = ingest_file(_write(tmp_path / "2020" / "report.doc", doc_bytes), tmp_path, now)
    assert isinstance(outcome, IngestedFile)
    assert outcome.document.source_format == "doc"
    assert outcome.document.text_engine.startswith("LibreOffice ")
    assert outcome.document.page_count == 1


@needs_soffice
def test_wps_named_word_97_file_reads_the_same(tmp_path: Path, doc_bytes: bytes) -> None:
    # WPS Office saves .wps in the Word 97 binary format (an OLE2 file with a WordDocument stream).
    as_doc = read_document(_write(tmp_path / "report.doc", doc_bytes))
    as_wps = read_document(_write(tmp_path / "report.wps", doc_bytes))
    assert source_format_of(tmp_path / "report.wps") == "doc"
    assert as_wps.pages[0].text == as_doc.pages[0].text
    assert [grid.rows for grid in as_wps.tables] == [grid.rows for grid in as_doc.tables]


# ---------------------------------------------------------------- files that cannot be read


@pytest.mark.parametrize("data", [b"legacy Word", bytes(range(256)) * 40], ids=["text", "binary"])
def test_doc_without_an_ole2_header_is_corrupt(tmp_path: Path, now: datetime, data: bytes) -> None:
    rejected = _rejected(_write(tmp_path / "2020" / "notes.doc", data), tmp_path, now)
    assert rejected.reason_code == Reason.CORRUPT_DOC
    assert "no OLE2 header" in rejected.message
    assert "save it again as .docx" in rejected.message


@needs_soffice
def test_truncated_doc_is_corrupt(tmp_path: Path, doc_bytes: bytes, now: datetime) -> None:
    rejected = _rejected(_write(tmp_path / "2020" / "cut.doc", doc_bytes[:4096]), tmp_path, now)
    assert rejected.reason_code == Reason.CORRUPT_DOC, rejected.message


@needs_soffice
def test_encrypted_doc_is_rejected_as_encrypted(tmp_path: Path, doc_bytes: bytes, now: datetime) -> None:
    # The same file with the FIB's fEncrypted flag set, as Word sets it when a password protects the document.
    path = _write(tmp_path / "2020" / "locked.doc", doc_bytes)
    with olefile.OleFileIO(str(path), write_mode=True) as ole:
        stream = bytearray(ole.openstream("WordDocument").read())
        flags = int.from_bytes(stream[_FIB_FLAGS : _FIB_FLAGS + 2], "little") | _F_ENCRYPTED
        stream[_FIB_FLAGS : _FIB_FLAGS + 2] = flags.to_bytes(2, "little")
        ole.write_stream("WordDocument", bytes(stream))
    rejected = _rejected(path, tmp_path, now)
    assert rejected.reason_code == Reason.ENCRYPTED_DOC
    assert "password" in rejected.message


@pytest.mark.skipif(
    soffice() is None or not Path("/usr/lib/libreoffice/program/libsclo.so").exists(),
    reason="LibreOffice Calc is not installed: an .xls cannot be written for this test")
def test_excel_workbook_named_doc_is_rejected_as_what_it_is(tmp_path: Path, now: datetime) -> None:
    import openpyxl

    from perf_etl_tests.fixtures.legacy_formats import convert

    book = openpyxl.Workbook()
    for row in TABLE:
        book.active.append(row)
    book.save(tmp_path / "table.xlsx")
    xls = convert(tmp_path / "table.xlsx", "xls", tmp_path / "xls")
    rejected = _rejected(_write(tmp_path / "2020" / "table.doc", xls.read_bytes()), tmp_path, now)
    assert rejected.reason_code == Reason.UNSUPPORTED_FORMAT
    assert "an Excel workbook (.xls) named as a Word file: rename it .xls" in rejected.message


@needs_soffice
def test_without_libreoffice_the_rejection_says_what_to_install(tmp_path: Path, doc_bytes: bytes, now: datetime,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(legacy_word_reader.shutil, "which", lambda name: None)
    rejected = _rejected(_write(tmp_path / "2020" / "report.doc", doc_bytes), tmp_path, now)
    assert rejected.reason_code == Reason.CONVERTER_MISSING
    assert "install LibreOffice (libreoffice-writer-nogui) to read .doc/.wps, or save it as .docx" in rejected.message


@needs_soffice
def test_a_conversion_that_does_not_finish_is_stopped(tmp_path: Path, doc_bytes: bytes, now: datetime,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(legacy_word_reader, "CONVERT_TIMEOUT_SECONDS", 0.05)
    rejected = _rejected(_write(tmp_path / "2020" / "report.doc", doc_bytes), tmp_path, now)
    assert rejected.reason_code == Reason.CORRUPT_DOC
    assert "did not finish converting it within" in rejected.message


@needs_soffice
def test_rich_text_saved_under_doc_reads_too(tmp_path: Path) -> None:
    # Word's "Rich Text Format" is often saved as .doc; LibreOffice reads it like the binary format.
    from perf_etl_tests.fixtures.legacy_formats import convert, write_docx

    rtf = convert(write_docx(tmp_path / "report.docx"), "rtf", tmp_path / "rtf")
    read = read_document(_write(tmp_path / "report.doc", rtf.read_bytes()))
    assert read.source_format == "doc"
    assert read.pages[0].text.split("\n")[: len(sample_lines())] == sample_lines()
