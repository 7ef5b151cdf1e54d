"""What a report's 自评表 says: indicator rows, score components and the totals, from its cells.

A table is read top to bottom. A header row (columns.py) says what the rows under it are: the money
block (年初预算数 / 全年预算数 / 全年执行数 / 执行率 / 分值 / 得分; its first row with figures is the whole
budget, "其中" rows under it are parts) or indicator rows (一级 / 二级 / 三级指标, 分值, 年度指标值,
实际完成值, 得分, 偏差原因). A row labelled 总分 / 合计 carries the report's score in the 得分 column.
Indicators come from every table; totals from the first table that states them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field

import pandas as pd

from perf_etl.extract.met import comparison_of, decide_met
from perf_etl.grid import TableGrid
from perf_etl.models import Indicator, ScoreComponent, StagedDocument
from perf_etl.tables.columns import declared_unit, indicator_header, is_total_label, money_header, target_header
from perf_etl.text.numbers import NUMBER, WAN_PER_UNIT

SOURCE = "table"
# The money block's own 分值 / 得分 score budget execution: a component beside the 一级指标.
BUDGET_COMPONENT = "预算执行率"
DEFAULT_MONEY_UNIT = "万元"
# core.reports column of each money-block column.
MONEY_FIELDS = {"budget_initial": "budget_initial_wan", "budget": "budget_wan", "expenditure": "expenditure_wan",
                "rate": "execution_rate_pct"}
_COMPARATOR = r"(?:>=|<=|[≥≤≧≦><＞＜=≈]|不低于|不少于|不高于|不超过|大于等于|小于等于|达到)?"
# An indicator value: "≥500个", "93.5%", "160宗", "6.8/10万" (a rate per 100,000), also behind a few words
# naming what was measured ("平均修复时长6.2小时", "完成率100%"); text ("按时完成") has no value.
_VALUE_RE = re.compile(r"^(?:(?!每)[\u4e00-\u9fa5]{1,6}?)?" + _COMPARATOR + r"(?P<per>每[^\d\s.]{1,3})?(?P<num>"
                       + NUMBER + r")(?P<unit>/\d+万[^\d\s.]{0,4}|[^\d\s.]{0,6})$")
_AMOUNT_RE = re.compile(r"^(?P<num>" + NUMBER + r")(?P<unit>亿元|万元|元)?$")
_RATE_RE = re.compile(r"^(?P<num>" + NUMBER + r")%?$")
_NUMBERING_RE = re.compile(
    r"^(?:(?:指标|任务)\s*\d{1,2}\s*[:：.、]?|\d{1,2}\s*[.、．](?!\d)|[（(]\d{1,2}[)）]|[①-⑳])\s*")
_POINTS_RE = re.compile(r"\s*[(（]\s*\d+(?:\.\d+)?\s*分\s*[)）]\s*$")
_NAMING_RE = re.compile(r"[\u4e00-\u9fffA-Za-z]")  # a name has a word in it
# A 偏差原因 cell that gives none.
_NO_REASON = {"", "无", "/", "-", "—", "无偏差", "未偏差"}


@dataclass(frozen=True)
class TableValue:
    """A core.reports field as the table states it."""

    field: str
    value: float
    raw_text: str  # the cell as written
    column: str  # the header cell as written ("调整后预算数"), for the evidence rule
    page_number: int


@dataclass
class TableReading:
    indicators: list[Indicator] = field(default_factory=list)
    targets: list[Indicator] = field(default_factory=list)  # rows of a table of targets alone, results unread
    score_components: list[ScoreComponent] = field(default_factory=list)
    totals: list[TableValue] = field(default_factory=list)

    def total(self, name: str) -> TableValue | None:
        return next((t for t in self.totals if t.field == name), None)


def read_reading(document_id: str, fiscal_year: int | None, grids: Sequence[TableGrid]) -> TableReading:
    """Everything the document's tables state (see the module docstring)."""
    reading = TableReading()
    for grid in grids:
        table = _TableReader(document_id, fiscal_year, grid)
        table.read()
        reading.indicators.extend(table.indicators)
        reading.targets.extend(table.targets)
        if not reading.totals:
            reading.totals = table.totals
            reading.score_components = [*table.components, *table.level1_components()]
    return reading


def _number(pattern: re.Pattern[str], text: str) -> re.Match[str] | None:
    return pattern.match(text.replace("，", ",").strip())


def _float(text: str) -> float | None:
    found = _number(_RATE_RE, text)
    return float(found.group("num").replace(",", "")) if found else None


@dataclass
class _TableReader:
    document_id: str
    fiscal_year: int | None
    grid: TableGrid
    indicators: list[Indicator] = field(default_factory=list)
    targets: list[Indicator] = field(default_factory=list)
    components: list[ScoreComponent] = field(default_factory=list)
    totals: list[TableValue] = field(default_factory=list)
    _levels: list[tuple[str, float | None, float | None]] = field(default_factory=list)
    _level_cells: dict[str, str] = field(default_factory=dict)

    def read(self) -> None:
        money: dict[str, int] | None = None
        indicator: dict[str, int] | None = None
        money_read = False
        unit = DEFAULT_MONEY_UNIT
        for r, row in enumerate(self.grid.rows):
            if (found := money_header(row)) is not None:
                money, indicator, money_read = found, None, False
                unit = declared_unit([*row, self.grid.caption]) or DEFAULT_MONEY_UNIT
            elif (found := indicator_header(row) or target_header(row)) is not None:
                indicator, money = found, None
            elif indicator is not None and _is_total_row(row, indicator):
                self._total_score(row, indicator, r)
            elif indicator is not None:
                self._indicator(row, indicator, r)
            elif money is not None and not money_read:
                money_read = self._money(row, money, unit, r)

    def _value(self, field_name: str, text: str, value: float, column: str, r: int) -> None:
        if not any(t.field == field_name for t in self.totals):
            self.totals.append(TableValue(field_name, value, text, column, self.grid.pages[r]))

    def _money(self, row: list[str], columns: dict[str, int], unit: str, r: int) -> bool:
        """The money block's first row with figures: the whole budget. False when the row has none."""
        header = self.grid.rows[self._header_row(r)]
        read = False
        for name, field_name in MONEY_FIELDS.items():
            if name not in columns:
                continue
            text = row[columns[name]]
            if name == "rate":
                value = _float(text)
            else:
                found = _number(_AMOUNT_RE, text)
                value = None if found is None else (
                    float(found.group("num").replace(",", "")) * WAN_PER_UNIT[found.group("unit") or unit])
            if value is not None:
                self._value(field_name, text, round(value, 6), header[columns[name]], r)
                read = True
        if "budget" not in columns and "budget_initial" in columns:
            initial = next((t for t in self.totals if t.field == "budget_initial_wan"), None)
            if initial is not None:
                # As in the prose: the initial budget is the budget when it is the only one stated.
                self._value("budget_wan", initial.raw_text, initial.value, f"{initial.column}(only budget stated)", r)
        if read and "max_score" in columns and "score" in columns:
            self.components.append(ScoreComponent(self.document_id, BUDGET_COMPONENT, _float(row[columns["max_score"]]),
                                                  _float(row[columns["score"]])))
        return read

    def _header_row(self, r: int) -> int:
        return max(i for i in range(r) if money_header(self.grid.rows[i]) is not None)

    def _total_score(self, row: list[str], columns: dict[str, int], r: int) -> None:
        if "score" in columns and (score := _float(row[columns["score"]])) is not None:
            self._value("self_score", row[columns["score"]], score, "总分·" + _header_cell(self.grid, columns, r), r)

    def _indicator(self, row: list[str], columns: dict[str, int], r: int) -> None:
        def cell(name: str) -> str:
            return " ".join(row[columns[name]].split()) if name in columns and columns[name] < len(row) else ""

        name = indicator_name(cell("level3") or cell("level2") or cell("level1"))
        values = [cell(c) for c in ("target", "actual", "weight", "score")]
        if not _NAMING_RE.search(name) or not any(values) or _one_merged_cell(cell("level3"), values[0], values[1]):
            return  # "/" or "—" in every cell: a row left blank, no indicator
        if "level3" in columns:
            # A level cell merged over the rows below it is empty in them where the reader could not fill it.
            level1 = level_name(cell("level1"))
            # A new 一级 cell starts a new block: the 二级 of the block before does not carry into it.
            carried = {} if level1 else self._level_cells
            self._level_cells = {"level1": level1 or carried.get("level1", ""),
                                 "level2": level_name(cell("level2")) or carried.get("level2", "")}
        else:
            self._level_cells = {}
        target_value, target_unit = _indicator_value(values[0])
        actual_value, actual_unit = _indicator_value(values[1])
        if cell("unit"):  # the split-column template's 度量单位 is the unit of both numbers
            target_unit = target_unit or (cell("unit") if target_value is not None else None)
            actual_unit = actual_unit or (cell("unit") if actual_value is not None else None)
        weight, score = _float(values[2]), _float(values[3])
        reason = cell("reason") if cell("reason") not in _NO_REASON else ""
        # 指标方向 ("小于等于") says the sign where 指标性质 only says 正向 / 定量.
        comparison = comparison_of(values[0], cell("direction") or cell("nature"))
        met = decide_met(comparison, target_value, actual_value, (target_unit or "") == (actual_unit or ""),
                         values[0], values[1], weight, score, reason)
        # A table of targets alone: its rows wait for the results the prose reports (indicators.joined_targets).
        (self.indicators if "actual" in columns else self.targets).append(Indicator(
            document_id=self.document_id, fiscal_year=self.fiscal_year, indicator_name=name,
            target_value=target_value, target_unit=target_unit, actual_value=actual_value, actual_unit=actual_unit,
            completion_rate_pct=None, source=SOURCE, page_number=self.grid.pages[r], weight=weight, score=score,
            level1=self._level_cells.get("level1") or None, level2=self._level_cells.get("level2") or None,
            target_text=values[0] or None, actual_text=values[1] or None, comparison=comparison, met=met,
            deviation_reason=reason or None,
        ))
        # Every row of a 一级 block counts toward its component, the rows whose merged 一级 cell the reader
        # could not fill too (a flattened table writes it once): else the component is the first row's points.
        level1 = cell("level1") or (self._level_cells.get("level1", "") if "level3" in columns else "")
        if level1:
            self._levels.append((level1, weight, score))

    def level1_components(self) -> list[ScoreComponent]:
        """One component per 一级指标, in table order: the sums of its rows' 分值 and 得分."""
        order = list(dict.fromkeys(name for name, _, _ in self._levels))
        return [ScoreComponent(self.document_id, name, *(_sum([v[i] for v in self._levels if v[0] == name])
                                                         for i in (1, 2))) for name in order]


def indicator_name(text: str) -> str:
    """三级指标 as written, without its numbering ("指标1：", "1.", "（2）", "任务1:")."""
    return _NUMBERING_RE.sub("", text).strip()


def level_name(text: str) -> str:
    """一级 / 二级指标 without the points written into it ("产出指标(40分)")."""
    return _POINTS_RE.sub("", text).strip()


def _one_merged_cell(name: str, target: str, actual: str) -> bool:
    """The same text as 三级指标, 指标值 and 实际完成值: one merged cell across the row (a 偏差原因 / 改进措施 /
    备注 row under the indicators, as Word, Excel and HTML tables give it in every column it spans)."""
    return bool(name) and name == target == actual


def _sum(values: list[float | None]) -> float | None:
    known = [v for v in values if v is not None]
    return round(sum(known), 2) if known else None


def _header_cell(grid: TableGrid, columns: dict[str, int], r: int) -> str:
    header = next(grid.rows[i] for i in range(r, -1, -1) if indicator_header(grid.rows[i]) is not None)
    return header[columns["score"]]


def _is_total_row(row: list[str], columns: dict[str, int]) -> bool:
    """A row whose label cells (those left of the first value column) say 总分 / 合计."""
    first_value = min(columns.get(c, len(row)) for c in ("weight", "target", "actual", "score"))
    return any(is_total_label(cell) for cell in row[:first_value])


def _indicator_value(text: str) -> tuple[float | None, str | None]:
    found = _number(_VALUE_RE, "".join(text.split()))
    if found is None:
        return None, None
    # "每亩300": the unit is written before the number; "60%及以上": the bound is the comparison's, not the unit's.
    unit = _BOUND_TAIL_RE.sub("", (found.group("per") or "") + found.group("unit"))
    return float(found.group("num").replace(",", "")), unit or None


_BOUND_TAIL_RE = re.compile(r"(?:及|或)?以[上下内]$|左右$")


TOTALS_COLUMNS = ["report_id", "document_id", "fiscal_year", "field", "value", "raw_text", "column", "page_number"]


def totals_frame(readings: Sequence[tuple[StagedDocument, str, TableReading]]) -> pd.DataFrame:
    """What each report's table states, one row per field (the checks compare it with core.reports):
    `readings` are (document, report_id, its tables' reading)."""
    rows = [
        {"report_id": report_id, "document_id": doc.document_id, "fiscal_year": doc.fiscal_year, **asdict(total)}
        for doc, report_id, reading in readings
        for total in reading.totals
    ]
    return pd.DataFrame(rows, columns=TOTALS_COLUMNS)
