"""OCR of the five sample PDFs rendered as scans (200 dpi, noise, JPEG, a red seal on page 1).

Two promises are checked: the OCR text is close to the text the PDFs were made from (character accuracy
on Chinese characters and digits, per document), and the pipeline after ingest reads the same labelled
fields from the OCR text as from the text layer.
"""

from __future__ import annotations

import re
from datetime import datetime

import pytest

from perf_etl.extract import extract_document
from perf_etl.extract.accuracy import judge, label_cases, load_labels
from perf_etl.ingest.classify import garbage_text_reason, is_self_evaluation_report
from perf_etl.ingest.fiscal_year import detect_years
from perf_etl.ingest.ocr import MIN_OCR_CONFIDENCE, engine_name, unreadable_reason
from perf_etl.models import PageText
from perf_etl.normalize import normalize_document
from perf_etl.normalize.ocr_repairs import repair_ocr_text
from perf_etl_tests.conftest import REPO, SAMPLE_IDS
from perf_etl_tests.ocr.conftest import ScannedSample
from perf_etl_tests.ocr.metrics import document_accuracy

pytestmark = pytest.mark.slow

MIN_CHAR_ACCURACY = 0.98
LABELS = load_labels(REPO / "perf_etl_tests" / "fixtures" / "labels.json")


@pytest.mark.parametrize("sample", SAMPLE_IDS)
def test_character_accuracy_per_document(scanned_samples: dict[str, ScannedSample], sample: str) -> None:
    scanned = scanned_samples[sample]
    assert len(scanned.ocr) == len(scanned.reference)
    accuracy = document_accuracy(scanned.reference, [page.text for page in scanned.ocr])
    assert accuracy >= MIN_CHAR_ACCURACY, f"{sample}: {accuracy:.4f}"


@pytest.mark.parametrize("sample", SAMPLE_IDS)
def test_every_scanned_page_is_readable(scanned_samples: dict[str, ScannedSample], sample: str) -> None:
    for page in scanned_samples[sample].ocr:
        assert 0.0 <= page.confidence <= 1.0
        assert page.confidence >= MIN_OCR_CONFIDENCE, (page.page_number, page.confidence)
        assert unreadable_reason(page) is None
        assert page.engine == engine_name()


def test_the_seal_is_not_read_as_text(scanned_samples: dict[str, ScannedSample]) -> None:
    # Page 1 of every scan carries a red seal whose ring reads 惠州大亚湾经济技术开发区管理委员会; in the
    # samples other than 000 none of those words is on the page, so any of them is the seal leaking in.
    for sample in SAMPLE_IDS[1:]:
        first = scanned_samples[sample].ocr[0].text
        reference = scanned_samples[sample].reference[0]
        assert ("技术开发" in first) == ("技术开发" in reference), first[:200]


def test_reading_order_has_no_spaces_between_chinese(scanned_samples: dict[str, ScannedSample]) -> None:
    page = scanned_samples[SAMPLE_IDS[0]].ocr[1]
    lines = page.text.splitlines()
    assert len(lines) > 10
    assert lines[0].startswith("政务云平台")  # the first line of page 2, top of the page first
    spaced = [line for line in lines if re.search(r"[\u4e00-\u9fff] +[\u4e00-\u9fff]", line)]
    assert not spaced


def _ocr_pages(scanned: ScannedSample) -> list[PageText]:
    """OCR pages as the reader will hand them on: repaired numbers and units, one PageText per page."""
    return [PageText(page.page_number, repair_ocr_text(page.text)) for page in scanned.ocr]


@pytest.mark.parametrize("sample", SAMPLE_IDS)
def test_ocr_text_passes_ingest_checks(scanned_samples: dict[str, ScannedSample], sample: str) -> None:
    pages = _ocr_pages(scanned_samples[sample])
    assert garbage_text_reason(pages) is None
    text = "\n".join(page.text for page in pages)
    assert is_self_evaluation_report(text)
    assert detect_years(text, max_year=datetime.now().year).fiscal_year == LABELS[sample]["report"]["fiscal_year"]


@pytest.mark.parametrize("sample", SAMPLE_IDS)
def test_extracted_fields_equal_the_labels(scanned_samples: dict[str, ScannedSample], sample: str) -> None:
    pages = _ocr_pages(scanned_samples[sample])
    text = "\n".join(page.text for page in pages)
    fiscal_year = detect_years(text, max_year=datetime.now().year).fiscal_year
    extraction = extract_document(normalize_document(f"ocr-{sample}", fiscal_year, pages))
    cases = [case for case in label_cases(LABELS) if case.sample == sample]
    wrong = [(case.field, judge(case, extraction).message) for case in cases if not judge(case, extraction).ok]
    assert not wrong, wrong
