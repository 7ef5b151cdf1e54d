"""The department's budget, spending and execution rate: find every labelled figure, drop the ones
context shows to be something else, keep the best-supported one per field.

Finding is generous (every label of `money_labels` followed by a number); rejection is where the
genre knowledge sits: a figure in a named project's sentence or section, a category's figure
(基本支出…预算执行率), another year's figure, a share or a growth rate is never a department total.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from perf_etl.extract.hits import Hit
from perf_etl.extract.items import ItemStatement
from perf_etl.extract.money_context import YEAR_RE, DocContext
from perf_etl.extract.money_labels import (
    BUDGET_LABELS,
    CATEGORY_ANCHOR,
    GAP,
    NOT_A_RATE_RE,
    PROJECT_LABELS,
    PROJECT_PART_PREFIX_RE,
    PROJECTS_CATEGORY_ANCHOR,
    SEVERAL_PROJECTS_TOTAL,
    TOTAL_FIELDS,
    TOTALITY_RE,
    Label,
)
from perf_etl.text.numbers import MONEY_UNIT, NUMBER, declared_unit_before, is_percentage, to_wan

# A figure in a section that states the department's totals wins over the same label elsewhere.
SUMMARY_BONUS = 2
# How far back a sentence is searched for the category a rate belongs to.
ANCHOR_WINDOW = 80


@dataclass(frozen=True)
class Candidate:
    """A labelled figure before judgement."""

    field: str
    value: float
    start: int  # label start
    end: int  # end of number and unit
    label_end: int
    num_start: int
    rule: str
    strength: int
    # A total row's cell of the report's own 自评表 (money_table.py): its place in the table says what it is,
    # so the context of running text is not asked.
    from_table: bool = False

    def to_hit(self, ctx: DocContext) -> Hit:
        return ctx.hit(self.field, self.value, self.start, self.end, self.rule)


@cache
def _label_regex(label: Label, kind: str) -> re.Pattern[str]:
    value = r"(?P<num>" + NUMBER + r")"
    # A rate needs its "%", and is not the first of two percentages in a row (target then actual in a
    # flattened indicator row: "预算执行率 95% 99.71%"). A bare money number must not run on into a
    # percentage, a unit or another cell of a flattened table row ("年度资金总额 100 120 110").
    rate_tail = r"\s*(?P<unit>%)(?!\s*" + NUMBER + r"\s*%)"
    # Nor a year ("2022年预算数"): a number followed by 年 is never money.
    money_tail = r"(?:\s*(?P<unit>" + MONEY_UNIT + r")|(?![\d.%年]|\s*[%万亿元年]|\s+\d))"
    tail = rate_tail if kind == "rate" else money_tail
    return re.compile(r"(?P<label>" + label.pattern + r")(?P<gap>" + GAP + r")" + value + tail)


def find_candidates(ctx: DocContext, field: str) -> list[Candidate]:
    """Every figure that a label of `field` introduces, one per number position (strongest label). The list
    is the document's: not to be changed."""
    return ctx.answer(("candidates", field), lambda: _find_candidates(ctx, field))


def _find_candidates(ctx: DocContext, field: str) -> list[Candidate]:
    prefix, labels, kind = TOTAL_FIELDS[field]
    if ctx.is_single_project:
        labels = labels + PROJECT_LABELS.get(field, ())
    elif ctx.is_project_report:
        several = tuple(label for label in PROJECT_LABELS.get(field, ()) if label.name == SEVERAL_PROJECTS_TOTAL)
        labels = labels + several
    by_number: dict[int, Candidate] = {}
    for label in labels:
        for m in _label_regex(label, kind).finditer(ctx.scan):
            value = _value(ctx, m, kind)
            if value is None:
                continue
            cand = Candidate(
                field,
                value,
                m.start(),
                m.end(),
                m.end("label"),
                m.start("num"),
                f"{prefix}:{label.name}",
                label.strength,
            )
            best = by_number.get(cand.num_start)
            if best is None or cand.strength > best.strength:
                by_number[cand.num_start] = cand
    return sorted(by_number.values(), key=lambda c: c.start)


def _value(ctx: DocContext, m: re.Match[str], kind: str) -> float | None:
    number = float(m.group("num").replace(",", ""))
    if kind == "rate":
        return number if is_percentage(number) else None
    unit = m.group("unit") or _unit_in(m.group("gap")) or declared_unit_before(ctx.scan, m.start())
    return to_wan(number, unit) if unit else None


def _unit_in(gap: str) -> str | None:
    found = re.search(MONEY_UNIT, gap)
    return found.group(0) if found else None


def is_department_figure(ctx: DocContext, cand: Candidate, items: list[ItemStatement]) -> bool:
    """False when context shows the figure belongs to a project, a category, another period, or is
    a share/growth rather than the department's own total. `items` are the document's item statements."""
    return ctx.answer(("department figure", cand), lambda: _is_department_figure(ctx, cand, items))


def _is_department_figure(ctx: DocContext, cand: Candidate, items: list[ItemStatement]) -> bool:
    # A report on one project states its own funds in the words of a named project's statement.
    in_item = ctx.section_kind(cand.start) == "item" or any(s.covers(cand.start) for s in items)
    if in_item and not ctx.is_single_project:
        return False
    if ctx.names_a_part(cand.start) or _ENUMERATED.search(ctx.text, ctx.sentence_start(cand.start), cand.start):
        return False
    if ctx.speaks_of_other_period(cand.start, cand.end) or _label_names_other_year(ctx, cand):
        return False
    if cand.field == "execution_rate_pct" and NOT_A_RATE_RE.search(ctx.text[ctx.clause_start(cand.start) : cand.end]):
        return False
    return not _follows_category(ctx, cand)


def _label_names_other_year(ctx: DocContext, cand: Candidate) -> bool:
    """A year inside a long label ("批复我局2024年部门预算…") dates the figure like one before it."""
    if ctx.fiscal_year is None:
        return False
    return any(int(y) != ctx.fiscal_year for y in YEAR_RE.findall(ctx.text, cand.start, cand.num_start))


def _follows_category(ctx: DocContext, cand: Candidate) -> bool:
    """True when the nearest subject before the label in its sentence is a category or "其中" and the
    label does not itself say it is the whole (全年支出进度 after 项目支出… is still the total)."""
    label = ctx.text[cand.start : cand.label_end]
    if TOTALITY_RE.search(label):
        return False
    # In a report on one project its name holds category words (…公用经费补助资金项目预算执行率), and its
    # "其中" lists fund sources: only a source in the label's own clause makes the figure a part.
    sentence_start = ctx.clause_start(cand.start) if ctx.is_single_project else ctx.sentence_start(cand.start)
    if ctx.is_single_project:
        return PROJECT_PART_PREFIX_RE.search(ctx.text, sentence_start, cand.start) is not None
    start = max(sentence_start, cand.start - ANCHOR_WINDOW)
    window = ctx.text[start : cand.start]
    category = PROJECTS_CATEGORY_ANCHOR if ctx.is_project_report else CATEGORY_ANCHOR
    anchors = list(re.finditer(category + "|" + _TOTAL_WORDS, window))
    if not anchors or re.fullmatch(category, anchors[-1].group(0)) is None:
        return False
    return _anchor_governs(ctx, start + anchors[-1].start(), start + anchors[-1].end(), cand.start)


def _anchor_governs(ctx: DocContext, anchor_start: int, anchor_end: int, label_start: int) -> bool:
    """A category word governs a later figure when it is "其中", states its own figure ("基本支出932.66万元，
    执行率99.90%"), or sits in the label's clause; a category merely mentioned in an earlier clause
    ("调减部分公用经费，实际下达预算资金…") does not."""
    if ctx.text[anchor_start:anchor_end] == "其中" or anchor_start >= ctx.clause_start(label_start):
        return True
    return re.match(GAP + r"\d", ctx.scan[anchor_end:label_start]) is not None


# A figure after an enumerator in its sentence ("…分为七个方面，一是…支出75万元，预算完成率100%") is one of
# the listed parts'.
_ENUMERATED = re.compile(r"[一二三四五六七八九十]是|其[一二三四五六七八九十][，,、]|第[一二三四五六七八九十][，,、是]")

# Words that name a department total; after one of them a following rate is the total's rate.
_TOTAL_WORDS = r"预算数|预算收入|预算支出|执行数|实际支出|决算支出|支出总额|总支出|支出合计|实际下达|调整后预算"


def best_candidate(ctx: DocContext, candidates: list[Candidate], items: list[ItemStatement]) -> Candidate | None:
    """The strongest department-level candidate; a summary section breaks ties in its favour, then
    the earliest statement wins (reports state the totals before they discuss them)."""
    kept = [c for c in candidates if c.from_table or is_department_figure(ctx, c, items)]
    if not kept:
        return None
    return max(kept, key=lambda c: (c.strength + _section_bonus(ctx, c.start), -c.start))


def _section_bonus(ctx: DocContext, pos: int) -> int:
    return SUMMARY_BONUS if ctx.section_kind(pos) == "summary" else 0


# What a figure may start with, read or not: digits, OCR letters for them, Chinese (capital) numerals.
_FIGURE_START = r"[\dOolI〇零一二两三四五六七八九十百千壹贰叁肆伍陆柒捌玖拾佰仟]"


@cache
def _figure_regex(label: Label) -> re.Pattern[str]:
    return re.compile(r"(?P<label>" + label.pattern + r")" + GAP + r"(?P<num>" + _FIGURE_START + r")")


def _unread_budget(ctx: DocContext, items: list[ItemStatement], table_rows: frozenset[int] = frozenset()) -> bool:
    """True when the department's full-year budget is stated but its figure could not be read (OCR
    damage, capital numerals): the initial budget is then not "the only budget stated", and taking it
    for budget_wan would be a wrong value where the text has a right one."""
    for label in BUDGET_LABELS:
        for m in _figure_regex(label).finditer(ctx.scan):
            if m.start() in table_rows:
                continue  # a 自评表 total row: the table reader read its cells
            cand = Candidate("budget_wan", 0.0, m.start(), m.end(), m.end("label"), m.start("num"), "", 0)
            if is_department_figure(ctx, cand, items):
                return True
    return False


def total_hits(ctx: DocContext, items: list[ItemStatement], extra: list[Candidate] = ()) -> dict[str, Hit]:
    """One hit per department total that the text states, choosing among the labelled figures and
    `extra` candidates (table cells). budget_wan falls back to the initial budget when that is the
    only budget stated, as the contract says."""
    hits: dict[str, Hit] = {}
    for field in TOTAL_FIELDS:
        candidates = find_candidates(ctx, field) + [c for c in extra if c.field == field]
        best = best_candidate(ctx, candidates, items)
        if best:
            hits[field] = best.to_hit(ctx)
    table_rows = frozenset(c.start for c in extra if c.from_table)
    if "budget_wan" not in hits and "budget_initial_wan" in hits and not _unread_budget(ctx, items, table_rows):
        initial = hits["budget_initial_wan"]
        hits["budget_wan"] = Hit(
            "budget_wan",
            initial.value,
            initial.raw_text,
            initial.char_start,
            initial.char_end,
            initial.rule.replace("budget_initial:", "budget:") + "(only budget stated)",
        )
    return hits
