"""OCR of the five sample PDFs rendered as scans (200 dpi, noise, JPEG, a red seal on page 1), and of the
same PDFs with their fonts' Unicode maps removed, each run through the real job (conftest.py).

The promises checked: the OCR text is close to the text the PDFs were made from (character accuracy on
Chinese characters and digits, per document); the job reads the same core.reports fields from either as
from the text PDFs, every labelled value included; raw.pages names OCR as the engine with its confidence,
and evidence for a value read by OCR carries the confidence of its page.
"""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

import duckdb
import pytest

from perf_etl.extract import extract_document
from perf_etl.extract.accuracy import judge, label_cases, load_labels
from perf_etl.ingest.fiscal_year import detect_years
from perf_etl.ingest.ocr import MIN_OCR_CONFIDENCE, engine_name
from perf_etl.normalize import normalize_document
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
def test_every_scanned_page_was_read_by_ocr_with_confidence(scanned_samples: dict[str, ScannedSample],
                                                             sample: str) -> None:
    for page in scanned_samples[sample].ocr:
        assert page.engine == engine_name()
        assert MIN_OCR_CONFIDENCE <= page.ocr_confidence <= 1.0, (page.page_number, page.ocr_confidence)


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


@pytest.mark.parametrize("sample", SAMPLE_IDS)
def test_extracted_fields_equal_the_labels(scanned_samples: dict[str, ScannedSample], sample: str) -> None:
    pages = scanned_samples[sample].ocr
    text = "\n".join(page.text for page in pages)
    fiscal_year = detect_years(text, max_year=datetime.now().year).fiscal_year
    extraction = extract_document(normalize_document(f"ocr-{sample}", fiscal_year, pages))
    cases = [case for case in label_cases(LABELS) if case.sample == sample]
    wrong = [(case.field, judge(case, extraction).message) for case in cases if not judge(case, extraction).ok]
    assert not wrong, wrong


# ---------------------------------------------------------------- through the job


REPORT_SQL = ("SELECT d.file_name, r.* EXCLUDE (report_id, document_id) FROM core.reports r "
              "JOIN raw.documents d USING (document_id)")


def _reports(warehouse: Path) -> dict[str, tuple]:
    with duckdb.connect(str(warehouse), read_only=True) as conn:
        rows = conn.execute(REPORT_SQL).fetchall()
    return {row[0]: row[1:] for row in rows}


@pytest.mark.parametrize("version", ["scan", "no_tounicode"])
def test_the_job_reads_the_same_reports_from_ocr_as_from_the_text_layer(sample_runs: dict[str, Path],
                                                                        version: str) -> None:
    expected = _reports(sample_runs["text"])
    assert sorted(expected) == [f"{sample}.pdf" for sample in SAMPLE_IDS]
    assert _reports(sample_runs[version]) == expected


@pytest.mark.parametrize("version", ["scan", "no_tounicode"])
def test_raw_tables_name_ocr_as_the_engine(sample_runs: dict[str, Path], version: str) -> None:
    with duckdb.connect(str(sample_runs[version]), read_only=True) as conn:
        documents = conn.execute("SELECT text_engine FROM raw.documents").fetchall()
        pages = conn.execute("SELECT count(*), count(ocr_confidence), min(ocr_confidence) FROM raw.pages "
                             "WHERE text_engine = ?", [engine_name()]).fetchone()
        all_pages = conn.execute("SELECT count(*) FROM raw.pages").fetchone()[0]
    assert documents == [(engine_name(),)] * len(SAMPLE_IDS)
    assert pages[0] == pages[1] == all_pages == 36 and pages[2] >= MIN_OCR_CONFIDENCE
    with duckdb.connect(str(sample_runs["text"]), read_only=True) as conn:
        text_pages = conn.execute("SELECT count(ocr_confidence), count(*) FROM raw.pages").fetchone()
    assert text_pages == (0, 36)


EVIDENCE_CONFIDENCE_SQL = """
SELECT count(*), count(e.ocr_confidence), count(*) FILTER (WHERE e.ocr_confidence = p.ocr_confidence)
FROM core.field_evidence e JOIN raw.pages p USING (document_id, page_number)
"""


@pytest.mark.parametrize(("version", "from_ocr"), [("scan", True), ("no_tounicode", True), ("text", False)])
def test_evidence_carries_the_ocr_confidence_of_its_page(sample_runs: dict[str, Path], version: str,
                                                         from_ocr: bool) -> None:
    with duckdb.connect(str(sample_runs[version]), read_only=True) as conn:
        rows, with_confidence, equal_to_page = conn.execute(EVIDENCE_CONFIDENCE_SQL).fetchone()
    assert rows > 50  # every sample has dozens of evidence rows
    assert with_confidence == equal_to_page == (rows if from_ocr else 0)
