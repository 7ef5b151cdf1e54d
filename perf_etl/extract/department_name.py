"""Which unit a report is about: its department_name, read where the genre states it.

In the order the genre makes them reliable:

1. a labelled cell of the cover or the 自评表 — 部门（单位）名称 / 单位名称 / 填报单位 first, then for a
   project table its 实施单位 (its 主管部门 only after every reading below) — whatever the flattening:
   "单位名称：X", "实施单位 | X |",
   "主管部门X实施单位Y项目资金…" (no separator at all), a seal note ("实施单位（盖章）"), a unit code
   ("219001-池州市贵池区棠溪镇人民政府");
2. the title: the unit the title starts with, before the year and the report's words
   ("2021年茂名市发展和改革局部门整体支出绩效自评报告", "天长市水利局水旱灾害防御股项目支出绩效自评");
3. a line of the opening that is a unit's name alone (under the title), or the closing signature: a unit's
   name right before a date ("中江县水利局2022年12月30日");
4. the unit introduced as such ("X（以下简称Y）"), or a regional unit's name opening a clause of the body
   ("衡山县供销合作社联合社成立于1951年"); then identity.py's reading of the cover block and first sentence;
5. who published the page (发布机构 / 来源, kept by normalization from the site's metadata), last.

A name is a run of Chinese characters that ends with a word units' names end with (局, 中心, 委员会, 学校,
镇人民政府, 联合会 …) and is followed by something that is not part of it: punctuation, a number, the end,
or the next cell's label.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from perf_etl.extract.hits import Hit
from perf_etl.extract.regions import starts_with_region
from perf_etl.models import StagedDocument

_OPEN, _CLOSE = "[（(]", "[)）]"
# What a unit's name ends with (longest first where one ends another).
ORG_END = (
    r"(?:委员会|管委会|联合会|办公室|办事处|人民政府|卫生院|幼儿园|中心|学校|小学|中学|大学|学院|医院|政府|集团|公司|"
    # 校: 中心校, 小学校, 党校.
    r"分局|支队|大队|机关|街道|局|委|厅|院|所|站|队|处|馆|会|部|署|社|台|室|场|司|库|联|协|镇|乡|园|校)"
)
_ORG_END_AT = re.compile(ORG_END + "$")
# After these a word goes on: 部门, 会计, 局长, 中心的 … ("…局部门整体支出" is 局 + 部门, not 局部).
_WORD_GOES_ON = re.compile(r"^(?:门|计|长|员|属|内|外|级|分|办|务|工|议|区|县|市|省|村)")
_NAME_CHARS = r"[\u3400-\u9fff（）()·]"
NAME_MIN_CHARS, NAME_MAX_CHARS = 3, 40
NOT_A_NAME_START = (
    "我", "本", "该", "贵", "各", "全", "其", "由", "经", "从", "对", "向", "在", "为", "是",
    "根据", "按照", "依据", "通过",
)
# Words no unit's name holds: a label or the report's own words inside a run means two cells ran together.
_NOT_IN_NAME = re.compile(
    r"名称|主管部门|实施单位|自评|报告|绩效|整体支出|项目支出|目录|是由|以下简称|下设|负责|位于|隶属|成立|关于|印发|"
    # "平泉市财政局制": the cover's maker of the form.
    r"(?:局|委|厅|办)制"
)
# A unit code before the name in budget systems' exports: "219001-", "51000021R000000019951-".
_UNIT_CODE = re.compile(r"[0-9A-Z]{3,}[-－—]|[\[【(（]\d{2,}[\]】)）]")
# What may stand between a label and its value: a seal note, a colon, a cell separator.
_LABEL_GAP = re.compile(r"\s*(?:" + _OPEN + r"[^）)]{1,4}" + _CLOSE + r")?[\s:：|]*")


def _label(words: str) -> str:
    """A label pattern whose brackets may be full-width or ASCII."""
    return words.replace("（", _OPEN).replace("）", _CLOSE)


# Labels, strongest first (see the module docstring).
LABEL_RANKS: tuple[tuple[str, str], ...] = (
    (
        "unit",
        "|".join(
            map(
                _label,
                (
                    "部门（单位）名称", "单位（部门）名称", "预算部门（单位）名称", "一级预算单位名称",
                    "二级预算单位名称",
                    "级预算单位名称", "预算部门名称", "预算单位名称", "预算部门单位", "部门名称",
                    "项目单位全称", "单位全称", "单位名称", "填报单位", "评价单位", "预算部门", "预算单位",
                    "单位（盖章）",
                    "部门（盖章）",
                ),
            )
        )
        # Bare, only before a colon or a cell separator: "部门（单位）整体支出…" is a title's words.
        + r"|(?<![\u4e00-\u9fff])(?:" + _label("部门（单位）") + r"|部门)(?=\s*[:：|])",
    ),
    ("implementing", _label("实施（主管）单位") + "|项目实施单位|实施单位|项目执行单位|资金使用单位|项目单位|实施主体|"
        "承担单位"),
    # Not 中央主管部门: a ministry.
    ("supervising", r"(?<!中央)(?:项目主管部门|主管部门|主管单位)"),
)
# A project's implementing or supervising unit counts only as a whole name, with its region ("炉霍县卫生健康局");
# an internal section ("禁毒支队") or a ministry ("国家卫生健康委") is not the report's unit.
_REGIONAL_RANKS = frozenset({"implementing", "supervising"})
# The unit's own labels come first; the department above it only when the text names the unit nowhere else.
_OWN_RANKS = frozenset({"unit", "implementing"})
_SUPERVISING_RANKS = frozenset({"supervising"})
_LABEL_RES = tuple((rank, re.compile(f"(?:{pattern})")) for rank, pattern in LABEL_RANKS)
# The next cell of a flattened 自评表: a name running straight into one of these has ended.
_NEXT_CELL = re.compile(
    r"^(?:项目名称|项目资金|资金情况|主管部门|项目主管|实施单位|项目实施|项目单位|填报|填表|联系|项目负责人|负责人|预算编码|"
    r"评价方式|评价机构|报告日期|年初预算|全年预算|年度资金|项目类别|项目属性|项目类型|预算执行|部门预算|绩效|自评|总分|"
    r"评价|年度|编制|预算|单位名称|部门名称|专项|项目概况|基本情况|发布|公开)"
)
# Title words after which the unit's name has ended.
_TITLE_STOPS = re.compile(
    r"(?:19|20)\d\d|20[xX]{2}|年度|关于|部门整体|单位整体|部门[（(]单位[)）]|整体支出|整体绩效|项目支出|部门支出|部门项目|"
    r"财政支出|财政资金|部门预算|预算绩效|支出绩效|绩效自评|绩效评价|绩效目标|自评|专项资金|专项|项目资金|项目绩效|中央|省级|"
    r"转移支付|机关整体|本级|部门绩效|单位项目"
)
_TITLE_PREFIX = re.compile(
    r"^(?:附件\s*[\d一二三四五六七八九十]*\s*[:：]?|\d{1,2}\s*、|标题\s*[:：]|资源描述|文档介绍\s*[:：]?|关于|"
    r"(?:19|20)\d\d\s*年度?|20[xX]{2}\s*年度?)+"
)
_TITLE_WORDS = re.compile(r"自评|评价报告|评价表|评估报告|绩效报告|绩效评价")
TITLE_PARAGRAPHS = 12
_SENTENCE_PUNCT = re.compile("[。，；！？,;!?]")
_CITED = re.compile(r"《[^《》]*》?|<[^<>]*>?")
_SENTENCE_OPENER = re.compile(r"(?:现将|根据|按照|依据|为了|为进一步|为|经|通过|我|本|对|在)")
_FILE_NAME_END = re.compile(r"\.(?:docx?|pdf|xlsx?|wps)(?:_第\d+页)?", re.IGNORECASE)
_LIST_ITEM = re.compile(r"[一二三四五六七八九十]是|[（(]?[一二三四五六七八九十\d]{1,2}[)）、.．]")
TITLE_HEAD_CHARS = 90
TITLE_SEARCH_CHARS = 240
TITLE_WORDS_REACH = 30  # how much of a title may follow its first report word
# A unit's name right before a date: the closing signature ("中江县水利局2022年12月30日").
_SIGNED = re.compile(
    r"(?P<run>" + _NAME_CHARS + r"{3,60}?)\s*(?:[（(](?:公章|盖章|章)[)）])?\s*(?:19|20)\d\d\s*年\s*\d{1,"
        r"2}\s*月\s*\d{1,2}\s*日"
)
# "洪山区卫生和计划生育委员会（以下简称区卫计委）": how a report introduces its unit.
_ABBREVIATED = re.compile(r"[（(]以下简称")
_RUN_BEFORE = re.compile(r"[\u3400-\u9fff]{3,60}$")
# A unit's name under its seal ("…自评报告衡山县妇幼保健计划生育服务中心（盖章）").
_SEALED = re.compile(r"(?P<run>[\u3400-\u9fff]{3,60}?)[（(](?:公章|盖章|签章)[)）]")
# Who published the page: a metadata field normalization kept.
_PUBLISHER = re.compile(r"(?:发布机构|发文机关|发文单位|信息来源|来源)\s*[:：|]\s*")
OPENING_PARAGRAPHS = 8
SUBJECT_PARAGRAPHS = 14
_CLAUSE_START = re.compile(r"(?:^|(?<=[。；;，,]))")
# What follows a unit's name when it is a sentence's subject.
_SUBJECT_FOLLOWS = re.compile(
    r"(?:负责|是|为|主要|作为|成立|始建|于|设|内设|下设|承担|贯彻|坚持|在|的主要|隶属|系|位于|现有|共有|全年|各项|认真|严格|"
    r"按照|根据|组织|对|共|属|机关|本级|[，,。（(：:])"
)
ALONE_MAX_CHARS = 30


@dataclass(frozen=True)
class _Found:
    name: str
    start: int
    end: int
    rule: str


def name_at(text: str, start: int) -> tuple[str, int] | None:
    """The unit's name that starts at `start` (after a unit code), and where it ends; None if none does.

    Of the runs of name characters from `start` that end like a unit's name, the longest that the next
    cell or a non-name character follows; else the longest."""
    code = _UNIT_CODE.match(text, start)
    begin = code.end() if code else start
    window = text[begin : begin + NAME_MAX_CHARS + 1]
    run = re.match(_NAME_CHARS + "+", window)
    if run is None or window.startswith(NOT_A_NAME_START) or _NEXT_CELL.match(window):
        return None
    ends = [
        k
        for k in range(NAME_MIN_CHARS, min(len(run.group(0)), NAME_MAX_CHARS) + 1)
        if _ORG_END_AT.search(window, 0, k)
        and not _WORD_GOES_ON.match(window[k:])
        and not _NOT_IN_NAME.search(window, 0, k)
    ]
    if not ends:
        return None
    bounded = [k for k in ends if k == len(run.group(0)) or _NEXT_CELL.match(window[k:])]
    k = max(bounded or ends)
    return dedupe_repeated_tail(window[:k]), begin + k


def plausible_name(name: str) -> bool:
    """Whether a name read by another rule holds none of the words no unit's name holds."""
    return _NOT_IN_NAME.search(name) is None


def dedupe_repeated_tail(name: str) -> str:
    """ "仲恺高新区经济发展局区经济发展局" -> "仲恺高新区经济发展局": a name followed by a repeat of its
    own ending (a copy-paste slip, a short name appended to the full one, a cell printed twice)."""
    for cut in range(2, len(name) - 2):
        head, tail = name[:cut], name[cut:]
        if len(tail) >= 3 and head.endswith(tail) and _ORG_END_AT.search(head):
            return head
    return name


def _labelled(text: str, ranks: frozenset[str]) -> Iterator[_Found]:
    """Labelled names of the given ranks, the strongest label's first (see LABEL_RANKS)."""
    for rank, pattern in _LABEL_RES:
        if rank not in ranks:
            continue
        for label in pattern.finditer(text):
            gap = _LABEL_GAP.match(text, label.end())
            start = gap.end() if gap else label.end()
            found = name_at(text, start)
            if found is not None and (rank not in _REGIONAL_RANKS or starts_with_region(found[0])):
                yield _Found(found[0], start, found[1], f"department_name:label:{rank}")


def _title_paragraphs(doc: StagedDocument) -> Iterator[tuple[int, str]]:
    """(offset, head) of the opening paragraphs whose head (before any sentence punctuation) has a title's
    words; not a list item ("二是…"). A sharing site's file name runs into the title after it
    ("…报告.docx中国共产主义青年团邵阳市北塔区委员会2021年度…报告"): each is a title of its own."""
    offset = 0
    for count, paragraph in enumerate(doc.text.split("\n")):
        if count >= TITLE_PARAGRAPHS:
            return
        starts = [0] + [m.end() for m in _FILE_NAME_END.finditer(paragraph)]
        # A site's navigation may run into the title on one line: the title is read up to its words.
        words = _TITLE_WORDS.search(paragraph, 0, TITLE_SEARCH_CHARS)
        if words is not None and words.start() > TITLE_HEAD_CHARS - TITLE_WORDS_REACH:
            starts.append(words.start() - TITLE_HEAD_CHARS + TITLE_WORDS_REACH)
        for start in starts:
            head = _SENTENCE_PUNCT.split(paragraph[start : start + TITLE_HEAD_CHARS], maxsplit=1)[0]
            # A cited document's title (《…关于开展…自评工作的通知》) is not this report's.
            uncited = _CITED.sub(lambda m: "·" * len(m.group(0)), head)
            if _TITLE_WORDS.search(uncited) and not _LIST_ITEM.match(head) and not _SENTENCE_OPENER.match(head):
                yield offset + start, uncited
        offset += len(paragraph) + 1


def _from_title(doc: StagedDocument) -> Iterator[_Found]:
    """The unit a title-like paragraph of the opening names between its year and report words (see
    `_title_unit`; "红十字会整体支出…", not "健全现代医院管理制度项目…")."""
    for offset, head in _title_paragraphs(doc):
        prefix = _TITLE_PREFIX.match(head)
        # The unit comes before the report's words; what follows them is another title or the body.
        words = _TITLE_WORDS.search(head)
        head = head[: words.start()] if words else head
        for start, end in _title_parts(head, prefix.end() if prefix else 0):
            found = _title_unit(head[:end], start)
            if found is not None:
                yield _Found(found[0], offset + found[1], offset + found[2], "department_name:title")
                break


def _title_parts(head: str, start: int) -> Iterator[tuple[int, int]]:
    """The stretches of a title between its year and report words ("扫码登录2019年度湖北省红十字会绩效评价…":
    the unit may follow the year)."""
    for stop in _TITLE_STOPS.finditer(head, start):
        if stop.start() > start:
            yield start, stop.start()
        start = stop.end()
    if start < len(head):
        yield start, len(head)


# How far into a title a name starting with a region is looked for when the title does not start with one.
TITLE_LEAD_CHARS = 4


def _title_unit(part: str, start: int) -> tuple[str, int, int] | None:
    """The unit one stretch of a title names: the name it starts with when it runs to the stretch's end, else
    the longest name ending there that starts with a region, else the name it starts with if that starts
    with a region ("天长市水利局水旱灾害防御股…"), else such a name a few characters in."""
    found = name_at(part, start)
    if found is not None and found[1] == len(part):
        return found[0], start, found[1]
    tail = _regional_tail(part[start:])
    if tail is not None:
        return tail, len(part) - len(tail), len(part)
    if found is not None and starts_with_region(found[0]):
        return found[0], start, found[1]
    # A site's word run into the title ("热点保山市广播电视台…项目绩效自评报告"): a name a few characters in that
    # starts with a region.
    for k in range(start + 1, min(len(part), start + TITLE_LEAD_CHARS + 1)):
        found = name_at(part, k)
        if found is not None and starts_with_region(found[0]):
            return found[0], k, found[1]
    return None


def _alone_or_signed(doc: StagedDocument) -> Iterator[_Found]:
    """A paragraph of the opening that is a unit's name alone; a unit's name under its seal or before a date."""
    offset = 0
    for count, paragraph in enumerate(doc.text.split("\n")):
        if count < OPENING_PARAGRAPHS and len(paragraph) <= ALONE_MAX_CHARS:
            found = name_at(paragraph, 0)
            if found is not None and found[1] == len(paragraph) and starts_with_region(found[0]):
                yield _Found(found[0], offset, offset + found[1], "department_name:alone")
        offset += len(paragraph) + 1
    for sealed in _SEALED.finditer(doc.text):
        found = _regional_tail(sealed.group("run"))
        if found is not None:
            end = sealed.start("run") + len(sealed.group("run"))
            yield _Found(found, end - len(found), end, "department_name:sealed")
    for signed in _SIGNED.finditer(doc.text):
        found = _regional_tail(signed.group("run"))
        if found is not None:
            end = signed.start("run") + len(signed.group("run"))
            yield _Found(found, end - len(found), end, "department_name:signature")


def _regional_tail(run: str) -> str | None:
    """The longest end of `run` that is a unit's name starting with a region ("…自评表中江县水利局")."""
    for k in range(max(0, len(run) - NAME_MAX_CHARS), len(run) - NAME_MIN_CHARS + 1):
        tail = run[k:]
        found = name_at(tail, 0)
        if found is not None and found[1] == len(tail) and starts_with_region(tail):
            return tail
    return None


def _introduced(text: str) -> Iterator[_Found]:
    """A unit's name right before "（以下简称…）", the longest such that starts with a region."""
    for mark in _ABBREVIATED.finditer(text):
        run = _RUN_BEFORE.search(text, max(0, mark.start() - 60), mark.start())
        found = _regional_tail(run.group(0)) if run else None
        if found is not None:
            yield _Found(found, mark.start() - len(found), mark.start(), "department_name:introduced")


def _subject(doc: StagedDocument) -> Iterator[_Found]:
    """A regional unit's name opening a clause of the first body paragraphs and followed by what a subject is
    followed by ("衡山县供销合作社联合社成立于1951年", "…文件精神，临河区医疗保障局贯彻落实…")."""
    for count, (offset, paragraph) in enumerate(_body_paragraphs(doc.text)):
        if count >= SUBJECT_PARAGRAPHS:
            return
        for clause in _CLAUSE_START.finditer(paragraph):
            found = name_at(paragraph, clause.end())
            if found is None or not starts_with_region(found[0]) or not _SUBJECT_FOLLOWS.match(paragraph, found[1]):
                continue
            yield _Found(found[0], offset + clause.end(), offset + found[1], "department_name:subject")


def _body_paragraphs(text: str) -> Iterator[tuple[int, str]]:
    offset = 0
    for paragraph in text.split("\n"):
        if paragraph:
            yield offset, paragraph
        offset += len(paragraph) + 1


def _published_by(text: str) -> Iterator[_Found]:
    for label in _PUBLISHER.finditer(text):
        found = name_at(text, label.end())
        if found is not None:
            yield _Found(found[0], label.end(), found[1], "department_name:publisher")


def department_name_candidates(doc: StagedDocument, before_publisher: Callable[[], Hit | None]) -> Iterator[Hit]:
    """Every place the text names its unit, the most reliable first (see the module docstring);
    `before_publisher` is asked for the body's own reading (identity.py) before the publisher is tried."""
    sources = (
        _labelled(doc.text, _OWN_RANKS),
        _from_title(doc),
        _alone_or_signed(doc),
        _introduced(doc.text),
        _subject(doc),
        _labelled(doc.text, _SUPERVISING_RANKS),
    )
    for source in sources:
        for found in source:
            yield _hit(doc, found)
    body = before_publisher()
    if body is not None:
        yield body
    for found in _published_by(doc.text):
        yield _hit(doc, found)


def _hit(doc: StagedDocument, found: _Found) -> Hit:
    return Hit("department_name", found.name, doc.text[found.start : found.end], found.start, found.end, found.rule)
