"""Named project funds with their budget, spending and rate (core.expenditure_items).

Reports state them as "<name>经费 + 预算… + 支出… + 执行率…" in one sentence:
"2023年招商业务工作经费预算收入数248.55万元，决算支出数248.55万元，项目执行率为100%".
The spans found here are also what keeps these figures out of the department totals.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from perf_etl.extract.money_context import DocContext
from perf_etl.extract.money_labels import GAP
from perf_etl.models import ExpenditureItem
from perf_etl.text.numbers import MONEY_UNIT, NUMBER, declared_unit_before, is_percentage, to_wan

# A fund's name ends in one of these words.
ITEM_NAME_SUFFIX_RE = re.compile(r"(?:经费|资金|项目|专项|补助|补贴|奖补|奖励|工程|费用|[\u4e00-\u9fa5]费)$")
# The 三公经费 and its parts (公务接待费, 公务用车运行维护费, 因公出国（境）费) are an economic category every
# report states, not a named fund.
NOT_A_FUND_RE = re.compile(r"三公|公务接待|公务用车|因公出国|出国[（(]境[)）]")
# Names that are a category or the department's own money, not a named fund.
GENERIC_NAMES = frozenset(
    {
        "经费",
        "资金",
        "项目",
        "专项",
        "专项资金",
        "项目资金",
        "财政资金",
        "预算资金",
        "部门项目",
        "公共项目",
        "工作经费",
        "下达预算资金",
        "实际下达预算资金",
        "其他项目",
        "本级项目",
        "一级项目",
        "二级项目",
        # The report's own project or fund referred to, not named.
        "本项目",
        "该项目",
        "此项目",
        "本专项",
        "该专项",
        "本资金",
        "该资金",
    }
)
# Leading words that are not part of a fund's name: a list marker, a year ("截至2023年底"), "其中", the
# department speaking.
NAME_LEAD_RE = re.compile(
    r"^(?:\d{1,2}\s*[.、．)）]|[①-⑳]|[一二三四五六七八九十]{1,3}、|(?:截至|截止|至|到)?(?:19|20)\d\d\s*年(?:度|底|末)?|"
    r"本年度?|全年|其中|另外|此外|同时|以及|及|和|的|"
    r"我局|本局|我单位|本单位|我中心|本中心|我部门|本部门|[\s、“”\"])+"
)
# How many spending-only statements one sentence must list to count as a list of funds.
MIN_LISTED = 2
# Names are short noun phrases; a longer stretch is a sentence, not a name.
MAX_NAME_CHARS = 40

ITEM_BUDGET_LABEL = (
    r"全年预算数|全年预算|调整后预算数|调整后预算|预算收入数|预算收入|年初预算数|年初预算|"
    r"预算数|预算金额|预算安排|安排资金|批复金额|预算|下达资金|下达"
)
ITEM_ACTUAL_LABEL = (
    r"决算支出数|决算支出|实际支出数|实际支出|支出数|支出金额|执行数|实际使用|完成支出|使用|支出|执行金额|执行"
)
ITEM_RATE_LABEL = r"(?:项目|预算|资金)?执行率|支出进度|执行进度|完成率|支出率"

_ANCHOR_RE = re.compile(r"(?:" + ITEM_BUDGET_LABEL + "|" + ITEM_ACTUAL_LABEL + r")(?=" + GAP + r"\d)")
_BUDGET_RE = re.compile(
    r"(?:" + ITEM_BUDGET_LABEL + r")" + GAP + r"(?P<num>" + NUMBER + r")\s*(?P<unit>" + MONEY_UNIT + ")?"
)
_ACTUAL_RE = re.compile(
    r"(?:" + ITEM_ACTUAL_LABEL + r")" + GAP + r"(?P<num>" + NUMBER + r")\s*(?P<unit>" + MONEY_UNIT + ")?"
)
_RATE_RE = re.compile(r"(?:" + ITEM_RATE_LABEL + r")" + GAP + r"(?P<num>" + NUMBER + r")\s*%")
# Where one fund's statement ends: a sentence end ("，" is inside it).
_ITEM_END = "。；;\n"
_NAME_BOUNDARY = "。；;，,：:！？\n（(【"


@dataclass(frozen=True)
class ItemStatement:
    """One fund's figures and the span of text they were read from."""

    name: str
    start: int
    end: int
    budget_wan: float | None
    actual_wan: float | None
    rate_pct: float | None

    def covers(self, pos: int) -> bool:
        return self.start <= pos < self.end


def find_item_statements(ctx: DocContext) -> list[ItemStatement]:
    """Every "<fund name> + budget/spending + rate" statement with at least two of the three figures."""
    anchors = [a for a in (_name_before(ctx, m.start()) for m in _ANCHOR_RE.finditer(ctx.scan)) if a]
    statements: list[ItemStatement] = []
    for i, (name, name_start, label_start) in enumerate(anchors):
        if statements and statements[-1].covers(label_start):
            continue  # a second label of a fund already read ("…预算收入数…，决算支出数…")
        end = ctx.positions_of(_ITEM_END).first_from(label_start)
        if i + 1 < len(anchors):
            end = min(end, anchors[i + 1][1])
        statement = _read_statement(ctx, name, name_start, label_start, end)
        if statement:
            statements.append(statement)
    return _without_lone_figures(ctx, statements)


def _figures(s: ItemStatement) -> int:
    return sum(x is not None for x in (s.budget_wan, s.actual_wan, s.rate_pct))


def _without_lone_figures(ctx: DocContext, statements: list[ItemStatement]) -> list[ItemStatement]:
    """Statements with two figures or more, and those with spending only when the sentence lists several
    funds that way ("主要项目支出：A工程支出…，B工程支出…"): one fund named beside one amount is too thin to
    call a statement of that fund, a list of funds' spending is what the genre means by its items."""

    def sentence(s: ItemStatement) -> int:
        return ctx.positions_of("。\n").last_before(s.start)

    spent_only = [s for s in statements if _figures(s) == 1 and s.actual_wan is not None]
    listed = {sentence(s) for s in spent_only if sum(sentence(o) == sentence(s) for o in spent_only) >= MIN_LISTED}
    return [s for s in statements if _figures(s) >= 2 or (s in spent_only and sentence(s) in listed)]


def expenditure_items(document_id: str, statements: list[ItemStatement]) -> list[ExpenditureItem]:
    """core.expenditure_items rows of a document's named-fund statements."""
    return [
        ExpenditureItem(
            document_id=document_id,
            item_name=s.name,
            budget_wan=s.budget_wan,
            actual_wan=s.actual_wan,
            execution_rate_pct=s.rate_pct,
        )
        for s in statements
    ]


def _name_before(ctx: DocContext, label_start: int) -> tuple[str, int, int] | None:
    """The fund name that ends right where the label starts, if the words there are one."""
    boundaries = ctx.positions_of(_NAME_BOUNDARY)
    boundary = boundaries.last_before(label_start) + 1
    if boundary == label_start and ctx.text[label_start - 1 : label_start] in ("：", ":"):
        # "1.城乡最低生活保障资金：下达…": a list entry names the fund, then its figures after the colon.
        label_start -= 1
        boundary = boundaries.last_before(label_start) + 1
    raw = ctx.text[boundary:label_start]
    lead = NAME_LEAD_RE.match(raw)
    skip = lead.end() if lead else 0
    name = re.sub(r"\s+", "", raw[skip:])
    if not (2 <= len(name) <= MAX_NAME_CHARS) or name in GENERIC_NAMES:
        return None
    if not ITEM_NAME_SUFFIX_RE.search(name) or re.search(r"基本支出|项目支出|整体", name) or NOT_A_FUND_RE.search(name):
        return None
    if ctx.speaks_of_other_period(boundary + skip, label_start):
        return None
    return name, boundary + skip, label_start


def _read_statement(ctx: DocContext, name: str, start: int, label_start: int, end: int) -> ItemStatement | None:
    budget = _money(ctx, _BUDGET_RE, label_start, end)
    actual = _money(ctx, _ACTUAL_RE, label_start, end)
    rate_m = _RATE_RE.search(ctx.scan, label_start, end)
    rate = float(rate_m.group("num")) if rate_m else None
    if rate is not None and not is_percentage(rate):
        rate = None
    if budget is None and actual is None and rate is None:
        return None
    last = max(m.end() for m in (rate_m, *_matches(ctx, label_start, end)) if m)
    return ItemStatement(name, start, last, budget, actual, rate)


def _money(ctx: DocContext, pattern: re.Pattern[str], start: int, end: int) -> float | None:
    m = pattern.search(ctx.scan, start, end)
    if not m:
        return None
    unit = m.group("unit") or declared_unit_before(ctx.scan, m.start())
    if not unit:
        return None  # a bare number with no unit anywhere is not read as money
    return to_wan(float(m.group("num").replace(",", "")), unit)


def _matches(ctx: DocContext, start: int, end: int) -> list[re.Match[str] | None]:
    return [_BUDGET_RE.search(ctx.scan, start, end), _ACTUAL_RE.search(ctx.scan, start, end)]
