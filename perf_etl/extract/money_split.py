"""Basic and project *spending* (not the budget split).

Reports split both the budget and the spending into 基本支出 / 项目支出 with the same words:
"年初预算数X万元，其中基本支出A、项目支出B" is the budget's split, "支出总额Y万元，分别为基本支出A，项目
支出B" the spending's. What decides is the total the parts hang from: the nearest budget or spending
label before them in the paragraph (or a 预算 right after the category: "基本支出预算953.17万元").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import cache

from perf_etl.extract.hits import Hit
from perf_etl.extract.items import ItemStatement
from perf_etl.extract.money_context import DocContext
from perf_etl.extract.money_labels import (
    BASIC_RE,
    BUDGET_INITIAL_LABELS,
    BUDGET_LABELS,
    EXPENDITURE_LABELS,
    GAP,
    PROJECT_KINDS,
    PROJECT_RE,
    alternation_matches,
)
from perf_etl.extract.money_table import TableFigures, table_spending_split
from perf_etl.text.numbers import MONEY_UNIT, NUMBER, declared_unit_before, to_wan

# A category that carries its own spending word ("基本支出全年执行数…") is spending whatever total precedes.
SPENT_RE = r"(?:全年|年度)?(?:执行数|执行金额|实际支出|决算支出|支出数|决算数)"

_AFTER_CATEGORY = (
    r"(?:(?P<budget>预算|安排)|(?P<spent>"
    + SPENT_RE
    + r"))?"
    + GAP
    + r"(?P<num>"
    + NUMBER
    + r")(?:\s*(?P<unit>"
    + MONEY_UNIT
    + r")|(?![\d.%]|\s*[%万亿元]))"
)
# A category and its figure: 基本支出 or PROJECT_RE, whose optional kind is spelled out as two alternatives so
# that each starts with a literal (see alternation_matches).
_MENTION_RES = tuple(
    re.compile(r"(?P<cat>" + category + r")" + _AFTER_CATEGORY)
    for category in (BASIC_RE, r"(?P<kind>" + PROJECT_KINDS + r")项目支出", "项目支出")
)


_CATEGORY_BEFORE_RE = re.compile(r"(?:" + BASIC_RE + "|" + PROJECT_RE + r")$")
CATEGORY_CHARS = 12  # longest category word (转移支付项目支出) with room to spare


@cache
def _governor_re() -> re.Pattern[str]:
    budget = "|".join(label.pattern for label in (*BUDGET_INITIAL_LABELS, *BUDGET_LABELS))
    spending = "|".join(label.pattern for label in EXPENDITURE_LABELS)
    # Only a label followed by its figure is a total ("全年支出进度" is not a spending total).
    return re.compile(r"(?:(?P<spending>" + spending + r")|(?P<budget>" + budget + r"))(?=" + GAP + r"\d)")


@dataclass(frozen=True)
class Part:
    """One category figure and the total it hangs from."""

    category: str  # 基本支出, 项目支出, 部门项目支出, …
    value: float
    start: int
    end: int
    governor: int | None  # start of the spending label it belongs to; None when not spending


def spending_split_hits(
    ctx: DocContext, items: list[ItemStatement], expenditure: Hit | None, tables: list[TableFigures]
) -> dict[str, Hit]:
    """basic_expenditure_wan / project_expenditure_wan hits from the spending split the text states (in its
    sentences, its tables and the report's money blocks `tables`)."""
    groups: dict[int, list[Part]] = {}
    evaluation_table = [Part(*row) for row in table_spending_split(ctx, tables)]
    for part in _parts(ctx, items) + _table_parts(ctx) + evaluation_table:
        if part.governor is not None:
            groups.setdefault(part.governor, []).append(part)
    if not groups:
        return {}
    chosen = groups.get(expenditure.char_start) if expenditure else None
    group = chosen or groups[min(groups)]
    hits: dict[str, Hit] = {}
    basic = next((p for p in group if p.category == "基本支出"), None)
    if basic:
        hits["basic_expenditure_wan"] = _hit(ctx, "basic_expenditure_wan", basic.value, basic, basic, "基本支出")
    project = _project_hit(ctx, group)
    if project:
        hits["project_expenditure_wan"] = project
    return hits


def _parts(ctx: DocContext, items: list[ItemStatement]) -> list[Part]:
    parts: list[Part] = []
    # Paragraphs where a part is stated as a share of spending ("基本支出X万元，占实际支出的21%"): the
    # split there is the spending's, for the parts stated without a share too ("项目支出Y万元，占79%").
    share_paragraphs: set[int] = set()
    undecided: list[Part] = []
    for m in alternation_matches(_MENTION_RES, ctx.scan):
        unit = m.group("unit") or declared_unit_before(ctx.scan, m.start())
        if not unit or ctx.section_kind(m.start()) == "item" or any(s.covers(m.start()) for s in items):
            continue
        if ctx.speaks_of_other_period(m.start(), m.end()):
            continue
        governor = None if m.group("budget") else _spending_governor(ctx, m.start())
        paragraph = ctx.paragraph_start(m.start())
        if governor is None and not m.group("budget") and _share_of_spending_re().match(ctx.scan, m.end()):
            share_paragraphs.add(paragraph)
        if governor is None and m.group("spent"):
            governor = paragraph
        value = to_wan(float(m.group("num").replace(",", "")), unit)
        part = Part(m.group("cat"), value, m.start(), m.end(), governor)
        (undecided if governor is None and not m.group("budget") else parts).append(part)
    for part in undecided:
        paragraph = ctx.paragraph_start(part.start)
        parts.append(replace(part, governor=paragraph) if paragraph in share_paragraphs else part)
    return sorted(parts, key=lambda p: p.start)


@cache
def _share_of_spending_re() -> re.Pattern[str]:
    spending = "|".join(label.pattern for label in EXPENDITURE_LABELS)
    return re.compile(r"\s*[，,]?\s*占(?:全年|年度|本年|部门|全部)?(?:" + spending + r")")


# A flattened mini-table of the split: a header line naming the categories ("项目 基本支出 项目支出 支出合计")
# and the next line with one amount per category ("金额（万元） 1623.58 3247.77 4871.35").
_TABLE_COLUMN = r"基本支出|项目支出|支出合计|合计|总计"
_TABLE_HEADER_RE = re.compile(r"(?m)^(?:项目|类别|科目|支出类别)?\s*(?P<cols>(?:(?:" + _TABLE_COLUMN + r")\s*){2,4})$")
# The row may run on into the next line's words in the compact view; a cell never carries a unit or "%".
_TABLE_ROW_RE = re.compile(r"(?P<label>[^\d\n]{0,16}?)(?P<cells>(?:" + NUMBER + r"\s*)+)(?![\d.%万亿元])")
_SPENDING_ROW_RE = re.compile(r"支出|决算|执行|实际")


def _table_parts(ctx: DocContext) -> list[Part]:
    """Basic/project spending from a split mini-table. The amounts are spending when the row label or
    the header says so (a row labelled 预算 is the budget's split), and, when a total column is there,
    the parts must add up to it."""
    parts: list[Part] = []
    for header in _TABLE_HEADER_RE.finditer(ctx.scan):
        columns = re.findall(_TABLE_COLUMN, header.group("cols"))
        row = _TABLE_ROW_RE.match(ctx.scan, header.end() + 1)
        if not row or "预算" in row.group("label"):
            continue
        if not (_SPENDING_ROW_RE.search(row.group("label")) or "支出合计" in columns):
            continue
        cells = list(re.finditer(NUMBER, row.group("cells")))
        unit = declared_unit_before(ctx.scan, row.start("cells"))
        if len(cells) != len(columns) or not unit:
            continue
        values = {col: to_wan(float(c.group(0).replace(",", "")), unit) for col, c in zip(columns, cells, strict=True)}
        total = next((v for col, v in values.items() if col not in ("基本支出", "项目支出")), None)
        if total is not None and abs(values.get("基本支出", 0) + values.get("项目支出", 0) - total) > 1:
            continue
        offset = row.start("cells")
        for col, cell in zip(columns, cells, strict=True):
            if col in ("基本支出", "项目支出"):
                start, end = offset + cell.start(), offset + cell.end()
                parts.append(Part(col, values[col], start, end, header.start()))
    return parts


def _spending_governor(ctx: DocContext, pos: int) -> int | None:
    """Start of the nearest total label before `pos` in its paragraph, if it is a spending label."""
    last = None
    for m in _governor_re().finditer(ctx.scan, ctx.paragraph_start(pos), pos):
        # "基本支出执行数…": a category's own spending word is not a total the next part hangs from.
        if not _CATEGORY_BEFORE_RE.search(ctx.scan, max(0, m.start() - CATEGORY_CHARS), m.start()):
            last = m
    if last is None or last.group("spending") is None:
        return None
    return last.start()


def _project_hit(ctx: DocContext, group: list[Part]) -> Hit | None:
    """The plain 项目支出 figure, or the sum of its sub-kinds (部门项目支出 + 公共项目支出) when the
    text only gives those: each kind once, and at least two, so a lone sub-kind is never taken for
    all project spending."""
    plain = next((p for p in group if p.category == "项目支出"), None)
    if plain:
        return _hit(ctx, "project_expenditure_wan", plain.value, plain, plain, "项目支出")
    kinds: dict[str, Part] = {}
    for p in group:
        if p.category != "基本支出":
            kinds.setdefault(p.category, p)
    if len(kinds) < 2:
        return None
    parts = sorted(kinds.values(), key=lambda p: p.start)
    total = round(sum(p.value for p in parts), 2)
    return _hit(ctx, "project_expenditure_wan", total, parts[0], parts[-1], "+".join(kinds))


def _hit(ctx: DocContext, field: str, value: float, first: Part, last: Part, rule: str) -> Hit:
    prefix = "basic" if field.startswith("basic") else "project"
    return ctx.hit(field, value, first.start, last.end, f"{prefix}:{rule}")
