"""The metrics font pdfium substitutes for fonts a PDF does not embed (perf_etl/ingest/pdfium_fonts.py)."""

import importlib.util
import io

import pypdfium2
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
