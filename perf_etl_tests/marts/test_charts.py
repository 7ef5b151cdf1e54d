"""The mart charts: Chinese names drawn with the bundled font, empty data drawn as empty, text bars."""

import warnings

import matplotlib
import pandas as pd
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg

from perf_etl.marts import charts, text_charts

DEPARTMENTS = pd.DataFrame({
    "department_name": ["某县妇女联合会", "某县残疾人联合会"], "department_key": ["妇联", "残联"],
    "document_id": ["a" * 16, "b" * 16], "fiscal_year": [2023, 2023], "budget_wan": [120.5, None],
    "expenditure_wan": [110.0, None], "execution_rate_pct": [91.3, None],
    "execution_rate_computed_pct": [float("nan")] * 2,
    "self_score": [92.0, None]})


def test_chinese_department_names_are_drawn_with_a_cjk_font():
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # matplotlib warns "Glyph … missing from font" for each box it draws
        markdown = charts.mart_chart_markdown("department_year", DEPARTMENTS)
    assert markdown.startswith("![marts.department_year](data:image/png;base64,")


def drawn(frame: pd.DataFrame):
    with matplotlib.rc_context(charts.cjk_font_settings()):
        figure = charts.department_year_chart(frame)
        FigureCanvasAgg(figure).draw()
    return figure


def test_a_chart_without_values_has_a_zero_to_one_axis_that_says_so():
    empty = drawn(DEPARTMENTS.assign(budget_wan=float("nan"), expenditure_wan=float("nan"),
                                     execution_rate_pct=float("nan"), self_score=float("nan")))
    bars, rates, _ = empty.axes
    assert bars.get_xlim() == (0, 1) and rates.get_ylim() == (0, 1)
    assert "no values" in [text.get_text() for text in bars.texts]
    # with values, the axis is the data's
    assert drawn(DEPARTMENTS).axes[0].get_xlim()[1] > 120


FULL = "█" * text_charts.TEXT_BAR_WIDTH


@pytest.mark.parametrize(("value", "full", "bar"), [
    (100, 100, FULL), (50, 100, FULL[: len(FULL) // 2]), (50 + 100 / 8 / len(FULL), 100, FULL[: len(FULL) // 2] + "▏"),
    (0, 100, ""), (None, 100, ""), (400, 100, FULL + FULL[: len(FULL) // 2]), (5, 0, ""),
])
def test_text_bars_are_eighths_of_a_block(value, full, bar):
    assert text_charts.text_bar(value, full) == bar


def test_the_text_chart_of_department_year_puts_the_largest_budget_first_and_cuts_long_names():
    chart = text_charts.mart_text_chart("department_year", DEPARTMENTS)
    assert list(chart["department"]) == ["某县妇女联合会", "某县残疾人联合会"]
    assert list(chart["expenditure (largest = full bar)"]) == [FULL, ""]
    long_name = DEPARTMENTS.assign(department_name="惠州大亚湾经济技术开发区管理委员会营商环境和投资促进局")
    assert set(text_charts.mart_text_chart("department_year", long_name)["department"]) == {"惠州大亚湾经济技术…"}
    assert text_charts.mart_text_chart("department_year", DEPARTMENTS.iloc[0:0]).empty
