"""The self-evaluation total score, the grade, and the sub-scores (score components).

The total is introduced by 自评得分 / 自评分数(总计)为 / 绩效自评分值为 / 自评结果为89分 …, but the same
words introduce a dimension's sub-score right after its maximum ("履职效能总分50分，自评得分49.97分");
a figure preceded by a maximum below 100 is a component, not the total.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from perf_etl.extract.hits import Hit
from perf_etl.extract.money_context import DocContext
from perf_etl.extract.money_labels import GAP, Label, literal_led, not_after
from perf_etl.models import ScoreComponent
from perf_etl.text.numbers import CN_NUMBER, NUMBER, parse_number

SCORE_LABELS: tuple[Label, ...] = (
    Label("自评总分", r"自评总(?:得)?分", 10),
    Label("自评分数", r"自评分数(?:总计|合计|总分)?", 9),
    Label("绩效自评分值", literal_led(("绩效", ""), ("自评分值",)), 9),
    Label("自评得分", literal_led(("绩效", ""), (r"自评(?:最终|综合)?得分",)), 8),
    Label("综合评分", r"综合(?:评分|得分)|综合评价得分", 8),
    Label("自评结果", r"自评(?:结果|结论)", 7),
    Label("总得分", r"总得分|总体得分|最终得分|评价总分|评价得分", 7),
    # The total row of a scoring table whose 分值 cell is empty ("得分合计 91.3"), or its prose form.
    Label("得分合计", r"得分(?:合计|总计)|合计得分|总计得分", 8),
    # The whole department's score named as such; a dimension's 绩效得分 ("产出指标绩效得分") is not it.
    Label("部门整体绩效得分", r"(?:部门整体支出|整体支出|部门)绩效(?:自评)?得分", 8),
    Label("自评分", r"自评分", 6),
    Label("绩效评分", r"(?:综合|总体|整体|最终|绩效|考核)评分", 6),
    # The total row of a flattened scoring table: the maximum 100, then the score ("总分 100 93.6",
    # "合计 100 91.5"); a row whose first cell is not 100 is a dimension's, never the total.
    Label("总分行", "(?:" + literal_led(("自评", ""), ("总分", "合计", "总计")) + r")[\s|]*100(?:\.0+)?(?=[\s|"
        r"]+\d)", 7),
    # The same row flattened without spaces: "总分100100", "总分10099.6" (the maximum 100, then the score).
    Label("总分行连写", "(?:" + literal_led(("自评", ""), ("总分",)) + r")\s*100(?=(?:100|\d{1,2}(?:\.\d{1,"
        r"2})?)(?![\d.]))", 7),
    # A bare 总分 with one figure below 100 ("總分99.6"): the score (the 分值 column totals exactly 100).
    Label("总分", r"总分(?=\s*[:：]?\s*\d{1,2}(?:\.\d{1,2})?(?![\d.])(?!\s*分))", 6),
    Label("评价分", r"评价分|评价总得分", 7),
    # "总分（100分）| 100": the maximum in the label, the score after it.
    Label("总分（100分）", r"总分\s*[（(]\s*100\s*分\s*[)）]", 8),
    # A bare 评分 only at a clause start ("经自评，评分为92分"); after other words it is a row's score
    # ("预算执行率评分为10分").
    Label("评分为", not_after((r"[\u4e00-\u9fa5]",), ("评分",)), 4),
)

# The grade words and the four values the contract stores.
GRADE_VALUES: dict[str, str] = {
    "优秀": "优",
    "优": "优",
    "良好": "良",
    "良": "良",
    "合格": "中",
    "中": "中",
    "中等": "中",
    "不合格": "差",
    "差": "差",
    "较差": "差",
}
# Not followed by a word that makes it another word (优化, 中心) or an attribute ("等级为优的项目").
_GRADE = r"(?P<g>不合格|优秀|良好|合格|中等|较差|优|良|中|差)(?![化势质先惠心期央小间距异额旬的率占个])"
# Quotes or brackets around the grade word ("评定为“优”", "绩效等级为(良)").
_OPEN_Q = r"[“\"「『‘'（(]?\s*"
_CLOSE_Q = r"\s*[”\"」』’'）)]?"

GRADE_LABELS: tuple[Label, ...] = (
    # The 自评表's total row with a grade cell after its score ("总分 | 100 | 96 | 优").
    Label(
        "总分行等级",
        "(?:" + literal_led(("自评", ""), ("总分", "合计")) + r")[\s|]*100(?:\.0+)?[\s|]+\d{1,3}(?:\.\d{1,2})?[\s|]+"
        + _GRADE,
        8,
    ),
    Label(
        "等级为",
        "(?:"
        + literal_led(("自评", "评价", "绩效", "考核", ""), ("等级", "等次", "级别", "评级"))
        + r")\s*(?:评定|认定)?\s*(?:为|是|：|:|\||评为|定为|达到)?\s*"
        + _OPEN_Q
        + _GRADE
        + _CLOSE_Q,
        10,
    ),
    Label(
        "达到等级",
        r"(?:达到|评为|评定为|定为|认定为|属于|为)\s*" + _OPEN_Q + _GRADE + _CLOSE_Q + r"\s*(?:等级|等次|档次|级)",
        9,
    ),
    Label("评价结果为", r"评价(?:结果|结论)\s*(?:为|是)?\s*[：:]?\s*" + _OPEN_Q + _GRADE + _CLOSE_Q, 8),
    # "自评良好" / "自评为优秀": only the two-character words stand without a copula; "自评较好" is not
    # a grade.
    Label(
        "自评良好",
        r"自评(?:结果|结论)?\s*(?:(?:为|是|：|:)\s*"
        + _OPEN_Q
        + _GRADE
        + "|"
        + _OPEN_Q
        + r"(?P<g2>优秀|良好|不合格|合格)(?!率))"
        + _CLOSE_Q,
        7,
    ),
)
# Right after a grade, these show a scale legend ("等级：优（90分以上）、良…"), not a result.
_LEGEND_AFTER_RE = re.compile(r"^\s*[（(]\s*\d|^\s*[、/，,]\s*[“\"]?(?:优|良|中|差|合格)")

# A maximum below 100 right before a score label in the same sentence makes it a sub-score.
# Not a list number after a table's last cell ("…10 10总分3.部门整体支出绩效自评开展情况").
_SUB_MAX_RE = re.compile(r"(?:总分|满分|分值|权重)\s*(?:为|是|：|"
    r":)?\s*(" + NUMBER + r")(?![.、．]\s*[\u4e00-\u9fff])\s*分?")
SUMMARY_BONUS = 2
# No self-evaluation totals less than this: a smaller figure after a score word is a row number or a sub-score.
MIN_TOTAL_SCORE = 20
# How far back a score's sentence is read for what makes it a part.
CONTEXT_CHARS = 60
# An indicator's score follows its target and result ("年初目标值≥90%，实际完成值≥90%，自评得分20分").
_INDICATOR_VALUES_RE = re.compile(r"(?:目标值|完成值|指标值)[^。；]*$")

# Score components: prose "履职效能总分50分，自评得分49.97分" and flattened rows "产出指标 40 38.5".
_MAXIMUM_THEN_SCORE = (
    r"(?:总分|满分|分值)\s*(?:为|是|：|:)?\s*(?P<max>"
    + NUMBER
    + r")\s*分\s*[，,；;]?\s*(?:自评|实际|评价)?(?:得分|评分)\s*(?:为|是|：|:)?\s*(?P<score>"
    + NUMBER
    + r")"
)
_COMPONENT_PROSE_RE = re.compile(r"(?P<name>[\u4e00-\u9fa5]{2,12}?)\s*" + _MAXIMUM_THEN_SCORE)
# Scoring dimensions end in one of these words; other named scores are indicator rows, not components.
# (预算编制 / 预算执行 / 部门履职 are the dimensions of the 2020s 部门整体 frameworks.)
_DIMENSION = r"[\u4e00-\u9fa5]{0,10}?(?:指标|效能|效率|管理|决策|过程|产出|效益|投入|满意度|绩效|履职|编制|执行)"
# "投入指标得分18分（满分20分）".
_SCORE_THEN_MAXIMUM = (
    r"得分\s*(?:为|是|：|:)?\s*(?P<score>" + NUMBER + r")\s*分?\s*"
    r"[（(]\s*(?:满分|总分|分值)\s*(?:为|：|:)?\s*(?P<max>" + NUMBER + r")\s*分?\s*[)）]"
)
_COMPONENT_SCORE_FIRST_RE = re.compile(r"(?P<name>" + _DIMENSION + r")\s*(?:自评|实际)?" + _SCORE_THEN_MAXIMUM)
# "产出指标（40分），得分38分".
_COMPONENT_MAX_BRACKET_RE = re.compile(
    r"(?P<name>" + _DIMENSION + r")\s*[（(]\s*(?:满分|总分|分值)?\s*(?P<max>" + NUMBER + r")\s*分\s*[)）]\s*"
    r"[，,：:]?\s*(?:自评|实际)?得(?:分)?\s*(?:为|是|：|:)?\s*(?P<score>" + NUMBER + r")"
)
_COMPONENT_ROW_RE = re.compile(
    r"(?m)^[ \t]*(?P<name>[\u4e00-\u9fa5]{2,10}(?:指标|效能|效率|情况|管理|执行|编制|决策|过程|产出|效益|投入))"
    r"[ \t]*(?P<max>" + NUMBER + r")(?:[ \t]*分[ \t]*|[ \t]+)(?P<score>" + NUMBER + r")[ \t]*分?[ \t]*$"
)
# Each component pattern with what every match of it holds (its part after the name, or "分" closing a
# bracket), to skip the scan where it cannot match: the patterns start with a name of any Chinese characters,
# so they are tried at every position, while what they hold starts with a literal and is found fast. The
# row pattern is cheap and scanned always.
_COMPONENT_PATTERNS: tuple[tuple[re.Pattern[str], re.Pattern[str] | None], ...] = (
    (_COMPONENT_PROSE_RE, re.compile(_MAXIMUM_THEN_SCORE)),
    (_COMPONENT_SCORE_FIRST_RE, re.compile(_SCORE_THEN_MAXIMUM)),
    (_COMPONENT_MAX_BRACKET_RE, re.compile(r"分\s*[)）]")),
    (_COMPONENT_ROW_RE, None),
)
_COMPONENT_NAME_LEAD_RE = re.compile(r"^(?:其中|另外|此外|在|以及|及|和|的|、)+")
# Bare column words; "指标" alone is what is left of a quoted indicator name (“预算执行率”指标).
_NOT_COMPONENT = frozenset({"合计", "总计", "总分", "得分", "分值", "满分", "自评", "指标"})


@dataclass(frozen=True)
class _Found:
    value: object
    start: int
    end: int
    rule: str
    strength: int


@cache
def _score_regex(label: Label) -> re.Pattern[str]:
    number = r"(?P<num>" + NUMBER + "|" + CN_NUMBER + r")"
    # Without "分", a number followed by another is a table row ("自评总分 100 93.69": the maximum
    # comes first), not a score.
    # Nor a count ("95项"); "95项目…" is the next cell of a flattened table.
    tail = r"(?:(?P<unit>\s*分)|(?!\s+\d))(?![\d.%万亿元个宗家]|项(?!目))"
    return re.compile(r"(?P<label>" + label.pattern + r")" + GAP + number + tail)


def self_score_hit(ctx: DocContext) -> Hit | None:
    """The total self-evaluation score (0–100), or None when the text states none."""
    found: dict[int, _Found] = {}
    for label in SCORE_LABELS:
        for m in _score_regex(label).finditer(ctx.scan):
            value = parse_number(m.group("num"))
            if value is None or not MIN_TOTAL_SCORE <= value <= 100 or not _reads_as_score(m):
                continue
            if not _is_total_score(ctx, m.start(), m.end()):
                continue
            cand = _Found(value, m.start(), m.end(), f"score:{label.name}", label.strength)
            if m.start("num") not in found or cand.strength > found[m.start("num")].strength:
                found[m.start("num")] = cand
    return _best(ctx, "self_score", list(found.values()))


def _reads_as_score(m: re.Match[str]) -> bool:
    """An Arabic number reads as a score by itself (table cells omit "分"); a Chinese numeral only
    with "分" after it, so that words made of numeral characters are never read as a score."""
    return bool(m.group("unit")) or re.fullmatch(NUMBER, m.group("num")) is not None


def _is_total_score(ctx: DocContext, start: int, end: int) -> bool:
    if ctx.section_kind(start) == "item" or ctx.speaks_of_other_period(start, end):
        return False
    if ctx.names_a_part(start):
        return False
    # A flattened table runs on as one "sentence": its earlier rows' words say nothing of this figure.
    sentence = max(ctx.sentence_start(start), start - CONTEXT_CHARS)
    before = ctx.text[sentence:start]
    if "其中" in before or _INDICATOR_VALUES_RE.search(before):
        return False
    return all(float(m.group(1)) >= 100 for m in _SUB_MAX_RE.finditer(ctx.scan, sentence, start))


def grade_hit(ctx: DocContext) -> Hit | None:
    """The grade as stated, normalized to 优/良/中/差; None when no grade is stated."""
    found: list[_Found] = []
    for label in GRADE_LABELS:
        for m in re.finditer(label.pattern, ctx.scan):
            word = m.group("g") or m.groupdict().get("g2")
            if not word or _LEGEND_AFTER_RE.search(ctx.scan[m.end() : m.end() + 6]):
                continue
            if ctx.section_kind(m.start()) == "item" or ctx.speaks_of_other_period(m.start(), m.end()):
                continue
            if ctx.names_a_part(m.start()):
                continue
            found.append(_Found(GRADE_VALUES[word], m.start(), m.end(), f"grade:{label.name}", label.strength))
    return _best(ctx, "grade", found)


def _best(ctx: DocContext, field: str, found: list[_Found]) -> Hit | None:
    if not found:
        return None
    best = max(found, key=lambda f: (f.strength + _bonus(ctx, f.start), -f.start))
    return ctx.hit(field, best.value, best.start, best.end, best.rule)


def _bonus(ctx: DocContext, pos: int) -> int:
    return SUMMARY_BONUS if ctx.section_kind(pos) == "summary" else 0


def score_components(ctx: DocContext) -> list[ScoreComponent]:
    """Sub-scores with their maximum, from prose and from flattened table rows, one per component, from a
    document's context (built once for all extractors)."""
    out: dict[str, tuple[int, ScoreComponent]] = {}
    for pattern, required in _COMPONENT_PATTERNS:
        if required is not None and not required.search(ctx.scan):
            continue  # most reports state no component; scanning for the pattern costs far more
        for m in pattern.finditer(ctx.scan):
            name = _component_name(ctx, m)
            max_score, score = float(m.group("max").replace(",", "")), float(m.group("score").replace(",", ""))
            if not name or name in out or not 0 < max_score <= 100 or not 0 <= score <= max_score:
                continue
            if ctx.section_kind(m.start()) == "item":
                continue  # a project's own scoring, not the department's
            out[name] = (m.start(), ScoreComponent(ctx.doc.document_id, name, max_score, score))
    return [component for _, component in sorted(out.values(), key=lambda pair: pair[0])]


def _component_name(ctx: DocContext, m: re.Match[str]) -> str | None:
    # The name runs back from the maximum to the clause start ("其中履职效能总分…" -> 履职效能).
    start = max(ctx.clause_start(m.start("name")), m.start("name"))
    raw = ctx.text[start : m.end("name")]
    name = _COMPONENT_NAME_LEAD_RE.sub("", re.sub(r"\s+", "", raw))
    if len(name) < 2 or name in _NOT_COMPONENT or name.endswith(("方面", "合计", "总计")):
        return None
    # A rate ("预算执行率"指标) is one indicator's row of the scoring table, not a scoring dimension.
    if re.search(r"(?<!效)率", name):
        return None
    return name
