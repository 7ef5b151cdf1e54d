"""Which column holds what, from a header row's wording.

The 自评表 has no fixed wording: 年度指标值 / 指标值 / 目标值, 分值 / 权重, 全年预算数 / 调整后预算数… The
synonyms are data (below); `map_header` gives each canonical column the first header cell that names it.
A cell names a column when it contains one of its synonyms; the longest synonym found decides, so that
"实际完成值" is the actual value and not a bare "完成值", and "全年执行数" is not "执行率".
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from perf_etl.text.numbers import DECLARED_UNIT_RE
from perf_etl.text.simplified import to_simplified

# Canonical indicator columns and their wordings.
INDICATOR_COLUMNS: Mapping[str, tuple[str, ...]] = {
    "level1": ("一级指标",),
    "level2": ("二级指标",),
    "level3": ("三级指标", "指标名称", "具体指标", "绩效指标名称", "绩效内容"),
    "weight": ("分值", "权重", "标准分", "满分"),
    "target": ("年度指标值", "指标值", "目标值", "预期值", "年度目标值", "计划值", "预期目标值",
               "年初目标值", "年初指标值", "全年目标值", "预期指标值", "绩效目标值"),
    "actual": ("实际完成值", "实际值", "完成值", "实际完成指标值", "全年实际值", "全年完成值",
               "年终完成值", "实施进度"),
    "score": ("得分", "评分", "自评得分", "实际得分"),
    # 重庆's template: 得分系数(%) beside 指标得分(分): the share of the points, not the points.
    "score_share": ("得分系数", "得分率"),
    "core": ("是否核心指标",),
    # The split-column template: the target's sign ("≥", "="), its number, its unit in three cells.
    "nature": ("指标性质",),
    "direction": ("指标方向",),
    "unit": ("度量单位", "计量单位"),
    "reason": ("偏差原因", "原因分析", "偏差原因分析及改进措施", "未完成原因", "偏差原因及改进措施"),
}
# Canonical columns of the money block (资金情况 / 项目资金) and their wordings.
MONEY_COLUMNS: Mapping[str, tuple[str, ...]] = {
    "budget_initial": ("年初预算数", "年初预算", "年初预算金额"),
    "budget": ("全年预算数", "调整后预算数", "全年预算", "调整后预算", "预算调整数", "全年预算金额"),
    "expenditure": ("全年执行数", "实际支出", "执行数", "实际执行数", "全年实际支出", "实际支出数", "决算数"),
    "rate": ("执行率", "预算执行率"),
    "max_score": ("分值",),
    "score": ("得分",),
}
_POINTS_RE = re.compile(r"[(（]\d+(?:\.\d+)?分?[)）]$")
# Labels of the row that totals a table (its 得分 is the report's score).
TOTAL_LABELS = ("总分", "合计", "总计", "自评总分", "总得分", "综合得分")


def _normalized(text: str) -> str:
    # A traditional-character repost (實際完成值) names the same column; spaces are layout.
    return to_simplified("".join(text.split()))


def column_of(cell: str, columns: Mapping[str, Sequence[str]]) -> str | None:
    """The canonical column a header cell names, or None."""
    return column_match(cell, columns)[0]


def column_match(cell: str, columns: Mapping[str, Sequence[str]]) -> tuple[str | None, int]:
    """The canonical column a header cell names and the length of the wording that names it."""
    text = _normalized(cell)
    best, best_length = None, 0
    for canonical, synonyms in columns.items():
        for synonym in synonyms:
            if synonym in text and len(synonym) > best_length:
                best, best_length = canonical, len(synonym)
    return best, best_length


def map_header(row: Sequence[str], columns: Mapping[str, Sequence[str]]) -> dict[str, int]:
    """canonical column -> index of the first cell naming it (a merged header cell repeats; the first wins)."""
    found: dict[str, int] = {}
    for index, cell in enumerate(row):
        canonical = column_of(cell, columns)
        if canonical is not None and canonical not in found:
            found[canonical] = index
    return found


def indicator_header(row: Sequence[str]) -> dict[str, int] | None:
    """The mapping when `row` heads indicator rows: a target and an actual column, and a name or score."""
    found = map_header(row, INDICATOR_COLUMNS)
    has_name = bool({"level1", "level2", "level3"} & found.keys())
    if {"target", "actual"} <= found.keys() and (has_name or "weight" in found):
        return found
    return None


def target_header(row: Sequence[str]) -> dict[str, int] | None:
    """The mapping when `row` heads a table of targets alone (the 部门整体支出绩效目标表 before the year: 一级 / 二级
    / 三级指标 and 指标值, no result column): its results are told in the prose of the report."""
    found = map_header(row, INDICATOR_COLUMNS)
    if "target" in found and "actual" not in found and "level3" in found and {"level1", "level2"} & found.keys():
        return found
    return None


def money_header(row: Sequence[str]) -> dict[str, int] | None:
    """The mapping when `row` heads the money block: at least two of the budget / spending columns."""
    found = map_header(row, MONEY_COLUMNS)
    if len({"budget_initial", "budget", "expenditure"} & found.keys()) >= 2:
        return found
    return None


def is_header(row: Sequence[str]) -> bool:
    return indicator_header(row) is not None or target_header(row) is not None or money_header(row) is not None


def declared_unit(texts: Sequence[str]) -> str | None:
    """The money unit a header or caption declares ("（万元）", "单位：元"), the first found."""
    for text in texts:
        match = DECLARED_UNIT_RE.search(text)
        if match:
            return match.group(1) or match.group(2)
    return None


def is_total_label(cell: str) -> bool:
    """总分 / 合计…, with or without its points ("总分(100分)")."""
    return _POINTS_RE.sub("", _normalized(cell)) in TOTAL_LABELS
