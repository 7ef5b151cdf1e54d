"""The benchmark corpus (perf_etl_tests/fixtures/corpus.py): deterministic, and its truth is what is printed."""

from __future__ import annotations

from pathlib import Path

import pypdfium2
import pytest

from perf_etl_tests.fixtures.corpus import (
    MAX_PAGES,
    MIN_PAGES,
    ReportPlan,
    ReportTruth,
    embedded_font_available,
    generate,
    plan_report,
    read_truth,
    register_fonts,
    render,
)

SEED = 7
# Enough plans to find every variant in; planning is cheap next to rendering.
PLANS_SEARCHED = 60


def _pdf_text(path: Path) -> tuple[int, str]:
    """(page count, all text with whitespace removed) through pypdfium2."""
    document = pypdfium2.PdfDocument(path)
    try:
        texts = [document[index].get_textpage().get_text_range() for index in range(len(document))]
    finally:
        document.close()
    return len(texts), "".join("".join(texts).split())


@pytest.fixture(scope="module")
def variants() -> dict[str, ReportPlan]:
    """One plan of each kind the generator must produce, by a short name."""
    register_fonts()
    plans = [plan_report(SEED, index) for index in range(PLANS_SEARCHED)]
    wanted = {
        "cid font": lambda t: t.font == "cid",
        "self-evaluation table": lambda t: t.has_table,
        "amounts in yuan": lambda t: t.amount_unit == "元",
        "title year after fiscal year": lambda t: t.title_year == t.fiscal_year + 1,
    }
    if embedded_font_available():
        wanted["embedded font"] = lambda t: t.font == "embedded"
    found = {name: next((p for p in plans if test(p.truth)), None) for name, test in wanted.items()}
    missing = [name for name, plan in found.items() if plan is None]
    assert not missing, f"no {missing} among the first {PLANS_SEARCHED} reports of seed {SEED}"
    return {name: plan for name, plan in found.items() if plan is not None}


def test_same_seed_same_bytes(tmp_path: Path) -> None:
    first = generate(tmp_path / "a", 3, SEED, workers=1)
    second = generate(tmp_path / "b", 3, SEED, workers=1)
    assert first == second
    for row in first:
        assert (tmp_path / "a" / row.file_name).read_bytes() == (tmp_path / "b" / row.file_name).read_bytes()
    assert (tmp_path / "a" / "truth.jsonl").read_bytes() == (tmp_path / "b" / "truth.jsonl").read_bytes()
    assert read_truth(tmp_path / "a") == first
    # Report i is seeded by (seed, i) alone: a bigger corpus starts with the smaller one, whoever renders it.
    assert [plan_report(SEED, index).truth for index in range(3)] == first


def test_other_seed_other_reports() -> None:
    assert plan_report(SEED, 0).truth != plan_report(SEED + 1, 0).truth


def test_truth_is_printed(tmp_path: Path, variants: dict[str, ReportPlan]) -> None:
    for name, plan in variants.items():
        path = tmp_path / plan.truth.file_name
        pages = render(plan, path)
        page_count, text = _pdf_text(path)
        truth: ReportTruth = plan.truth
        assert page_count == pages == truth.page_count, name
        assert MIN_PAGES <= page_count <= MAX_PAGES, name
        for field, printed in truth.printed.items():
            assert "".join(printed.split()) in text, (name, field, printed)
        assert truth.department_name in text, name
        assert f"{truth.fiscal_year}年" in text, name
        assert truth.grade in text, name
        if truth.amount_unit == "万元":
            assert f"{truth.budget_wan:.2f}" in text.replace(",", ""), name
        else:
            assert f"{round(truth.budget_wan * 10000)}.00" in text.replace(",", ""), name
        if truth.has_table:
            assert "部门整体支出绩效自评表" in text and "全年执行数" in text, name


def test_page_counts_within_bounds() -> None:
    counts = [plan_report(SEED, index).truth.page_count for index in range(PLANS_SEARCHED)]
    assert min(counts) >= MIN_PAGES and max(counts) <= MAX_PAGES
    assert max(counts) - min(counts) >= 10  # the lengths really vary


def test_fiscal_years_and_figures_are_consistent() -> None:
    for index in range(PLANS_SEARCHED):
        truth = plan_report(SEED, index).truth
        assert 2018 <= truth.fiscal_year <= 2025
        assert truth.title_year in (truth.fiscal_year, truth.fiscal_year + 1)
        assert truth.expenditure_wan <= truth.budget_wan
        assert truth.execution_rate_pct == pytest.approx(truth.expenditure_wan * 100 / truth.budget_wan, abs=0.01)
        floor = {"优秀": 90, "良好": 80, "合格": 60}[truth.grade]
        assert truth.self_score >= floor
