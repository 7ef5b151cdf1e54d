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
- a result with its target in brackets after it: "重点人群签约率83.2%（目标值≥80%）";
- a target stated in the part on the year's targets ("一、目标任务", "…绩效目标如下：") and its result in the part
  on what was done, pages later ("三、完成情况", "主要工作成效"), joined by the indicator's words and unit.
Table rows read "<name> [≥]<target><unit> <actual><unit> <分值> <得分>" under a 指标值 / 实际完成值 header.
Targets and results are paired by name and unit, or by order when both lists match one-to-one; a
value is only ever paired when the pairing is unambiguous, and completion_rate_pct is only the rate
the text states.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace

from perf_etl.extract.hits import Hit
from perf_etl.extract.met import comparison_of, decide_met
from perf_etl.extract.money_context import PRIOR_PERIOD_RE, DocContext
from perf_etl.models import Indicator
from perf_etl.text.numbers import NUMBER
from perf_etl.text.scanning import led_by
from perf_etl.text.simplified import to_simplified

# Units an indicator is counted in, longest first.
# A standard per head is one unit: "720元/生.年", "260元/辆", "300/人".
INDICATOR_UNITS = (
    r"(?:万元|元)?/(?:生[.·．]年|[生人户辆次亩])|"
    r"万平方米|平方米|万㎡|㎡|万亩|亩|亿元|万元|元|万人次|人次|人份|万人|万户|亿条|万条|万件|万册|万份|"
    r"万吨|平方公里|公顷|个工作日|工作日|场次|户次|家次|批次|班次|课时|学时|km|"
    r"万页|万张|宗|家|个|座|项|次|场|户|戶|件|条|台|套|公里|吨|人|处|所|架|小时|天|篇|份|册|期|辆|株|棵|起|例|种|名|"
    r"页|间|门|对|张|款|支|头|盏|块|栋|幢|眼|"
    r"部(?![门分署委队位级])|/10万|‰|%"
)
_MENTION_RE = re.compile(r"(?<![\d.])(?P<num>" + NUMBER + r")\s*(?P<unit>" + INDICATOR_UNITS + r")(?![\d])")
# Where a name stops, going back from its number (brackets belong to names: 新落地（摘牌）项目).
_NAME_DELIMS = "、，,；;。：:【】[]\n"
# A name written out in full keeps its 、 ("建设项目规划编制的完整性、合规性", "每年3月、9月份发放").
_FULL_NAME_DELIMS = "，,；;。：:【】[]\n"
# Words before a name that are not part of it (periods, the department, leading adverbs).
_NAME_LEAD_RE = re.compile(
    r"^(?:(?:19|20)\d\d\s*年度?|\d{1,2}\s*[-—~至]\s*\d{1,2}\s*月份?|截至[^，]{0,12}?[月日](?:底|末)?|"
    r"[一二三四五六七八九十]是|该项目|本项目|年初|年底|年内|全年|本年|今年|实际|我局|本局|本单位|我单位|我中心|本中心|我校|本校|累计|共|约|其中|的|目标|计划|\s)+"
)
# The verb that introduces a target or a result; the name is what follows the last one.
_NAME_VERB_RE = re.compile(r"任务目标为|目标任务为|目标为|任务为|下达了?|完成了?|实现了?|建成了?|达到")
_VERBS_ONLY_RE = re.compile(r"(?:" + _NAME_VERB_RE.pattern + r")+")
# A name after its number ("97宗新过会项目").
_NAME_AFTER_RE = re.compile(r"[\u4e00-\u9fa5A-Za-z0-9]{2,15}")
_WHITESPACE_RE = re.compile(r"\s+")
# A comparison before the target ("≥95%", "不低于90%") is the target's sense, not part of the name.
_NAME_TAIL_RE = re.compile(
    r"(?:绩效目标值|绩效目标|目标值|目标|计划|完成|达到|为|约|共计|共|达|累计|在|稳定在|控制在|保持|[≥≤><＞＜]|不低于|不少于|不高于|不超过)+$"
)
_ASSIGNED_TAIL_RE = re.compile(r"(?:目标)?任务$")
# A percentage named only by a direction cannot be told apart from its neighbours.
_GROWTH_ONLY_RE = re.compile(r"^(?:同比)?(?:增长|下降|增幅|降幅|提高|减少)?$")
# ... unless it follows a quantity, whose growth it is: "135.3亿元，增长28%".
_GROWTH_AFTER_RE = re.compile(r"\s*[，,]\s*(?:同比)?(?:增长|下降|提高|减少)\s*")

# "（完成率109%）", "，目标完成率为143%" right after a result.
_RATE_AFTER_RE = re.compile(
    r"^\s*[（(，,]?\s*(?:指标|目标)?(?:完成率|完成比例|完成进度)\s*(?:为|：|:)?\s*(?P<rate>" + NUMBER + r")\s*%"
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
_ACTUALLY_RE = re.compile(r"(?:全年|年内|累计|共|而)?(?:实际|已)")
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
# A header split over two lines reads "年度 实际 指标值 完成值".
_TABLE_HEADER_RE = re.compile(r"(?:年度)?指标值\s*(?:[（(][^）)]{0,6}[)）])?\s*(?:实际(?:完成)?值|完成值)")
_TABLE_ROW_RE = re.compile(
    r"(?P<name>(?:指标|任务)\d{1,2}[:：][^\s≥≤><＞＜%]{2,60}?|[^\d\s≥≤><＞＜%.]{2,60}?)\s*"
    r"(?:[≥≤><＞＜]|不低于|不少于|不高于|不超过)?\s*"
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
# The template's numbering of its rows: "指标1:居民健康档案", "任务2:特殊人群健康管理率".
_ROW_NUMBER_RE = re.compile(r"^(?:指标|任务)?\d{1,2}[:：]")
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
    value: float | None  # None: a result in words ("实际按该标准发放")
    unit: str | None
    start: int
    end: int
    text: str | None = None  # as written ("≥90%"), where it is more than text[start:end]


def prose_indicators(ctx: DocContext) -> list[Indicator]:
    """Targets paired with results from the prose of a document (its context, built once for all extractors)."""
    return [indicator for indicator, _ in indicator_readings(ctx)]


def indicator_readings(ctx: DocContext) -> list[tuple[Indicator, list[Hit]]]:
    """Each indicator read from the text, with where its target and its result were read (the evidence
    rows `indicator_target` and `indicator_actual`: a target and its result may be pages apart)."""
    used: set[int] = set()  # start offsets of mentions already paired
    pairs: list[tuple[Mention | None, Mention | None, float | None]] = []
    sections = indicator_sections(ctx)
    spans = _cross_spans(ctx)
    recognizers = (
        _stated_target_and_result,
        _due_and_actual,
        _result_above_stated_target,
        lambda c: _section_targets_then_results(c, sections),
        lambda c: _section_restated_results(c, sections),
        _bracket_targets,
        _explicit_pairs,
        _assigned_lists,
        _planned_actual,
        _target_then_result_clauses,
        _result_with_bracketed_target,
        lambda c: _cross_section_pairs(c, used, spans),
        lambda c: _qualitative_pairs(c, spans),
        _result_before_completed_target,  # after: a target stated in its own part pairs there
        lambda c: _section_results(c, sections, used),
        lambda c: _targets_without_results(c, used, pairs, *spans),  # last: every rule had its chance to pair
    )
    for recognizer in recognizers:
        for target, actual, rate in recognizer(ctx):
            keys = {m.start for m in (target, actual) if m}
            if keys & used:
                continue
            used |= keys
            pairs.append((target, actual, rate))
    prose = [
        (_indicator(ctx, t, a, r, levels=_levels(ctx, sections, _pair_pos((t, a, r)))), _hits(ctx, t, a, "prose"))
        for t, a, r in sorted(pairs, key=_pair_pos)
    ]
    return prose + table_indicators(ctx)


def _hits(ctx: DocContext, target: Mention | None, actual: Mention | None, rule: str) -> list[Hit]:
    name = _pair_name(target, actual)
    # The evidence's offsets are the staging text's, as every field's: the rules read its compact view.
    return [
        ctx.hit(field, f"{name}: {_as_written(ctx, m)}", m.start, m.end, f"indicator:{rule}")
        for field, m in (("indicator_target", target), ("indicator_actual", actual))
        if m is not None and m.end > m.start
    ]


def _pair_pos(pair: tuple[Mention | None, Mention | None, float | None]) -> int:
    return min(m.start for m in pair[:2] if isinstance(m, Mention))


def _indicator(
    ctx: DocContext,
    target: Mention | None,
    actual: Mention | None,
    rate: float | None,
    source: str = "prose",
    levels: tuple[str | None, str | None] = (None, None),
) -> Indicator:
    first = min((m for m in (target, actual) if m), key=lambda m: m.start)
    doc = ctx.doc
    target_text, actual_text = _as_written(ctx, target), _as_written(ctx, actual)
    comparison = comparison_of(target_text)
    scale = _unit_scale(target.unit, actual.unit) if target and actual else None
    met = decide_met(
        comparison,
        target.value * scale if target and target.value is not None and scale else None,
        actual.value if actual else None,
        scale is not None,
        target_text,
        actual_text,
        None,
        None,
        None,
    )
    return Indicator(
        document_id=doc.document_id,
        fiscal_year=doc.fiscal_year,
        indicator_name=_pair_name(target, actual),
        target_value=target.value if target else None,
        target_unit=target.unit if target else None,
        actual_value=actual.value if actual else None,
        actual_unit=actual.unit if actual else None,
        completion_rate_pct=rate,
        source=source,
        page_number=ctx.page_at(first.start),
        level1=levels[0],
        level2=levels[1],
        target_text=target_text,
        actual_text=actual_text,
        comparison=comparison,
        met=met,
    )


def _pair_name(target: Mention | None, actual: Mention | None) -> str:
    """The target's name, or the result's where the target's only adds a qualifier before it
    (区内工业厂房招商面积 against 工业厂房招商面积: the indicator is what both name)."""
    names = [_ACTIVITY_VERB_RE.sub("", m.name) for m in (target, actual) if m and m.name]
    if len(names) == 2 and names[0] != names[1] and names[0].endswith(names[1]) and len(names[1]) >= 4:
        return names[1]
    return names[0] if names else ""


# The verb a sentence puts before what was done ("举办残疾人文化体育活动不少于4场", "组织开展应急演练15次"): the
# indicator is what follows it, as a 自评表 names it, when that is a name of its own (four characters or more).
_ACTIVITY_VERB_RE = re.compile(r"^(?:组织开展|开展|举办|组织)(?=[\u4e00-\u9fa5“\"「]{4})")


def _as_written(ctx: DocContext, m: Mention | None) -> str | None:
    if m is None:
        return None
    return m.text if m.text is not None else ctx.text[m.start : m.end]


# --- mentions ---------------------------------------------------------------------------------


def mentions(ctx: DocContext, start: int, end: int) -> list[Mention]:
    """Named quantities in text[start:end]; names never reach before `start`."""
    found: list[Mention] = []
    for m in _MENTION_RE.finditer(ctx.scan, start, end):
        mention = _mention(ctx, m, start, end)
        if found and mention.unit == "%" and _GROWTH_AFTER_RE.fullmatch(ctx.text, found[-1].end, m.start()):
            # "工业投资135.3亿元，增长28%": the growth is the quantity's before it (工业投资增长).
            mention = replace(mention, name=found[-1].name + mention.name)
        found.append(mention)
    return found


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
    # "任务完成率": a verb with one character after it is part of the name.
    verbs = [v for v in _NAME_VERB_RE.finditer(name) if v.end() < len(name) - 1]
    if verbs:
        name = name[verbs[-1].end() :]
        if verbs[-1].group(0).startswith("下达"):
            name = _ASSIGNED_TAIL_RE.sub("", name)  # "下达河道巡查任务300次": the 任务 is what was assigned
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


def common_run(a: str, b: str) -> int:
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
    two characters), or is the same; a target whose best match is shared by several results stays
    unpaired."""
    pairs = []
    taken: set[int] = set()
    for t in targets:
        scored = [(common_run(t.name, a.name), a) for a in actuals if a.unit == t.unit and a.start not in taken]
        scored = [(s, a) for s, a in scored if s >= 2]
        if not scored:
            continue
        top = max(s for s, _ in scored)
        best = [a for s, a in scored if s == top]
        if len(best) > 1:
            # 外资 against 合同外资 and 外资: the result named exactly as the target is its result.
            best = [a for a in best if a.name == t.name] or best
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
        computed = a.value / t.value * 100 if t.value and a.value is not None else None
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
        if len(targets) != 1:
            continue
        if not _TARGET_CUE_RE.search(ctx.text, t_start, targets[0].start):
            continue
        # A cue only in a run-in title ("1.总体目标：落实…86座，完成12座…") makes the whole item targets,
        # unless the next clause says what was actually done ("年度目标：培训500人次，实际培训620人次").
        after_title = ctx.positions_of("：:").last_before(targets[0].start, t_start) + 1 or t_start
        if not _TARGET_CUE_RE.search(ctx.text, after_title, targets[0].start) and not _ACTUALLY_RE.match(
                ctx.text, a_start):
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



# "惠民演出136场，超额完成120场的年度目标", "已有4182家…，超额完成了实现重点企业使用数达3800家的目标任务": the
# result first, then the target it completed, in the same unit, within the sentence.
_COMPLETED_TARGET_RE = led_by(
    "超提全圆顺完",
    r"(?:超额|提前|全面|圆满|顺利)?完成了?(?P<words>(?:(?:19|20)\d\d年度?)?[^，,。；;\n\d]{0,24}?)"
    r"(?P<num>" + NUMBER + r")\s*"
    r"(?P<unit>" + INDICATOR_UNITS + r")的?(?:年度|全年|既定|预期|计划)?(?:目标|任务)"
)
COMPLETED_TARGET_REACH = 160


def _result_before_completed_target(ctx: DocContext):
    """The target of a `_COMPLETED_TARGET_RE` phrase and the nearest figure before it in its unit and
    sentence; named by the phrase's own words where they name something, else by the result."""
    for m in _COMPLETED_TARGET_RE.finditer(ctx.scan):
        sentence = max(ctx.positions_of("。；;\n").last_before(m.start()) + 1, m.start() - COMPLETED_TARGET_REACH)
        before = [x for x in mentions(ctx, sentence, m.start()) if x.unit == m.group("unit")]
        if not before:
            continue
        actual = before[-1]
        name = clean_name(re.sub(r"^(?:(?:19|20)\d\d年度?)?(?:实现|完成)?", "", m.group("words")))
        name = name if len(name) >= 2 else actual.name
        if not name or _FIGURE_IN_NAME_RE.search(name):
            continue
        number = float(m.group("num").replace(",", ""))
        yield Mention(name, number, actual.unit, m.start("num"), m.end("unit")), replace(actual, name=name), None


# --- a target in one part of the report, its result in another -------------------------------

# Headings of the part that reports what was done ("三、完成情况", "（二）绩效目标完成情况分析", "（四）主要工作成效",
# "履职成效"), and of the part that states the year's targets ("一、目标任务", "（三）部门整体支出绩效目标",
# "一、績效目標分解下達情況"); a heading that names both ("绩效目标完成情况") reports results, and a heading
# about the evaluation, the problems or the management of the targets states neither.
_RESULT_HEAD_RE = re.compile(r"完成|实现|實現|达成|達成|成效|成果")
_TARGET_HEAD_RE = re.compile(r"目[标標]")
_NEITHER_HEAD_RE = re.compile(r"自评|自評|评价|評價|评分|偏差|问题|問題|管理|措施")
_HEADING_BODY_RE = re.compile(r"[。：:；;，,]")
_ITEM_END_RE = re.compile(r"[；;]\s*$")
# A sentence that opens a statement of the targets under a heading that names none: "设置2023年部门整体绩效目标
# 如下：", "科学设定指标如下：". It states them up to the end of its part of the report.
_TARGET_LEAD_RE = re.compile(r"(?:目[标標]|指[标標])(?:任[务務])?\s*(?:如下|为|為)\s*[：:]")
# A target's comparison, before or after its figure ("不少于500人次", "控制在10/10万以下", "110个以上").
_CROSS_SIGN_BEFORE_RE = re.compile(
    r"(?:不少于|不低于|不高于|不超过|不大于|不小于|大于等于|小于等于|控制在|稳定在|保持在|达到|[≥≤≧≦><＞＜])\s*$"
)
_CROSS_SIGN_AFTER_RE = re.compile(r"\s*(?:以上|以下|以内|左右)")
# Money of the budget (said anywhere in its clause) and the rates of its execution (in the name) are the
# budget's figures, not an indicator's.
_BUDGET_WORDS_RE = re.compile(r"预算|預算|资金|資金|经费|經費|支出|收入|拨款|撥款|结转|结余|财政|財政|决算")
_BUDGET_RATE_RE = re.compile(r"预算|預算|资金|資金|经费|經費|支出|执行|執行|支付")
_SAVING_RE = re.compile(r"节约|節約|节支")  # "资金节约率": what a purchase saved, an indicator
# A figure in the results part whose clause sets or restates a target ("超额完成120场的年度目标") is not a result.
# A part's title run into the sentence after it ("三、绩效目标完成情况（一）产出指标完成情况全年新增…92个"): a page
# whose lines were run together; its words say nothing of the sentence's figure.
_RUN_IN_TITLE_RE = re.compile(
    r"(?:[一二三四五六七八九十]{1,2}、|[（(][一二三四五六七八九十]{1,2}[)）])[^，,。；;：:]{0,16}?(?:完成情况|情况|成效)")
_TARGET_IN_CLAUSE_RE = re.compile(r"目[标標]|[计計][划劃]|下[达達]|要求|力争|力爭|预计|預計|争取|爭取")
# What names compare on: pinyin glosses some pages print after a character ("農(nóng)村"), the period, the
# words of any statement (全年, 开展, 组织, 全市…), and a target's closing words (…计划任务, …目标).
_GLOSS_RE = re.compile(r"[（(][a-zA-Zāáǎàēéěèīíǐìōóǒòūúǔùüǖǘǚǜńňǹ]+[)）]")
_GENERIC_WORDS_RE = re.compile(
    r"(?:19|20)\d\d年度?|全年|年度|本年|今年|开展|開展|组织|組織|(?:完成|实现|實現)(?![率度])|"
    r"全[市区县省镇乡區縣鎮鄉]|累计|累計|实际|實際|^共"
)
_GENERIC_TAIL_RE = re.compile(r"(?:[计計][划劃])?(?:任[务務]数?|目[标標]值?|指[标標]值?)$")
_NON_WORD_RE = re.compile(r"[\W_]+")
# Leading words of a name that only say where it is counted ("全市婚检率").
_AREA_LEAD_RE = re.compile(r"^全[市区县省镇乡區縣鎮鄉]")
# A name this long on both sides that ends the same way is the same indicator ("危房改造" of "农村危房改造" and
# "农村低收入群体危房改造"); a shorter one must be the whole of one name ("婚检率" of "全市婚检率").
SHARED_NAME_CHARS = 4
CONTAINED_NAME_CHARS = 3


def _cross_section_pairs(ctx: DocContext, used: set[int], spans: tuple[list[tuple[int, int]], list[tuple[int, int]]]):
    """A target stated in the part of the report on the year's targets, its result in the part on what was
    done: "培训基层干部不少于500人次" under 年度目标, "共培训基层干部620人次" under 主要工作成效. The two are
    joined when their names end the same way and their units agree, and only when the target has one such
    result and the result one such target (a figure restated with the same value counts once); a target
    without a result stays unpaired."""
    target_spans, result_spans = spans
    if not target_spans or not result_spans:
        return
    targets = [t for span in target_spans for t in _cross_candidates(ctx, span, used, target=True)]
    if not targets:
        return
    # Only figures in a target's unit can be its result: the others are not named (naming is the cost).
    units = {u for t in targets for u in (t.unit, *_HEADS_OR_VISITS.get(t.unit or "", ()))}
    results = [r for span in result_spans for r in _cross_candidates(ctx, span, used, target=False, units=units)]
    if not results:
        return
    target_keys = [_name_key(t.name) for t in targets]
    result_keys = [_name_key(r.name) for r in results]
    by_target: dict[int, list[int]] = {}
    by_result: dict[int, list[int]] = {}
    shares: dict[tuple[int, int], int] = {}
    for i, t in enumerate(targets):
        for j, r in enumerate(results):
            if r.start > t.start and (_same_unit(t.unit, r.unit) or r.unit in _HEADS_OR_VISITS.get(t.unit or "", ())):
                shared = _shared_name(target_keys[i], result_keys[j])
                if shared:
                    shares[(i, j)] = shared
                    by_target.setdefault(i, []).append(j)
                    by_result.setdefault(j, []).append(i)
    paired: set[int] = set()
    paired_targets: set[int] = set()
    for i, t in enumerate(targets):
        # A result of the very name is the one ("孕产妇系统管理率" beside "3岁以下儿童系统管理率").
        mine = _exact_or_all(by_target.get(i, []), result_keys, target_keys[i])
        mine = [j for j in mine if _may_be_result(ctx, target_keys[i], results[j], result_keys[j])]
        if len({results[j].value for j in mine}) > 1:
            mine = [j for j in mine if not _is_part(ctx, results[j])] or mine
        if len({results[j].value for j in mine}) != 1:
            continue  # no result, or several: no guess
        j = mine[0]
        theirs = _exact_or_all(by_result[j], target_keys, result_keys[j])
        if len({targets[k].value for k in theirs}) != 1 or j in paired:
            continue
        if max(theirs, key=lambda k: (shares[(k, j)], -k)) != i:
            continue  # the same target restated: the statement that names it best is the one paired
        paired.add(j)
        paired_targets.add(i)
        name = _AREA_LEAD_RE.sub("", t.name) or t.name
        yield replace(t, name=name), replace(results[j], name=name), _stated_rate(ctx, results[j])
    for i, j in _alone_in_their_unit(ctx, targets, results, target_keys, result_keys):
        if i not in paired_targets and j not in paired:
            name = _AREA_LEAD_RE.sub("", targets[i].name) or targets[i].name
            yield replace(targets[i], name=name), replace(results[j], name=name), _stated_rate(ctx, results[j])


def _alone_in_their_unit(ctx: DocContext, targets: list[Mention], results: list[Mention], target_keys: list[str],
                         result_keys: list[str]) -> Iterator[tuple[int, int]]:
    """A target and a result each the only figure of its part in their unit, a unit not every indicator counts in
    (not %, not money), named with two characters or more in common: "教师授课不低于1600课时" and "全年完成授课
    1,652课时", where the names end too differently to be joined by their endings."""
    wholes = [j for j, r in enumerate(results) if not _is_part(ctx, r)]
    for i, t in enumerate(targets):
        if t.unit in _COMMON_UNITS or t.unit in MONEY_UNITS:
            continue
        same = [k for k, other in enumerate(targets) if _same_unit(other.unit, t.unit)]
        mine = [j for j in wholes if _same_unit(t.unit, results[j].unit)]
        if (len(same) == 1 and len(mine) == 1 and results[mine[0]].start > t.start
                and common_run(target_keys[i], result_keys[mine[0]]) >= ALONE_COMMON_CHARS):
            yield i, mine[0]


_COMMON_UNITS = {"%", "‰", "个", "项", "次", "人", "人次"}
ALONE_COMMON_CHARS = 2


# A count of people written once per head and once per visit ("培训不少于20万人" / "培训23.6万人次"): the same indicator
# where the names say so, its result's figure kept in its own unit (met is then for the words to decide).
_HEADS_OR_VISITS = {"人": ("人次",), "人次": ("人",), "万人": ("万人次",), "万人次": ("万人",)}


def _may_be_result(ctx: DocContext, target_key: str, result: Mention, result_key: str) -> bool:
    """A part (其中) is the result of a target named as it is at its end ("培训农民" / "其中农民230人次"), not of one
    that only holds its name inside ("培训各级领导干部和公务员" / "其中县处级领导干部217人次")."""
    return not _is_part(ctx, result) or _common_ending(target_key, result_key) >= 2


def _common_ending(a: str, b: str) -> int:
    return next((n for n in range(min(len(a), len(b)), 0, -1) if a[-n:] == b[-n:]), 0)


def _is_part(ctx: DocContext, m: Mention) -> bool:
    """A figure in a 其中 clause: a part of the figure before it ("报告71篇，其中《统计分析》28篇"), the
    result of a target only when no whole figure could be."""
    return ctx.text.startswith("其中", _clause_start(ctx, m.start))


def _exact_or_all(candidates: list[int], keys: list[str], key: str) -> list[int]:
    """The candidates named exactly `key`, if any; else all of them."""
    return [k for k in candidates if keys[k] == key] or candidates


# A target without a result is kept only as a plain statement: a name without figures, ranges or open brackets
# ("新增国家绿色工厂1~2家", "推进约70宗项目过会（4次" are a plan's words), its figure ending the clause or item
# (a unit's note in brackets aside).
_NOT_A_NAME_RE = re.compile(r"[一二三]级指标$|^[并将]|^以[上下内]|[\d~～\-—至（(]")
_STATED_ALONE_END_RE = re.compile(r"\s*(?:[（(][^）)]{1,4}[)）])?\s*(?:[，,。；;、\n]|$)")  # "40422套(间)、"


# What a qualitative target promises, and what its result reports in the same words or their outcome ("基层社会
# 治理能力有效提升" in the targets, "…，基层社会治理能力有效提升" in the results; "重大文物安全事故不发生" / "未发生").
_QUALITATIVE_WORDS = (
    r"(?:得到)?(?:有效|明显|显著|稳步|持续|进一步|不断|逐步|全面|大幅|总体|保持|稳中|有序|及时)?"
    r"(?:提升|提高|改善|完善|健全|增强|加强|扩大|优化|规范|改观|遏制|缓解|推行|推进|平稳|向好)"
    r"|不发生|零发生|未发生|无发生|零事故|应助尽助|应保尽保|应补尽补|全覆盖"
)
_QUALITATIVE_TARGET_RE = re.compile(r"(?P<words>" + _QUALITATIVE_WORDS + r")(?=\s*(?:[；;。，,\n]|$))")
# "全年不发生重大文物安全事故": the promise before the name.
_NOTHING_TO_HAPPEN_RE = re.compile(
    r"(?P<words>不发生|零发生|杜绝|避免发生)(?P<name>[^，,。；;\n]{4,20}?)(?=\s*(?:[；;。，,\n]|$))")
# A result may name the indicator without the target's first words ("文物安全事故" for "重大文物安全事故").
QUALITATIVE_DROPPED_LEAD_CHARS = 2
_QUALITATIVE_RESULT_RE = re.compile(r"\s*(?:均|也)?(?:实现|达到)?(?P<words>已?(?:" + _QUALITATIVE_WORDS + r"))")
# "全年未发生校园安全责任事故": the outcome said before the name.
_NONE_HAPPENED_RE = re.compile(r"(?P<words>未发生|无|没有发生|未出现)$")
_QUALITATIVE_NAME_LEAD_RE = re.compile(r"^(?:确保|实现|力争|促进|推动|使|让|保证|保障)")
QUALITATIVE_NAME_CHARS = (4, 20)  # a name shorter or longer is a fragment or a sentence, not an indicator


def _qualitative_pairs(ctx: DocContext, spans: tuple[list[tuple[int, int]], list[tuple[int, int]]]):
    """A qualitative target of the targets part whose name the results part repeats, followed by its words:
    the target's words and the result's, as written. A target no result repeats is left out: in words, a
    plan's sentence and a target look alike."""
    target_spans, result_spans = spans
    for start, end in target_spans if result_spans else ():
        for m in _QUALITATIVE_TARGET_RE.finditer(ctx.text, start, end):
            clause = _clause_start(ctx, m.start())
            # "（1）社会效益指标：统计服务决策能力有效提升": the name is after the item's label.
            said = re.split(r"[：:]", ctx.text[clause : m.start()])[-1]
            name = _QUALITATIVE_NAME_LEAD_RE.sub("", _LIST_MARKER_RE.sub("", said).strip())
            if not QUALITATIVE_NAME_CHARS[0] <= len(name) <= QUALITATIVE_NAME_CHARS[1] or _MENTION_RE.search(name):
                continue
            actual = _qualitative_result(ctx, name, result_spans)
            if actual is not None:
                yield Mention(name, None, None, m.start(), m.end()), actual, None
        for m in _NOTHING_TO_HAPPEN_RE.finditer(ctx.text, start, end):
            actual = _qualitative_result(ctx, m.group("name"), result_spans)
            if actual is not None:
                yield Mention(m.group("name"), None, None, m.start("words"), m.end("words")), actual, None
        yield from _repeated_words_pairs(ctx, (start, end), result_spans)
        for m in _CAPPED_CLAUSE_RE.finditer(ctx.text, start, end):
            name = _QUALITATIVE_NAME_LEAD_RE.sub("", _LIST_MARKER_RE.sub("", m.group("name")).strip())
            if QUALITATIVE_NAME_CHARS[0] <= len(name) <= QUALITATIVE_NAME_CHARS[1]:
                actual = _within_budget_result(ctx, name, result_spans)
                if actual is not None:
                    yield Mention(name, None, None, m.start("words"), m.end("words")), actual, None


# A clause of the targets part in words only, its last few characters the promise ("光荣牌悬挂应挂尽挂",
# "救灾物资储备管理规范有序"): paired where the results part says the same name with the same words, whatever
# the words are. The promise starts where a word that opens one does ("较上年下降", "进一步完善"); else it is
# the last four characters, as the genre's set phrases are.
_WORDS_CLAUSE_RE = re.compile(r"[^；;。，,：:\n]+")
_DIGIT_RE = re.compile(r"\d")
QUALITATIVE_WORDS_CHARS = (10, 9, 8, 7, 6, 5, 4, 3, 2)
_PROMISE_START_RE = re.compile(
    r"^(?:较|进一步|全面|有序|规范|按时|按期|在规定|明显|持续|逐步|稳步|有效|应|做到|实现|常态化|准确|及时|保持|总体|不断|得到)")
_SAID_AGAIN_LEAD_RE = re.compile(r"\s*(?:均|也)?(?P<done>已经|已)?(?:实现)?")


def _repeated_words_pairs(ctx: DocContext, span: tuple[int, int], result_spans: list[tuple[int, int]]):
    for clause in _WORDS_CLAUSE_RE.finditer(ctx.text, *span):
        lead = _LIST_MARKER_RE.match(clause.group())
        body_start = clause.start() + (lead.end() if lead else 0)
        body = ctx.text[body_start : clause.end()].rstrip()
        trimmed = _QUALITATIVE_NAME_LEAD_RE.sub("", body)
        body_start += len(body) - len(trimmed)
        if (_DIGIT_RE.search(trimmed) or not 6 <= len(trimmed) <= QUALITATIVE_NAME_CHARS[1] + 6
                or _QUALITATIVE_TARGET_RE.search(trimmed)):
            continue  # figures are other rules'; the known words, _qualitative_pairs'
        size = next((n for n in QUALITATIVE_WORDS_CHARS if _PROMISE_START_RE.match(trimmed[-n:])
                     and len(trimmed) - n >= QUALITATIVE_NAME_CHARS[0]), None)
        if size is None:
            continue
        name, words = trimmed[:-size], trimmed[-size:]
        actual = _said_again(ctx, name, words, result_spans)
        if actual is not None:
            words_start = body_start + len(name)
            yield Mention(name, None, None, words_start, words_start + size), actual, None


def _said_again(ctx: DocContext, name: str, words: str, result_spans: list[tuple[int, int]]) -> Mention | None:
    # The result may say only the name's ending ("储备管理规范有序" for 救灾物资储备管理), four characters at least.
    endings = (name[k:] for k in range(len(name) - QUALITATIVE_NAME_CHARS[0] + 1))
    for said_name, at in ((e, at) for e in endings for _, at in _occurrences(ctx.text, e, result_spans)):
        lead = _SAID_AGAIN_LEAD_RE.match(ctx.text, at + len(said_name))
        said = lead.end()
        if ctx.text.startswith(words, said):
            # "已全面推行" keeps its 已; "已实现应挂尽挂" is the words alone.
            first = lead.start("done") if lead.group("done") and lead.end("done") == said else said
            # "较上年下降33.3%": the words with the figure they report.
            figure = _FIGURE_AFTER_WORDS_RE.match(ctx.text, said + len(words))
            if figure:
                value = float(figure.group("num").replace(",", ""))
                return Mention(name, value, figure.group("unit"), first, figure.end())
            return Mention(name, None, None, first, said + len(words))
    return None


def _occurrences(text: str, name: str, spans: list[tuple[int, int]]) -> Iterator[tuple[int, int]]:
    """Where `name` occurs inside the spans, in order, each with the start of its span."""
    for start, end in spans:
        at = text.find(name, start, end)
        while at >= 0:
            yield start, at
            at = text.find(name, at + 1, end)


_FIGURE_AFTER_WORDS_RE = re.compile(r"(?P<num>" + NUMBER + r")\s*(?P<unit>%|‰)")


def _qualitative_result(ctx: DocContext, name: str, result_spans: list[tuple[int, int]]) -> Mention | None:
    shortest = QUALITATIVE_NAME_CHARS[0]
    for said in (name[k:] for k in range(QUALITATIVE_DROPPED_LEAD_CHARS + 1) if len(name) - k >= shortest):
        for start, at in _occurrences(ctx.text, said, result_spans):
            if words := _QUALITATIVE_RESULT_RE.match(ctx.text, at + len(said)):
                return Mention(name, None, None, words.start("words"), words.end("words"))
            if words := _NONE_HAPPENED_RE.search(ctx.text, max(start, at - 4), at):
                return Mention(name, None, None, words.start("words"), words.end("words"))
    return None


def _targets_without_results(ctx: DocContext, used: set[int],
                             pairs: list[tuple[Mention | None, Mention | None, float | None]],
                             target_spans: list[tuple[int, int]], result_spans: list[tuple[int, int]]):
    """The targets of the targets part that no rule paired: an indicator whose result the report does not
    state keeps its target and a null result (a target restated counts once, also one restated in other
    words beside its paired statement: "项目新开工不少于80宗" beside "新开工项目80宗")."""
    paired = {(t.value, t.unit) for t, _, _ in pairs if t is not None}
    seen: set[tuple[str, float | None, str | None]] = set()
    # A report cut before its results, or without a results part: "(1)各年龄段人群接种率≥90%;" is still an
    # indicator's target where a sign says so; a bare figure there may be a plan's.
    signed_only = not result_spans
    for span in target_spans:
        for t in _cross_candidates(ctx, span, used, target=True):
            if signed_only and comparison_of(t.text or ctx.text[t.start:t.end]) not in (">=", "<="):
                continue
            name = _AREA_LEAD_RE.sub("", t.name) or t.name
            if len(_name_key(name)) < CONTAINED_NAME_CHARS or _NOT_A_NAME_RE.search(name):
                continue  # "并将14个", "一级指标3个": no indicator's name
            if not _STATED_ALONE_END_RE.match(ctx.text, t.end):
                continue  # "力争新培育70家规模以上工业企业": a figure inside a plan's sentence, not a target stated
            if (t.value, t.unit) not in paired and (name, t.value, t.unit) not in seen and t.unit not in MONEY_UNITS:
                seen.add((name, t.value, t.unit))
                yield replace(t, name=name), None, None


def _cross_spans(ctx: DocContext) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """The spans where targets are stated and where results are reported: each heading's section up to the
    next heading of its level or above (the innermost heading that says which decides), and after a sentence
    that opens the targets, the rest of its section. A report without a results part has no result spans;
    its targets part may then be a plan's narrative, so `_targets_without_results` takes from it only the
    targets a comparison sign marks."""
    headings = ctx.headings
    kinds = [_heading_kind(h.text) for h in headings]
    kind_at = {h.start: kind for h, kind in zip(headings, kinds, strict=True)}
    targets: list[tuple[int, int]] = []
    results: list[tuple[int, int]] = []
    for i, (heading, kind) in enumerate(zip(headings, kinds, strict=True)):
        above = next((k for h in ctx.heading_chain(heading.start)[1:] if (k := kind_at[h.start])), None)
        if kind is None or above == kind:
            continue  # a subsection of the same kind is in its parent's span
        end = next((h.start for h in headings[i + 1 :] if h.level <= heading.level), len(ctx.text))
        # Subsections that say the other kind are theirs: cut them out of this one.
        start = heading.start
        for h, k in zip(headings[i + 1 :], kinds[i + 1 :], strict=True):
            if h.start >= end:
                break
            if k is not None and k != kind and h.start >= start:
                (targets if kind == "target" else results).append((start, h.start))
                start = next((g.start for g in headings if g.start > h.start and g.level <= h.level), end)
                start = min(start, end)
        (targets if kind == "target" else results).append((start, end))
    for lead in _TARGET_LEAD_RE.finditer(ctx.scan):
        chain = ctx.heading_chain(lead.start())
        if any(kind_at[h.start] for h in chain):
            continue  # under a heading that says which part it is
        level = chain[0].level if chain else 0
        ends = (h.start for h in headings if h.start > lead.end() and (not level or h.level <= level))
        end = next(ends, len(ctx.text))
        targets.append((lead.end(), end))
    return targets, results


def _heading_kind(text: str) -> str | None:
    """ "target", "result" or None, from the heading's own words (not the body a run-in heading runs into:
    "3、项目资金管理情况分析。截至11月底共完成…")."""
    if _ITEM_END_RE.search(text):
        return None  # "（八）完成…备案，土地流转行为规范有序；": an item of a list, not a part's title
    text = _HEADING_BODY_RE.split(text, maxsplit=1)[0]
    if _NEITHER_HEAD_RE.search(text) or _MENTION_RE.search(text):
        return None  # a list item stating a figure ("1.完成高标准农田建设2.5万亩") is a statement, not a title
    if _RESULT_HEAD_RE.search(text):
        return "result"
    return "target" if _TARGET_HEAD_RE.search(text) else None


def _cross_candidates(ctx: DocContext, span: tuple[int, int], used: set[int], target: bool,
                      units: set[str | None] | None = None) -> list[Mention]:
    """The named figures of a span that may be an indicator's target (as written, with its comparison) or
    result: not paired yet, not the budget's money, not another year's, not a figure inside the name of the
    next one ("50亿元以上项目4个"), and in the results part not a target restated. With `units`, only figures
    in one of them."""
    found = list(_MENTION_RE.finditer(ctx.scan, *span))
    out = []
    for k, match in enumerate(found):
        if match.start() in used or (units is not None and not any(_same_unit(u, match.group("unit")) for u in units)):
            continue
        nxt = found[k + 1] if k + 1 < len(found) else None
        if nxt and not any(c in _NAME_DELIMS for c in ctx.text[match.end() : nxt.start()]):
            continue  # "50亿元以上项目4个": a figure in the next one's name
        m = _mention(ctx, match, *span)
        if not _nameable(m):
            continue
        clause = ctx.text[_clause_start(ctx, m.start) : _clause_end(ctx, m.end)]
        # "资金执行率": the budget's rate; "少数民族发展资金项目12个" counts projects, an indicator.
        if PRIOR_PERIOD_RE.search(clause) or (m.unit == "%" and _BUDGET_RATE_RE.search(m.name)
                                               and not _SAVING_RE.search(m.name)):
            continue
        if m.unit in MONEY_UNITS and _BUDGET_WORDS_RE.search(clause):
            continue
        if not target:
            if _TARGET_IN_CLAUSE_RE.search(_RUN_IN_TITLE_RE.sub("", clause)):
                continue
            if len(_name_key(m.name)) < CONTAINED_NAME_CHARS:
                after = _name_after(ctx.text, m.end, _clause_end(ctx, m.end))  # "挖掘156个项目信息源"
                m = replace(m, name=after) if after else m
            out.append(m)
            continue
        name = _LIST_MARKER_RE.sub("", m.name)
        before = _CROSS_SIGN_BEFORE_RE.search(ctx.text, _clause_start(ctx, m.start), m.start)
        after = _CROSS_SIGN_AFTER_RE.match(ctx.text, m.end)
        start, end = before.start() if before else m.start, after.end() if after else m.end
        out.append(replace(m, name=name, start=start, end=end, text=ctx.text[start:end]))
    return out


def _name_key(name: str) -> str:
    key = _GENERIC_WORDS_RE.sub("", _GLOSS_RE.sub("", name))
    return _GENERIC_TAIL_RE.sub("", _NON_WORD_RE.sub("", key))


def _shared_name(a: str, b: str) -> int:
    """How much two names (as `_name_key` gives them) share at their ends (0: not the same indicator)."""
    if not a or not b or (a[-1] not in b and b[-1] not in a):
        return 0  # one name's ending must be in the other
    if a == b:
        return len(a)
    shared = max(_suffix_in(a, b), _suffix_in(b, a))
    shorter = min(len(a), len(b))
    if shared and bool(_RECEIVED_RE.search(a[:-shared])) != bool(_RECEIVED_RE.search(b[:-shared])):
        return 0  # "受理各类案件" and "审结各类案件": what came in and what was done are two indicators
    if a.endswith(_SATISFACTION) and b.endswith(_SATISFACTION):
        return max(shared, len(_SATISFACTION))  # a report has one 满意度 as a rule: whose, the words vary
    return shared if shared >= SHARED_NAME_CHARS or shared == shorter >= CONTAINED_NAME_CHARS else 0


_SATISFACTION = "满意度"
_RECEIVED_RE = re.compile(r"受理|收到|接收|接到")


def _suffix_in(a: str, b: str) -> int:
    """The length of the longest ending of `a` that occurs in `b`."""
    return next((n for n in range(len(a), 0, -1) if a[-n:] in b), 0)


# --- the account of the indicators, item by item ----------------------------------------------

# A comparison written before a figure: the target's sense ("≥90%", "不低于85%").
_SIGN = r"(?:[≥≤≧≦><＞＜=＝]|大于等于|小于等于|不低于|不少于|不高于|不超过)"
_SIGN_FIRST = "≥≤≧≦><＞＜=＝大小不"
# A figure as written after a target or result word: "≥90%", "720元/生.年", "1218" (a count without a
# unit, then a clause end), "300万" (a fund written without 元).
_FIGURE_AT_RE = re.compile(
    r"\s*(?P<sign>"
    + _SIGN
    + r")?\s*(?P<num>"
    + NUMBER
    + r")\s*(?P<unit>"
    + INDICATOR_UNITS
    + r"|万(?![\u4e00-\u9fa5]))?(?![\d.])"
)
# Words that say the figure after them is the indicator's target ("年初目标值≥90%", "年初指标值为不低于85%",
# "…发放指标为100%"), or a comparison sign right after the name ("布防飞机数量≥6架").
_TARGET_WORD_RE = led_by(
    "年初全目指" + _SIGN_FIRST,
    r"(?P<word>(?:年?初|年度|全年)?(?:目标值|指标值|指标为)(?:为|是|：|:)?)"
    r"|(?<=[\u4e00-\u9fa5])(?=" + _SIGN + r"\s*\d)"
)
# The result's clause after a target: "，全年实际完成值100%", "，实际布防6架", "实际完成值为100%".
_RESULT_WORD_RE = re.compile(r"\s*[，,]?\s*(?:全年|年底|年末)?(?=实际)")
# After 实际: the result's figure, behind a few words naming what was done ("实际飞行时长909.93小时").
_RESULT_FIGURE_RE = re.compile(
    r"实际(?:完成值|完成|值|[\u4e00-\u9fa5/]{0,10}?)(?:为|是|达到|达)?(?=\s*" + _SIGN + r"?\s*\d)"
)
# 实际完成值 / 实际值 only introduce the result; a bare 实际 is part of a result in words ("实际按该标准发放").
_RESULT_LEAD_RE = re.compile(r"实际(?:完成值|值)(?:为|是|：|:)?")
# Where words stop: a target's words before its result, a result's words at its clause end.
_WORDS_END = "，,。；;\n"
WORDS_CHARS = 30
# A figure without a unit is a count only where its clause ends, or its result follows ("1218，实际…").
_BARE_FIGURE_ENDS = _WORDS_END + "实"
_CJK_RE = re.compile(r"[\u4e00-\u9fa5]")
# "应补助人数1218，实际补助人数1218": what was due, then what was done, of the same thing.
_DUE_ACTUAL_RE = re.compile(
    r"应(?P<name>[\u4e00-\u9fa5]{2,16}?)(?:为|是)?\s*(?P<t>" + NUMBER + r")\s*(?P<tu>" + INDICATOR_UNITS + r")?"
    r"\s*[，,]\s*实际(?P<name2>[\u4e00-\u9fa5]{0,16}?)(?:为|是)?\s*(?P<a>"
    + NUMBER
    + r")\s*(?P<au>"
    + INDICATOR_UNITS
    + r")?(?![\d.])"
)
# "学校满意度大于年度指标值≥95%": the target stated, the result only said to exceed it (or its figure is
# in the clause before: "学生满意度为99.1%，大于年度指标值≧95%").
_ABOVE_TARGET_RE = led_by(
    "均大高超不达",
    r"(?P<rel>均?(?:大于|高于|超过|不低于|达到)了?(?:年度|年初)?(?:指标值|目标值))\s*(?P<sign>"
    + _SIGN
    + r")?\s*(?P<num>"
    + NUMBER
    + r")\s*(?P<unit>"
    + INDICATOR_UNITS
    + r")"
)
# The heading of the account of the indicators ("(四)绩效指标完成情况分析", "2.完成的绩效目标"), and the
# headings that follow it (the problems, the evidence, the unmet targets).
# "绩效目标及指标完成情况", "绩效目标和指标完成情况" name both.
_SECTION_HEAD_RE = re.compile(r"绩效(?:目标|指标)(?:[及和与](?:目标|指标))?(?:完成|实现)情况|(?<!未)完成的绩效目标")
_SECTION_TAIL_RE = re.compile(r"(?:分析)?\s*[。：:.．]?")
_SECTION_END_RE = re.compile(r"未完成的绩效目标|存在的问题|佐证材料|下一步|改进措施")
SECTION_CHARS = 3000
# A statement opened by an indicator level: "(1)数量指标:", "1、产出数量指标:", "三是时效指标:", "A产出指标".
_LEVEL_MARK_RE = re.compile(
    r"\s*(?:[A-Z](?=[\u4e00-\u9fa5])|\d{1,2}\s*[.、．]|[（(]\s*[\d一二三四五六七八九十]{1,2}\s*[)）]|[①-⑳]"
    r"|[一二三四五六七八九十][是、])?\s*"
)
_LEVEL1_RE = re.compile(r"(?P<l1>产出|效益|满意度|成效)(?:指标)?")
_LEVEL2_RE = re.compile(
    r"(?:数量|质量|时效|成本)指标|(?:经济|社会|生态)效益(?:指标)?|可持续影响(?:指标)?|服务对象满意度(?:指标)?"
)
# What a level heading says after its words: "完成情况分析", "全部完成", "(服务对象满意度指标)", and its colon.
_LEVEL_TAIL_RE = re.compile(r"(?:方面|完成情况(?:分析)?|全部完成)?\s*(?:[（(][^）)]{0,16}[)）])?\s*[：:。，,．.]?")
_STATEMENT_ENDS = "。；;\n"
# Words before a result's figure that only link it to its name ("覆盖率为100%", "均为100%").
_LINK_TAIL_RE = re.compile(r"(?:均为|均达到?|为|是|达到|(?<!下)达)$")
# "城镇污水处理率目标≥90%", "…数量绩效目标值是2个": the words that mark the target are not part of the name.
_TARGET_TAIL_RE = re.compile(r"(?:(?:年度|年初)?的?(?:绩效)?(?:目标|指标|任务)|绩效)$")
_RESULT_LEAD_WORDS_RE = re.compile(r"^(?:实际|经测评|经调查|全年|其中|累计|共|已|完成了?)+")
# A figure this close after a name is a rate of the result before it, not an indicator of its own.
_RATE_NAME_RE = re.compile(r"^(?:指标)?(?:完成率|完成比例|完成进度)$")
# The header of a flattened 自评表 inside the account ("一级指标 二级指标 三级指标 …").
_TABLE_HEAD_WORDS_RE = re.compile(r"三级指标")
# A name that still holds a figure, a target or a plan is not a result's name.
_NOT_A_RESULT_NAME_RE = re.compile(r"\d|目标|指标值|计划|任务|^[（(]")
# A verb alone before a figure: what was done is named after it ("打造2部精品参赛作品").
_ACTION_ONLY_RE = re.compile(r"打造|开展|举办|完成|新建|建成|创建|组织|发放|印发|制作|出版|引进|培育|新增|实施")
# A result in words that the set target was reached, right after the indicator's name.
_REACHED_RE = re.compile(
    r"\s*[^，,。；;：:\n]{2,20}?(?P<words>(?:均|全部)?(?:达到|完成|实现)了?(?:年初)?(?:设定|预期|预定|既定)的?"
    r"(?:绩效)?(?:目标值?|指标值?|效果|标准))"
)
_GENERIC_NAME_RE = re.compile(r"各项|全部|所有|整体|总体|工作")
_ORDINAL_RE = re.compile(r"^第[一二三四五六七八九十]+[，,、]?")


@dataclass(frozen=True)
class Section:
    """The account of the indicators: its span and its level headings (start, level1, level2)."""

    start: int
    end: int
    levels: tuple[tuple[int, str | None, str | None], ...]
    # Where its items start when no level heading is written: right after a heading that names the
    # indicators, in the heading's own paragraph ("(三)绩效指标完成情况分析。建设项目…100%，…"); None after
    # one that names the targets, whose account may be narrative.
    items: int | None = None


def indicator_sections(ctx: DocContext) -> list[Section]:
    """The spans headed 绩效指标完成情况 / 完成的绩效目标 …, each up to the next part of the report (or the
    next such heading: "2.完成的绩效目标" under "(二)绩效指标完成情况" opens the items)."""
    heads = list(_SECTION_HEAD_RE.finditer(ctx.scan))
    sections: list[Section] = []
    for i, head in enumerate(heads):
        limit = min(
            len(ctx.text), head.end() + SECTION_CHARS, heads[i + 1].start() if i + 1 < len(heads) else len(ctx.text)
        )
        closing = _SECTION_END_RE.search(ctx.scan, head.end(), limit)
        end = closing.start() if closing else limit
        body = _SECTION_TAIL_RE.match(ctx.scan, head.end()).end()
        items = body if "指标" in head.group(0) else _completed_items(ctx, head, body)
        sections.append(Section(head.start(), end, tuple(_level_heads(ctx, body, end)), items))
    return sections


def _completed_items(ctx: DocContext, head: re.Match[str], body: int) -> int | None:
    """Under "2.完成的绩效目标" the paragraph after the heading lists what was done ("年度绩效目标已全部完成，具体为：
    完成了市直养护里程1180.5公里，…"): its items. Other target headings may open a narrative: none."""
    if not head.group(0).startswith("完成的"):
        return None
    return body + len(ctx.text[body:]) - len(ctx.text[body:].lstrip())


def _statements(ctx: DocContext, start: int, end: int):
    """(start, end) of each statement (a line or a sentence) of text[start:end]."""
    ends = ctx.positions_of(_STATEMENT_ENDS)
    pos = start
    while pos < end:
        stop = min(ends.first_from(pos), end)
        if stop > pos:
            yield pos, stop
        pos = stop + 1


def _level_head(ctx: DocContext, pos: int, end: int) -> tuple[str | None, str | None, int] | None:
    """The levels a statement opens with ("1、产出数量指标:" -> 产出指标, 数量指标) and where its body starts."""
    at = _LEVEL_MARK_RE.match(ctx.scan, pos, end).end()
    level1 = _LEVEL1_RE.match(ctx.scan, at, end)
    after1 = level1.end() if level1 else at
    level2 = _LEVEL2_RE.match(ctx.scan, after1, end)
    if level1 and not level2 and not ctx.text.startswith("指标", level1.end() - 2):
        level1 = None  # "效益" alone is a word of the sentence, not its level
        after1 = at
    if not level1 and not level2:
        return None
    body = _LEVEL_TAIL_RE.match(ctx.scan, level2.end() if level2 else after1, end).end()
    return (level1.group("l1") + "指标" if level1 else None, level2.group(0) if level2 else None, body)


def _level_heads(ctx: DocContext, start: int, end: int):
    """(start, level1, level2) of each statement opened by a level; a level2 keeps the level1 above it."""
    level1: str | None = None
    for s_start, s_end in _statements(ctx, start, end):
        head = _level_head(ctx, s_start, s_end)
        if head is None:
            continue
        if head[0]:
            level1 = head[0]
        yield s_start, level1, head[1]


def _levels(ctx: DocContext, sections: list[Section], pos: int) -> tuple[str | None, str | None]:
    """The levels of the heading above `pos` in the account of the indicators."""
    for section in sections:
        if section.start <= pos < section.end:
            above = [(l1, l2) for start, l1, l2 in section.levels if start <= pos]
            return above[-1] if above else (None, None)
    return None, None


def _stated_figure(ctx: DocContext, pos: int, words_from: int | None = None) -> Mention | None:
    """The figure as written at `pos` ("≥90%"; "1218" only before a clause end), or, from `words_from`, the
    words up to the clause end ("2023年12月底", "实际按该标准发放"), which must be short and not cut."""
    m = _FIGURE_AT_RE.match(ctx.scan, pos)
    if m and (m.group("unit") or ctx.text[m.end() : m.end() + 1] in _BARE_FIGURE_ENDS):
        first = m.start("sign") if m.group("sign") else m.start("num")
        value = float(m.group("num").replace(",", ""))
        return Mention("", value, m.group("unit"), m.start("num"), m.end(), ctx.text[first : m.end()])
    if words_from is None:
        return None
    end = next(
        (
            i
            for i in range(words_from, min(len(ctx.text), words_from + WORDS_CHARS))
            if ctx.text[i] in _WORDS_END or (ctx.text.startswith("实际", i) and i > words_from)
        ),
        -1,
    )
    words = ctx.text[words_from:end].strip() if end > 0 else ""
    if len(_CJK_RE.findall(words)) < 2 or (re.search(r"\d", words) and _FIGURE_AT_RE.match(words) is None):
        return None  # "(A)" of a table header, a figure the words do not state
    return Mention("", None, None, words_from, end, words)


def _stated_name(ctx: DocContext, pos: int, floor: int) -> str:
    """The indicator named before its target word: back to the clause end before it (one comma between
    name and target word is skipped: "项目完成及时率，年初目标值100%"); an empty clause after a colon is
    named by the list item's title ("2.污水处理达标率：目标值≥90%")."""
    end = pos
    while end > floor and ctx.text[end - 1] in " ，,":
        end -= 1
    start = max(floor, ctx.positions_of(_FULL_NAME_DELIMS).last_before(end, floor) + 1)
    if start == end and start - 1 > floor and ctx.text[start - 1] in "：:":
        end = start - 1
        start = max(floor, ctx.positions_of(_FULL_NAME_DELIMS).last_before(end, floor) + 1)
    return _TARGET_TAIL_RE.sub("", _plain_name(ctx, start, end))


def _plain_name(ctx: DocContext, start: int, end: int) -> str:
    """A name written out in full, without what opens or closes it: the item's level and numbering, its
    period ("2022年"), a repeat of its figure ("…资金300万")."""
    head = _level_head(ctx, start, end)
    if head is not None and ctx.text[head[2]:end].strip(" ：:，,"):
        start = head[2]
    else:
        head = None  # "服务对象满意度目标值≥90%": the level's words are all there is, so they name the indicator
    name = _LIST_MARKER_RE.sub("", ctx.text[start:end]) if head is None else ctx.text[start:end]
    name = _WHITESPACE_RE.sub("", name).lstrip("、")  # "…13万人次、线上活动观众数量72万人次"
    name = _ORDINAL_RE.sub("", name)
    name = _NAME_LEAD_RE.sub("", name)
    name = re.sub(r"(?:" + NUMBER + r")\s*(?:" + INDICATOR_UNITS + r"|万)?$", "", name)
    name = _LINK_TAIL_RE.sub("", name)
    return name if len(name) >= 2 else ""


def _stated_target_and_result(ctx: DocContext):
    """ "项目完成及时率，年初目标值100%，实际完成值100%", "…比例年初指标值为不低于85%，全年实际完成值100%",
    "布防飞机数量≥6架，实际布防6架": a name, its target after a target word (or a sign), its result after
    实际 — a figure in the target's unit, or short words ("实际按该标准发放")."""
    floor = 0  # where the previous pair ended: "…发放指标为100%实际完成值为100%义务兵…发放指标为…"
    for cue in _TARGET_WORD_RE.finditer(ctx.scan):
        if cue.start() < floor:
            continue
        words = cue.group("word") is not None
        target = _stated_figure(ctx, cue.end(), cue.end() if words else None)
        if target is None:
            continue
        lead = _RESULT_WORD_RE.match(ctx.scan, target.end)
        if not lead or not ctx.text.startswith("实际", lead.end()):
            continue
        actual = _stated_result(ctx, lead.end())
        if actual is None or (
            target.value is not None and actual.value is not None and not _same_unit(target.unit, actual.unit)
        ):
            continue
        name = _stated_name(ctx, cue.start(), floor)
        if not name:
            continue
        floor = actual.end
        yield replace(target, name=name), replace(actual, name=name), _stated_rate(ctx, actual)


def _same_unit(a: str | None, b: str | None) -> bool:
    """The same unit, one written more fully than the other ("元/生" for "元/生.年"), or its ten thousands."""
    return _unit_scale(a, b) is not None


# Units that count the same: "为不少于60人提供托养服务" and "为65名…提供托养服务".
_SAME_COUNT = {"名": "人"}
TEN_THOUSAND = 10000.0


def _unit_scale(a: str | None, b: str | None) -> float | None:
    """The factor that turns a figure in unit `a` into one in unit `b` ("1.2万人" against "12,650人": 10,000);
    None when they measure different things."""
    a, b = _SAME_COUNT.get(a or "", a), _SAME_COUNT.get(b or "", b)
    if a == b or bool(a and b and "/" in a and (a.startswith(b) or b.startswith(a))):
        return 1.0
    if a and b and a == "万" + b:
        return TEN_THOUSAND
    if a and b and b == "万" + a:
        return 1 / TEN_THOUSAND
    return None


def _stated_result(ctx: DocContext, pos: int) -> Mention | None:
    """The result after 实际 at `pos`: its figure, or its words."""
    figure = _RESULT_FIGURE_RE.match(ctx.scan, pos)
    if figure:
        return _stated_figure(ctx, figure.end())
    lead = _RESULT_LEAD_RE.match(ctx.scan, pos)
    return _stated_figure(ctx, lead.end() if lead else pos, lead.end() if lead else pos)


def _due_and_actual(ctx: DocContext):
    """ "应补助人数1218，实际补助人数1218": the due count is the target, the done count the result."""
    for m in _DUE_ACTUAL_RE.finditer(ctx.scan):
        name, name2 = m.group("name"), m.group("name2")
        if m.group("tu") != m.group("au") or (name2 and not name.endswith(name2)):
            continue
        target = Mention(
            name,
            float(m.group("t").replace(",", "")),
            m.group("tu"),
            m.start("t"),
            m.end("tu") if m.group("tu") else m.end("t"),
        )
        actual = Mention(name, float(m.group("a").replace(",", "")), m.group("au"), m.start("a"), m.end())
        yield target, actual, _stated_rate(ctx, actual)


def _result_above_stated_target(ctx: DocContext):
    """ "学校满意度大于年度指标值≥95%" (the result in words), "学生满意度为99.1%，大于年度指标值≧95%"."""
    for m in _ABOVE_TARGET_RE.finditer(ctx.scan):
        first = m.start("sign") if m.group("sign") else m.start("num")
        target_text = ctx.text[first : m.end()]
        clause = _clause_start(ctx, m.start())
        value = float(m.group("num").replace(",", ""))
        if clause == m.start():  # the result's figure is in the clause before
            before = [x for x in mentions(ctx, _clause_start(ctx, clause - 1), clause - 1) if x.unit == m.group("unit")]
            if len(before) != 1 or not _nameable(before[0]):
                continue
            actual = before[0]
        else:
            name = _plain_name(ctx, clause, m.start())
            if not name:
                continue
            actual = Mention(name, None, None, m.start("rel"), m.end("rel"), m.group("rel"))
        target = Mention(actual.name, value, m.group("unit"), m.start("num"), m.end(), target_text)
        yield target, actual, None


def _section_statements(ctx: DocContext, sections: list[Section]):
    """(body start, end) of each statement under the level headings of the account of the indicators, its
    level words left out; a table's cells ("奖助政策学生知晓率 | 100% |") are the tables' to read."""
    for section in sections:
        if _TABLE_HEAD_WORDS_RE.search(ctx.scan, section.start, section.end):
            continue  # the 自评表 itself, flattened: its rows are the tables' to read
        if section.levels:
            start, end = section.levels[0][0], section.end
        elif section.items is not None:
            start, end = section.items, min(section.end, ctx.paragraph_end(section.items))
        else:
            continue
        for s_start, s_end in _statements(ctx, start, end):
            if "|" in ctx.text[s_start:s_end]:
                continue
            head = _level_head(ctx, s_start, s_end)
            yield head[2] if head else s_start, s_end


def _section_targets_then_results(ctx: DocContext, sections: list[Section]):
    """Under a level heading, a figure followed by 实际 and a figure in its unit is a target and its result,
    with no target word: "我校享受…生活补助学生人次940人次，实际发放940人次" (a fund received and spent is
    money, not an indicator)."""
    for start, end in _section_statements(ctx, sections):
        floor = start
        for m in mentions(ctx, start, end):
            lead = _RESULT_WORD_RE.match(ctx.scan, m.end)
            if m.start < floor or m.unit in MONEY_UNITS or not lead or not ctx.text.startswith("实际", lead.end()):
                continue
            actual = _stated_result(ctx, lead.end())
            name = _stated_name(ctx, m.start, floor)
            if actual is None or actual.value is None or not _same_unit(m.unit, actual.unit) or not name:
                continue
            if _NOT_A_RESULT_NAME_RE.search(name):
                continue
            floor = actual.end
            yield replace(m, name=name), replace(actual, name=name), _stated_rate(ctx, actual)


def _section_restated_results(ctx: DocContext, sections: list[Section]):
    """A statement of standards, then one that opens with 实际 and repeats them: "小学人均补助标准为720元/生.年，
    初中人均补助标准为940元/生.年。实际小学人均补助标准为720元/生.年，…". Each result goes with the one target
    of its unit whose name ends with the result's name."""
    previous: tuple[int, int] | None = None
    for start, end in _section_statements(ctx, sections):
        if previous and ctx.text.startswith("实际", start):
            targets = [
                replace(t, name=_plain_name(ctx, _clause_start(ctx, t.start), t.start))
                for t in mentions(ctx, *previous)
            ]
            for a in mentions(ctx, start, end):
                name = _RESULT_LEAD_WORDS_RE.sub("", _plain_name(ctx, max(start, _clause_start(ctx, a.start)), a.start))
                same = [t for t in targets if t.unit == a.unit and len(name) >= 2 and t.name.endswith(name)]
                if len(same) == 1:
                    yield replace(same[0], name=name), replace(a, name=name), _stated_rate(ctx, a)
        previous = (start, end)


def _section_results(ctx: DocContext, sections: list[Section], used: set[int]):
    """Results stated without a target in the account of the indicators, under its level headings: "开展工作
    督导：一个季度开展工作督导一次，共4次", "项目验收合格率100%，…", "到位率为100%". The target is not
    written, so it stays empty; a fund's money is not an indicator."""
    for start, end in _section_statements(ctx, sections):
        yield from _statement_results(ctx, start, end, used)


def _statement_results(ctx: DocContext, start: int, end: int, used: set[int]):
    found = [m for m in mentions(ctx, start, end) if m.start not in used and m.unit not in MONEY_UNITS]
    if not found:
        yield from _reached_in_words(ctx, start, end)
        return
    colon = ctx.positions_of("：:").first_from(start)
    if colon < end and len(found) == 1 and ctx.positions_of(_FULL_NAME_DELIMS).last_before(colon, start) < start:
        # "开展工作督导：一个季度开展工作督导一次，共4次": the title names the result, the rest is the result.
        name = _plain_name(ctx, start, colon)
        if name and not _NOT_A_RESULT_NAME_RE.search(name):
            rest = ctx.text[colon + 1 : end].strip()
            yield None, replace(found[0], name=name, text=rest), _stated_rate(ctx, found[0])
        return
    every = mentions(ctx, start, end)
    floor = start
    for m in found:
        name_start = max(floor, ctx.positions_of(_FULL_NAME_DELIMS).last_before(m.start, floor) + 1)
        floor = m.end
        if _paired_by_result_word(ctx, m, every):
            continue
        raw_end = m.start
        sign = re.search(_SIGN + r"\s*$", ctx.text[name_start:raw_end])
        if sign:
            raw_end = name_start + sign.start()
        name = _RESULT_LEAD_WORDS_RE.sub("", _plain_name(ctx, name_start, raw_end))
        if _ACTION_ONLY_RE.fullmatch(name):
            name = _name_after(ctx.text, m.end, end) or name  # "打造2部精品参赛作品"
        if len(name) < 2 or _RATE_NAME_RE.match(name) or _NOT_A_RESULT_NAME_RE.search(name):
            continue
        if _GROWTH_ONLY_RE.match(name):
            continue
        yield None, replace(m, name=name, text=ctx.text[raw_end : m.end]), _stated_rate(ctx, m)


def _reached_in_words(ctx: DocContext, start: int, end: int):
    """A result said in words only: "观众满意度达到了设定的指标值" (its target is the one set, not written)."""
    m = _REACHED_RE.match(ctx.scan, start, end)
    if m is None:
        return
    name = _plain_name(ctx, start, m.start("words"))
    if name and not _GENERIC_NAME_RE.search(name) and not _NOT_A_RESULT_NAME_RE.search(name):
        yield None, Mention(name, None, None, m.start("words"), m.end("words")), None


def _paired_by_result_word(ctx: DocContext, m: Mention, every: list[Mention]) -> bool:
    """Whether `m` is one side of a target and its 实际 result that no rule paired ("…标准6000元/生，实际完成值
    6000元/生.年"): a figure followed by a 实际 clause, or a 实际 figure after one in its unit. Neither is
    a result stated alone."""
    lead = _RESULT_WORD_RE.match(ctx.scan, m.end)
    if lead and ctx.text.startswith("实际", lead.end()):
        return True
    clause = _clause_start(ctx, m.start)
    if not ctx.text.startswith("实际", clause):
        return False
    return any(
        x.end <= clause and _same_unit(x.unit, m.unit) and x.end >= _clause_start(ctx, clause - 1) for x in every
    )


def table_indicators(ctx: DocContext) -> list[tuple[Indicator, list[Hit]]]:
    """Rows of the flattened 绩效指标 table (source "table"): target and result in the same unit, then
    the row's 分值 and 得分 (score <= maximum <= 100), which tell a row from a run of other numbers."""
    out: list[tuple[Indicator, list[Hit]]] = []
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
            name = _ROW_NUMBER_RE.sub("", name)
            if len(name) < 2:
                continue
            seen.add(row.start())
            unit = row.group("tu")
            target = Mention(name, float(row.group("t").replace(",", "")), unit, row.start("t"), row.end("tu"))
            actual = Mention(name, float(row.group("a").replace(",", "")), unit, row.start("a"), row.end("au"))
            indicator = _indicator(ctx, target, actual, None, source="table")
            out.append((indicator, _hits(ctx, target, actual, "table-text")))
    return out


# --- a table of targets alone, its results in the prose ----------------------------------------


def joined_targets(ctx: DocContext, rows: Sequence[Indicator]) -> list[tuple[Indicator, list[Hit]]]:
    """The rows of a table of targets alone (部门整体支出绩效目标表), each with the result the results part reports
    for it, as `_cross_section_pairs` joins a target sentence: a figure in the row's unit under a name that ends
    the same, the only such figure (a part in a 其中 clause gives way to its whole); a target in words, where
    the results part says its name again with its words. A row the results part says nothing of keeps a null
    result."""
    _, result_spans = _cross_spans(ctx)
    out = []
    for row in rows:
        actual = _row_result(ctx, row, result_spans) if result_spans else None
        if actual is None:
            out.append((row, []))
            continue
        scale = _unit_scale(row.target_unit, actual.unit)
        actual_text = _as_written(ctx, actual)
        met = decide_met(row.comparison, row.target_value * scale if row.target_value is not None and scale else None,
                         actual.value, scale is not None, row.target_text, actual_text, None, None, None)
        joined = replace(row, actual_value=actual.value, actual_unit=actual.unit, actual_text=actual_text, met=met)
        out.append((joined, _hits(ctx, None, replace(actual, name=row.indicator_name), "target-table")))
    return out


def _row_result(ctx: DocContext, row: Indicator, result_spans: list[tuple[int, int]]) -> Mention | None:
    name = to_simplified(row.indicator_name)  # the rules read the simplified twin; a cell is as written
    if row.target_value is None:
        words = to_simplified("".join((row.target_text or "").split()))
        if not words or _DIGIT_RE.search(words):
            return None
        if _BUDGET_CAP_RE.search(words):
            return _within_budget_result(ctx, name, result_spans)
        return _said_again(ctx, name, words, result_spans)
    key = _name_key(name)
    units = {row.target_unit}
    found = [r for span in result_spans for r in _cross_candidates(ctx, span, set(), target=False, units=units)]
    mine = [r for r in found if _same_unit(row.target_unit, r.unit) and _shared_name(key, _name_key(r.name))
            and _may_be_result(ctx, key, r, _name_key(r.name))]
    mine = [r for r in mine if _name_key(r.name) == key] or mine
    if len({r.value for r in mine}) > 1:
        mine = [r for r in mine if not _is_part(ctx, r)] or mine
    return mine[0] if len({r.value for r in mine}) == 1 else None


# A cap in words ("控制在预算范围内", "不超过年初预算", "≤批复概算") and the result that says it held
# ("未超出年度预算").
_BUDGET_CAP_RE = re.compile(r"(?:控制在|不超过?|不突破|[≤<])[^，。；]{0,8}?(?:预算|概算)")
_WITHIN_BUDGET_RE = re.compile(
    r"(?:未超出?|没有超出?|未突破|控制在)[^，。；]{0,8}?(?:预算|概算)(?:[^，。；]{0,4}?(?:以内|范围内|内))?")


# "5.经费保障：严格控制一般性支出，“三公”经费支出控制在预算以内": what is capped, and the cap.
_CAPPED_CLAUSE_RE = re.compile(
    r"(?P<name>[^，,。；;：:\n]{4,24}?)(?:严格)?(?P<words>(?:控制在|不超过|不突破)[^，。；\n]{0,8}?(?:预算|概算)"
    r"(?:[^，。；\n]{0,4}?(?:以内|范围内|内))?)(?=\s*(?:[；;。，,\n]|$))")


def _within_budget_result(ctx: DocContext, name: str, result_spans: list[tuple[int, int]]) -> Mention | None:
    """The words saying a cap held, in the sentence of the results part that names what was capped."""
    for _, at in _occurrences(ctx.text, name, result_spans):
        end = ctx.text.find("。", at)
        found = _WITHIN_BUDGET_RE.search(ctx.text, at + len(name), end if end >= 0 else len(ctx.text))
        if found:
            return Mention(name, None, None, found.start(), found.end())
    return None
