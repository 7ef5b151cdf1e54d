"""Who wrote the report and about what: title, report type, department, region, cover-block fields
(填报人 / 联系电话 / 填报日期), fiscal and title year, staff counts.

Patterns are data (the tables below); the functions match them against the staging text and return
`Hit`s whose offsets are staging offsets, so every value has evidence.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from perf_etl.extract.department_name import dedupe_repeated_tail, department_name_candidates, plausible_name
from perf_etl.extract.hits import Hit
from perf_etl.extract.money_labels import alternation_matches
from perf_etl.extract.regions import (
    is_region_sequence,
    leading_region,
    region_of_name,
    region_of_text,
    starts_with_region,
)
from perf_etl.ingest.fiscal_year import detect_years
from perf_etl.models import StagedDocument
from perf_etl.text.numbers import cn2an_number

# ----------------------------------------------------------------------------- tables

# Cover-block labels per field ("部门名称：…"). Longest first so 部门（单位）名称 beats 部门.
COVER_LABELS: dict[str, tuple[str, ...]] = {
    "department_name": (
        "部门（单位）名称",
        "单位（部门）名称",
        "预算部门名称",
        "预算单位名称",
        "部门名称",
        "单位名称",
        "填报单位",
        "预算部门",
        "预算单位",
        "评价单位",
        # A project report names the department that owns or carries out the project.
        "项目主管部门",
        "主管部门",
        "项目实施单位",
        "实施单位",
        "项目单位",
    ),
    "filler_name": ("填报人员", "填报人", "填表人", "经办人"),
    # Not bare 电话: the body quotes hotlines ("举报电话：12345").
    "contact_phone": ("联系电话", "联系方式", "办公电话"),
    "fill_date": ("填报日期", "填表日期", "填报时间", "报送日期"),
}
# Words a report title contains.
TITLE_WORDS = re.compile(r"自评(?:价)?报告|自评表|自我评价报告|绩效评价报告|绩效自评")
TITLE_MAX_CHARS = 90
# How far into the text the title is looked for when no outline heading bounds the preamble.
PREAMBLE_MAX_CHARS = 1500
# report_type from the title (else the opening text): first matching row wins.
REPORT_TYPES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("department_overall", re.compile(r"(?:部门|单位)整体|整体支出|部门(?:财政)?支出绩效|部门绩效自评")),
    # A project's own report: "…项目支出绩效单位自评报告", "…转移支付2023年度绩效自评报告", "…补助资金…绩效自评".
    ("project", re.compile(
        r"项目(?:支出)?(?:绩效)?(?:[\u4e00-\u9fff]{0,2}自评|自我评价|评价)|项目绩效|(?:专项资金|转移支付|专项)[^，。]{0,12}?绩效"
        r"|(?:项目|资金|经费|工程)[^，。]{0,16}?绩效(?:自评|评价)")),
)
REPORT_TYPE_TEXT_CHARS = 600
# Where a department name ends inside a title: the report words that follow it.
TITLE_NAME_STOPS = re.compile(
    r"关于|\d{4}年|部门整体|单位整体|整体支出|项目支出|部门支出|部门财政|财政支出|部门预算|"
    r"预算绩效|支出绩效|绩效自评|绩效评价|自评报告|年度"
)
# Words an organisation name ends with. Broad list for validating a name found in a labelled place.
ORG_SUFFIX = re.compile(
    r"(?:局|委员会|管委会|委|中心|办公室|办事处|办|厅|院|所|站|队|处|馆|会|部|署|集团|公司|政府|学校|"
    r"小学|中学|幼儿园|医院|大学|学院|园|社|台|室|场|司|库|组|馆|校)$"
)
# Narrow list for spotting a name that starts a body sentence ("XX局负责…").
SUBJECT_SUFFIX = r"(?:局|委员会|管委会|中心|办公室|办事处|厅|院|所|站|队|馆|政府|集团|公司|学校|医院)"
SUBJECT_VERBS = r"(?:负责|是|为|主要|作为|成立|于|设|内设|承担|贯彻|坚持|在|的主要|，|。|（|\(|：|:)"
SUBJECT_NAME = re.compile(rf"(?P<name>[\u4e00-\u9fff]{{2,40}}?{SUBJECT_SUFFIX})(?={SUBJECT_VERBS})")
NOT_A_NAME_START = ("我", "本", "该", "贵", "各", "全", "其", "由", "经", "从", "对", "向")
SUBJECT_PARAGRAPHS = 12  # how many body paragraphs are searched for a sentence naming the unit
SEAL = re.compile(r"[（(]\s*(?:公章|盖章|章|签章|印章)\s*[)）]|公章|盖章")
NAME_JUNK_PREFIX = re.compile(r"^(?:附件\s*[\d一二三四五六七八九十]*\s*[:：]?|关于)")
NAME_JUNK_SUFFIX = re.compile(r"(?:\d{4}\s*年度?|年度|关于|[，。、：:；;\s])+$")
LEVEL_CHARS = "省市州县区旗盟"
DISTRICT_CHARS = "区县旗"
UPPER_LEVEL_CHARS = "省市州盟"
FULLER_PREFIX_MAX = 12  # characters of region names that may precede a truncated name

PHONE = re.compile(r"[(（]?\d[\d\-－—–()（）\s]{5,}\d")
DATE_ARABIC = re.compile(r"(\d{4})\s*[.\-/年．]\s*(\d{1,2})\s*[.\-/月．]\s*(\d{1,2})\s*日?")
_CN_NUM = "〇零○Ｏ一二两三四五六七八九十"
DATE_CHINESE = re.compile(rf"([{_CN_NUM}]{{4}})\s*年\s*([{_CN_NUM}]{{1,3}})\s*月\s*([{_CN_NUM}]{{1,3}})\s*日")
PERSON_NAME = re.compile(r"[\u4e00-\u9fff·]{2,6}|[A-Za-z][A-Za-z .]{1,30}")

# Staff counts: "编制…25人", "实有在职人员为23人". A count is a number followed by 人/名.
_COUNT = r"(?P<num>\d{1,5}|[零一二两三四五六七八九十百千]{1,6})\s*(?:人|名)"
_AUTHORIZED_COUNT = rf"(?:人员编制|编制)(?!外)[^，。；;,\d实]{{0,14}}?(?:为|共|合计|总数|是|:|：)?\s*{_COUNT}"
# Each field's pattern as the alternatives of one alternation, each starting with a literal (see
# alternation_matches): a staff category ("行政编制…"), or none.
STAFF_PATTERNS: dict[str, tuple[re.Pattern[str], ...]] = {
    "staff_authorized": (
        re.compile(rf"(?P<cat>行政|事业|工勤|参公|机关|全额拨款|财政补助){_AUTHORIZED_COUNT}"),
        re.compile(_AUTHORIZED_COUNT),
    ),
    "staff_actual": (
        re.compile(
            rf"(?:实有|实际在(?:职|编)|在职在编|在编在岗|在岗在编)[^，。；;,\d]{{0,12}}?(?:为|共|合计|是|:|：)?\s*{_COUNT}"
        ),
    ),
}


# ----------------------------------------------------------------------------- helpers


def _hit(doc: StagedDocument, field: str, value: object, start: int, end: int, rule: str) -> Hit:
    return Hit(field=field, value=value, raw_text=doc.text[start:end], char_start=start, char_end=end, rule=rule)


def _paragraphs(text: str) -> Iterator[tuple[int, str]]:
    """(start offset, paragraph) for each "\n"-separated paragraph."""
    offset = 0
    for paragraph in text.split("\n"):
        yield offset, paragraph
        offset += len(paragraph) + 1


def preamble_end(doc: StagedDocument) -> int:
    """Where the cover block ends: the first outline heading, within PREAMBLE_MAX_CHARS."""
    first = doc.sections[0].char_start if doc.sections else len(doc.text)
    return min(first, PREAMBLE_MAX_CHARS) if first > 0 else min(len(doc.text), PREAMBLE_MAX_CHARS)


# Labels that a flattened table cell gives without a colon ("主管部门XX局实施单位XX局"); without the
# colon the value must read as an organisation name by itself (see _label_name).
NO_COLON_LABELS = ("项目主管部门", "主管部门", "项目实施单位", "实施单位")
# A labelled name longer than this is a sentence that happens to end in 局/中心, not a name.
NAME_MAX_CHARS = 40


def _label_regexes() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """A cover label and its colon, or a bare label: the alternatives of one alternation (alternation_matches)."""
    labels = sorted({label for group in COVER_LABELS.values() for label in group}, key=len, reverse=True)
    bare = "|".join(map(re.escape, NO_COLON_LABELS))
    return (
        # "单位名称（盖章）：" — a seal note may sit between label and colon.
        re.compile(r"(?P<label>" + "|".join(map(re.escape, labels)) + r")\s*(?:[（(][^）)]{1,4}[)）])?\s*[：:]\s*"),
        # Bare: only right before an organisation name that ends at a non-CJK character or the next cell.
        re.compile(
            r"(?P<label>"
            + bare
            + r")(?=[\u4e00-\u9fff]{2,30}?"
            + SUBJECT_SUFFIX
            + r"(?:[^\u4e00-\u9fff]|$|项目|"
            + bare
            + r"))"
        ),
    )


_LABEL_RES = _label_regexes()
_FIELD_OF_LABEL = {label: field for field, labels in COVER_LABELS.items() for label in labels}


def cover_values(doc: StagedDocument) -> dict[str, tuple[int, int, int]]:
    """For each cover field found: (label start, value start, value end). A value runs to the next
    label or the end of its paragraph; the first occurrence of a field wins."""
    text = doc.text
    matches = list(alternation_matches(_LABEL_RES, text))
    found: dict[str, tuple[int, int, int]] = {}
    for i, m in enumerate(matches):
        field = _FIELD_OF_LABEL[m.group("label")]
        if field in found:
            continue
        line_end = text.find("\n", m.end())
        end = len(text) if line_end < 0 else line_end
        if i + 1 < len(matches):
            end = min(end, matches[i + 1].start())
        start, end = m.end(), end
        while end > start and text[end - 1] in " ，,；;。":
            end -= 1
        found[field] = (m.start(), start, end)
    return found


def _starts_with_label(paragraph: str) -> bool:
    return any(pattern.match(paragraph) for pattern in _LABEL_RES)


# ----------------------------------------------------------------------------- title and type


def title_hit(doc: StagedDocument) -> Hit | None:
    """The report title: the first cover paragraph with report words (自评报告 / 自评表 …)."""
    limit = preamble_end(doc)
    for start, paragraph in _paragraphs(doc.text):
        if start >= limit:
            break
        if TITLE_WORDS.search(paragraph) and len(paragraph) <= TITLE_MAX_CHARS and not _starts_with_label(paragraph):
            prefix = NAME_JUNK_PREFIX.match(paragraph)
            skip = prefix.end() if prefix and paragraph.startswith("附件") else 0
            return _hit(doc, "report_title", paragraph[skip:].strip(), start + skip, start + len(paragraph), "title")
    return None


def report_type_hit(doc: StagedDocument, title: Hit | None) -> Hit | None:
    """department_overall | project, from the title, else the opening text."""
    if title is not None:
        for value, pattern in REPORT_TYPES:
            m = pattern.search(doc.text, title.char_start, title.char_end)
            if m:
                return _hit(doc, "report_type", value, m.start(), m.end(), f"report_type:title:{value}")
    for value, pattern in REPORT_TYPES:
        m = pattern.search(doc.text, 0, min(len(doc.text), REPORT_TYPE_TEXT_CHARS))
        if m:
            return _hit(doc, "report_type", value, m.start(), m.end(), f"report_type:text:{value}")
    return None


# ----------------------------------------------------------------------------- department name


def clean_department_name(raw: str) -> str | None:
    """The name without seals, whitespace, 附件/关于 prefixes, trailing years and repeated tails."""
    name = re.sub(r"\s+", "", SEAL.sub("", raw))
    name = NAME_JUNK_PREFIX.sub("", name)
    name = NAME_JUNK_SUFFIX.sub("", name)
    name = dedupe_repeated_tail(name)
    if len(name) < 3 or not ORG_SUFFIX.search(name):
        return None
    return name


def _name_span(doc: StagedDocument, name: str, start: int, end: int) -> tuple[int, int]:
    """The span of `name` inside [start, end) when it is there verbatim, else the whole window."""
    pos = doc.text.find(name, start, end)
    return (pos, pos + len(name)) if pos >= 0 else (start, end)


def _label_name(doc: StagedDocument, cover: dict[str, tuple[int, int, int]]) -> Hit | None:
    if "department_name" not in cover:
        return None
    label_start, start, end = cover["department_name"]
    name = clean_department_name(doc.text[start:end])
    if name is None and doc.text[start:end].strip() == "":
        # "部门名称：" with the name alone on the next line of the cover block.
        next_end = doc.text.find("\n", end + 1)
        next_end = len(doc.text) if next_end < 0 else next_end
        following = doc.text[end + 1 : next_end]
        if len(following) <= 40 and not any(pattern.search(following) for pattern in _LABEL_RES):
            name = clean_department_name(following)
            end = next_end
    if name is None or len(name) > NAME_MAX_CHARS:
        return None
    return _hit(doc, "department_name", name, label_start, end, "department_name:label")


def _title_name(doc: StagedDocument, title: Hit | None) -> Hit | None:
    if title is None:
        return None
    text = NAME_JUNK_PREFIX.sub("", title.value)
    text = re.sub(r"^\d{4}年度?", "", text)
    text = re.sub(r"^关于", "", text)
    stop = TITLE_NAME_STOPS.search(text)
    name = clean_department_name(text[: stop.start()] if stop else "")
    if name is None:
        return None
    s, e = _name_span(doc, name, title.char_start, title.char_end)
    return _hit(doc, "department_name", name, s, e, "department_name:title")


def _bare_district(name: str) -> bool:
    """Whether `name` starts with a county-level division alone ("七里河区应急管理局"): its city is missing."""
    found = leading_region(name)
    if found is None:
        return False
    prefix = name[: len(name) - len(found[1])]
    return prefix[-1] in DISTRICT_CHARS and not any(c in prefix for c in UPPER_LEVEL_CHARS)


def fuller_name_hit(doc: StagedDocument, short: Hit) -> Hit | None:
    """A body mention of `short` preceded by region names: "区投资促进中心" in the title, "广州市番禺区投资
    促进中心" in the body. Only for names that do not start with a region, or start with a district
    alone (the body's "XX市七里河区…" names the city too)."""
    name = short.value
    if starts_with_region(name) and not _bare_district(name):
        return None
    best: tuple[int, int] | None = None
    for m in re.finditer(re.escape(name), doc.text):
        prefix = _region_prefix(doc.text, m.start(), name)
        if prefix and (best is None or prefix > best[1] - best[0] - len(name)):
            best = (m.start() - prefix, m.end())
    if best is None:
        return None
    start, end = best
    return _hit(doc, "department_name", doc.text[start:end], start, end, "department_name:body_full_name")


def _region_prefix(text: str, pos: int, name: str) -> int:
    """How many characters before `pos` are region names completing `name` (0 if none)."""
    level = name[0] if name[0] in LEVEL_CHARS else ""
    longest = 0
    for k in range(1, FULLER_PREFIX_MAX + 1):
        if pos - k < 0:
            break
        candidate = text[pos - k : pos]
        if not re.fullmatch(r"[\u4e00-\u9fff]+", candidate):
            break
        if is_region_sequence(candidate + level):
            longest = k
    return longest


def _subject_name(doc: StagedDocument) -> Hit | None:
    """A name that opens one of the first body sentences ("XX局负责工业和信息化…")."""
    limit = preamble_end(doc)
    seen = 0
    for start, paragraph in _paragraphs(doc.text):
        if start < limit or not paragraph:
            continue
        seen += 1
        if seen > SUBJECT_PARAGRAPHS:
            break
        for sentence_start in [0] + [m.end() for m in re.finditer("[。；]", paragraph)]:
            m = SUBJECT_NAME.match(paragraph, sentence_start)
            if m and not m.group("name").startswith(NOT_A_NAME_START):
                name = clean_department_name(m.group("name"))
                if name and plausible_name(name):
                    s = start + m.start("name")
                    return _hit(doc, "department_name", name, s, s + len(m.group("name")), "department_name:subject")
    return None


def department_name_hit(doc: StagedDocument, title: Hit | None, cover: dict[str, tuple[int, int, int]]) -> Hit | None:
    """The first name department_name.py finds (labelled cell, title, a name alone or signed), else the
    cover label of the old cover-block reading, else the first body sentence's subject, else the page's
    publisher; a fuller body form of a name that starts with no region ("区投资促进中心")."""
    candidates = department_name_candidates(doc, before_publisher=lambda: _label_name(doc, cover) or _subject_name(doc))
    found = next(candidates, None)
    if found is None:
        return None
    return fuller_name_hit(doc, found) or found


# ----------------------------------------------------------------------------- region


def region_hit(doc: StagedDocument, name: Hit | None, title: Hit | None) -> Hit | None:
    """Province/city/district of the department name, else of the title, else of the text."""
    for source in (name, title):
        if source is None:
            continue
        region = region_of_name(str(source.value))
        if region is not None and region.path():
            return _hit(doc, "region", region.path(), source.char_start, source.char_end, "region:cpca_name")
    found = region_of_text(doc.text)
    if found is None:
        return None
    region, start, end = found
    return _hit(doc, "region", region.path(), start, end, "region:cpca_text_majority")


# ----------------------------------------------------------------------------- cover fields


# OCR reads 1 as l/I and 0 as O/o; inside a date, next to a digit or a date separator, no word is meant.
_DATE_ONE = re.compile(r"(?<=[\d.\-/年月])[lI]|[lI](?=[\d.\-/年月日])")
_DATE_ZERO = re.compile(r"(?<=[\d.\-/年月])[Oo]|[Oo](?=[\d.\-/年月日])")


def parse_date(raw: str) -> str | None:
    """ISO date from 2021.3.31 / 2021年3月31日 / 2021-03-31 / 二〇二一年三月三十一日 (OCR l/O for 1/0 read
    as digits)."""
    raw = _DATE_ZERO.sub("0", _DATE_ONE.sub("1", raw))
    m = DATE_ARABIC.search(raw)
    if m:
        parts = [int(g) for g in m.groups()]
    else:
        m = DATE_CHINESE.search(raw)
        if not m:
            return None
        year = "".join(str(cn2an_number(c, "smart")) if c not in "〇零○Ｏ" else "0" for c in m.group(1))
        parts = [int(year), int(cn2an_number(m.group(2), "smart")), int(cn2an_number(m.group(3), "smart"))]
    try:
        return date(parts[0], parts[1], parts[2]).isoformat()
    except ValueError:
        return None


def normalize_phone(raw: str) -> str | None:
    """Digits and dashes: "（0752）3278773" -> "0752-3278773"; None without 7+ digits."""
    m = PHONE.search(raw)
    if not m:
        return None
    phone = re.sub(r"^[(（](\d+)[)）]\s*", r"\1-", m.group(0).strip())
    phone = re.sub(r"[－—–]", "-", phone)
    phone = re.sub(r"[^\d-]", "", phone).strip("-")
    return phone if sum(c.isdigit() for c in phone) >= 7 else None


def _cover_hit(doc: StagedDocument, cover: dict[str, tuple[int, int, int]], field: str) -> Hit | None:
    if field not in cover:
        return None
    label_start, start, end = cover[field]
    raw = doc.text[start:end]
    value: str | None
    if field == "fill_date":
        value = parse_date(raw)
    elif field == "contact_phone":
        value = normalize_phone(raw)
    else:
        m = PERSON_NAME.match(raw.strip())
        value = m.group(0).strip() if m else None
    if not value:
        return None
    return _hit(doc, field, value, label_start, end, f"{field}:label")


# ----------------------------------------------------------------------------- years and staff


def year_hits(doc: StagedDocument) -> list[Hit]:
    """fiscal_year and title_year from the ingest helper's detector, run on the staging text so the
    spans are staging offsets. A fiscal year decided at ingest (e.g. from the landing folder) that
    the text does not state keeps its value, with an empty span and rule ingest:fiscal_year."""
    detection = detect_years(doc.text)
    hits: list[Hit] = []
    fiscal = doc.fiscal_year if doc.fiscal_year is not None else detection.fiscal_year
    span = detection.fiscal_span
    if fiscal is not None:
        if span is not None and detection.fiscal_year == fiscal:
            hits.append(Hit("fiscal_year", fiscal, span.raw_text, span.char_start, span.char_end, span.rule))
        else:
            hits.append(Hit("fiscal_year", fiscal, "", 0, 0, "ingest:fiscal_year"))
    tspan = detection.title_span
    if detection.title_year is not None and tspan is not None:
        hits.append(
            Hit("title_year", detection.title_year, tspan.raw_text, tspan.char_start, tspan.char_end, tspan.rule)
        )
    return hits


def _count(raw: str) -> int | None:
    if raw.isdigit():
        return int(raw)
    try:
        return int(cn2an_number(raw, "smart"))
    except (ValueError, KeyError):
        return None


def staff_hits(doc: StagedDocument) -> list[Hit]:
    """staff_authorized / staff_actual. Several category figures without a total ("行政编制5名，事业
    编制10名") are summed, since the authorized staff of a department is their sum."""
    hits: list[Hit] = []
    for field, alternatives in STAFF_PATTERNS.items():
        matches = [m for m in alternation_matches(alternatives, doc.text) if _count(m.group("num")) is not None]
        if not matches:
            continue
        plain = [m for m in matches if not m.groupdict().get("cat")]
        if plain:
            m = plain[0]
            hits.append(_hit(doc, field, _count(m.group("num")), m.start(), m.end(), f"{field}:label"))
            continue
        by_category: dict[str, re.Match[str]] = {}
        for m in matches:
            by_category.setdefault(m.group("cat"), m)
        chosen = list(by_category.values())
        total = sum(_count(m.group("num")) or 0 for m in chosen)
        rule = f"{field}:sum_of_categories" if len(chosen) > 1 else f"{field}:category"
        hits.append(_hit(doc, field, total, chosen[0].start(), chosen[-1].end(), rule))
    return hits


# ----------------------------------------------------------------------------- project name

# 项目名称 and the project it names, up to the table's next cell or label ("项目名称 | X |", "项目名称：X",
# "项目名称\nX", run together "项目名称X主管部门…").
_PROJECT_LABEL = re.compile(
    r"项目名称\s*[:：|\t]?\s*(?:\|\s*)?(?P<name>[^|\t\n]{2,60}?)"
    r"(?=\s*(?:[|\t\n]|\s\s|主管部门|主管单位|项目主管|实施单位|项目实施|项目负责人|项目单位|预算单位|$))"
)
# A value after 项目名称 that is a column header, not a project ("项目名称 | 预算数 | 执行数").
_PROJECT_HEADER_WORDS = re.compile(r"预算|执行|金额|资金来源|分值|得分|指标|万元|序号|备注|合计|单位|年度")
# A 自评表's header: 主管部门 / 实施单位 close after its 项目名称.
_TABLE_HEADER_AFTER = re.compile(r"主管部门|实施单位|项目单位|预算单位")
_TABLE_HEADER_REACH = 200
# How far into a report (or after a title) its 项目名称 is looked for.
NAME_REACH = 400


@dataclass(frozen=True)
class ProjectName:
    """A project's name as a 项目名称 label gives it, and where in the text."""

    text: str
    start: int
    end: int


def project_labels(text: str, start: int, end: int, *, table_header: bool = False) -> Iterator[ProjectName]:
    """The projects 项目名称 labels between `start` and `end` name, column headers left out; with
    `table_header`, only labels a 自评表 header follows (主管部门 / 实施单位 right after)."""
    for found in _PROJECT_LABEL.finditer(text, start, end):
        name = found.group("name").strip()
        if len(name) < 2 or _PROJECT_HEADER_WORDS.match(name):
            continue
        if table_header and not _TABLE_HEADER_AFTER.search(text, found.end(), found.end() + _TABLE_HEADER_REACH):
            continue
        at = found.start("name") + found.group("name").index(name)
        yield ProjectName(name, at, at + len(name))


def first_project_label(text: str, start: int, end: int) -> ProjectName | None:
    return next(project_labels(text, start, end), None)


def project_name_hit(doc: StagedDocument, report_type: Hit | None) -> Hit | None:
    """A project report's 项目名称 in its opening (an overall report names no project of its own)."""
    if report_type is None or report_type.value != "project":
        return None
    found = first_project_label(doc.text, 0, min(len(doc.text), NAME_REACH))
    if found is None:
        return None
    return _hit(doc, "project_name", found.text, found.start, found.end, "project_name:label")


# ----------------------------------------------------------------------------- entry point


def extract_identity_hits(doc: StagedDocument) -> list[Hit]:
    """At most one Hit per identity field, each with staging offsets."""
    cover = cover_values(doc)
    title = title_hit(doc)
    name = department_name_hit(doc, title, cover)
    report_type = report_type_hit(doc, title)
    candidates = [
        title,
        report_type,
        project_name_hit(doc, report_type),
        name,
        region_hit(doc, name, title),
        _cover_hit(doc, cover, "filler_name"),
        _cover_hit(doc, cover, "contact_phone"),
        _cover_hit(doc, cover, "fill_date"),
        *year_hits(doc),
        *staff_hits(doc),
    ]
    return [hit for hit in candidates if hit is not None]
