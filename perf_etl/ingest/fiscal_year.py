"""Which year's spending a report evaluates (fiscal year), and which year its title names.

They differ: a report written in 2022 about 2021 may be titled "关于2022年部门整体支出绩效自评报告" while
its body says "2021年度本单位收入总额…", "截至2021年12月31日". So every year mention ("2023年",
"2 0 2 3 年", "２０２３年", "二〇二三年", "评价年度：2023") is classified by the words around it:

- strong: the year is attached to budget or spending wording (2023年度…收入/支出/预算/执行/绩效),
  a year-end cut-off (截至2023年12月31日), or a labelled evaluation year (评价年度：2023);
- ignored: comparisons (较2022年, 与2022年相比), date stamps (填报日期：…), plans (2025年计划, 力争…);
- weak: any other mention ("2023年，我局…").

The title year (a year in the report's heading next to 自评报告/自评表) is the fiscal year unless the body
clearly evaluates another year; without a title year the strongest body year wins; failing that a year
mentioned repeatedly; otherwise None. Context is read with whitespace and markdown `*` removed, because
extracted text breaks lines mid-phrase ("2023\\n年部门整体支出").
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from datetime import date

from perf_etl.ingest.classify import compact, compact_window, is_cjk
from perf_etl.text.chrome import publication_date
from perf_etl.text.numbers import cn2an_number
from perf_etl.text.simplified import to_simplified

MIN_YEAR = 2000

# --- finding year mentions in the original text (offsets are kept for evidence)
_DIGIT = "[0-9０-９]"
_GAP = "[ \t\u3000]?"  # letter-spaced digits in PDFs: "2 0 2 3"
_ARABIC_AFTER_FIRST = rf"{_GAP}[0０]{_GAP}{_DIGIT}{_GAP}{_DIGIT}"
_ARABIC = rf"[2２]{_ARABIC_AFTER_FIRST}"
_CN_DIGIT = "[〇零○Ｏ一二两三四五六七八九]"
# A year is a 4-digit number standing alone (not part of 20158.74) followed by 年. Each pattern starts with
# the year's first digit and looks behind it only then: a pattern that starts with a character set lets
# the regex engine skip to those characters instead of trying every position of the text (~10x faster).
_ARABIC_YEAR_THEN_NIAN = re.compile(
    rf"(?P<year>[2２](?<![0-9０-９.．][2２]){_ARABIC_AFTER_FIRST})(?!{_GAP}{_DIGIT})\s*年"
)
_CHINESE_YEAR_THEN_NIAN = re.compile(
    rf"(?P<cn>[一二两](?<!{_CN_DIGIT}[一二两]){_GAP}{_CN_DIGIT}{_GAP}{_CN_DIGIT}{_GAP}{_CN_DIGIT})\s*年"
)
# Table cells and cover sheets state the year without 年: "评价年度：2023", "预算年度 2023".
_LABELLED_YEAR = re.compile(rf"(?:评价|预算|所属|绩效|考核|自评|报告)年度\s*[:：]?\s*(?P<year>{_ARABIC})(?![0-9０-９])")
# The heading ends before the first top-level section ("一、基本情况") and within this many characters.
_HEAD_MAX_CHARS = 400
_FIRST_SECTION = re.compile(r"(?m)^[ \t\u3000]*一[、．.]")

# --- context words, matched on compact text (no whitespace, no markdown *)
_TITLE_WORDS = ("自评报告", "自评表", "自评情况", "绩效报告", "评价报告")
# The year right after the name, as in table headings: "部门整体支出绩效自评表（2023年度）".
_TITLE_BEFORE = re.compile(r"(?:自评报告|自评表|自评情况|绩效报告|评价报告)[（(]?$")
_COMPARE_BEFORE = ("较", "比", "相比", "对比", "同比", "比较", "相较", "相对于", "低于", "高于")
_COMPARE_PAIR_BEFORE = ("与", "和", "同")  # "与2022年相比"
_COMPARE_PAIR_AFTER = ("相比", "比较", "同期", "持平")
_CUTOFF_BEFORE = ("截至", "截止", "截止到", "截至到")
_CUTOFF_AFTER = re.compile(r"度?(?:12月(?:31日|末|底)|年末|年底|末|底)")
# "2023年1月1日至2023年12月31日": the evaluation period. A bare 至/到 before other dates is often a target.
_PERIOD_BEFORE = "日至"
_PERIOD_AFTER = "12月31日"
_DATE_STAMP_BEFORE = ("日期", "填报", "报送", "印发", "时间", "落款")
# A year with its month is a date ("2025年06月26日"), not a year a report is about.
_DATE_AFTER = re.compile(r"\d{1,2}月")
# Not 将: "现将2023年度部门整体支出绩效自评情况报告如下" introduces the evaluated year.
_FUTURE_BEFORE = ("下一年", "明年", "来年", "力争", "计划", "预计", "拟", "争取", "展望", "到")
_FUTURE_AFTER = ("计划", "工作计划", "工作思路", "工作安排", "工作打算", "将", "拟", "预计", "展望", "起")
_BUDGET_WORDS = ("预算", "决算", "收入", "支出", "收支", "执行", "经费", "资金", "拨款", "绩效", "自评")
# Budget wording counts when it follows the year within one clause and this many characters.
_BUDGET_REACH = 16
_CLAUSE_END = re.compile(r"[。；，,;：:！？!?]")
_BEFORE_CHARS = 12
_AFTER_CHARS = 48

STRONG = "strong"
WEAK = "weak"
IGNORED = "ignored"


@dataclass(frozen=True)
class YearSpan:
    """Where a year was read: offsets in the text given to detect_years, the words, and the rule."""

    char_start: int
    char_end: int
    raw_text: str
    rule: str


@dataclass(frozen=True)
class YearDetection:
    fiscal_year: int | None
    title_year: int | None
    fiscal_span: YearSpan | None = None
    title_span: YearSpan | None = None


@dataclass(frozen=True)
class _Mention:
    year: int
    start: int  # original offset of the first digit
    end: int  # original offset just after 年 (or after the digits of a labelled year)
    labelled: bool


@dataclass(frozen=True)
class _Hit:
    year: int
    strength: str
    span: YearSpan


@dataclass(frozen=True)
class _Context:
    """The compact text around a mention: what comes before the year and after its 年."""

    before: str  # the last _BEFORE_CHARS compact characters before the year
    after: str  # the first _AFTER_CHARS compact characters after the mention
    after_origin: list[int]  # the original offset of each character of `after`

    def original_end(self, reach: int) -> int:
        """Original offset just after the first `reach` (at least one) characters of `after`."""
        return self.after_origin[reach - 1] + 1


def _context(text: str, mention: _Mention) -> _Context:
    """Compacts only windows of the text around the mention: a report names a few years, and compacting
    the whole text cost more than all the rest of the detection."""
    after, after_origin = compact_window(text, mention.end, _AFTER_CHARS)
    return _Context(_compact_before(text, mention.start), after, after_origin)


def _compact_before(text: str, offset: int) -> str:
    """The last _BEFORE_CHARS compact characters before `offset` (widening the window until it has them)."""
    width = 2 * _BEFORE_CHARS
    while True:
        start = max(0, offset - width)
        before = compact(text[start:offset])
        if len(before) >= _BEFORE_CHARS or start == 0:
            return before[-_BEFORE_CHARS:]
        width *= 4


def detect_years(text: str, *, max_year: int | None = None) -> YearDetection:
    """The fiscal year and title year of a report text, with where each was read.

    Years outside MIN_YEAR..max_year (default: this year) are not credible fiscal years; a title may
    name the year after (reports are titled by the year they are written).
    """
    latest = max_year if max_year is not None else date.today().year
    text = to_simplified(text)  # same offsets; 評價年度 is 评价年度
    mentions = _find_mentions(text)
    title = _title_hit(text, mentions, latest + 1)
    body = [
        _classify(text, mention)
        for mention in mentions
        if (title is None or mention.start != title.span.char_start) and MIN_YEAR <= mention.year <= latest
    ]
    fiscal = (
        _table_heading_year(text, latest)
        or _decide(title if title and title.year <= latest else None, body, text)
        or _inferred_from_date(text, latest)
    )
    return YearDetection(
        fiscal_year=fiscal.year if fiscal else None,
        title_year=title.year if title else None,
        fiscal_span=fiscal.span if fiscal else None,
        title_span=title.span if title else None,
    )


# ---------------------------------------------------------------- mentions


def parse_year(raw: str) -> int | None:
    """The year written in `raw`: ASCII or full-width digits, maybe spaced, or Chinese numerals."""
    token = "".join(raw.split())
    if all(unicodedata.digit(char, -1) >= 0 for char in token):
        return int("".join(str(unicodedata.digit(char)) for char in token))
    try:
        # cn2an reads 〇 and 零 but not the look-alike circle ○ or full-width Ｏ used in scanned text.
        return int(cn2an_number(token.replace("○", "〇").replace("Ｏ", "〇"), "normal"))
    except ValueError:
        return None


def _find_mentions(text: str) -> list[_Mention]:
    by_start: dict[int, _Mention] = {}
    # The two patterns never match overlapping text (their characters differ), so two scans find what
    # one scan for either would.
    for match in _ARABIC_YEAR_THEN_NIAN.finditer(text):
        _add_mention(by_start, match, "year", labelled=False)
    for match in _CHINESE_YEAR_THEN_NIAN.finditer(text):
        _add_mention(by_start, match, "cn", labelled=False)
    for match in _LABELLED_YEAR.finditer(text):
        _add_mention(by_start, match, "year", labelled=True)  # a label outranks a plain 年 at the spot
    return sorted(by_start.values(), key=lambda mention: mention.start)


def _add_mention(by_start: dict[int, _Mention], match: re.Match[str], group: str, labelled: bool) -> None:
    year = parse_year(match.group(group))
    if year is None:
        return
    start = match.start(group)
    by_start[start] = _Mention(year, start, match.end(), labelled)


# ---------------------------------------------------------------- title


def _head_end(text: str) -> int:
    section = _FIRST_SECTION.search(text)
    limit = section.start() if section else len(text)
    return min(limit, _HEAD_MAX_CHARS)


def _title_hit(text: str, mentions: list[_Mention], latest: int) -> _Hit | None:
    """The first year in the heading that sits next to the report's name (…绩效自评报告, 自评表（2023年度）).

    Date stamps and comparisons in the heading (填报日期：2024年3月31日) are not title years.
    """
    head_end = _head_end(text)
    for mention in mentions:
        if mention.start >= head_end:
            break
        if not MIN_YEAR <= mention.year <= latest or mention.labelled:
            continue
        context = _context(text, mention)
        if _rule_for(context.before, context.after, labelled=False)[1] == IGNORED:
            continue
        found = _first_word(context.after, _TITLE_WORDS)
        if found is not None:
            return _Hit(mention.year, STRONG, _span(text, mention.start, context.original_end(found), "title"))
        if _TITLE_BEFORE.search(context.before):
            return _Hit(mention.year, STRONG, _span(text, mention.start, mention.end, "title"))
    return None


# ---------------------------------------------------------------- body mentions


def _classify(text: str, mention: _Mention) -> _Hit:
    """Classify one mention by its context; the first matching rule decides."""
    context = _context(text, mention)
    rule, strength, reach = _rule_for(context.before, context.after, mention.labelled)
    end = context.original_end(reach) if reach else mention.end
    return _Hit(mention.year, strength, _span(text, mention.start, end, rule))


def _rule_for(before: str, after: str, labelled: bool) -> tuple[str, str, int]:
    """(rule, strength, how many compact chars after the year the evidence reaches)."""
    if labelled:
        return "labelled_year", STRONG, 0
    if before.endswith(_COMPARE_BEFORE) or (
        before.endswith(_COMPARE_PAIR_BEFORE) and any(word in after[:10] for word in _COMPARE_PAIR_AFTER)
    ):
        return "comparison", IGNORED, 0
    cutoff = _CUTOFF_AFTER.match(after)
    if before.endswith(_CUTOFF_BEFORE) and cutoff:
        return "year_end_cutoff", STRONG, cutoff.end()
    if before.endswith(_PERIOD_BEFORE) and after.startswith(_PERIOD_AFTER):
        return "evaluation_period", STRONG, len(_PERIOD_AFTER)
    if any(word in before[-6:] for word in _DATE_STAMP_BEFORE) or _DATE_AFTER.match(after):
        return "date_stamp", IGNORED, 0
    clause = _CLAUSE_END.split(after, maxsplit=1)[0]
    if before.endswith(_FUTURE_BEFORE) or clause.removeprefix("度").startswith(_FUTURE_AFTER):
        return "future_plan", IGNORED, 0
    budget = _first_word(clause[:_BUDGET_REACH], _BUDGET_WORDS)
    if budget is not None:
        return "budget_wording", STRONG, budget
    return "mention", WEAK, 0


def _first_word(text: str, words: tuple[str, ...]) -> int | None:
    """End index of the earliest of `words` in `text` (the longest when two start together), or None."""
    found = [(text.find(word), -len(word)) for word in words if word in text]
    if not found:
        return None
    start, negative_length = min(found)
    return start - negative_length


def _span(text: str, start: int, end: int, rule: str) -> YearSpan:
    return YearSpan(start, end, text[start:end], rule)


# ---------------------------------------------------------------- decision

# The body overrides the title year only with at least this many strong mentions of another year, and
# more than twice as many as the title year has: one stray "2021年度支出" must not relabel a report.
_OVERRIDE_MIN = 2


def _decide(title: _Hit | None, body: list[_Hit], text: str) -> _Hit | None:
    strong = [hit for hit in body if hit.strength == STRONG]
    counts = Counter(hit.year for hit in strong)
    if title is not None:
        return _override(title, strong, counts) or title
    if counts:
        return _first_of(_best_year(counts, body), strong)
    return _most_mentioned(body, text)


def _override(title: _Hit, strong: list[_Hit], counts: Counter[int]) -> _Hit | None:
    others = Counter({year: count for year, count in counts.items() if year != title.year})
    if not others:
        return None
    year, count = max(others.items(), key=lambda item: (item[1], item[0]))
    if count < max(_OVERRIDE_MIN, 2 * counts[title.year] + 1):
        return None
    hit = _first_of(year, strong)
    span = hit.span
    return _Hit(year, STRONG, YearSpan(span.char_start, span.char_end, span.raw_text, f"body_over_title:{span.rule}"))


def _best_year(counts: Counter[int], body: list[_Hit]) -> int:
    """Most strong mentions; ties go to more mentions overall, then the later year."""
    mentions = Counter(hit.year for hit in body if hit.strength != IGNORED)
    return max(counts, key=lambda year: (counts[year], mentions[year], year))


def _most_mentioned(body: list[_Hit], text: str) -> _Hit | None:
    """With no strong evidence, a year mentioned at least twice and more often than any other, or the only
    year the text names at all when a sentence goes on from it ("中心2021年较好地完成了履职任务"; not
    "年初预算数2015年" at the end, where an amount belongs)."""
    weak = Counter(hit.year for hit in body if hit.strength == WEAK)
    ranked = weak.most_common(2)
    named = {hit.year for hit in body}
    if not ranked or (len(ranked) > 1 and ranked[1][1] == ranked[0][1]):
        return None
    first = _first_of(ranked[0][0], [hit for hit in body if hit.strength == WEAK])
    if ranked[0][1] < 2 and (len(named) > 1 or not _sentence_goes_on(text, first.span)):
        return None
    span = first.span
    return _Hit(first.year, WEAK, YearSpan(span.char_start, span.char_end, span.raw_text, "most_mentioned"))


# The 自评表's own heading states the year it evaluates: "项目支出绩效自评表（2023年度）", or "（2024年度）" on
# a line of its own under the title. It decides over the title's year, which may be a fund's name ("2023年
# 异地造林补助资金项目支出绩效自评报告 /（2024年度）").
_TABLE_HEADING_YEAR = re.compile(
    r"(?:自评表|评价表|自评报告|绩效报告|目标表)\s*[（(]\s*(?P<y1>20\d\d)\s*年度?\s*[)）]"
    r"|(?m:^[ \t]*[（(]\s*(?P<y2>20\d\d)\s*年度\s*[)）][ \t]*$)"
)


def _table_heading_year(text: str, latest: int) -> _Hit | None:
    found = _TABLE_HEADING_YEAR.search(text)
    if found is None:
        return None
    group = "y1" if found.group("y1") else "y2"
    year = int(found.group(group))
    if not MIN_YEAR <= year <= latest:
        return None
    return _Hit(year, STRONG, _span(text, found.start(group), found.end(), "table_heading_year"))


# The rule prefix of a year inferred from a date rather than read as the year evaluated.
INFERRED_PREFIX = "inferred:"
# Where a report that states no year is dated: the date it was filled in or reported (填报日期 2022年3月18日),
# else a date on its cover or under its closing signature, else the page's publication date (发布日期:
# 2023-12-05). Reports are written after the year closes, so they evaluate the year before.
_REPORT_DATE = re.compile(
    r"(?:填报日期|填表日期|报告日期|报送日期|填报时间|评价日期)\s*[:：]?\s*(?P<year>20\d\d)\s*[-./年]\s*\d{1,2}\s*[-./月]"
)


# A date on the cover without a label ("评价机构：孝感市卫生和计划生育委员会 2017年7月"): the report's date.
_COVER_DATE = re.compile(r"(?P<year>20\d\d)\s*年\s*\d{1,2}\s*月")
COVER_CHARS = 600


# The date under the closing signature ("项目单位（盖章） 2020年7月16日"): the last date near the end.
SIGNATURE_CHARS = 300


def _signed_date(text: str) -> re.Match[str] | None:
    dates = list(_COVER_DATE.finditer(text, max(0, len(text) - SIGNATURE_CHARS)))
    return dates[-1] if dates else None


def _inferred_from_date(text: str, latest: int) -> _Hit | None:
    found = _REPORT_DATE.search(text)
    cover = _COVER_DATE.search(text, 0, COVER_CHARS) or _signed_date(text)
    if found is not None:
        year = int(found.group("year")) - 1
        span = _span(text, found.start(), found.end(), INFERRED_PREFIX + "fill_date")
    elif cover is not None:
        year, span = int(cover.group("year")) - 1, _span(text, cover.start(), cover.end(), INFERRED_PREFIX + "report_da"
            "te")
    elif (published := publication_date(text)) is not None:
        stamp, words = published
        start = text.find(words)
        year, span = stamp.year - 1, _span(text, start, start + len(words), INFERRED_PREFIX + "publication_date")
    else:
        return None
    return _Hit(year, WEAK, span) if MIN_YEAR <= year <= latest else None


def _sentence_goes_on(text: str, span: YearSpan) -> bool:
    after = text[span.char_end : span.char_end + 1]
    before = text[max(0, span.char_start - 1) : span.char_start]
    return bool(after) and (is_cjk(after) or after in "，,") and not (before and before in "数额为")


def _first_of(year: int, hits: list[_Hit]) -> _Hit:
    return next(hit for hit in hits if hit.year == year)
