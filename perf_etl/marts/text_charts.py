"""Charts of the marts as small tables with bars of block characters: the Dagster UI shows a table inline on the
asset's page (an image only behind a click, charts.py), and the browser draws the Chinese names itself. No
matplotlib here: the code location loads without it."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

TEXT_BAR_WIDTH = 12  # characters of the longest bar in a text chart
TEXT_CHART_ROWS = 15
TEXT_LABEL_CHARS = 10
BLOCKS = " ▏▎▍▌▋▊▉"  # eighths of a full block
# marts.fiscal_year_summary's count columns -> the grade they count
GRADES = {"grade_excellent": "优", "grade_good": "良", "grade_fair": "中", "grade_poor": "差", "grade_missing": "none"}


def department_labels(frame: pd.DataFrame) -> pd.Series:
    return frame["department_name"].fillna(frame["department_key"]).fillna(frame["document_id"].str[:8])


def field_coverage(frame: pd.DataFrame, *, by_name: bool) -> pd.DataFrame:
    """marts.data_quality over the years shown: mean coverage and total check failures per field, ordered by
    field name or as the mart lists them."""
    return frame.groupby("field", as_index=False, sort=by_name).agg(
        coverage_pct=("coverage_pct", "mean"), check_failures=("check_failures", "sum"))


def queue_counts(frame: pd.DataFrame) -> pd.DataFrame:
    """marts.review_queue over the years shown: values per priority (1 = look first)."""
    counts = frame.groupby("priority").size().reindex(range(1, 5), fill_value=0)
    return pd.DataFrame({"priority": counts.index, "values": counts.to_numpy()})


def text_bar(value: float | None, full: float) -> str:
    """A bar of block characters, TEXT_BAR_WIDTH long at `full` (longer values are cut at 1.5 times)."""
    if value is None or pd.isna(value) or full <= 0:
        return ""
    eighths = round(min(float(value) / full, 1.5) * TEXT_BAR_WIDTH * 8)
    return "█" * (eighths // 8) + BLOCKS[eighths % 8].strip()


def _labelled(frame: pd.DataFrame) -> pd.DataFrame:
    """Department labels cut to TEXT_LABEL_CHARS, so that the bars stay in view in the UI's metadata column."""
    labels = department_labels(frame)
    return frame.assign(department=labels.where(labels.str.len() <= TEXT_LABEL_CHARS,
                                                labels.str[:TEXT_LABEL_CHARS - 1] + "…"))


def _department_year_text(frame: pd.DataFrame) -> pd.DataFrame:
    shown = _labelled(frame.sort_values(["fiscal_year", "budget_wan"], ascending=[True, False],
                                        na_position="last").head(TEXT_CHART_ROWS))
    largest = shown["expenditure_wan"].max()
    return pd.DataFrame({
        "year": shown["fiscal_year"], "department": shown["department"],
        "expenditure (largest = full bar)": [text_bar(v, largest) for v in shown["expenditure_wan"]],
        "万元": shown["expenditure_wan"],
        "rate %": shown["execution_rate_pct"].fillna(shown["execution_rate_computed_pct"])})


def _fiscal_year_summary_text(frame: pd.DataFrame) -> pd.DataFrame:
    rows = [(year["fiscal_year"], grade, year[column]) for year in frame.to_dict("records")
            for column, grade in GRADES.items()]
    most = max((count for *_, count in rows), default=0)
    return pd.DataFrame([{"fiscal_year": year, "grade": grade, "departments": count,
                          "bar": text_bar(count, most)} for year, grade, count in rows])


def _indicator_completion_text(frame: pd.DataFrame) -> pd.DataFrame:
    shown = _labelled(frame.sort_values("indicators", ascending=False).head(TEXT_CHART_ROWS))
    share = (shown["indicators_met"] / shown["indicators"].where(shown["indicators"] > 0) * 100)
    return pd.DataFrame({
        "fiscal_year": shown["fiscal_year"], "department": shown["department"], "indicators": shown["indicators"],
        "met": shown["indicators_met"], "met (all = full bar)": [text_bar(v, 100) for v in share]})


def _data_quality_text(frame: pd.DataFrame) -> pd.DataFrame:
    per_field = field_coverage(frame, by_name=False)
    return pd.DataFrame({"field": per_field["field"], "coverage_pct": per_field["coverage_pct"],
                         "coverage (100 % = full bar)": [text_bar(v, 100) for v in per_field["coverage_pct"]],
                         "check_failures": per_field["check_failures"]})


def _review_queue_text(frame: pd.DataFrame) -> pd.DataFrame:
    counts = queue_counts(frame)
    most = int(counts["values"].max())
    return counts.assign(bar=[text_bar(v, most) for v in counts["values"]])


MART_TEXT_CHARTS: dict[str, Callable[[pd.DataFrame], pd.DataFrame]] = {
    "department_year": _department_year_text,
    "fiscal_year_summary": _fiscal_year_summary_text,
    "indicator_completion": _indicator_completion_text,
    "data_quality": _data_quality_text,
    "review_queue": _review_queue_text,
}


def mart_text_chart(table: str, frame: pd.DataFrame) -> pd.DataFrame:
    """The chart as a small table with bars of block characters: the Dagster UI shows a table inline on the
    asset's page (an image only behind a click), and the browser draws the Chinese names itself."""
    draw = MART_TEXT_CHARTS.get(table)
    return draw(frame) if draw is not None and not frame.empty else pd.DataFrame()
