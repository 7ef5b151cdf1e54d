"""extract_document: derived fields, rounding and evidence for every value."""

from __future__ import annotations

import pytest

from perf_etl.extract import derived_hits, extract_document, grade_for_score
from perf_etl.extract.hits import Hit
from perf_etl.models import NO_EVIDENCE_COLUMNS, REPORT_COLUMNS, PageText
from perf_etl.normalize import normalize_document


@pytest.mark.parametrize(
    ("score", "grade"), [(100, "优"), (90, "优"), (89.99, "良"), (80, "良"), (79.99, "中"), (60, "中"), (59.99, "差")]
)
def test_grade_bounds(score: float, grade: str) -> None:
    assert grade_for_score(score) == grade


def _hit(field: str, value: object, start: int) -> Hit:
    return Hit(field, value, f"raw-{field}", start, start + 5, "test")


def test_computed_rate_and_its_evidence_span() -> None:
    derived = {
        h.field: h
        for h in derived_hits(
            {"budget_wan": _hit("budget_wan", 2155.61, 10), "expenditure_wan": _hit("expenditure_wan", 2149.56, 40)}
        )
    }
    rate = derived["execution_rate_computed_pct"]
    assert rate.value == 99.72
    assert (rate.char_start, rate.char_end) == (10, 45)
    assert rate.rule.startswith("derived:")


@pytest.mark.parametrize("budget", [None, 0.0])
def test_no_computed_rate_without_budget(budget: float | None) -> None:
    by_field = {"expenditure_wan": _hit("expenditure_wan", 10.0, 0)}
    if budget is not None:
        by_field["budget_wan"] = _hit("budget_wan", budget, 20)
    assert "execution_rate_computed_pct" not in {h.field for h in derived_hits(by_field)}


def test_report_has_all_columns_and_evidence_for_every_value() -> None:
    text = (
        "广州市海珠区投资促进局2023年度部门整体支出绩效自评报告\n一、基本情况\n"
        "全年预算数 36,628.61 万元，执行数 36,628.61 万元，支出进度 100%。\n二、综合评价分析\n"
        "自评得分为\n\n93.5 分。\n三、存在的主要问题\n一是支出进度不均衡。二是绩效目标不够细化。"
    )
    doc = normalize_document("doc", 2023, [PageText(1, text)])
    result = extract_document(doc)
    assert tuple(result.report) == REPORT_COLUMNS
    assert result.report["budget_wan"] == 36628.61
    assert result.report["grade_from_score"] == "优"
    assert result.report["department_key"] == "广东省广州市海珠区/投资促进局"
    assert result.report["extractor_version"]
    with_value = {f for f, v in result.report.items() if v is not None} - NO_EVIDENCE_COLUMNS
    assert {e.field for e in result.evidence} == with_value
    for e in result.evidence:
        if not e.rule.startswith("derived:") and e.rule != "ingest:fiscal_year":
            assert doc.text[e.char_start : e.char_end] == e.raw_text
    assert [f.text for f in result.findings] == ["支出进度不均衡。", "绩效目标不够细化。"]


def test_a_result_the_prose_restates_from_the_table_is_the_tables_row_once() -> None:
    from perf_etl.extract.table_rows import read_reading
    from perf_etl.grid import TableGrid

    text = ("某县疾控中心2023年度项目支出绩效自评报告\n三、绩效目标完成情况\n"
            "（1）时效指标：疑似预防接种异常反应报告及时率99.1%。\n（2）数量指标：全年新建接种门诊3个。\n")
    grid = TableGrid([["三级指标", "年度指标值", "实际完成值"], ["疑似预防接种异常反应报告及时率", "≥95%", "99.1%"]],
                     [1, 1], "", 0)
    doc = normalize_document("doc", 2023, [PageText(1, text)])
    indicators = extract_document(doc, read_reading("doc", 2023, [grid])).indicators
    rows = [(i.indicator_name, i.target_text, i.actual_text, i.source) for i in indicators]
    assert ("疑似预防接种异常反应报告及时率", "≥95%", "99.1%", "table") in rows
    assert [r for r in rows if r[0] == "疑似预防接种异常反应报告及时率"] == [
        ("疑似预防接种异常反应报告及时率", "≥95%", "99.1%", "table")]
