"""Charts of the marts, as PNG images embedded in markdown for the asset's page in the Dagster UI.

Figures are drawn on matplotlib's Agg canvas without pyplot, so nothing depends on a display or on
pyplot's global state (assets may run in threads).
"""

from __future__ import annotations

import base64
import io
import logging
import warnings
from collections.abc import Callable
from functools import cache

import matplotlib
import pandas as pd
from matplotlib import font_manager
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

log = logging.getLogger(__name__)
# Department names are Chinese; DejaVu Sans (matplotlib's default) has no CJK glyphs. The first of these
# that is installed draws all text (Debian: fonts-wqy-zenhei, fonts-noto-cjk); without any, names show as boxes.
CJK_FONTS = ("WenQuanYi Zen Hei", "Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "SimHei")
MAX_BARS = 30  # more departments than this and the labels no longer read; the largest are shown
DPI = 80
BUDGET_COLOR, EXPENDITURE_COLOR = "#9ecae1", "#3182bd"


def _cjk_font_settings() -> dict[str, object]:
    """rc settings that draw text with an installed CJK font, at the weight it has (WenQuanYi Zen Hei is
    registered as 500: asking for "normal" would log a warning for every text)."""
    installed = {font.name: font.weight for font in font_manager.fontManager.ttflist}
    for name in CJK_FONTS:
        if name in installed:
            weight = installed[name]
            return {"font.family": [name], "font.weight": weight, "axes.titleweight": weight,
                    "axes.labelweight": weight}
    return {}


def png_markdown(figure: Figure, alt: str) -> str:
    """The figure as a markdown image with a base64 PNG data URI (the Dagster UI renders those inline)."""
    buffer = io.BytesIO()
    FigureCanvasAgg(figure).print_png(buffer)
    encoded = base64.b64encode(buffer.getvalue()).decode("ascii")
    return f"![{alt}](data:image/png;base64,{encoded})"


def _department_labels(frame: pd.DataFrame) -> pd.Series:
    return frame["department_name"].fillna(frame["department_key"]).fillna(frame["document_id"].str[:8])


def _largest(frame: pd.DataFrame, column: str) -> pd.DataFrame:
    return frame.sort_values(column, ascending=False, na_position="last").head(MAX_BARS).iloc[::-1]


def _histogram(axes: Axes, values: pd.Series, title: str, bins: range) -> None:
    # Values past the last bin (rates up to 200%) are drawn in it rather than stretching the axis for a few.
    axes.hist(values.dropna().astype(float).clip(upper=bins[-1]), bins=list(bins), color=EXPENDITURE_COLOR,
              edgecolor="white")
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
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
    bars.set_yticks(list(positions), _department_labels(shown))
    bars.set_xlabel("万元")
    bars.set_title("Budget against expenditure")
    bars.legend(loc="lower right")
    execution_rate = frame["execution_rate_pct"].fillna(frame["execution_rate_computed_pct"])
    _histogram(rates, execution_rate, "Execution rate (%)", range(0, 121, 10))
    _histogram(scores, frame["self_score"], "Self-evaluation score", range(0, 101, 10))
    return figure


def fiscal_year_summary_chart(frame: pd.DataFrame) -> Figure:
    """Departments per grade, per fiscal year."""
    grades = {"grade_excellent": "优", "grade_good": "良", "grade_fair": "中", "grade_poor": "差",
              "grade_missing": "none"}
    figure = Figure(figsize=(8, 3.5), dpi=DPI, layout="constrained")
    axes = figure.subplots()
    width = 0.8 / len(frame)
    for i, year in enumerate(frame.to_dict("records")):
        positions = [g + i * width for g in range(len(grades))]
        axes.bar(positions, [year[column] for column in grades], width=width, label=str(int(year["fiscal_year"])))
    axes.set_xticks([g + 0.4 - width / 2 for g in range(len(grades))], list(grades.values()))
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
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
    axes.set_yticks(positions, _department_labels(shown))
    axes.xaxis.set_major_locator(MaxNLocator(integer=True))
    axes.set_title("Performance indicators met")
    axes.legend(loc="lower right")
    return figure


def data_quality_chart(frame: pd.DataFrame) -> Figure:
    """Coverage per field, with the fields that fail checks in red."""
    per_field = frame.groupby("field", as_index=False).agg(coverage_pct=("coverage_pct", "mean"),
                                                           check_failures=("check_failures", "sum"))
    figure = Figure(figsize=(9, 0.3 * len(per_field) + 1.5), dpi=DPI, layout="constrained")
    axes = figure.subplots()
    colors = ["#de2d26" if failures else EXPENDITURE_COLOR for failures in per_field["check_failures"]]
    axes.barh(per_field["field"], per_field["coverage_pct"].astype(float), color=colors)
    axes.invert_yaxis()
    axes.set_xlim(0, 100)
    axes.set_xlabel("reports with a value (%); red: the field fails a check")
    axes.set_title("Field coverage")
    return figure


MART_CHARTS: dict[str, Callable[[pd.DataFrame], Figure]] = {
    "department_year": department_year_chart,
    "fiscal_year_summary": fiscal_year_summary_chart,
    "indicator_completion": indicator_completion_chart,
    "data_quality": data_quality_chart,
}


def mart_chart_markdown(table: str, frame: pd.DataFrame) -> str:
    """The table's chart as markdown, or a note when there is nothing to draw."""
    if frame.empty:
        return "_no rows to chart_"
    fonts = _cjk_font_settings()
    with matplotlib.rc_context({**fonts, "axes.unicode_minus": False}), warnings.catch_warnings():
        if not fonts:
            _say_no_cjk_font()
            # One line above says why; matplotlib would warn once per missing character of every chart.
            warnings.filterwarnings("ignore", message="Glyph .* missing from font", category=UserWarning)
        figure = MART_CHARTS[table](frame)
        return png_markdown(figure, alt=f"marts.{table}")


@cache
def _say_no_cjk_font() -> None:
    log.warning("no CJK font is installed (%s): Chinese names in the mart charts are drawn as boxes; install "
                "one, e.g. Debian's fonts-noto-cjk or fonts-wqy-zenhei", ", ".join(CJK_FONTS))
