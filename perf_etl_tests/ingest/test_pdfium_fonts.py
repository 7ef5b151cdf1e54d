"""The metrics font pdfium substitutes for fonts a PDF does not embed (perf_etl/ingest/pdfium_fonts.py)."""

import contextlib
import ctypes
import importlib.util
import io
import shutil
import subprocess

import numpy as np
import pypdfium2
import pytest
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen.canvas import Canvas

from perf_etl.ingest import pdfium_fonts
from perf_etl.ingest.readers import read_pdf
from perf_etl_tests.conftest import REPO

TITLE = "南京市投资促进局2025年度部门整体支出绩效自评报"


def wrapped_title_pdf() -> bytes:
    """A title in a font the PDF does not embed (STSong-Light), its last character wrapped to a line of its
    own, as generated reports and many published ones have it."""
    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    buffer = io.BytesIO()
    canvas = Canvas(buffer, invariant=1)
    canvas.setFont("STSong-Light", 18)
    canvas.drawString(88, 745, TITLE)
    canvas.drawCentredString(297, 718, "告")
    canvas.setFont("STSong-Light", 12)
    canvas.drawString(88, 680, "一、部门基本情况")
    canvas.save()
    return buffer.getvalue()


def test_a_character_alone_on_its_line_is_read():
    # pdfium without a substitute font gives such characters zero-height boxes and drops this one (as on a
    # machine without CJK fonts); with the system's CJK font it reads it, 10x slower.
    text = read_pdf(wrapped_title_pdf()).pages[0].text
    assert "告" in text and TITLE in text


def test_text_is_read_the_same_after_a_page_was_rendered_with_the_system_fonts():
    data = wrapped_title_pdf()
    before = read_pdf(data).pages[0].text
    with pdfium_fonts.system_fonts():
        document = pypdfium2.PdfDocument(data)
        document[0].render(scale=0.2)
        document.close()
    assert read_pdf(data).pages[0].text == before


def test_the_shipped_metrics_font_is_the_one_the_script_builds():
    spec = importlib.util.spec_from_file_location("build_metrics_font", REPO / "scripts" / "build_metrics_font.py")
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    assert script.build() == pdfium_fonts.METRICS_FONT
    assert len(pdfium_fonts.METRICS_FONT) < 1024


# Report 12 of the benchmark corpus's seed 0: STSong-Light, not embedded, its title's last character wrapped
# alone to the next line (as in 4 of the seed's 88 such reports). Seed 0's other 87 read the same too.
CORPUS_SEED, CORPUS_INDEX = 0, 12


@contextlib.contextmanager
def no_substitute_fonts():
    """pdfium with no system font info at all (FPDF_SetSystemFontInfo(NULL)), the metrics font after."""
    pdfium_fonts.use_metrics_font()
    pypdfium2.raw.FPDF_SetSystemFontInfo(None)
    try:
        yield
    finally:
        pypdfium2.raw.FPDF_SetSystemFontInfo(ctypes.byref(pdfium_fonts._font_info()))


def corpus_cid_report(tmp_path) -> bytes:
    from perf_etl_tests.fixtures.corpus import plan_report, render

    plan = plan_report(CORPUS_SEED, CORPUS_INDEX)
    assert plan.truth.font == "cid"
    render(plan, tmp_path / "report.pdf")
    return (tmp_path / "report.pdf").read_bytes()


def page_texts(data: bytes) -> list[str]:
    return [page.text for page in read_pdf(data).pages]


def cjk_system_fonts() -> list[str]:
    if shutil.which("fc-list") is None:
        return []
    listed = subprocess.run(["fc-list", ":lang=zh", "family"], capture_output=True, text=True, check=False)
    return [line for line in listed.stdout.splitlines() if line.strip()]


@pytest.mark.skipif(not cjk_system_fonts(), reason="no CJK system font (fonts-noto-cjk): nothing to compare with")
def test_a_corpus_report_in_a_font_it_does_not_embed_reads_as_with_the_system_cjk_fonts(tmp_path):
    # The metrics font stands in for the 20 MB system font pdfium's default loads for every document: the
    # reader's text must be what that default gives, character for character.
    data = corpus_cid_report(tmp_path)
    with pdfium_fonts.system_fonts():
        with_system_fonts = page_texts(data)
    assert page_texts(data) == with_system_fonts
    assert "告" in with_system_fonts[0]


def test_without_any_substitute_the_same_report_loses_a_character(tmp_path):
    # Why pdfium is not simply given no font info: its zero-height boxes drop the title's wrapped last
    # character (and turn the spaces between 自评表 cells into line breaks, where pdfium reads a table page).
    data = corpus_cid_report(tmp_path)
    with no_substitute_fonts():
        bare = page_texts(data)
    metrics = page_texts(data)
    assert "自评报\n告" in metrics[0]
    assert "自评报\n告" not in bare[0]
    assert [page.replace("告\n", "", 1) if n == 0 else page for n, page in enumerate(metrics)] == bare


def test_pages_rendered_for_ocr_are_drawn_with_the_system_fonts_not_the_metrics_boxes(tmp_path, monkeypatch):
    # The metrics font's glyph is a full-em box: fine for text boxes, useless for OCR. ocr_pdf_pages must
    # render with pdfium's own font lookup, and the reader's text afterwards is the metrics font's again.
    from perf_etl.ingest import ocr

    data = corpus_cid_report(tmp_path)
    text_before = page_texts(data)
    images = []
    monkeypatch.setattr(ocr, "ocr_image", lambda image, number, engine, threads: images.append(image))
    ocr.ocr_pdf_pages(data, [1], dpi=100)

    def rendered() -> np.ndarray:
        document = pypdfium2.PdfDocument(data)
        try:
            return ocr.render_page(document, 1, 100)
        finally:
            document.close()

    boxes = rendered()
    with pdfium_fonts.system_fonts():
        letters = rendered()
    assert np.array_equal(images[0], letters)
    assert not np.array_equal(images[0], boxes)
    if cjk_system_fonts():  # CJK letters drawn: far less ink than a filled box per character
        assert (letters < 128).mean() < 0.5 * (boxes < 128).mean()
    assert page_texts(data) == text_before
