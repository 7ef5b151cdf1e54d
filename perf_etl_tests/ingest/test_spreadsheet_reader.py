"""Workbooks (.xlsx, .xls, WPS .et) through the whole path: ingest_file -> normalize -> read_reading ->
extract_document, on 自评表 workbooks made from real published tables (perf_etl_tests/fixtures/workbooks.py),
the .xls written by LibreOffice Calc."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import zipfile
from datetime import datetime, time, timezone
from pathlib import Path

import openpyxl
import pytest
from msoffcrypto.format.ooxml import OOXMLFile

from perf_etl.extract import extract_document
from perf_etl.extract.table_rows import read_reading
from perf_etl.ingest.ingest import ingest_file
from perf_etl.ingest.readers import read_document
from perf_etl.ingest.reasons import Reason
from perf_etl.ingest.spreadsheet_reader import cell_text
from perf_etl.models import Extraction, IngestedFile, RejectedFile
from perf_etl.normalize import normalize_document
from perf_etl_tests.fixtures.workbooks import (
    LAYOUTS,
    real_indicators,
    real_text,
    soffice,
    to_xls,
    write_xlsx,
)

RUN_AT = datetime(2026, 12, 1, tzinfo=timezone.utc)
TEXT_IDS = sorted(LAYOUTS)
# What each container says in raw.documents: source_format and the engine's name.
FORMATS = {"xlsx": ("xlsx", "openpyxl "), "xls": ("xls", "xlrd "), "et": ("xls", "xlrd ")}
# The report fields labelled in the real corpus.
REPORT_FIELDS = ["department_name", "fiscal_year", "budget_wan", "expenditure_wan", "execution_rate_pct",
                 "self_score", "grade"]
# The indicator fields labelled in the real corpus that the cells decide. (The comparison and met of a row
# are the table rules' reading of its words, the same for every format: not the reader's to check.)
INDICATOR_FIELDS = ["level1", "level2", "indicator_name", "target_text", "actual_text", "target_value",
                    "target_unit", "actual_value", "actual_unit", "weight", "score", "source"]
# "小于5次": the table rules read no value from a comparison in words (the label says ≤ 5): the rules' matter, the
# same for every format, not the reader's.
_WORDED_COMPARISON_RE = re.compile(r"^(?:小于|大于)(?!等于)")
needs_calc = pytest.mark.skipif(soffice() is None, reason="LibreOffice (soffice) is not installed: the .xls "
                                "fixtures are written by LibreOffice Calc (apt-get install libreoffice-calc-nogui)")


@pytest.fixture(scope="module")
def workbooks(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], Path]:
    """(text id, "xlsx" | "xls" | "et") -> the workbook; .xls and .et only where LibreOffice is installed."""
    folder = tmp_path_factory.mktemp("workbooks")
    books = {(text_id, "xlsx"): write_xlsx(text_id, folder / f"{text_id}.xlsx") for text_id in TEXT_IDS}
    if soffice() is not None:
        converted = to_xls([books[(text_id, "xlsx")] for text_id in TEXT_IDS], folder / "xls")
        for text_id, xls in zip(TEXT_IDS, converted, strict=True):
            books[(text_id, "xls")] = xls
            # WPS Spreadsheets' .et is the .xls format under its own name.
            books[(text_id, "et")] = Path(shutil.copy(xls, folder / f"{text_id}.et"))
    return books


def _workbook(workbooks: dict[tuple[str, str], Path], text_id: str, kind: str) -> Path:
    if (text_id, kind) not in workbooks:
        pytest.skip("LibreOffice (soffice) is not installed: no .xls / .et written by an office suite")
    return workbooks[(text_id, kind)]


def _extract(path: Path) -> tuple[IngestedFile, Extraction]:
    outcome = ingest_file(path, path.parent, RUN_AT)
    assert isinstance(outcome, IngestedFile), outcome
    doc = outcome.document
    staged = normalize_document(doc.document_id, doc.fiscal_year, outcome.pages)
    return outcome, extract_document(staged, read_reading(doc.document_id, doc.fiscal_year, outcome.tables))


def _rejection(path: Path) -> RejectedFile:
    outcome = ingest_file(path, path.parent, RUN_AT)
    assert isinstance(outcome, RejectedFile), outcome
    return outcome


def _squeezed(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.mark.parametrize("text_id", TEXT_IDS)
def test_the_workbooks_hold_the_real_tables_words(text_id: str) -> None:
    # The fixtures copy the real table, they do not invent one: every text cell is in the published text.
    published = _squeezed(real_text(text_id)["text"])
    missing = [cell.ref for cell in LAYOUTS[text_id][2]
               if isinstance(cell.value, str) and _squeezed(cell.value) not in published]
    assert missing == []


@pytest.mark.parametrize("kind", ["xlsx", pytest.param("xls", marks=needs_calc), pytest.param("et", marks=needs_calc)])
@pytest.mark.parametrize("text_id", TEXT_IDS)
def test_a_workbook_gives_the_reports_fields_and_indicators(workbooks, text_id: str, kind: str) -> None:
    outcome, extraction = _extract(_workbook(workbooks, text_id, kind))
    source_format, engine = FORMATS[kind]
    assert outcome.document.source_format == source_format
    assert outcome.document.text_engine.startswith(engine)
    labels = real_text(text_id)["labels"]
    assert {name: extraction.report.get(name) for name in REPORT_FIELDS} == pytest.approx(
        {name: labels[name] for name in REPORT_FIELDS})
    expected = [_cells_decide({name: row[name] for name in INDICATOR_FIELDS}) for row in real_indicators(text_id)]
    got = [_cells_decide({name: getattr(row, name) for name in INDICATOR_FIELDS}) for row in extraction.indicators]
    assert got == expected


def _cells_decide(row: dict[str, object]) -> dict[str, object]:
    if _WORDED_COMPARISON_RE.match(str(row["target_text"])):
        return {name: value for name, value in row.items() if name not in ("target_value", "target_unit")}
    return row


@needs_calc
def test_the_money_block_of_the_split_budget_form(workbooks) -> None:
    # 年初预算数 0 | 全年预算数 2.38 | 全年执行数 2.38: the initial budget is a figure of its own.
    _, extraction = _extract(_workbook(workbooks, "b07-009", "xls"))
    assert extraction.report["budget_initial_wan"] == 0
    assert (extraction.report["budget_wan"], extraction.report["expenditure_wan"]) == (2.38, 2.38)


@needs_calc
@pytest.mark.parametrize("text_id", TEXT_IDS)
def test_openpyxl_and_xlrd_read_the_same_cells(workbooks, text_id: str) -> None:
    xlsx = read_document(workbooks[(text_id, "xlsx")])
    xls = read_document(workbooks[(text_id, "xls")])
    assert [grid.rows for grid in xlsx.tables] == [grid.rows for grid in xls.tables]
    assert [page.text for page in xlsx.pages] == [page.text for page in xls.pages]


@pytest.mark.parametrize("kind", ["xlsx", pytest.param("xls", marks=needs_calc)])
def test_merged_cells_percents_dates_and_whole_numbers(workbooks, kind: str) -> None:
    read = read_document(_workbook(workbooks, "b09-001", kind))
    rows = read.tables[0].rows
    levels = [row[1] for row in rows if row[2] in {"数量指标", "质量指标", "时效指标"}]
    assert levels == ["产出指标(60分)"] * 3  # the 一级 cell merged down its block, in each row it covers
    assert ["年度财政资金总额", "年度财政资金总额", "34.64", "34.64", "100%", "20"] in [row[1:] for row in rows]
    assert any("2023-04-06" in row for row in rows)
    text = read.pages[0].text
    # The page: a merged cell's text once, cells between " | ", as flattened tables are written.
    assert "年度财政资金总额 | 34.64 | 34.64 | 100% | 20\n" in text
    assert "\n质量指标 | 补助经费足额拨付率 | 100% | 100% | 20\n" in text
    assert "单位名称:保山市退役军人事务局 | 填报日期: | 2023-04-06" in text


def test_every_visible_sheet_is_a_page_and_a_table(tmp_path: Path) -> None:
    workbook = openpyxl.Workbook()
    workbook.active.title = "说明"
    workbook.active["A1"] = "2022年度项目支出绩效自评表"
    second = workbook.create_sheet("自评表")
    second.append(["项目名称", "春节走访慰问经费"])
    hidden = workbook.create_sheet("下拉选项")
    hidden.append(["优", "良", "中", "差"])
    hidden.sheet_state = "hidden"  # a list for drop-downs: not what a person reads
    workbook.create_sheet("空表")
    path = tmp_path / "自评表.xlsx"
    workbook.save(path)
    read = read_document(path)
    assert [(page.page_number, page.text) for page in read.pages] == [
        (1, "2022年度项目支出绩效自评表"), (2, "项目名称 | 春节走访慰问经费")]
    assert [(grid.table_index, grid.pages, grid.rows) for grid in read.tables] == [
        (0, [1], [["2022年度项目支出绩效自评表"]]), (1, [2], [["项目名称", "春节走访慰问经费"]])]


@pytest.mark.parametrize(
    ("value", "number_format", "text"),
    [(1, "0%", "100%"), (0.985, "0.00%", "98.5%"), (0.5, '0.0"%"', "0.5"), (20.0, "General", "20"),
     (0.1 + 0.2, "General", "0.3"), (34.64, "0", "34.64"), (datetime(2023, 3, 10), "yyyy-mm-dd", "2023-03-10"),
     (datetime(2023, 3, 10, 9, 30), "yyyy-mm-dd hh:mm", "2023-03-10 09:30"), (time(9, 30), "hh:mm", "09:30"),
     (True, "General", "TRUE"), (" 优 ", "@", "优"), (None, "General", "")],
)
def test_cells_read_as_a_person_reads_them(value: object, number_format: str, text: str) -> None:
    assert cell_text(value, number_format) == text


def test_an_xlsx_named_xls_is_read_as_the_xlsx_it_is(workbooks, tmp_path: Path) -> None:
    path = tmp_path / "b09-001.xls"
    path.write_bytes(workbooks[("b09-001", "xlsx")].read_bytes())
    outcome, extraction = _extract(path)
    assert outcome.document.source_format == "xlsx"
    assert extraction.report["budget_wan"] == 34.64


@pytest.mark.parametrize(
    ("name", "data"),
    [("truncated.xlsx", lambda xlsx, xls: xlsx[: len(xlsx) // 2]),
     ("random.xls", lambda xlsx, xls: bytes(range(256)) * 40),
     ("a zip of something else.xlsx", lambda xlsx, xls: _zip_of({"report.txt": "2022年度项目支出绩效自评表"})),
     pytest.param("truncated.xls", lambda xlsx, xls: xls[:3000], marks=needs_calc)],
)
def test_a_corrupt_workbook_is_rejected_saying_what_to_do(workbooks, tmp_path: Path, name: str, data) -> None:
    xls = workbooks.get(("b09-001", "xls"))
    path = tmp_path / name
    path.write_bytes(data(workbooks[("b09-001", "xlsx")].read_bytes(), xls.read_bytes() if xls else b""))
    rejected = _rejection(path)
    assert rejected.reason_code == Reason.CORRUPT_SPREADSHEET
    assert "save it again as .xlsx" in rejected.message


def test_a_word_document_named_xls_is_rejected_as_what_it_is(tmp_path: Path) -> None:
    binary = soffice()
    if binary is None or not Path("/usr/lib/libreoffice/program/libswlo.so").exists():
        pytest.skip("LibreOffice Writer is not installed: no .doc to misname")
    (tmp_path / "memo.txt").write_text("2022年度项目支出绩效自评报告\n", encoding="utf-8")
    subprocess.run([binary, f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--headless",
                    "--convert-to", "doc", "--outdir", str(tmp_path), str(tmp_path / "memo.txt")],
                   check=True, capture_output=True, timeout=180)
    path = (tmp_path / "memo.doc").rename(tmp_path / "自评表.xls")
    rejected = _rejection(path)
    assert rejected.reason_code == Reason.CORRUPT_SPREADSHEET
    assert "Word .doc" in rejected.message


def test_a_password_protected_workbook_is_rejected_as_encrypted(workbooks, tmp_path: Path) -> None:
    path = tmp_path / "locked.xlsx"
    path.write_bytes(_encrypted(workbooks[("b09-001", "xlsx")].read_bytes(), "zxc123"))
    rejected = _rejection(path)
    assert rejected.reason_code == Reason.ENCRYPTED_SPREADSHEET
    assert "unlocked copy" in rejected.message


def test_a_workbook_under_excels_default_password_is_read(workbooks, tmp_path: Path) -> None:
    # Excel opens these without asking (a workbook whose structure is protected without a password).
    path = tmp_path / "protected.xlsx"
    path.write_bytes(_encrypted(workbooks[("b09-001", "xlsx")].read_bytes(), "VelvetSweatshop"))
    _, extraction = _extract(path)
    assert extraction.report["budget_wan"] == 34.64


def test_an_empty_workbook_is_rejected_as_empty(tmp_path: Path) -> None:
    path = tmp_path / "自评表.xlsx"
    workbook = openpyxl.Workbook()
    workbook.active["B3"].number_format = "0%"  # formatted, but no text
    workbook.save(path)
    rejected = _rejection(path)
    assert rejected.reason_code == Reason.EMPTY_SPREADSHEET
    assert "re-export it" in rejected.message


def _encrypted(xlsx: bytes, password: str) -> bytes:
    """The workbook under Office's (agile) encryption, as Excel writes a password-protected .xlsx."""
    out = io.BytesIO()
    OOXMLFile(io.BytesIO(xlsx)).encrypt(password, out)
    return out.getvalue()


def _zip_of(members: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in members.items():
            archive.writestr(name, text)
    return buffer.getvalue()
