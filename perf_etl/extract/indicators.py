"""Performance targets against results (core.indicators), from prose (source "prose") and from the
flattened 绩效指标 table of the 自评表 (source "table").

The ways the genre writes them in prose, one recognizer each:
- a result followed by its rate and the target in brackets:
  "完成工业厂房招商面积2.12万㎡，完成全年目标任务106%【…任务目标为完成…面积2万㎡】";
- explicit pairs, on one line or two: "目标：小升规任务75家。完成情况：小升规任务141家。";
- a list of assigned targets, then a list of results in the same order:
  "下达了过会新签约项目160宗、新落地项目90宗…的年度任务。…完成全年新过会项目174宗（完成率109%）、…";
- a plan against its outcome: "计划举办招商活动10场，实际举办12场";
- a target clause, then the result in the next clause: "下达…查处任务45宗，实际查处结案41宗（完成率91.1%）",
  "…清扫率目标≥85%，实际达到88.6%";
- a result with its target in brackets after it: "重点人群签约率83.2%（目标值≥80%）".
Table rows read "<name> [≥]<target><unit> <actual><unit> <分值> <得分>" under a 指标值 / 实际完成值 header.
Targets and results are paired by name and unit, or by order when both lists match one-to-one; a
value is only ever paired when the pairing is unambiguous, and completion_rate_pct is only the rate
the text states.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from perf_etl.extract.money_context import DocContext
from perf_etl.extract.numbers import NUMBER
from perf_etl.models import Indicator, StagedDocument

# Units an indicator is counted in, longest first.
INDICATOR_UNITS = (
    r"万平方米|平方米|万㎡|㎡|万亩|亩|亿元|万元|元|万人次|人次|万人|万户|"
    r"宗|家|个|座|项|次|场|户|件|条|台|套|公里|吨|人|处|所|%"
)
_MENTION_RE = re.compile(r"(?<![\d.])(?P<num>" + NUMBER + r")\s*(?P<unit>" + INDICATOR_UNITS + r")(?![\d])")
# Where a name stops, going back from its number (brackets belong to names: 新落地（摘牌）项目).
_NAME_DELIMS = "、，,；;。：:【】[]\n"
# Words before a name that are not part of it (periods, the department, leading adverbs).
_NAME_LEAD_RE = re.compile(
    r"^(?:(?:19|20)\d\d\s*年度?|\d{1,2}\s*[-—~至]\s*\d{1,2}\s*月份?|截至[^，]{0,12}?[月日](?:底|末)?|"
    r"年初|年底|全年|本年|今年|我局|本局|本单位|我单位|我中心|本中心|累计|共|约|其中|的|目标|计划|\s)+"
)
# The verb that introduces a target or a result; the name is what follows the last one.
_NAME_VERB_RE = re.compile(r"任务目标为|目标任务为|目标为|任务为|下达了?|完成了?|实现了?|建成了?|达到")
_VERBS_ONLY_RE = re.compile(r"(?:" + _NAME_VERB_RE.pattern + r")+")
# A name after its number ("97宗新过会项目").
_NAME_AFTER_RE = re.compile(r"[\u4e00-\u9fa5A-Za-z0-9]{2,15}")
_WHITESPACE_RE = re.compile(r"\s+")
# A comparison before the target ("≥95%", "不低于90%") is the target's sense, not part of the name.
_NAME_TAIL_RE = re.compile(
    r"(?:任务数|任务|目标值|目标|计划|完成|达到|为|约|共计|共|达|累计|在|稳定在|控制在|[≥≤><＞＜]|不低于|不少于|不高于|不超过)+$"
)
# A percentage named only by a direction cannot be told apart from its neighbours.
_GROWTH_ONLY_RE = re.compile(r"^(?:同比)?(?:增长|下降|增幅|降幅|提高|减少)?$")

# "（完成率109%）" right after a result.
_RATE_AFTER_RE = re.compile(
    r"^\s*[（(，,]?\s*(?:完成率|完成比例|完成进度)\s*(?:为|：|:)?\s*(?P<rate>" + NUMBER + r")\s*%"
)
# "完成全年目标任务106%【…】" / "完成全年招商引资任务85.64%【…】": rate, then the target in brackets.
_BRACKET_TARGET_RE = re.compile(
    r"完成(?:全年|年度)?[^，。；【]{0,15}?任务(?:的)?\s*(?P<rate>" + NUMBER + r")\s*%\s*"
    r"[【\[（(](?P<bracket>[^】\]）)]{1,160})[】\]）)]"
)
# "目标：…完成情况：…".
_PAIR_RE = re.compile(
    r"(?:年度目标|绩效目标|目标任务|目标值|目标)\s*[：:](?P<t>[^\n]{1,300}?)"
    r"\n?(?:完成情况|实际完成|完成值|实际值)\s*[：:](?P<a>[^\n]{1,400}?)(?=\n|$|(?:年度目标|目标)\s*[：:])"
)
# "下达了A 160宗、B 90宗…的年度…任务".
# The list ends at its last counted quantity, right before "的…任务" (no number in between).
_ASSIGNED_RE = re.compile(
    r"下达(?:了)?(?P<list>[^。；\n]{2,300}?(?:" + INDICATOR_UNITS + r"))(?=的?[^。；\n、，\d]{0,12}任务)"
)
# "计划举办招商活动10场，实际举办12场".
_PLANNED_RE = re.compile(r"计划(?P<t>[^，,。；;\n]{1,40}?)[，,；;]\s*(?:而)?实际(?P<a>[^，,。；;\n]{1,40})")
# A clause that sets a target ("下达…任务45宗", "…目标≥85%"), and a next clause that reports the result.
_TARGET_CUE_RE = re.compile(r"下达|目标|计划|任务|要求")
_CLAUSE_ENDS = "，,。；;\n"
# A comma (the result must be in the target's sentence) that opens a clause with a result word: found in
# one scan, rather than testing the opening of every clause of the text.
_RESULT_CLAUSE_COMMA_RE = re.compile(r"[，,](?=(?:全年|年内|累计|共|已|而)?(?:实际|完成|实现|达到|建成))")
# "健康管理率72.4%（目标值≥70%）": a result, then its target in brackets.
_BRACKETED_TARGET = (
    r"[（(]\s*(?:年度)?(?:目标值|目标|计划值|指标值)\s*(?:为|：|:)?\s*(?:[≥≤><＞＜]|不低于|不少于)?\s*"
    r"(?P<num>" + NUMBER + r")\s*(?P<unit>" + INDICATOR_UNITS + r")\s*[)）]"
)
_TARGET_AFTER_RE = re.compile(r"\s*" + _BRACKETED_TARGET)
_BRACKETED_TARGET_RE = re.compile(_BRACKETED_TARGET)
# A figure inside a name ("由89.7%提高至90.5%"): the name is a comparison, not what is counted.
_FIGURE_IN_NAME_RE = re.compile(r"%|\d\.\d")
# The 绩效指标 table of a 自评表, flattened: a header with 指标值 and 实际(完成)值, then rows
# "<name> [≥]<target><unit> <actual><unit> <分值> <得分>".
_TABLE_HEADER_RE = re.compile(r"(?:年度)?指标值\s*(?:[（(][^）)]{0,6}[)）])?\s*实际(?:完成)?值")
_TABLE_ROW_RE = re.compile(
    r"(?P<name>[^\d\s≥≤><＞＜%.]{2,60}?)\s*(?:[≥≤><＞＜]|不低于|不少于|不高于|不超过)?\s*"
    r"(?P<t>"
    + NUMBER
    + r")\s*(?P<tu>"
    + INDICATOR_UNITS
    + r")\s*(?P<a>"
    + NUMBER
    + r")\s*(?P<au>"
    + INDICATOR_UNITS
    + r")\s*(?P<max>"
    + NUMBER
    + r")\s+(?P<score>"
    + NUMBER
    + r")(?![\d.%])"
)
# The 一级/二级 columns that a flattened row's name runs back into ("产出指标数量指标新增学位数").
_TIER_RE = re.compile(r"^.*指标")
# A name this short after the colon is a verb's object ("计划培训" -> 培训), not what is counted.
WEAK_NAME_CHARS = 2
MONEY_UNITS = frozenset({"亿元", "万元", "元"})
# A list item's number before its run-in title ("1." "（2）" "③").
_LIST_MARKER_RE = re.compile(r"^\s*(?:\d{1,2}\s*[.、．]|[（(]\s*[\d一二三四五六七八九十]{1,2}\s*[)）]|[①-⑳])\s*")
# How far after its header a table's rows may run.
TABLE_WINDOW = 4000
# How far after the assigned targets the results may be stated.
RESULT_WINDOW = 400
RATE_TOLERANCE = 0.5


@dataclass(frozen=True)
class Mention:
    """A named quantity: "新过会项目174宗"."""

    name: str
    value: float
    unit: str
    start: int
    end: int


def extract_prose_indicators(doc: StagedDocument) -> list[Indicator]:
    """Targets paired with results from the prose of `doc`."""
    return prose_indicators(DocContext(doc))


def prose_indicators(ctx: DocContext) -> list[Indicator]:
    """`extract_prose_indicators` on a document's context (built once for all extractors)."""
    used: set[int] = set()  # start offsets of mentions already paired
    pairs: list[tuple[Mention | None, Mention | None, float | None]] = []
    recognizers = (
        _bracket_targets,
        _explicit_pairs,
        _assigned_lists,
        _planned_actual,
        _target_then_result_clauses,
        _result_with_bracketed_target,
    )
    for recognizer in recognizers:
        for target, actual, rate in recognizer(ctx):
            keys = {m.start for m in (target, actual) if m}
            if keys & used:
                continue
            used |= keys
            pairs.append((target, actual, rate))
    prose = [_indicator(ctx, t, a, r) for t, a, r in sorted(pairs, key=_pair_pos)]
    return prose + table_indicators(ctx)


def _pair_pos(pair: tuple[Mention | None, Mention | None, float | None]) -> int:
    return min(m.start for m in pair[:2] if isinstance(m, Mention))


def _indicator(
    ctx: DocContext, target: Mention | None, actual: Mention | None, rate: float | None, source: str = "prose"
) -> Indicator:
    named = target if target and target.name else actual
    first = min((m for m in (target, actual) if m), key=lambda m: m.start)
    doc = ctx.doc
    return Indicator(
        document_id=doc.document_id,
        fiscal_year=doc.fiscal_year,
        indicator_name=named.name if named else "",
        target_value=target.value if target else None,
        target_unit=target.unit if target else None,
        actual_value=actual.value if actual else None,
        actual_unit=actual.unit if actual else None,
        completion_rate_pct=rate,
        source=source,
        page_number=ctx.page_at(first.start),
    )


# --- mentions ---------------------------------------------------------------------------------


def mentions(ctx: DocContext, start: int, end: int) -> list[Mention]:
    """Named quantities in text[start:end]; names never reach before `start`."""
    return [_mention(ctx, m, start, end) for m in _MENTION_RE.finditer(ctx.scan, start, end)]


def _mention(ctx: DocContext, m: re.Match[str], start: int, end: int) -> Mention:
    """The named quantity of a `_MENTION_RE` match found in text[start:end]."""
    name = _name_before(ctx, start, m.start()) or _name_after(ctx.text, m.end(), end)
    return Mention(name, float(m.group("num").replace(",", "")), m.group("unit"), m.start(), m.end())


def _name_before(ctx: DocContext, lo: int, pos: int) -> str:
    boundary = max(lo, ctx.positions_of(_NAME_DELIMS).last_before(pos, lo) + 1)
    return clean_name(ctx.text[boundary:pos])


def _name_after(text: str, pos: int, hi: int) -> str:
    # "97宗新过会项目": the name follows the number.
    m = _NAME_AFTER_RE.match(text, pos, hi)
    return clean_name(m.group(0)) if m else ""


def clean_name(raw: str) -> str:
    """The indicator's name from the words before its number: "我局完成全年新过会项目" -> 新过会项目."""
    name = _WHITESPACE_RE.sub("", raw)
    if _VERBS_ONLY_RE.fullmatch(name):
        return ""  # a verb alone ("下达6820万元") names nothing
    verbs = list(_NAME_VERB_RE.finditer(name))
    if verbs and verbs[-1].end() < len(name):
        name = name[verbs[-1].end() :]
    name = _NAME_LEAD_RE.sub("", name)
    stripped = _NAME_TAIL_RE.sub("", name)
    if not stripped:
        return ""  # only verbs ("完成"): the name, if any, follows the number
    return stripped if len(stripped) >= 2 else name


def _nameable(m: Mention) -> bool:
    return bool(m.name) and not (m.unit == "%" and _GROWTH_ONLY_RE.match(m.name))


def _stated_rate(ctx: DocContext, m: Mention) -> float | None:
    found = _RATE_AFTER_RE.match(ctx.scan[m.end : m.end + 20])
    return float(found.group("rate")) if found else None


# --- pairing ----------------------------------------------------------------------------------


def _common(a: str, b: str) -> int:
    """Length of the longest common substring of two names."""
    best = 0
    for i in range(len(a)):
        for j in range(i + best + 1, len(a) + 1):
            if a[i:j] in b:
                best = j - i
            else:
                break
    return best


def pair_by_name(targets: list[Mention], actuals: list[Mention]) -> list[tuple[Mention, Mention]]:
    """Each target with the one result of the same unit whose name shares the most with it (at least
    two characters); a target whose best match is shared by several results stays unpaired."""
    pairs = []
    taken: set[int] = set()
    for t in targets:
        scored = [(_common(t.name, a.name), a) for a in actuals if a.unit == t.unit and a.start not in taken]
        scored = [(s, a) for s, a in scored if s >= 2]
        if not scored:
            continue
        top = max(s for s, _ in scored)
        best = [a for s, a in scored if s == top]
        if len(best) == 1:
            pairs.append((t, best[0]))
            taken.add(best[0].start)
    return pairs


def pair_lists(targets: list[Mention], actuals: list[Mention]) -> list[tuple[Mention, Mention]]:
    """By order when both lists have the same length and units; else by name."""
    if len(targets) == len(actuals) and all(t.unit == a.unit for t, a in zip(targets, actuals, strict=True)):
        return list(zip(targets, actuals, strict=True))
    return pair_by_name(targets, actuals)


# --- recognizers ------------------------------------------------------------------------------


def _bracket_targets(ctx: DocContext):
    for m in _BRACKET_TARGET_RE.finditer(ctx.scan):
        rate = float(m.group("rate"))
        targets = [t for t in mentions(ctx, m.start("bracket"), m.end("bracket")) if t.unit != "%"]
        actuals = [a for a in mentions(ctx, ctx.sentence_start(m.start()), m.start()) if a.unit != "%"]
        if len(targets) == 1:
            same_unit = [a for a in actuals if a.unit == targets[0].unit]
            if same_unit:
                yield targets[0], same_unit[-1], rate
            continue
        yield from _pairs_with_matching_rate(targets, actuals, rate)


def _pairs_with_matching_rate(targets: list[Mention], actuals: list[Mention], rate: float):
    """Several targets in one bracket: pair by unit when each unit occurs once on both sides, and
    give the stated rate only to the pair whose result/target it is."""
    for t in targets:
        same_t = [x for x in targets if x.unit == t.unit]
        same_a = [a for a in actuals if a.unit == t.unit]
        if len(same_t) != 1 or len(same_a) != 1:
            continue
        a = same_a[0]
        computed = a.value / t.value * 100 if t.value else None
        matches = computed is not None and abs(computed - rate) <= RATE_TOLERANCE
        yield t, a, rate if matches else None


def _explicit_pairs(ctx: DocContext):
    for m in _PAIR_RE.finditer(ctx.scan):
        targets = [x for x in mentions(ctx, m.start("t"), m.end("t")) if _nameable(x)]
        actuals = mentions(ctx, m.start("a"), m.end("a"))
        same_unit = [a for a in actuals if targets and a.unit == targets[0].unit]
        if len(targets) == 1 and len(same_unit) == 1:
            # One target, one result in its unit: the other figures (a rate, a count of something
            # else) are context, not candidates.
            pairs = [(targets[0], same_unit[0])]
        else:
            pairs = pair_by_name(targets, [x for x in actuals if _nameable(x)])
        for t, a in pairs:
            yield t, a, _stated_rate(ctx, a)


def _assigned_lists(ctx: DocContext):
    for m in _ASSIGNED_RE.finditer(ctx.scan):
        targets = [x for x in mentions(ctx, m.start("list"), m.end("list")) if x.unit != "%"]
        if len(targets) < 2:
            continue
        actuals = _results_after(ctx, m.end())
        for t, a in pair_lists(targets, actuals):
            yield t, a, _stated_rate(ctx, a)


def _planned_actual(ctx: DocContext):
    for m in _PLANNED_RE.finditer(ctx.scan):
        targets = [_titled(ctx, ctx.clause_start(m.start()), t) for t in mentions(ctx, m.start("t"), m.end("t"))]
        actuals = mentions(ctx, m.start("a"), m.end("a"))
        if len(targets) == 1 and len(actuals) == 1 and targets[0].unit == actuals[0].unit and targets[0].name:
            yield targets[0], actuals[0], _stated_rate(ctx, actuals[0])


def _results_after(ctx: DocContext, pos: int) -> list[Mention]:
    """The first later sentence (within RESULT_WINDOW) that reports results: "完成" and at least two
    counted quantities."""
    limit = min(len(ctx.text), pos + RESULT_WINDOW)
    start = ctx.sentence_end(pos) + 1
    while start < limit:
        end = min(ctx.sentence_end(start), limit)
        sentence = ctx.text[start:end]
        found = [x for x in mentions(ctx, start, end) if x.unit != "%"]
        if "完成" in sentence and len(found) >= 2:
            return found
        start = end + 1
    return []


def _is_clause_end(text: str, i: int) -> bool:
    """Whether text[i], one of _CLAUSE_ENDS, ends a clause: an ASCII comma between digits is a thousands
    separator ("1,580亩")."""
    return not (text[i] == "," and text[i - 1 : i].isdigit() and text[i + 1 : i + 2].isdigit())


def _clause_start(ctx: DocContext, pos: int) -> int:
    """Where the clause holding `pos` starts."""
    ends = ctx.positions_of(_CLAUSE_ENDS)
    end = ends.last_before(pos)
    while end >= 0 and not _is_clause_end(ctx.text, end):
        end = ends.last_before(end)
    return end + 1


def _clause_end(ctx: DocContext, pos: int) -> int:
    """Where the clause holding `pos` ends (its clause end character, or the end of the text)."""
    ends = ctx.positions_of(_CLAUSE_ENDS)
    end = ends.first_from(pos)
    while end < len(ctx.text) and not _is_clause_end(ctx.text, end):
        end = ends.first_from(end + 1)
    return end


def _target_then_result_clauses(ctx: DocContext):
    """ "下达…任务45宗，实际查处41宗（完成率91.1%）" / "…清扫率目标≥85%，实际达到88.6%": one target in a
    clause with a target word, the result in the next clause of the same sentence, in the same unit."""
    for comma in _RESULT_CLAUSE_COMMA_RE.finditer(ctx.text):
        # Never a thousands separator: a result word, not a digit, follows it.
        t_start, t_end = _clause_start(ctx, comma.start()), comma.start()
        a_start = t_end + 1
        a_end = _clause_end(ctx, a_start)
        targets = [x for x in (_titled(ctx, t_start, m) for m in mentions(ctx, t_start, t_end)) if _nameable(x)]
        if len(targets) != 1 or not _TARGET_CUE_RE.search(ctx.text, t_start, targets[0].start):
            continue
        same_unit = [a for a in mentions(ctx, a_start, a_end) if a.unit == targets[0].unit]
        if same_unit:
            yield targets[0], same_unit[0], _stated_rate(ctx, same_unit[0])


def _titled(ctx: DocContext, clause_start: int, m: Mention) -> Mention:
    """A target named by the run-in title of its list item ("1.城镇新增就业：目标5.2万人"): the words
    after the colon only say it is a target ("目标", "计划培训"), the title says what is counted."""
    colon = ctx.positions_of("：:").last_before(m.start, clause_start)
    if colon < 0 or len(m.name) > WEAK_NAME_CHARS or m.unit in MONEY_UNITS:
        return m  # a name of its own wins; a fund's money is not an indicator
    title = clean_name(_LIST_MARKER_RE.sub("", ctx.text[clause_start:colon]))
    return replace(m, name=title) if len(title) >= 2 else m


def _result_with_bracketed_target(ctx: DocContext):
    """ "重点人群签约率83.2%（目标值≥80%）": the name must hold no other figure ("由89.7%提高至90.5%")."""
    if not _BRACKETED_TARGET_RE.search(ctx.scan):
        return  # most reports have none, and finding one costs far less than reading every figure
    for found in _MENTION_RE.finditer(ctx.scan):
        m = _TARGET_AFTER_RE.match(ctx.scan, found.end())
        if not m or m.group("unit") != found.group("unit"):
            continue  # tested before naming the figure: few figures have a bracketed target
        actual = _mention(ctx, found, 0, len(ctx.text))
        if not _nameable(actual) or _FIGURE_IN_NAME_RE.search(actual.name):
            continue
        number = float(m.group("num").replace(",", ""))
        target = Mention(actual.name, number, actual.unit, m.start("num"), m.end("unit"))
        yield target, actual, None


def table_indicators(ctx: DocContext) -> list[Indicator]:
    """Rows of the flattened 绩效指标 table (source "table"): target and result in the same unit, then
    the row's 分值 and 得分 (score <= maximum <= 100), which tell a row from a run of other numbers."""
    out: list[Indicator] = []
    seen: set[int] = set()
    for header in _TABLE_HEADER_RE.finditer(ctx.scan):
        end = min(len(ctx.scan), header.end() + TABLE_WINDOW)
        for row in _TABLE_ROW_RE.finditer(ctx.scan, header.end(), end):
            if row.start() in seen or row.group("tu") != row.group("au"):
                continue
            max_score, score = float(row.group("max")), float(row.group("score"))
            if not 0 <= score <= max_score <= 100:
                continue
            name = _TIER_RE.sub("", re.sub(r"\s+", "", ctx.text[row.start("name") : row.end("name")]))
            if len(name) < 2:
                continue
            seen.add(row.start())
            unit = row.group("tu")
            target = Mention(name, float(row.group("t").replace(",", "")), unit, row.start("t"), row.end("tu"))
            actual = Mention(name, float(row.group("a").replace(",", "")), unit, row.start("a"), row.end("au"))
            out.append(_indicator(ctx, target, actual, None, source="table"))
    return out
