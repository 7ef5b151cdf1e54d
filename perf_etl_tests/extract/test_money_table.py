"""A 自评表's money block flattened into text, every way the real reports come: cells between "|", one a
line, by spaces, run together, units in the header or on every cell, a total row left at zero. Snippets
written for these tests; the figures of each are chosen so that a cell under the wrong column would show."""

from __future__ import annotations

import pytest

from perf_etl.extract.money_table import headers, readings, total_row
from perf_etl.models import StagedDocument
from perf_etl_tests.extract.readings import extract_finance_hits

HEADER = "项目资金（万元） 年初预算数 全年预算数（A） 全年执行数（B） 分值 执行率（B/A） 得分\n"
PROJECT = "2023年度项目支出绩效自评表\n项目名称 某某专项经费\n"


def _values(text: str, fiscal_year: int = 2023) -> dict[str, object]:
    doc = StagedDocument("doc", fiscal_year, text, [0])
    return {h.field: h.value for h in extract_finance_hits(doc)}


def _money(values: dict[str, object]) -> tuple[object, ...]:
    return tuple(values.get(f) for f in ("budget_initial_wan", "budget_wan", "expenditure_wan", "execution_rate_pct"))


@pytest.mark.parametrize(
    ("block", "expected"),
    [
        # Cells by spaces, a cell missing (执行率 blank): position cannot decide, the kinds can.
        (HEADER + "年度资金总额: 880 880 870 10 9\n", (880.0, 880.0, 870.0, None)),
        # One cell a line, each closed by "|", an empty cell a line of its own.
        ("年初预算数 |\n全年预算数 |\n全年执行数 |\n分值 |\n执行率 |\n得分 |\n年度资金总额 |\n|\n7.29 |\n7.0 |\n10 |\n"
            "96.02% |\n9.6 |\n",
         (None, 7.29, 7.0, 96.02)),
        # Run together, the rate closing its run: 20 | 19 | 10 | 95.00% | 9.5.
        (
            "全年预算数（A）全年执行数（B）分值执行率（B/A）得分年度资金总额:20191095.00%9.5其中",
            (None, 20.0, 19.0, 95.0),
        ),
        ("年度资金总额年初预算数调整预算数,A、"
            "全年执行数(B)执行率(B/A)64.864.863.598%年度总体", (64.8, 64.8, 63.5, 98.0)),
        # Units on every cell, and a stated rate that disagrees with its amounts is kept as stated.
        ("年度预算申请(万元)年初预算数全年预算数全年执行数分值执行率得分年度资金总额4753.66万元4753.66万元3824.26万元10"
            " 100%10",
         (4753.66, 4753.66, 3824.26, 100.0)),
        # The unit in 元 from the block's caption.
        ("项目资金（元）\n年初预算数 全年预算数 全年执行数 执行率\n年度资金总额 0 387664.62 387664.62 "
            "100%", (0.0, 38.77, 38.77, 100.0)),
        # A total row left at zero: the sum of its part rows; its zero rate is not a rate.
        (HEADER + "年度资金总额: 0 0 0 10 0 0\n其中:本年财政拨款 90 89.97 89.97\n上年结转资金 5 5 5\n其他资金\n",
         (95.0, 94.97, 94.97, None)),
        # The first header cell carries the block's unit: it heads the row labels, not a column.
        ("年度预算数（万元）|年初预算|调整后预算数|预算执行数|预算执行率|权重|得分|原因|总额|238.93|251.89|250.00|99.25%|10|9.9||",
         (238.93, 251.89, 250.0, 99.25)),
        # One amount printed twice: the cells that agree with the rate, not the row cut before it.
        (HEADER + "年度资金总额: 36.4 36.4 36.4 35.2 10 96.70% 9.67\n其中:中央资金\n", (36.4, 36.4, 35.2, 96.7)),
        # Header cells left empty (merged above) keep the row's cells in line.
        ("年初预算|调整后预算数|预算执行数|||预算执行率|权重|得分|总额|5.00|5.00|4.90|||98.00%|10|"
            "9.8|", (5.0, 5.0, 4.9, 98.0)),
    ],
)
def test_money_block_flattenings(block: str, expected: tuple[object, ...]) -> None:
    values = _values(PROJECT + block)
    assert _money(values) == pytest.approx(expected)


def test_dated_columns_give_the_evaluated_year_only() -> None:
    block = ("2022年度部门整体支出绩效评价基础数据表\n经费控制情况（万元）2021年决算数 2022年预算数 2022年决算数\n"
             "支出总额 1274.38 1342.49 1340.00\n")
    values = _values(block, fiscal_year=2022)
    assert (values.get("budget_wan"), values.get("expenditure_wan")) == pytest.approx((1342.49, 1340.0))


def test_a_run_that_reads_two_ways_is_not_read() -> None:
    # "1010" is 10 | 10 or 101 | 0 or 1 | 010…; without a rate to settle it, no amount is taken.
    block = "全年预算数（A）全年执行数（B）年度资金总额1010其中"
    assert _money(_values(PROJECT + block)) == (None, None, None, None)


def test_a_project_table_in_a_department_report_is_not_the_department() -> None:
    text = ("某局2023年度部门整体支出绩效自评报告\n附件：项目支出绩效自评表\n项目名称 会展专项\n"
            + HEADER + "年度资金总额 100 120 110 10 91.67% 9\n")
    assert _money(_values(text)) == (None, None, None, None)


def test_readings_keep_only_what_every_reading_agrees_on() -> None:
    scan = HEADER + "年度资金总额 100 110\n"
    header = headers(scan)[0]
    row = total_row(scan, header)
    assert row is not None and row.cells == {}
    assert len(readings(header.columns, [])) == 1  # an empty row reads one way: every cell empty
