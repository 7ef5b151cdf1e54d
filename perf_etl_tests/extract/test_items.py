"""Named project funds (core.expenditure_items): wordings, units, and what is not a fund."""

from __future__ import annotations

import pytest

from perf_etl.models import StagedDocument
from perf_etl_tests.extract.readings import extract_expenditure_items


def _items(text: str, fiscal_year: int | None = 2023) -> list[tuple[str, float | None, float | None, float | None]]:
    doc = StagedDocument("doc", fiscal_year, text, [0])
    return [(i.item_name, i.budget_wan, i.actual_wan, i.execution_rate_pct) for i in extract_expenditure_items(doc)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "2023年产业推介活动经费预算收入数135.2万元，决算支出数130.04万元，项目执行率为96.18%。",
            [("产业推介活动经费", 135.2, 130.04, 96.18)],
        ),
        (
            "企业服务平台运维经费年初预算45万元，实际支出44.1万元，执行率98%。",
            [("企业服务平台运维经费", 45.0, 44.1, 98.0)],
        ),
        # Amounts in 元 are converted; a fund with budget and spending but no rate is still a fund.
        ("楼宇经济扶持资金预算数1,200,000元，实际支出1,150,000元。", [("楼宇经济扶持资金", 120.0, 115.0, None)]),
        # Two funds in one paragraph.
        (
            "其中，外商投资奖励专项预算收入数500万元，决算支出数480万元，项目执行率为96%。"
            "招商宣传经费预算收入数30万元，决算支出数30万元，项目执行率为100%。",
            [("外商投资奖励专项", 500.0, 480.0, 96.0), ("招商宣传经费", 30.0, 30.0, 100.0)],
        ),
    ],
)
def test_item_wordings(text: str, expected: list) -> None:
    assert _items(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        # Department totals and spending categories are not funds.
        "全年预算数9904.52万元，执行数9825.88万元，完成预算的99.21%。",
        "支出总额982.58万元，分别为基本支出82.59万元，项目支出899.99万元。",
        "2023年我局预算支出148.7万元，预算执行率92.38%。其中基本支出93.2万元，预算执行率99.9%。",
        "实际下达预算资金1609.81万元（基本支出93.36万元、部门项目支出24.9万元）。",
        # A lone figure is not a fund statement.
        "压减部分工作经费43.54万元，实际下达预算资金1609.81万元。",
        # Last year's fund.
        "2022年招商宣传经费预算收入数30万元，决算支出数30万元，项目执行率为100%。",
    ],
)
def test_not_items(text: str) -> None:
    assert _items(text) == []


def test_numbered_list_entries_with_the_name_before_a_colon() -> None:
    text = (
        "重点项目资金使用情况：\n（1）农村公路养护经费：下达420.00万元，执行401.10万元，执行率95.50%。\n"
        "2.困难群众临时救助资金：预算 1,200,000.00 元，支出 1,080,000.00 元，预算执行率90.00%。"
    )
    assert _items(text) == [("农村公路养护经费", 420.0, 401.1, 95.5), ("困难群众临时救助资金", 120.0, 108.0, 90.0)]


def test_the_reports_own_project_is_not_a_named_item() -> None:
    assert _items("本项目年初预算数1200万元，全年执行数1100万元，执行率91.67%。") == []


def test_full_year_budget_wording_and_names_ending_in_fei() -> None:
    text = (
        "专项资金明细：道路保洁外包费全年预算300.00万元，实际支出288.50万元；"
        "公厕改造费全年预算80.00万元，执行60.00万元。"
    )
    assert _items(text) == [("道路保洁外包费", 300.0, 288.5, None), ("公厕改造费", 80.0, 60.0, None)]


def test_a_list_of_funds_with_spending_only() -> None:
    text = "重点支出：城区排水管网改造工程支出1520.30万元，水库除险加固工程支出880.00万元。"
    assert _items(text) == [("城区排水管网改造工程", None, 1520.3, None), ("水库除险加固工程", None, 880.0, None)]


@pytest.mark.parametrize(
    "text",
    [
        # One fund with one figure is not a statement of that fund.
        "城区排水管网改造工程支出1520.30万元，主要用于管网更新。",
        # Budget-only lists are plans, not spending items.
        "城区排水管网改造工程预算1520.30万元，水库除险加固工程预算880.00万元。",
    ],
)
def test_single_figures_that_are_not_items(text: str) -> None:
    assert _items(text) == []
