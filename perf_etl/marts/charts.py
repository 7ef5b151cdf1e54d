"""Charts of the marts, as PNG images embedded in markdown for the asset's page in the Dagster UI (the text
charts shown inline are in text_charts.py, which needs no matplotlib).

Figures are drawn on matplotlib's Agg canvas without pyplot, so nothing depends on a display or on
pyplot's global state (assets may run in threads).
"""

from __future__ import annotations

import base64
import io
from collections.abc import Callable
from functools import cache

import matplotlib
import noto_cjk_sans_otc
import pandas as pd
from matplotlib import font_manager
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from perf_etl.marts.text_charts import GRADES, department_labels, field_coverage, queue_counts

# Department names are Chinese; DejaVu Sans (matplotlib's default) has no CJK glyphs. Noto Sans CJK comes
# with the project (the noto-cjk-sans-otc wheel), so a chart looks the same on every machine.
CJK_FONT = "Noto Sans CJK SC"
MAX_BARS = 30  # more departments than this and the labels no longer read; the largest are shown
DPI = 80
BUDGET_COLOR, EXPENDITURE_COLOR = "#9ecae1", "#3182bd"


@cache
def cjk_font_settings() -> dict[str, object]:
    """rc settings that draw all text with the bundled CJK font (registered with matplotlib once)."""
    font_manager.fontManager.addfont(str(noto_cjk_sans_otc.FONT_PATH))
    return {"font.family": [CJK_FONT, "DejaVu Sans"], "axes.unicode_minus": False}


def png_markdown(figure: Figure, alt: str) -> str:
    """The figure as a markdown image with a base64 PNG data URI (the Dagster UI renders those inline)."""
    buffer = io.BytesIO()
    FigureCanvasAgg(figure).print_png(buffer)
    encoded = base64.b64encode(buffer.getvalue()).decode("ascii")
    return f"![{alt}](data:image/png;base64,{encoded})"


def _bar_labels(frame: pd.DataFrame) -> pd.Series:
    """Department labels, with the fiscal year when the chart spans several (a department may be there twice)."""
    labels = department_labels(frame)
    if frame["fiscal_year"].nunique() > 1:
        labels = labels + " " + frame["fiscal_year"].astype(int).astype(str)
    return labels


def _largest(frame: pd.DataFrame, column: str) -> pd.DataFrame:
    return frame.sort_values(column, ascending=False, na_position="last").head(MAX_BARS).iloc[::-1]


def _say_if_no_values(axes: Axes, values: pd.Series, *, horizontal: bool) -> None:
    """Axes whose values are all missing or zero: a 0-1 value axis that says so, not matplotlib's ±0.05."""
    if (pd.to_numeric(values, errors="coerce").fillna(0) != 0).any():
        return
    (axes.set_xlim if horizontal else axes.set_ylim)(0, 1)
    axes.text(0.5, 0.5, "no values", transform=axes.transAxes, ha="center", va="center", color="gray")


def _histogram(axes: Axes, values: pd.Series, title: str, bins: range) -> None:
    # Values past the last bin (rates up to 200%) are drawn in it rather than stretching the axis for a few.
    axes.hist(values.dropna().astype(float).clip(upper=bins[-1]), bins=list(bins), color=EXPENDITURE_COLOR,
              edgecolor="white")
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    _say_if_no_values(axes, values.notna().astype(int), horizontal=False)
    axes.set_title(title)
    axes.set_ylabel("departments")


def department_year_chart(frame: pd.DataFrame) -> Figure:
    """Budget against expenditure per department; distribution of execution rate and of score."""
    shown = _largest(frame, "budget_wan")
    figure = Figure(figsize=(12, max(3.5, 0.35 * len(shown) + 1.5)), dpi=DPI, layout="constrained")
    bars, rates, scores = figure.subplots(1, 3, width_ratios=[2, 1, 1])
    positions = range(len(shown))
    bars.barh([p + 0.2 for p in positions], shown["budget_wan"].astype(float), height=0.4, color=BUDGET_COLOR,
              label="budget")
    bars.barh([p - 0.2 for p in positions], shown["expenditure_wan"].astype(float), height=0.4,
              color=EXPENDITURE_COLOR, label="expenditure")
    bars.set_yticks(list(positions), _bar_labels(shown))
    _say_if_no_values(bars, pd.concat([shown["budget_wan"], shown["expenditure_wan"]]), horizontal=True)
    bars.set_xlabel("万元")
    bars.set_title("Budget against expenditure")
    bars.legend(loc="lower right")
    execution_rate = frame["execution_rate_pct"].fillna(frame["execution_rate_computed_pct"])
    _histogram(rates, execution_rate, "Execution rate (%)", range(0, 121, 10))
    _histogram(scores, frame["self_score"], "Self-evaluation score", range(0, 101, 10))
    return figure


def fiscal_year_summary_chart(frame: pd.DataFrame) -> Figure:
    """Departments per grade, per fiscal year."""
    figure = Figure(figsize=(8, 3.5), dpi=DPI, layout="constrained")
    axes = figure.subplots()
    width = 0.8 / len(frame)
    for i, year in enumerate(frame.to_dict("records")):
        positions = [g + i * width for g in range(len(GRADES))]
        axes.bar(positions, [year[column] for column in GRADES], width=width, label=str(int(year["fiscal_year"])))
    axes.set_xticks([g + 0.4 - width / 2 for g in range(len(GRADES))], list(GRADES.values()))
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    _say_if_no_values(axes, frame[list(GRADES)].stack(), horizontal=False)
    axes.set_ylabel("departments")
    axes.set_title("Departments per grade")
    axes.legend()
    return figure


def indicator_completion_chart(frame: pd.DataFrame) -> Figure:
    """Indicators read and met, per department."""
    shown = _largest(frame, "indicators")
    figure = Figure(figsize=(9, max(3, 0.35 * len(shown) + 1.5)), dpi=DPI, layout="constrained")
    axes = figure.subplots()
    positions = list(range(len(shown)))
    axes.barh(positions, shown["indicators"], color=BUDGET_COLOR, label="indicators")
    axes.barh(positions, shown["indicators_met"], color=EXPENDITURE_COLOR, label="met")
    axes.set_yticks(positions, _bar_labels(shown))
    axes.xaxis.set_major_locator(MaxNLocator(integer=True))
    _say_if_no_values(axes, shown["indicators"], horizontal=True)
    axes.set_title("Performance indicators met")
    axes.legend(loc="lower right")
    return figure


def data_quality_chart(frame: pd.DataFrame) -> Figure:
    """Coverage per field, with the fields that fail checks in red."""
    per_field = field_coverage(frame, by_name=True)
    figure = Figure(figsize=(9, 0.3 * len(per_field) + 1.5), dpi=DPI, layout="constrained")
    axes = figure.subplots()
    colors = ["#de2d26" if failures else EXPENDITURE_COLOR for failures in per_field["check_failures"]]
    axes.barh(per_field["field"], per_field["coverage_pct"].astype(float), color=colors)
    axes.invert_yaxis()
    axes.set_xlim(0, 100)
    axes.set_xlabel("reports with a value (%); red: the field fails a check")
    axes.set_title("Field coverage")
    return figure


def review_queue_chart(frame: pd.DataFrame) -> Figure:
    """Values waiting per priority."""
    counts = queue_counts(frame)
    figure = Figure(figsize=(7, 2.5), dpi=DPI, layout="constrained")
    axes = figure.subplots()
    axes.barh([f"priority {p}" for p in counts["priority"]], counts["values"], color=EXPENDITURE_COLOR)
    axes.invert_yaxis()
    axes.xaxis.set_major_locator(MaxNLocator(integer=True))
    axes.set_xlabel("values (open them with `perf-etl review`)")
    axes.set_title("Review queue")
    return figure


MART_CHARTS: dict[str, Callable[[pd.DataFrame], Figure]] = {
    "department_year": department_year_chart,
    "fiscal_year_summary": fiscal_year_summary_chart,
    "indicator_completion": indicator_completion_chart,
    "data_quality": data_quality_chart,
    "review_queue": review_queue_chart,
}


def mart_chart_markdown(table: str, frame: pd.DataFrame) -> str:
    """The table's chart as markdown, or a note when there is nothing to draw (no rows, or a mart without a
    chart: a new mart needs none to be built)."""
    draw = MART_CHARTS.get(table)
    if frame.empty or draw is None:
        return "_no rows to chart_" if frame.empty else "_no chart for this mart_"
    with matplotlib.rc_context(cjk_font_settings()):
        figure = draw(frame)
        return png_markdown(figure, alt=f"marts.{table}")
