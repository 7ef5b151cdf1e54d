"""pypdfium2 reads text pages, pdfplumber table pages: on text pages both must give the same normalized text.

The extraction rules were written against pdfplumber's text. pypdfium2 is the primary engine only because
this holds: every page of every sample PDF, and the prose pages of the table fixtures, normalize to the
same text whichever engine read them. (Ruled table pages differ in cell order, which is why they stay
with pdfplumber: see test_ingest_readers.test_ruled_table_pages_are_read_by_pdfplumber.)
"""

from __future__ import annotations

import io
from pathlib import Path

import pdfplumber
import pypdfium2
import pytest

from perf_etl.ingest import readers
from perf_etl.models import PageText
from perf_etl.normalize import normalize_document
from perf_etl_tests.conftest import SAMPLES
from perf_etl_tests.fixtures.table_pdfs import build_merged

from .factory import make_pdf

SAMPLE_PDFS = sorted(SAMPLES.glob("*.pdf"))


def _normalized(text: str) -> str:
    return normalize_document("page", 2023, [PageText(1, text)]).text


def _both_engines(data: bytes) -> list[tuple[str, str]]:
    """(pdfplumber text, pypdfium2 text) of every page, as the reader gets each."""
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        plumber = [readers._plumber_page_text(page, number) for number, page in enumerate(pdf.pages, start=1)]
    document = pypdfium2.PdfDocument(data)
    try:
        pdfium = [readers._read_pdfium_page(document, index)[0] for index in range(len(document))]
    finally:
        document.close()
    return list(zip(plumber, pdfium, strict=True))


@pytest.mark.parametrize("path", SAMPLE_PDFS, ids=lambda path: path.stem)
def test_every_sample_page_normalizes_the_same_from_either_engine(path: Path) -> None:
    pages = _both_engines(path.read_bytes())
    assert len(pages) > 1
    for number, (plumber, pdfium) in enumerate(pages, start=1):
        assert _normalized(pdfium) == _normalized(plumber), f"page {number}"


@pytest.mark.parametrize(("fake_bold", "char_space"), [(True, 0.0), (False, 4.0)], ids=["fake-bold", "letter-spaced"])
def test_fake_bold_and_letter_spacing_normalize_the_same(tmp_path: Path, fake_bold: bool, char_space: float) -> None:
    line = "部门整体支出绩效自评报告 全年预算数 36,628.61 万元"
    path = make_pdf(tmp_path / "page.pdf", [line], fake_bold=fake_bold, char_space=char_space)
    ((plumber, pdfium),) = _both_engines(path.read_bytes())
    assert _normalized(pdfium) == _normalized(plumber) == _normalized(line)


def test_the_prose_page_of_a_table_fixture_normalizes_the_same(tmp_path: Path) -> None:
    path = tmp_path / "merged.pdf"
    build_merged(path)
    (plumber, pdfium), _table_page = _both_engines(path.read_bytes())
    assert "自评" in plumber and _normalized(pdfium) == _normalized(plumber)
