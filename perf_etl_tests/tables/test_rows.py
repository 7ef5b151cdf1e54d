"""Header wordings, the rows of the fixture tables, and the cross-check with the prose."""

from __future__ import annotations

import hashlib
from datetime import datetime, timezone

import pytest

from perf_etl.extract.table_rows import read_reading
from perf_etl.grid import cells_frame
from perf_etl.ingest.readers import read_document
from perf_etl.normalize import normalize_document
from perf_etl.stages.core import extract as extract_stage
from perf_etl.tables.columns import INDICATOR_COLUMNS, MONEY_COLUMNS, column_of, indicator_header, money_header
from perf_etl.validate.checks import run_contract_checks
from perf_etl.validate.rows import validate_core

DOC = "0" * 64


@pytest.mark.parametrize(("wording", "column"), [
    ("年度指标值", "target"), ("指标值", "target"), ("目标值", "target"), ("预期值", "target"),
    ("实际完成值", "actual"), ("实际值", "actual"), ("完成值", "actual"), ("分值", "weight"), ("权重", "weight"),
    ("得分", "score"), ("评分", "score"), ("偏差原因分析及改进措施", "reason"), ("原因分析", "reason"),
    ("一级指标", "level1"), ("二级指标", "level2"), ("三级指标", "level3"), ("实际完成值（%）", "actual"),
])
def test_indicator_column_wordings(wording, column):
    assert column_of(wording, INDICATOR_COLUMNS) == column


@pytest.mark.parametrize(("wording", "column"), [
    ("年初预算数", "budget_initial"), ("全年预算数", "budget"), ("调整后预算数", "budget"),
    ("全年执行数", "expenditure"), ("实际支出", "expenditure"), ("执行率", "rate"), ("预算执行率", "rate"),
])
def test_money_column_wordings(wording, column):
    assert column_of(wording, MONEY_COLUMNS) == column


def test_header_rows_are_told_apart():
    assert money_header(["资金（万元）", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"]) == {
        "budget_initial": 1, "budget": 2, "expenditure": 3, "max_score": 4, "rate": 5, "score": 6}
    assert indicator_header(["一级指标", "三级指标", "权重", "目标值", "实际值", "评分"]) is not None
    assert indicator_header(["年度总体目标", "预期目标", "实际完成情况"]) is None
    assert money_header(["一级指标", "分值", "得分"]) is None


def _reading(table_files, name):
    return read_reading(DOC, 2023, read_document(table_files[name]).tables)


def test_merged_table_rows_components_and_totals(table_files):
    reading = _reading(table_files, "merged")
    rows = [(i.indicator_name, i.target_value, i.target_unit, i.actual_value, i.actual_unit, i.weight, i.score,
             i.source, i.page_number) for i in reading.indicators]
    assert rows == [
        ("新增学位数", 500.0, "个", 520.0, "个", 20.0, 20.0, "table", 2),
        ("招商项目数", 160.0, "宗", 174.0, "宗", 20.0, 20.0, "table", 2),
        ("按时完成率", 100.0, "%", 95.0, "%", 20.0, 18.0, "table", 2),
        ("群众满意度", 90.0, "%", 93.5, "%", 30.0, 30.0, "table", 2),
    ]
    assert [(c.component, c.max_score, c.score) for c in reading.score_components] == [
        ("预算执行率", 10.0, 9.59), ("产出指标", 60.0, 58.0), ("效益指标", 30.0, 30.0)]
    assert [(t.field, t.value, t.raw_text, t.column, t.page_number) for t in reading.totals] == [
        ("budget_initial_wan", 1000.0, "1000.00", "年初预算数", 2), ("budget_wan", 1200.0, "1200.00", "全年预算数", 2),
        ("expenditure_wan", 1150.5, "1150.50", "全年执行数", 2), ("execution_rate_pct", 95.88, "95.88%", "执行率", 2),
        ("self_score", 97.59, "97.59", "总分·得分", 2)]


def test_the_docx_table_reads_as_the_pdf_one(table_files):
    docx_reading, pdf_reading = _reading(table_files, "merged_docx"), _reading(table_files, "merged")
    assert [(t.field, t.value) for t in docx_reading.totals] == [(t.field, t.value) for t in pdf_reading.totals]
    assert [i.indicator_name for i in docx_reading.indicators] == [i.indicator_name for i in pdf_reading.indicators]


def test_other_wordings_over_two_pages_and_a_turned_page(table_files):
    long = _reading(table_files, "two_pages_bare")
    assert len(long.indicators) == 13 and {i.page_number for i in long.indicators} == {2, 3}
    assert [(t.field, t.value, t.page_number) for t in long.totals] == [("self_score", 85.0, 3)]
    turned = _reading(table_files, "landscape")
    assert {t.field: t.value for t in turned.totals} == {
        "budget_initial_wan": 300.0, "budget_wan": 320.0, "expenditure_wan": 288.0, "execution_rate_pct": 90.0}


def _core(table_files, name):
    """One fixture through read → normalize → tables → extract, as `perf-etl extract` runs it."""
    path = table_files[name]
    read = read_document(path)
    document_id = hashlib.sha256(path.read_bytes()).hexdigest()
    staged = normalize_document(document_id, 2023, read.pages)
    cells = cells_frame(document_id, 2023, read.tables)
    return extract_stage([staged], {document_id: path.name}, now=datetime.now(timezone.utc), tables=cells)


def test_table_fills_what_the_prose_left_null_with_table_evidence(table_files):
    frames, failures = _core(table_files, "merged")
    assert not failures
    report = frames["reports"].iloc[0]
    assert (report["expenditure_wan"], report["self_score"]) == (1150.5, 97.59)
    evidence = frames["field_evidence"].set_index("field")
    assert evidence.loc["expenditure_wan", ["rule", "page_number", "raw_text", "char_start", "char_end"]].tolist() == [
        "table:全年执行数", 2, "1150.50", 0, 0]
    assert set(frames["indicators"]["source"]) == {"table"}
    accepted, rejected = validate_core(frames, {}, datetime.now(timezone.utc))
    assert not rejected and len(accepted["indicators"]) == 4
    outcomes = {o.name: o for o in run_contract_checks(frames, [2023])}
    assert outcomes["table_totals_agree"].passed and outcomes["evidence_for_every_field"].passed


def test_a_planted_disagreement_fails_the_check_with_both_values_and_pages(table_files):
    frames, _ = _core(table_files, "disagreement")
    outcome = {o.name: o for o in run_contract_checks(frames, [2023])}["table_totals_agree"]
    assert not outcome.passed
    failures = {row["field"]: row for row in outcome.failures.to_dict(orient="records")}
    # The prose's 1100.00 of 1200.00 is 91.67%; the table's 1150.50 is 95.88%: both disagree, the budget agrees.
    assert set(failures) == {"expenditure_wan", "execution_rate_pct"}
    spent = failures["expenditure_wan"]
    assert (float(spent["prose_value"]), spent["prose_page"]) == (1100.0, 1)
    assert (spent["table_value"], spent["table_page"], spent["table_text"]) == (1150.5, 2, "1150.50")
    assert (float(failures["execution_rate_pct"]["prose_value"]), failures["execution_rate_pct"]["table_value"]) == (
        91.67, 95.88)
