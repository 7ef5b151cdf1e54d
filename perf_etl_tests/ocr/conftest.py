"""The sample PDFs as scans and without ToUnicode maps, through the real Dagster job once per test session.

OCR is the slow part (~1-2 s a page, 36 pages a version), so each version of the samples is run once, into
its own warehouse, and the tests read what the job stored: raw.pages (the OCR text, its engine and
confidence), core.reports and core.field_evidence. The text PDFs are run too, as the reference.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import dagster as dg
import duckdb
import pypdfium2
import pytest
from dagster._core.storage.tags import ASSET_PARTITION_RANGE_END_TAG, ASSET_PARTITION_RANGE_START_TAG

from perf_etl.defs.definitions import build_definitions
from perf_etl.models import PageText
from perf_etl_tests.conftest import SAMPLE_FISCAL_YEARS, SAMPLE_IDS, SAMPLES
from perf_etl_tests.fixtures.bad_landing import pdf_without_tounicode
from perf_etl_tests.ocr.scans import image_only_pdf

# Scans are made at 200 dpi, a common setting, with noise, JPEG compression and a red seal on page 1.
SCAN_DPI = 200
VERSIONS = ("text", "scan", "no_tounicode")


@dataclass(frozen=True)
class ScannedSample:
    """A sample PDF, its text layer per page (the reference), and the pages the job stored for its scan."""

    sample: str
    reference: list[str]  # text layer of the original PDF, page by page
    ocr: list[PageText]  # raw.pages of the scan: OCR text after repairs, engine, confidence


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


def _version_bytes(sample: str, version: str) -> bytes:
    original = (SAMPLES / f"{sample}.pdf").read_bytes()
    if version == "scan":
        return image_only_pdf(original, dpi=SCAN_DPI)
    if version == "no_tounicode":
        return pdf_without_tounicode(sample)
    return original


def _run_job(landing: Path, warehouse: Path) -> None:
    years = sorted(set(SAMPLE_FISCAL_YEARS.values()))
    job = build_definitions(str(landing), str(warehouse)).resolve_job_def("fiscal_year_job")
    tags = {ASSET_PARTITION_RANGE_START_TAG: str(years[0]), ASSET_PARTITION_RANGE_END_TAG: str(years[-1])}
    with dg.DagsterInstance.ephemeral() as instance:
        assert job.execute_in_process(tags=tags, instance=instance).success


@pytest.fixture(scope="session")
def sample_runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """version -> the warehouse of one job run over the five samples in that version."""
    warehouses = {}
    for version in VERSIONS:
        root = tmp_path_factory.mktemp(f"ocr-{version}")
        landing = root / "landing"
        landing.mkdir()
        for sample in SAMPLE_IDS:
            (landing / f"{sample}.pdf").write_bytes(_version_bytes(sample, version))
        warehouses[version] = root / "warehouse.duckdb"
        _run_job(landing, warehouses[version])
    return warehouses


@pytest.fixture(scope="session")
def scanned_samples(sample_runs: dict[str, Path]) -> dict[str, ScannedSample]:
    with duckdb.connect(str(sample_runs["scan"]), read_only=True) as conn:
        rows = conn.execute(
            "SELECT d.file_name, p.page_number, p.text, p.text_engine, p.ocr_confidence FROM raw.pages p "
            "JOIN raw.documents d USING (document_id) ORDER BY d.file_name, p.page_number"
        ).fetchall()
    pages: dict[str, list[PageText]] = {sample: [] for sample in SAMPLE_IDS}
    for file_name, number, text, engine, confidence in rows:
        pages[file_name.removesuffix(".pdf")].append(PageText(number, text, engine, confidence))
    return {
        sample: ScannedSample(sample, text_layer((SAMPLES / f"{sample}.pdf").read_bytes()), pages[sample])
        for sample in SAMPLE_IDS
    }
