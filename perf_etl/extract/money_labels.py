"""The words reports use for each finance figure, as data: one table per field, strongest label first.

A label's strength says how sure the words alone are that the figure is the field (全年预算数 names the
full-year budget; 预算收入 is also how some reports say the initial budget). Context (section, period,
sub-category, named project) is judged in code, not here. Patterns are regex fragments; optional
suffixes like 数/金额 are part of the label so the evidence slice starts at the label's first character.
Every report is searched for every label, so each pattern starts with a literal (literal_led, not_after).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass

from perf_etl.text.numbers import MONEY_UNIT


@dataclass(frozen=True)
class Label:
    name: str  # shown in the evidence rule, e.g. "budget:全年预算数"
    pattern: str  # regex fragment for the label words
    strength: int  # 1 (weak) .. 10 (names the field unambiguously)


def literal_led(*choices: tuple[str, ...]) -> str:
    """One of each of `choices` in turn, as a flat alternation: `literal_led(("全年", "年度", ""), ("执行率",))` is
    `(?:全年|年度)?执行率` spelled `全年执行率|年度执行率|执行率`. An optional part ends with "" (none), tried
    last as `?` tries it, so the alternatives are tried in the same order as the nested pattern's.

    A pattern whose alternatives all start with a literal character lets the regex engine skip to those
    characters; one starting with an optional group or a look-behind is tried at every position of the text,
    and scanning each report for every label that way was most of the extraction time.
    """
    return "|".join(map("".join, itertools.product(*choices)))


def not_after(before: tuple[str, ...], words: tuple[str, ...]) -> str:
    """Any of `words` unless right after one of `before` (all of one length): `(?<!公共)预算收入` with the
    look-behind moved after the word, `预算收入(?<!公共预算收入)`, so that the pattern starts with a literal
    (see literal_led)."""
    excluded = "|".join(before)
    return "|".join(f"{word}(?<!(?:{excluded}){word})" for word in words)


def alternation_matches(alternatives: tuple[re.Pattern[str], ...], text: str) -> Iterator[re.Match[str]]:
    """What `re.finditer` of the alternatives joined by "|" finds, found by searching for each alone.

    Joined, alternatives that start with a capturing group make a pattern the regex engine tries at every
    position of the text; alone, each starts with a literal and is found fast. The joined pattern's match is
    the leftmost, and at one position the first alternative that matches wins; the next search starts where
    it ended. An alternative's next match is searched again only once the last one found is passed over.
    The alternatives must not match empty text.
    """
    found = [pattern.search(text) for pattern in alternatives]
    while any(found):
        match = min((m for m in found if m), key=lambda m: m.start())  # the earlier alternative on a tie
        yield match
        found = [
            m if m is None or m.start() >= match.end() else alternatives[index].search(text, match.end())
            for index, m in enumerate(found)
        ]


# What may stand between a label and its number: punctuation, copulas ("为", "达到"), a column marker
# from a flattened table ("(A)", "（B/A）"), a unit header ("（万元）", "(%)"), and OCR whitespace or a line
# break. Bounded so that a label never reaches a number two clauses away.
GAP = (
    r"(?:\s+|[：:|]|为|是|约|共计|共|合计|总计|总额|达到|达|了|"
    r"[（(]\s*[A-Za-z][A-Za-z/+＋\-÷*×\s]{0,8}[)）]|"
    r"[（(]\s*(?:" + MONEY_UNIT + r"|%|％|分)\s*[)）]){0,6}"
)

# --- department totals ------------------------------------------------------------------------

BUDGET_INITIAL_LABELS: tuple[Label, ...] = (
    Label("年初预算批复", r"年初预算批复(?:数|金额)?", 10),
    Label("年初批复预算", r"年初批复(?:的)?预算(?:数|金额)?", 10),
    Label("年初安排预算", r"年初安排(?:的)?预算(?:数|金额)?", 10),
    Label("年初预算数", r"年初预算(?:数|金额|总额|安排|资金)?", 9),
    Label("预算批复", r"预算批复(?:数|金额)?|批复(?:的)?预算(?:数|金额)?", 6),
    # "（财政局）批复我局2023年部门预算12640.58万元": the approved 部门预算 is the initial budget.
    Label("批复部门预算", r"批复[^，。；：:\n]{0,16}?部门预算(?:数|总额|金额)?", 6),
)

BUDGET_LABELS: tuple[Label, ...] = (
    Label("全年预算数", r"全年预算(?:数|总额|金额)?", 10),
    Label("调整后预算数", r"调整后(?:的)?(?:全年)?预算(?:数|总额|金额)?|预算调整后(?:的)?(?:数|金额)?", 10),
    Label("实际下达预算资金", r"实际下达(?:的)?(?:预算)?(?:资金|指标)?(?:数|金额|总额)?", 9),
    Label("全年预算收入", r"全年预算收入(?:数|总额)?", 9),
    Label("预算总额", r"预算总额|预算总金额|预算总计|项目资金总预算(?:数|金额)?|总预算(?:数|金额)?", 7),
    # "全年预算安排60万元", "项目批复总投资61.8万元".
    Label("预算安排", r"全年预算安排(?:资金)?|预算安排(?:资金)?|批复(?:总)?投资(?:额)?", 6),
    # "2024年部门预算财政安排公共财政拨款资金共157.71万元".
    Label("部门预算安排", r"部门预算[^，,。；;：:\n]{0,20}?(?:资金|拨款)(?:共计|合计|共)", 5),
    Label("财政资金总额", r"财政资金总额|年度资金总额|项目资金总额|资金总额", 6),
    # "该项目2020年度资金预算253.7万元".
    Label("资金预算", r"(?<![\u4e00-\u9fff]项目)资金预算(?:数|金额|总额)?", 6),
    # A project's funds as the genre states them: "调整预算后项目预算861.46万元", "安排预算547.615万元",
    # "资金安排80万元", "共投入资金1987.08万元", "州财政资金下达3万元".
    Label("调整预算后预算", r"调整预算后(?:的)?(?:项目)?预算(?:数|资金|金额)?", 9),
    # Hunan's project form: "计划安排资金（万元）| 700".
    Label("安排预算", r"安排预算(?:资金)?|资金安排|投入资金|资金(?:共|共计|累计)?下达|计划投资(?:额)?|批复资金|"
          r"计划安排资金", 5),
    Label("预算数", not_after(("年初",), ("预算数",)), 6),
    # Only the budget itself: "上级下达资金50万元" is one transfer, not the full-year budget.
    Label("下达预算", r"(?:全年|财政)下达(?:的)?预算(?:资金|指标)?(?:数|金额|总额)?", 6),
    # 一般公共预算收入 / 基金预算收入 is a region's fiscal revenue in a finance bureau's report.
    Label("预算收入", "(?:" + not_after(("公共", "基金"), ("预算收入",)) + ")(?:数|总额)?", 5),
)

EXPENDITURE_LABELS: tuple[Label, ...] = (
    Label("执行数", literal_led(("全年", "年度", "预算", ""), (r"执行(?:数|金额)",)), 10),
    Label("实际支出", r"实际支出(?:数|金额|总额)?|实际已支付(?:资金|金额)?|实际支付(?:资金|金额)?", 8),
    Label("实际使用", r"实际使用(?:资金|金额)?", 5),
    Label("决算支出", r"决算支出(?:数|金额|总额)?|支出决算(?:数)?|决算数", 8),
    # 一般公共预算支出 / 其他收入预算支出 are a split by fund source, not the total.
    Label(
        "预算支出", "(?:" + not_after(("公共", "基金", "收入"), ("全年预算支出", "预算支出")) + ")(?:数|金额|总额)?", 7
    ),
    Label("支出合计", r"支出合计", 6),
    Label("支出总额", not_after(("财政",), ("支出总额", "总支出")), 6),
    Label("完成支出", r"完成支出", 6),
    Label("全年支出", r"全年支出(?:数|总额|金额)?", 6),
    Label("拨付使用", r"拨付使用(?:资金|金额)?|累计拨付(?:资金)?|累计支出", 5),
    # "1、收入：792.22万元。2、支出：799.12万元。", "2022年支出76.36万元", "2018年度支出5560.46万元": a bare 支出
    # as a field of its own.
    Label("支出", r"支出(?<![\u4e00-\u9fff]支出)(?=\s*[:：])|支出(?<=年支出)(?=\s*\d)|支出(?<=年度支出)(?=\s*\d)",
          3),
)

RATE_LABELS: tuple[Label, ...] = (
    Label("预算执行率", literal_led(("全年", "年度", "整体", "总体", ""), ("预算执行率",)), 10),
    Label("执行率", literal_led(("全年", "年度", "资金", "总体", "整体", ""), ("执行率",)), 8),
    Label("支出进度", literal_led(("全年", "年度", "预算", "资金", ""), ("支出进度",)) + "|预算执行进度|执行进度", 8),
    Label("预算完成率", r"预算完成率|预算支出率", 8),
    Label("支付进度", literal_led(("预算", "资金", ""), (r"支付(?:进度|率)",)), 7),
    Label("完成预算的", r"完成(?:全年|年度)?预算(?:的)?", 8),
    # "年度资金使用完成比率99.98%".
    Label("资金使用完成比率", r"资金使用(?:完成)?(?:比率|率)", 6),
)

# The total of a report on several projects ("共计下达单位市级项目资金60万元，涉及2个项目").
SEVERAL_PROJECTS_TOTAL = "共计下达资金"
# A project report states its own funds in words a department report uses for its parts: what was
# allocated to it (下达…资金, 安排…预算资金, 市级财政补助, 筹集…资金, 预算指标为) and what was paid out (全年发放,
# 实际拨付使用, 完成投资). These count only in a report on one project, and below every label above.
_ANY_WORDS = r"[^，,。；;：:\n()（）]{0,30}?"
# The fund's name in brackets after it ("中央转移支付资金（残疾人事业发展补助资金）29.6万元").
_ASIDE = r"(?:[（(][^（()）]{1,20}[)）])?"


def _led(*choices: tuple[str, ...]) -> str:
    """`literal_led` as a group, to be followed by more pattern."""
    return "(?:" + literal_led(*choices) + ")"


# A count of projects in figures or numerals.
_COUNT = "[\\d一二三四五六七八九十两]"
PROJECT_LABELS: dict[str, tuple[Label, ...]] = {
    "budget_wan": (
        # The total after a list of the project's parts ("…项目40万元；…共计下达中央、市级转移支付资金3580.69万元").
        Label("共计下达资金", "|".join(
            [f"{total}(?:下达|安排|投入)?{_ANY_WORDS}(?:资金|经费)" for total in ("共计", "合计", "总计")]
            # "共涉及项目3个，资金2890.00万元", "我局共5个项目，项目资金264.09万元", "专项资金项目共计113个，财政资金
            # 3267.28万元": the projects' count, then
            # their funds.
            + [
                count + r"[，,]\s*(?:项目|财政)?资金(?:总额|共计|合计)?"
                for count in (f"项目(?:共计|合计|共)?{_COUNT}{{1,3}}个", f"个项目(?<={_COUNT}个项目)")
            ]
        ), 5),
        # "按生均1000元安排，共计239万元".
        Label("安排共计", r"安排[，,]\s*共计", 5),
        Label("下达资金", r"下达" + _ANY_WORDS + r"(?:资金|经费|补助|预算|工程)(?:预算)?(?:指标)?" + _ASIDE, 4),
        Label("安排资金", r"(?:安排|实施)" + _ANY_WORDS + r"(?:预算资金|资金|经费)" + _ASIDE, 4),
        Label("项目资金", "(?:" + literal_led(("项目", "专项"), ("资金",)) + r"(?:共计|总额|合计)?|专项经费|"
            r"工作经费)" + _ASIDE, 4),
        Label("财政补助", r"(?:财政|中央|省级|市级|县级)(?:财政|中央|省级|市级|县级)*补助(?:资金)?(?!资金)", 4),
        Label("筹集资金", r"筹集" + _ANY_WORDS + r"资金", 4),
        Label("预算指标", r"预算(?:指标|申报数)(?:为)?", 4),
        Label("资金总额", r"总额及构成总额|补助金额", 4),
        # The project named, then its funds ("2017年电视专题节目制作经费项目50万元，实际到位50万元").
        Label("项目金额", r"项目(?=\d)", 3),
    ),
    "expenditure_wan": (
        Label("发放", _led(("全年", "实际", "累计", "共", ""), ("完成", ""), ("发放",)) + f"(?:{_ANY_WORDS}资金)?", 4),
        Label("拨付", _led(("实际", "已", "累计", ""), ("完成", ""), ("拨付",)) + "(?:使用)?(?:资金)?", 4),
        Label("全年执行", r"全年执行(?:资金)?|实际完成投资|完成投资|实际使用(?:资金)?|已使用(?:资金)?|资金已使用|"
            r"实际已支付|已支付|执行金额", 4),
        Label("支出共计", r"安排支出共计|实际(?:总)?支出|支出", 3),
    ),
}

# Field name -> (rule prefix, labels, kind).
TOTAL_FIELDS: dict[str, tuple[str, tuple[Label, ...], str]] = {
    "budget_initial_wan": ("budget_initial", BUDGET_INITIAL_LABELS, "money"),
    "budget_wan": ("budget", BUDGET_LABELS, "money"),
    "expenditure_wan": ("expenditure", EXPENDITURE_LABELS, "money"),
    "execution_rate_pct": ("rate", RATE_LABELS, "rate"),
}

# --- context words ----------------------------------------------------------------------------

# Words right before a label that make it a part, not the department total: a spending category
# (基本支出进度, 项目执行率), a named fund (…工作经费年初预算) or an explicit "其中".
PART_PREFIX_RE = re.compile(
    r"(?:基本|项目|人员|公用|经费|专项|工程|补助|补贴|奖补|奖励|费用|其中|"
    r"基本支出|项目支出|专项资金|项目资金|补助资金)[\s：:的]*$"
)
# In a project report the project, its funds and its 经费 are the report's whole: only these name a part.
PROJECT_PART_PREFIX_RE = re.compile(r"(?:基本|人员|公用|其中|基本支出|人员经费|公用经费)[\s：:的]*$")
# Spending categories and fund sources: after one of these in the same sentence, an unqualified
# rate ("其中基本支出932.66万元，预算执行率99.90%") is that category's rate.
CATEGORY_ANCHOR = (
    r"其中|基本支出|项目支出|人员经费|公用经费|部门项目|公共项目|一般公共预算|政府性基金|"
    r"其他收入|财政拨款|专项资金"
)
# In a report on several projects, its projects and their 专项资金 are its whole.
PROJECTS_CATEGORY_ANCHOR = r"其中|基本支出|人员经费|公用经费|一般公共预算|政府性基金|其他收入|财政拨款"
# A label carrying one of these speaks of the whole, whatever category preceded it (全年支出进度).
TOTALITY_RE = re.compile(r"全年|全部|整体|总体|年度|总")
# Around a percentage these make it a growth, a share or a comparison, not an execution rate.
NOT_A_RATE_RE = re.compile(r"占|比重|比例|同比|环比|增长|增幅|减幅|增加|下降|减少|提高|降低|提升")

# --- spending split ---------------------------------------------------------------------------

# Basic and project spending, and the sub-kinds some reports split project spending into.
BASIC_RE = r"基本支出"
PROJECT_KINDS = r"部门|公共|其他|专项|本级|转移支付"
PROJECT_RE = r"(?P<kind>" + PROJECT_KINDS + r")?项目支出"
