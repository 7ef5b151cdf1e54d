"""One published report in every format it is published in gives the same core fields (issue 19): sample 001
(仲恺高新区经济发展局, 2020) as the PDF it was published as, as the web page (with its 自评表 as a <table>), as
.docx, as Word 97 .doc written by LibreOffice, as OFD, and its 自评表 alone as a workbook. The same report
twice (PDF and web page) is one document; a zip of the five samples gives five, beside a zip bomb and an
encrypted zip that are rejected for what they are."""

from __future__ import annotations

import html
from datetime import datetime, timezone
from pathlib import Path

import openpyxl
import pytest

from perf_etl.extract import extract_document
from perf_etl.extract.table_rows import read_reading
from perf_etl.ingest.ingest import ingest_file
from perf_etl.ingest.reasons import Reason
from perf_etl.models import IngestedFile
from perf_etl.normalize import normalize_document
from perf_etl.settings import ArchiveLimits, IngestSettings
from perf_etl_tests.conftest import SAMPLES
from perf_etl_tests.fixtures import legacy_formats
from perf_etl_tests.fixtures.archives import with_zip_flag, zip_bomb, zip_bytes
from perf_etl_tests.fixtures.html_pages import report_page, report_paragraphs
from perf_etl_tests.landing import ingest_landing

NOW = datetime(2025, 6, 1, tzinfo=timezone.utc)
SAMPLE = legacy_formats.SAMPLE
# The fields a report states in its prose; its 自评表 alone states the money block's.
PROSE_FIELDS = ("department_name", "fiscal_year", "budget_wan", "expenditure_wan", "execution_rate_pct",
                "self_score", "grade")
TABLE_FIELDS = ("budget_wan", "expenditure_wan", "execution_rate_pct")
ZIP_ENCRYPTED = 0x1


def _fields(path: Path, root: Path, names: tuple[str, ...]) -> dict[str, object]:
    outcome = ingest_file(path, root, NOW)
    assert isinstance(outcome, IngestedFile), outcome
    doc = outcome.document
    staged = normalize_document(doc.document_id, doc.fiscal_year, outcome.pages)
    extraction = extract_document(staged, read_reading(doc.document_id, doc.fiscal_year, outcome.tables))
    return {name: extraction.report[name] for name in names}


def _workbook(path: Path) -> Path:
    """The report's 自评表 as an Excel workbook, merged cells as the form merges them."""
    book = openpyxl.Workbook()
    sheet = book.active
    for r, row in enumerate(legacy_formats.TABLE, start=1):
        for c, text in enumerate(row, start=1):
            if text is not None:
                sheet.cell(r, c, text)
    for (r0, c0), (r1, c1) in legacy_formats.MERGES.items():
        sheet.merge_cells(start_row=r0 + 1, start_column=c0 + 1, end_row=r1 + 1, end_column=c1 + 1)
    book.save(path)
    return path


def _folder(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("every_format")
    files = {
        "pdf": root / "report.pdf",
        "html": root / "report.html",
        "docx": legacy_formats.write_docx(root / "report.docx"),
        "ofd": legacy_formats.write_ofd(root / "report.ofd"),
        # A 自评表 alone states no year: filed in its year's folder, as a user files it.
        "xlsx": _workbook(_folder(root / "2020") / "自评表.xlsx"),
    }
    files["pdf"].write_bytes((SAMPLES / f"{SAMPLE}.pdf").read_bytes())
    files["html"].write_bytes(report_page("gb2312").encode("gb18030"))
    if legacy_formats.soffice() is not None:
        files["doc"] = legacy_formats.write_doc(root / "report.doc")
    return files


@pytest.mark.parametrize("source_format", ["html", "docx", "doc", "ofd"])
def test_the_report_in_each_format_gives_the_fields_of_its_pdf(published, source_format) -> None:
    if source_format not in published:
        pytest.skip("LibreOffice (soffice) is not installed: .ci/run installs libreoffice-writer-nogui")
    root = published["pdf"].parent
    expected = _fields(published["pdf"], root, PROSE_FIELDS)
    assert expected["budget_wan"] is not None and expected["department_name"]
    assert _fields(published[source_format], root, PROSE_FIELDS) == expected


def test_its_self_evaluation_table_as_a_workbook_gives_the_money_block(published) -> None:
    root = published["pdf"].parent
    table = _fields(published["xlsx"], root, TABLE_FIELDS)
    assert table == {"budget_wan": 16098.12, "expenditure_wan": 14871.77, "execution_rate_pct": 92.38}


def test_the_same_report_as_pdf_and_web_page_is_one_document(published, tmp_path) -> None:
    # The page holds the report's text as the PDF does (the site's title line above it, its chrome around it).
    page = report_page("gb2312", body="\n".join(f"<p>{html.escape(line)}</p>" for line in report_paragraphs()))
    landing = _folder(tmp_path / "landing" / "2021")
    (landing / "report.pdf").write_bytes(published["pdf"].read_bytes())
    (landing / "report.html").write_bytes(page.encode("gb18030"))
    result = ingest_landing(landing.parent, now=NOW, limits=IngestSettings(workers=0))
    assert [i.document.source_format for i in result.accepted] == ["pdf"]
    assert [(r.source_path, r.reason_code) for r in result.rejected] == [("2021/report.html", Reason.DUPLICATE_CONTENT)]


def test_a_zip_of_the_samples_gives_five_reports_and_bad_archives_lose_nothing(tmp_path) -> None:
    pdfs = sorted(SAMPLES.glob("00[0-4]_*.pdf"))
    landing = tmp_path / "landing"
    landing.mkdir()
    (landing / "samples.zip").write_bytes(zip_bytes({f"报告/{p.name}": p.read_bytes() for p in pdfs}))
    (landing / "bomb.zip").write_bytes(zip_bomb(5))
    (landing / "locked.zip").write_bytes(with_zip_flag(zip_bytes({"a.pdf": pdfs[0].read_bytes()}), ZIP_ENCRYPTED))
    limits = IngestSettings(workers=0, archives=ArchiveLimits(max_ratio=50), unpack_dir=tmp_path / "unpacked")
    result = ingest_landing(landing, now=NOW, limits=limits)
    assert sorted(i.document.source_path for i in result.accepted) == [f"samples.zip!/报告/{p.name}" for p in pdfs]
    assert {r.source_path: r.reason_code for r in result.rejected} == {
        "bomb.zip": Reason.ARCHIVE_BOMB, "locked.zip": Reason.ENCRYPTED_ARCHIVE}
