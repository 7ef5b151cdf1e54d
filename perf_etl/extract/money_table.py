"""The 年度资金总额 row of a flattened 部门整体支出绩效自评表.

The appendix table of the genre has the columns 年初预算数 / 全年预算数 / 全年执行数 / 分值 / 执行率 / 得分
(some omit a few; (A)/(B)/(B/A) markers are common), and text extraction flattens it to a header run
followed by "年度资金总额 100 120 110 10 91.67% 9". The cells are mapped to the header by position, and
only when the row has exactly as many cells as the header has columns: a shifted or merged row would
put a figure under the wrong column, which is worse than no figure.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from perf_etl.extract.money import Candidate
from perf_etl.extract.money_context import DocContext
from perf_etl.extract.numbers import NUMBER, declared_unit_before, is_percentage, to_wan

# Column header words -> (field, kind). 分值 and 得分 are the row's points: read, never stored.
COLUMNS: dict[str, tuple[str | None, str]] = {
    "年初预算数": ("budget_initial_wan", "money"),
    "全年预算数": ("budget_wan", "money"),
    "全年执行数": ("expenditure_wan", "money"),
    "分值": (None, "points"),
    "执行率": ("execution_rate_pct", "rate"),
    "得分": (None, "points"),
}
_MARKER = r"(?:\s*[（(]\s*[A-Za-z/]{1,5}\s*[)）])?"
_COLUMN = r"(?:" + "|".join(COLUMNS) + r")" + _MARKER
# Three to six columns, the first written out so that the pattern starts with the column words: the regex
# engine then skips to them instead of trying every position of the text.
_HEADER_RE = re.compile(_COLUMN + r"\s*(?:" + _COLUMN + r"\s*){2,5}")
_ROW_RE = re.compile(
    r"(?P<label>年度资金总额|年度预算资金总额|资金总额)\s*[：:]?\s*(?P<cells>(?:(?:" + NUMBER + r")%?\s*)+)"
)
# The table's title or first rows, to tell the department table from a project's table (项目支出绩效
# 自评表 has the same columns and the same 年度资金总额 row).
_DEPARTMENT_MARK_RE = re.compile(r"部门整体支出绩效自评表|部门整体支出|部门名称")
_PROJECT_MARK_RE = re.compile(r"项目支出绩效自评表|项目名称")
TITLE_WINDOW = 800
# How far after the header the total row may start (other header cells and units sit in between).
ROW_WINDOW = 200
TABLE_STRENGTH = 9


# The spending split rows under the total row ("其中：基本支出 a b c r%"), read from the 全年执行数 column.
_SPLIT_ROW_RE = re.compile(
    r"(?:其中\s*[：:]?\s*)?(?P<label>基本支出|项目支出)\s*[：:]?\s*(?P<cells>(?:(?:" + NUMBER + r")%?\s*)+)"
)
SPENT_COLUMN = "全年执行数"
SPLIT_TOLERANCE = 1.0  # 万元: the parts must add up to the total row's spending


@dataclass(frozen=True)
class TableRow:
    """The total row of a department table, with the header columns its cells map to."""

    header_start: int
    columns: list[str]
    row: re.Match[str]
    cells: list[re.Match[str]]
    unit: str | None


def _total_rows(ctx: DocContext) -> list[TableRow]:
    """Total rows under a recognized column header, with exactly one cell per column."""
    out: list[TableRow] = []
    for header in _HEADER_RE.finditer(ctx.scan):
        if not _is_department_table(ctx, header.start()):
            continue
        columns = re.findall("|".join(COLUMNS), header.group(0))
        row = _ROW_RE.search(ctx.scan, header.end(), header.end() + ROW_WINDOW)
        if not row:
            continue
        cells = _cells(row)
        if len(cells) == len(columns):
            out.append(TableRow(header.start(), columns, row, cells, declared_unit_before(ctx.scan, row.start())))
    return out


def _cells(row: re.Match[str]) -> list[re.Match[str]]:
    return list(re.finditer(r"(" + NUMBER + r")(%?)", row.group("cells")))


def table_candidates(ctx: DocContext) -> list[Candidate]:
    """Department totals read from the 年度资金总额 row under a recognized column header."""
    out: list[Candidate] = []
    for table in _total_rows(ctx):
        for column, cell in zip(table.columns, table.cells, strict=True):
            cand = _candidate(ctx, table.row, column, cell, table.unit)
            if cand:
                out.append(cand)
    return out


def table_spending_split(ctx: DocContext) -> list[tuple[str, float, int, int, int]]:
    """(category, 万元, start, end, header start) of the 基本支出 and 项目支出 rows right under a total
    row, from the 全年执行数 column. Both rows are needed, each with one cell per column, and they
    must add up to the total row's spending: a shifted cell would otherwise give another column."""
    out: list[tuple[str, float, int, int, int]] = []
    for table in _total_rows(ctx):
        if SPENT_COLUMN not in table.columns or not table.unit:
            continue
        index = table.columns.index(SPENT_COLUMN)
        total = _money_cell(table.cells[index], table.unit)
        parts: dict[str, tuple[float, int, int]] = {}
        for row in _SPLIT_ROW_RE.finditer(ctx.scan, table.row.end(), table.row.end() + ROW_WINDOW):
            cells = _cells(row)
            value = _money_cell(cells[index], table.unit) if len(cells) == len(table.columns) else None
            if value is not None:
                start = row.start("cells") + cells[index].start()
                parts.setdefault(row.group("label"), (value, start, row.start("cells") + cells[index].end()))
        if len(parts) == 2 and total is not None and _adds_up([v for v, _, _ in parts.values()], total):
            out += [(label, value, start, end, table.header_start) for label, (value, start, end) in parts.items()]
    return out


def _adds_up(parts: list[float], total: float) -> bool:
    return abs(sum(parts) - total) <= SPLIT_TOLERANCE


def _money_cell(cell: re.Match[str], unit: str) -> float | None:
    return None if cell.group(2) else to_wan(float(cell.group(1).replace(",", "")), unit)


def _is_department_table(ctx: DocContext, header_start: int) -> bool:
    """True when the nearest table title or name row before the header is the department's (in a
    project report, the project's table is the report's own)."""
    if ctx.is_project_report:
        return True
    start = max(0, header_start - TITLE_WINDOW)
    dept = [m.start() for m in _DEPARTMENT_MARK_RE.finditer(ctx.scan, start, header_start)]
    proj = [m.start() for m in _PROJECT_MARK_RE.finditer(ctx.scan, start, header_start)]
    return bool(dept) and (not proj or max(dept) > max(proj))


def _candidate(
    ctx: DocContext, row: re.Match[str], column: str, cell: re.Match[str], unit: str | None
) -> Candidate | None:
    field, kind = COLUMNS[column]
    if field is None:
        return None
    number = float(cell.group(1).replace(",", ""))
    if kind == "rate":
        # Without "%" a value like 0.92 would be a fraction, not percent: only clear percentages.
        value = number if is_percentage(number) and (cell.group(2) or number > 1.5) else None
    else:
        value = to_wan(number, unit) if unit and not cell.group(2) else None
    if value is None:
        return None
    end = row.start("cells") + cell.end()
    return Candidate(
        field=field,
        value=value,
        start=row.start(),
        end=end,
        label_end=row.end("label"),
        num_start=row.start("cells") + cell.start(),
        rule=f"table:{column}",
        strength=TABLE_STRENGTH,
    )
