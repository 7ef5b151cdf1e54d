"""The OCR module on small inputs: reading order, confidence, unreadable pages, which pages need OCR."""

from __future__ import annotations

import numpy as np
import pytest

from perf_etl.ingest import ocr
from perf_etl.ingest.classify import needs_ocr
from perf_etl.ingest.ocr import (
    MIN_OCR_CHARS,
    MIN_OCR_CONFIDENCE,
    OcrPage,
    _Box,
    group_lines,
    is_unreadable,
    ocr_pdf_pages,
    unreadable_reason,
    without_red_ink,
)
from perf_etl.ingest.readers import read_pdf
from perf_etl.settings import IngestSettings
from perf_etl_tests.conftest import SAMPLES
from perf_etl_tests.ocr.scans import blank_page_pdf, image_only_pdf, without_tounicode


def _box(text: str, x0: float, top: float, x1: float, bottom: float, score: float = 0.99) -> _Box:
    return _Box(text, score, x0, top, x1, bottom)


# ---------------------------------------------------------------- reading order (no engine needed)


def test_lines_top_to_bottom_and_boxes_left_to_right() -> None:
    boxes = [
        _box("第二行", 100, 60, 200, 80),
        _box("右", 300, 12, 330, 32),
        _box("左", 100, 10, 130, 30),
        _box("中", 200, 11, 230, 31),
    ]
    assert [[b.text for b in line] for line in group_lines(boxes)] == [["左", "中", "右"], ["第二行"]]


def test_a_skewed_line_stays_one_line_and_close_lines_stay_apart() -> None:
    # A 0.5 degree skew lifts the right end of a 1000 px line by ~9 px: still one line. The next line,
    # 40 px lower with 20 px high boxes, overlaps neither.
    boxes = [_box("甲", 0, 100, 300, 120), _box("乙", 700, 91, 1000, 111), _box("丙", 0, 140, 300, 160)]
    assert [[b.text for b in line] for line in group_lines(boxes)] == [["甲", "乙"], ["丙"]]


def test_boxes_of_one_line_join_without_spaces_between_chinese() -> None:
    boxes = [_box("预算执行率", 0, 0, 100, 20), _box("为", 104, 0, 124, 20), _box("98.5%", 126, 0, 180, 20)]
    line = ocr._join_line(boxes)
    assert line.text == "预算执行率为 98.5%"  # normalization drops the space next to Chinese; digits keep it
    cells = ocr._join_line([_box("年初预算数", 0, 0, 100, 20), _box("合计", 400, 0, 440, 20)])
    assert cells.text == "年初预算数 合计"  # a cell gap is kept


def test_numbers_in_separate_boxes_are_not_glued() -> None:
    line = ocr._join_line([_box("100.00", 0, 0, 60, 20), _box("98.50", 90, 0, 150, 20)])
    assert line.text == "100.00 98.50"


def test_confidence_is_weighted_by_characters() -> None:
    boxes = [_box("一二三四五六七八九十", 0, 0, 1, 1, score=1.0), _box("x", 0, 0, 1, 1, score=0.0)]
    assert ocr._char_weighted_confidence(boxes) == pytest.approx(10 / 11)
    assert ocr._char_weighted_confidence([]) == 0.0


def test_red_ink_becomes_paper_and_text_under_it_stays() -> None:
    # paper, black text, red seal on paper, seal over text (inks multiply), blue text
    red = np.array([[255, 10, 215, 9, 20]], dtype=np.uint8)
    green = np.array([[255, 10, 40, 2, 30]], dtype=np.uint8)
    blue = np.array([[255, 10, 40, 2, 160]], dtype=np.uint8)
    assert without_red_ink(red, green, blue).tolist() == [[255, 10, 255, 9, 20]]


# ---------------------------------------------------------------- unreadable pages


def _page(text: str, confidence: float) -> OcrPage:
    return OcrPage(page_number=3, text=text, confidence=confidence, engine="test")


def test_unreadable_reasons() -> None:
    assert unreadable_reason(_page("部门整体支出绩效自评报告", 0.99)) is None
    low = unreadable_reason(_page("部门整体支出绩效自评报告", MIN_OCR_CONFIDENCE - 0.01))
    assert low is not None and "page 3" in low and "confidence" in low
    empty = unreadable_reason(_page("", 0.0))
    assert empty is not None and "0 characters" in empty
    assert is_unreadable(_page("一 二", 0.99))  # a few specks read as characters


@pytest.mark.slow
@pytest.mark.parametrize("speckles", [0, 300, 3000])
def test_blank_and_noise_pages_are_unreadable(speckles: int) -> None:
    (page,) = ocr_pdf_pages(blank_page_pdf(speckles=speckles), [1])
    assert 0.0 <= page.confidence <= 1.0
    assert is_unreadable(page), (page.text, page.confidence)


@pytest.mark.slow
def test_pure_noise_image_is_unreadable() -> None:
    noise = (np.random.default_rng(0).random((1754, 1240)) * 255).astype(np.uint8)
    page = ocr.ocr_image(noise, 1)
    assert is_unreadable(page)


@pytest.mark.slow
def test_a_blurred_scan_is_flagged_by_its_confidence() -> None:
    # A page scanned at 40 dpi: lines are still found, but their characters are mostly guesses.
    original = (SAMPLES / "001_0b37341ce517e90b.pdf").read_bytes()
    (page,) = ocr_pdf_pages(image_only_pdf(original, dpi=40, seal=False, noise=0, pages=[3]), [1])
    assert page.char_count >= MIN_OCR_CHARS
    assert page.confidence < MIN_OCR_CONFIDENCE
    reason = unreadable_reason(page)
    assert reason is not None and "confidence" in reason


def test_page_numbers_out_of_range() -> None:
    with pytest.raises(IndexError):
        ocr_pdf_pages(blank_page_pdf(), [2])


# ---------------------------------------------------------------- which pages need OCR


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", True),
        ("  \n ", True),
        ("(cid:12)(cid:40)(cid:7)(cid:9)部门", True),
        ("´¹\x0f\x10\x11\x06\x0b\x0c´¹\x12\x13»÷×\x0b\x0c´¹ó\x14±“ñ", True),  # a font without ToUnicode
        ("ÆØŒÿŸ´¹¸¹°±Œ„ßáàñ‰Â²´³¥µ¶ÆØŒÿŸ", True),  # Latin-1 letters for Chinese glyphs
        ("一、部门基本情况\n（一）部门职能", False),
        ("- 3 -\n100.00 98.50 98.5%", False),  # a table page of numbers is a real text layer
        ("附表 1", False),
    ],
)
def test_needs_ocr(text: str, expected: bool) -> None:
    assert needs_ocr(text) is expected


def test_scans_and_pdfs_without_tounicode_need_ocr() -> None:
    text_layers_only = IngestSettings(ocr=False)  # the text layers as they are
    original = (SAMPLES / "004_3cc4b0b52db76508.pdf").read_bytes()
    scanned = read_pdf(image_only_pdf(original, pages=[1, 2]), text_layers_only)
    assert all(needs_ocr(page.text) for page in scanned.pages)
    garbled = read_pdf(without_tounicode(original), text_layers_only)
    assert all(needs_ocr(page.text) for page in garbled.pages)
    clean = read_pdf(original)
    assert not any(needs_ocr(page.text) for page in clean.pages)


@pytest.mark.slow
def test_a_pdf_without_tounicode_is_read_by_ocr() -> None:
    original = (SAMPLES / "004_3cc4b0b52db76508.pdf").read_bytes()
    (page,) = ocr_pdf_pages(without_tounicode(original), [2])
    assert not is_unreadable(page)
    assert "预算" in page.text or "绩效" in page.text


def test_a_page_too_big_to_render_is_rendered_smaller(tmp_path) -> None:
    # A crafted page of 200000 x 200000 pt would ask pdfium for ~900 GB at 200 dpi.
    from reportlab.pdfgen.canvas import Canvas

    from perf_etl.ingest import ocr

    path = tmp_path / "huge.pdf"
    canvas = Canvas(str(path), pagesize=(200_000, 200_000))
    canvas.drawString(100, 100, "x")
    canvas.showPage()
    canvas.save()
    document = ocr.pypdfium2.PdfDocument(path.read_bytes())
    try:
        grey = ocr.render_page(document, 1, ocr.DEFAULT_DPI)
    finally:
        document.close()
    assert grey.size <= ocr.MAX_RENDER_PIXELS
    assert ocr.render_scale(595, 842, 200) == 200 / 72  # an A4 page keeps its resolution
