"""The finance extractors on the five real sample texts after normalization, against the hand labels
(fixtures/labels.json): money, rates, score and grade (null labels must stay null), score
components, expenditure items and prose indicators."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from perf_etl.extract.finance import FINANCE_FIELDS
from perf_etl.models import PageText, StagedDocument
from perf_etl.normalize import normalize_document
from perf_etl_tests.extract.readings import (
    extract_expenditure_items,
    extract_finance_hits,
    extract_prose_indicators,
    extract_score_components,
)

HERE = Path(__file__).resolve().parent
SAMPLES = HERE.parents[1] / "data" / "samples"
LABELS: dict[str, Any] = {
    k: v for k, v in json.loads((HERE.parent / "fixtures" / "labels.json").read_text("utf-8")).items() if k[0] != "_"
}
FIELD_CASES = [(s, f) for s in LABELS for f in FINANCE_FIELDS if f in LABELS[s]["report"]]


@cache
def _doc(sample: str) -> StagedDocument:
    text = (SAMPLES / f"{sample}.txt").read_text("utf-8")
    pages = [PageText(i + 1, page) for i, page in enumerate(text.split("\f"))]
    return normalize_document(sample, LABELS[sample]["report"]["fiscal_year"], pages)


@pytest.mark.parametrize(("sample", "field"), FIELD_CASES, ids=[f"{s[:3]}-{f}" for s, f in FIELD_CASES])
def test_finance_field(sample: str, field: str) -> None:
    expected = LABELS[sample]["report"][field]
    doc = _doc(sample)
    hits = {h.field: h for h in extract_finance_hits(doc)}
    hit = hits.get(field)
    if expected is None:
        assert hit is None, f"{field} should be null, got {hit}"
        return
    assert hit is not None, f"{field} not found (expected {expected})"
    if isinstance(expected, str):
        assert hit.value == expected
    else:
        assert hit.value == pytest.approx(expected, abs=0.01)
    assert doc.text[hit.char_start : hit.char_end] == hit.raw_text


@pytest.mark.parametrize("sample", list(LABELS))
def test_score_components(sample: str) -> None:
    got = [(c.component, c.max_score, c.score) for c in extract_score_components(_doc(sample))]
    expected = [(c["component"], c["max_score"], c["score"]) for c in LABELS[sample]["score_components"]]
    assert got == expected


@pytest.mark.parametrize("sample", list(LABELS))
def test_expenditure_items(sample: str) -> None:
    items = extract_expenditure_items(_doc(sample))
    wanted = LABELS[sample]["expenditure_items"]
    assert len(items) == len(wanted)
    for row in wanted:
        (item,) = [i for i in items if row["name_contains"] in i.item_name]
        assert item.budget_wan == pytest.approx(row["budget_wan"], abs=0.01)
        assert item.actual_wan == pytest.approx(row["actual_wan"], abs=0.01)
        assert item.execution_rate_pct == pytest.approx(row["execution_rate_pct"], abs=0.01)


@pytest.mark.parametrize("sample", list(LABELS))
def test_prose_indicators(sample: str) -> None:
    indicators = extract_prose_indicators(_doc(sample))
    for row in LABELS[sample]["indicators"]:
        matching = [i for i in indicators if row["name_contains"] in i.indicator_name]
        assert len(matching) == 1, f"{row['name_contains']}: {matching}"
        (ind,) = matching
        assert ind.target_value == pytest.approx(row["target_value"])
        assert ind.actual_value == pytest.approx(row["actual_value"])
        if row["completion_rate_pct"] is None:
            assert ind.completion_rate_pct is None
        else:
            assert ind.completion_rate_pct == pytest.approx(row["completion_rate_pct"])
        assert ind.source == "prose"
        assert ind.page_number is not None
