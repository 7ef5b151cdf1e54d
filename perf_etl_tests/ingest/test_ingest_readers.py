"""Readers: pdf, txt and docx into pages, and the typed errors for files that cannot be read."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pdfplumber
import pytest
from reportlab.lib.pdfencrypt import StandardEncryption

from perf_etl.ingest import readers
from perf_etl.ingest.readers import read_document
from perf_etl.ingest.reasons import (
    CorruptDocxError,
    CorruptPdfError,
    EncryptedPdfError,
    TooLargeError,
    UndecodableTextError,
    UnsupportedFormatError,
)
from perf_etl.settings import IngestSettings
from perf_etl_tests.fixtures.table_pdfs import build_merged

from .factory import SAMPLES, make_docx, make_image_only_pdf, make_pdf, random_bytes, sample_text

SAMPLE = "004_3cc4b0b52db76508"
LINE = "部门整体支出绩效自评报告全年预算数36,628.61万元"


# ---------------------------------------------------------------- txt


@pytest.mark.parametrize(
    ("encoding", "prefix", "label"),
    [
        ("gbk", b"", "gb18030"),
        ("gb18030", b"", "gb18030"),
        ("utf-8", b"\xef\xbb\xbf", "utf_8 with BOM"),
        ("utf-8", b"", "utf_8"),
    ],
)
def test_txt_encodings_read_to_the_same_text(tmp_path: Path, encoding: str, prefix: bytes, label: str) -> None:
    original = sample_text(SAMPLE)
    path = tmp_path / "report.txt"
    path.write_bytes(prefix + original.encode(encoding))
    read = read_document(path)
    assert read.source_format == "txt"
    assert [page.text for page in read.pages] == [original]
    assert read.text_engine.startswith("charset-normalizer ")
    assert read.text_engine.endswith(f"({label})")
    assert not read.pages[0].text.startswith("\ufeff")


def test_txt_form_feeds_separate_pages(tmp_path: Path) -> None:
    path = tmp_path / "paged.txt"
    path.write_text("第一页内容\f第二页内容\f第三页内容\f", encoding="utf-8")
    pages = read_document(path).pages
    assert [(page.page_number, page.text) for page in pages] == [
        (1, "第一页内容"),
        (2, "第二页内容"),
        (3, "第三页内容"),
    ]


def test_txt_windows_line_ends_become_newlines(tmp_path: Path) -> None:
    path = tmp_path / "crlf.txt"
    path.write_bytes("第一行\r\n第二行\r第三行\n".encode("gbk"))
    assert read_document(path).pages[0].text == "第一行\n第二行\n第三行\n"


@pytest.mark.parametrize(
    "data",
    [random_bytes(4096), b"\x89PNG\r\n\x1a\n" + random_bytes(2048, seed=3), b"abc\x00\x00\x01\x02" * 200],
    ids=["noise", "png-bytes", "nul-bytes"],
)
def test_binary_txt_is_undecodable(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "binary.txt"
    path.write_bytes(data)
    with pytest.raises(UndecodableTextError):
        read_document(path)


# ---------------------------------------------------------------- docx


def test_docx_reads_paragraphs_and_table_rows_in_document_order(tmp_path: Path) -> None:
    path = make_docx(
        tmp_path / "report.docx",
        ["2023年度部门整体支出绩效自评报告", "一、基本情况"],
        table=[["指标", "目标值", "完成值"], ["引进项目", "160个", "174个"]],
        closing="（完）",
    )
    read = read_document(path)
    assert read.source_format == "docx"
    assert read.text_engine.startswith("python-docx ")
    assert len(read.pages) == 1
    assert read.pages[0].text.splitlines() == [
        "2023年度部门整体支出绩效自评报告",
        "一、基本情况",
        "指标\t目标值\t完成值",
        "引进项目\t160个\t174个",
        "（完）",
    ]


def test_docx_merged_cell_is_listed_once(tmp_path: Path) -> None:
    path = make_docx(tmp_path / "merged.docx", ["自评表"], table=[["一级指标", "", "分值"], ["履职效能", "x", "50"]])
    import docx

    document = docx.Document(str(path))
    first_row = document.tables[0].rows[0]
    first_row.cells[0].merge(first_row.cells[1])
    document.save(str(path))
    lines = read_document(path).pages[0].text.splitlines()
    assert lines[1] == "一级指标\t分值"


@pytest.mark.parametrize(
    "data",
    [random_bytes(2000), b"PK\x03\x04" + random_bytes(500)],
    ids=["noise", "broken-zip"],
)
def test_corrupt_docx(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "broken.docx"
    path.write_bytes(data)
    with pytest.raises(CorruptDocxError):
        read_document(path)


def test_zip_without_word_part_is_corrupt_docx(tmp_path: Path) -> None:
    path = tmp_path / "not-word.docx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("hello.txt", "hi")
    with pytest.raises(CorruptDocxError):
        read_document(path)


# ---------------------------------------------------------------- pdf


def test_fake_bold_copies_are_read_once(tmp_path: Path) -> None:
    path = make_pdf(tmp_path / "bold.pdf", [LINE], fake_bold=True)
    with pdfplumber.open(path) as pdf:
        raw = pdf.pages[0].extract_text()
    assert LINE not in raw  # pdfplumber alone doubles the letters: the dedupe is doing the work
    assert read_document(path).pages[0].text == LINE


def test_letter_spaced_text_stays_in_words(tmp_path: Path) -> None:
    path = make_pdf(tmp_path / "spaced.pdf", ["预算数 36,628.61 万元"], char_space=4)
    with pdfplumber.open(path) as pdf:
        raw = pdf.pages[0].extract_text()
    assert "36,628.61" not in raw  # a fixed 3 pt tolerance splits the number letter by letter
    assert "36,628.61" in read_document(path).pages[0].text


def test_user_password_pdf_is_encrypted(tmp_path: Path) -> None:
    path = make_pdf(tmp_path / "locked.pdf", [LINE], encrypt=StandardEncryption("secret", ownerPassword="o"))
    with pytest.raises(EncryptedPdfError):
        read_document(path)


def test_owner_password_pdf_opens_without_a_password(tmp_path: Path) -> None:
    # Only copying is restricted: not an encrypted_pdf for us. (pdfminer gives (cid:N) runs for its CID
    # font today, so this also goes through the pypdfium2 rescue; either way the words must come back.)
    encryption = StandardEncryption("", ownerPassword="owner", canCopy=0)
    path = make_pdf(tmp_path / "owner.pdf", [LINE, "第二行"], encrypt=encryption)
    assert read_document(path).pages[0].text.splitlines() == [LINE, "第二行"]


def _pdfium_fails_on_page_2(monkeypatch: pytest.MonkeyPatch, failed_text: str) -> None:
    original = readers._read_pdfium_page
    monkeypatch.setattr(
        readers, "_read_pdfium_page",
        lambda document, index: (failed_text, False, False) if index == 1 else original(document, index),
    )


@pytest.mark.parametrize("failed_text", ["", "(cid:12)(cid:345)(cid:6)\n(cid:7)"], ids=["no-chars", "cid-runs"])
def test_pages_pypdfium2_cannot_read_come_from_pdfplumber(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failed_text: str
) -> None:
    path = make_pdf(tmp_path / "three.pdf", [f"第{n}行" for n in range(100)])
    _pdfium_fails_on_page_2(monkeypatch, failed_text)
    read = read_document(path)
    assert "第40行" in read.pages[1].text and "第79行" in read.pages[1].text
    assert "(cid:" not in read.pages[1].text
    assert read.pages[0].text.startswith("第0行")
    assert [page.engine.split()[0] for page in read.pages] == ["pypdfium2", "pdfplumber", "pypdfium2"]
    assert read.text_engine.startswith("pypdfium2 ")
    assert read.text_engine.endswith(f"; pdfplumber {readers.version('pdfplumber')} "
                                     f"(pdfminer.six {readers.version('pdfminer.six')}) for pages 2")


def test_ruled_table_pages_are_read_by_pdfplumber(tmp_path: Path) -> None:
    path = tmp_path / "merged.pdf"
    build_merged(path)
    read = read_document(path)
    engines = [page.engine.split()[0] for page in read.pages]
    assert engines == ["pypdfium2", "pdfplumber"]  # prose, then the 自评表 page with its cell borders
    assert "年度资金总额 1000.00 1200.00 1150.50" in read.pages[1].text  # a row of the table, in order


def test_page_ranges_are_compact() -> None:
    assert readers._page_ranges([1, 2, 3, 7, 9, 10]) == "1-3,7,9-10"


def test_image_without_print_gives_empty_pages_read_by_ocr(tmp_path: Path) -> None:
    read = read_document(make_image_only_pdf(tmp_path / "scan.pdf", pages=2))
    assert [page.text for page in read.pages] == ["", ""]
    assert read.text_engine.startswith("rapidocr-onnxruntime ")
    assert all(page.ocr_confidence is not None for page in read.pages)


def test_with_ocr_off_a_scan_keeps_its_empty_text_layer(tmp_path: Path) -> None:
    read = read_document(make_image_only_pdf(tmp_path / "scan.pdf", pages=1), IngestSettings(ocr=False))
    assert [page.text for page in read.pages] == [""]
    assert read.text_engine.startswith("pypdfium2 ") and read.pages[0].ocr_confidence is None


def test_truncated_pdf_is_corrupt(tmp_path: Path) -> None:
    data = (SAMPLES / f"{SAMPLE}.pdf").read_bytes()
    path = tmp_path / "truncated.pdf"
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(CorruptPdfError, match="truncated"):
        read_document(path)


def test_random_bytes_named_pdf_are_corrupt(tmp_path: Path) -> None:
    path = tmp_path / "noise.pdf"
    path.write_bytes(random_bytes(5000))
    with pytest.raises(CorruptPdfError, match="not a PDF"):
        read_document(path)


def test_pdf_with_broken_body_is_corrupt(tmp_path: Path) -> None:
    path = tmp_path / "broken.pdf"
    path.write_bytes(b"%PDF-1.4\n" + random_bytes(3000) + b"\n%%EOF\n")
    with pytest.raises(CorruptPdfError):
        read_document(path)


def test_too_many_pages_is_too_large(tmp_path: Path) -> None:
    path = make_pdf(tmp_path / "long.pdf", [f"第{n}行" for n in range(130)])  # 4 pages
    assert len(read_document(path, IngestSettings(max_pages=4)).pages) == 4
    with pytest.raises(TooLargeError, match=r"4 pages, over the limit of 3 \(max_pages, PERF_ETL_MAX_PAGES\)"):
        read_document(path, IngestSettings(max_pages=3))


@pytest.mark.parametrize(
    ("name", "hint"), [("a.pptx", ".pptx"), ("b.png", ".png"), ("c.rtf", ".rtf"), ("README", "no")]
)
def test_unsupported_extensions(tmp_path: Path, name: str, hint: str) -> None:
    path = tmp_path / name
    path.write_bytes(b"something")
    with pytest.raises(UnsupportedFormatError, match=hint):
        read_document(path)


def test_extension_is_case_insensitive(tmp_path: Path) -> None:
    path = tmp_path / "REPORT.PDF"
    path.write_bytes((SAMPLES / f"{SAMPLE}.pdf").read_bytes())
    assert read_document(path).source_format == "pdf"
