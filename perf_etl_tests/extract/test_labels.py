"""Every hand label of fixtures/labels.json, for each sample as .txt and as .pdf, through the real
path ingest_file -> normalize_document -> extract_document. One test per labelled value."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest

from perf_etl.extract.accuracy import FORMATS, LabelCase, judge, label_cases, load_labels, run_pipeline
from perf_etl.models import Extraction

HERE = Path(__file__).resolve().parent
SAMPLES = HERE.parents[1] / "data" / "samples"
LABELS = load_labels(HERE.parent / "fixtures" / "labels.json")
CASES = [(case, fmt) for case in label_cases(LABELS) for fmt in FORMATS]


@cache
def _extraction(sample: str, fmt: str) -> Extraction:
    return run_pipeline(SAMPLES / f"{sample}.{fmt}", SAMPLES)


@pytest.mark.parametrize(("case", "fmt"), CASES, ids=[case.case_id(fmt) for case, fmt in CASES])
def test_label(case: LabelCase, fmt: str) -> None:
    path = SAMPLES / f"{case.sample}.{fmt}"
    if not path.exists():
        pytest.skip(f"{path.name} does not exist yet")
    result = judge(case, _extraction(case.sample, fmt))
    assert result.ok, result.message
