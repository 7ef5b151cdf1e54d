"""The sample PDFs as scans, OCR'd once per test session (OCR is the slow part: ~1-2 s a page)."""

from __future__ import annotations

from dataclasses import dataclass

import pypdfium2
import pytest

from perf_etl.ingest.ocr import OcrPage, ocr_pdf_pages
from perf_etl_tests.conftest import SAMPLE_IDS, SAMPLES
from perf_etl_tests.ocr.scans import image_only_pdf

# Every page of every sample: 36 pages. Reading them all is what lets the extraction test compare every
# label; it takes about a minute on two cores (docs/ocr.md). Scans are made at 200 dpi, a common setting.
SCAN_DPI = 200


@dataclass(frozen=True)
class ScannedSample:
    """A sample PDF, its text layer per page (the reference), and the OCR of its scanned pages."""

    sample: str
    reference: list[str]  # text layer of the original PDF, page by page
    ocr: list[OcrPage]


def text_layer(pdf_bytes: bytes) -> list[str]:
    """pypdfium2's text per page: exact for the samples, whose fonts all carry a Unicode map."""
    document = pypdfium2.PdfDocument(pdf_bytes)
    try:
        pages = []
        for page in document:
            text_page = page.get_textpage()
            pages.append(text_page.get_text_range())
            text_page.close()
            page.close()
        return pages
    finally:
        document.close()


@pytest.fixture(scope="session")
def scanned_samples() -> dict[str, ScannedSample]:
    result: dict[str, ScannedSample] = {}
    for sample in SAMPLE_IDS:
        original = (SAMPLES / f"{sample}.pdf").read_bytes()
        reference = text_layer(original)
        scan = image_only_pdf(original, dpi=SCAN_DPI)
        result[sample] = ScannedSample(sample, reference, ocr_pdf_pages(scan, range(1, len(reference) + 1)))
    return result
