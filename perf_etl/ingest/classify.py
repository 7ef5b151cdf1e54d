"""Is this text a performance self-evaluation report, and is its text layer usable at all?

Both run on the raw extracted text, before normalization, so both tolerate line breaks inside words by
looking at the text with whitespace removed.
"""

from __future__ import annotations

import re

from perf_etl.models import PageText
from perf_etl.normalize.chrome import strip_chrome
from perf_etl.normalize.compact import squeeze
from perf_etl.normalize.outline import match_marker
from perf_etl.normalize.simplified import to_simplified
from perf_etl.normalize.text import repair_line

# --- is it a self-evaluation report? -------------------------------------------------------------------
# A document says what it is in its title, and Chinese titles end with the kind of document: "…部门整体
# 支出绩效自评报告", "…实施细则", "…的通知", "…2023年部门决算". The title is looked for in the first lines
# after the site chrome, and the kind that ends last in it decides. Kinds of the genre:
_REPORT_KINDS = re.compile(
    r"自评.{0,10}?(?:报告|表|情况|总结)|自我评价报告|(?:整体|项目)支出绩效自评|绩效自评|评价自评"
    r"|(?:部门|单位|机关)?整体(?:支出)?绩效(?:评价)?(?:报告|表)|(?:部门|单位|机关)整体支出绩效"
    # A unit's own 绩效评价报告 (a third party's names its evaluator: _THIRD_PARTY_EVALUATOR).
    r"|绩效(?:评价|评估)(?:报告|表)|绩效评价$"
)
# Kinds of the pages that sit beside the reports, each with what to call it in the rejection message.
_OTHER_KINDS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("a notice or letter (通知 / 函 / 通报)", re.compile(
        r"的(?:通知|函|批复|决定|意见|通报)|^关于.{0,60}(?:通知|函|批复|通报)|(?:结果|情况)(?:的)?(?:通报|公告|公示)$")),
    ("rules or guidance (办法 / 细则 / 方案)", re.compile(
        r"(?:管理|实施|暂行|评价|考核)?(?:办法|细则|规程|指引|指南|方案|规定|制度)(?:[（(].{0,12}[)）])?$"
        r"|(?:指标体系|评分标准|评价标准)(?:[（(].{0,12}[)）])?$")),
    ("a budget or final-accounts disclosure (预算 / 决算公开)", re.compile(
        r"(?:部门|单位|机关)?(?:预算|决算)(?:公开|信息公开|报告|说明|草案|情况说明|表)?(?:[（(].{0,12}[)）])?$"
        r"|预决算|(?:预算|决算)(?:公开|信息公开)")),
    ("a work summary or plan (工作总结 / 工作报告)", re.compile(
        r"(?:工作|年度|述职|履职)(?:总结|报告|计划|要点|情况)(?:[（(].{0,12}[)）])?$")),
    ("a performance-target form (绩效目标申报表 / 绩效目标表)", re.compile(r"绩效目标(?:申报)?(?:表|书)?(?:[（(].{0,12}[)）])?$")),
    ("a third-party evaluation (第三方)", re.compile(r"第三方|委托.{0,20}(?:事务所|公司|机构)")),
)
# A title line is short; a longer line is a sentence, whose words are the body's.
_TITLE_MAX_CHARS = 90
# How many lines of the opening hold the title (after chrome, which can be long).
_TITLE_LINES = 40
# Where the head of a line ends: a title holds no sentence punctuation (a colon it may: "附件2：…").
_SENTENCE_END = re.compile("[。，；！？,;!?]")
# A long line (a title run into the body by a flattening site) is a title only in its first characters.
_LONG_LINE_HEAD = 40
# Menu items of a site ("• 预决算与三公经费") name the site's sections, not the page.
_MENU_BULLETS = "•·▪◆■●>》-*"
# A table of contents' line: a Word field code or dots before a page number.
_CONTENTS_LINE = re.compile(r"PAGEREF|_Toc\d|[.…·]{4,}\s*\d{1,3}\s*$")
# Cited documents (《…的通知》) and brackets after the kind (（2023年度）) are not the title's own kind.
_CITED = re.compile(r"《[^》]*》")
_TRAILING = re.compile(r"(?:[（(][^（()）]{0,20}[)）]|\.(?:pdf|docx?|xlsx?|wps)|[\d年度\-—:：、|]+)+$", re.IGNORECASE)
# The 自评表 templates (national and provincial) name themselves in their header rows, and their money
# block has these columns.
_TEMPLATE_HEADINGS = re.compile(r"(?:项目支出|部门整体支出|整体支出|部门整体)绩效(?:自评|评价)表|绩效自评表|自评表")
_MONEY_COLUMNS = re.compile(r"年初预算数|全年预算数|调整后预算数|全年执行数|预算数[（(]?A[)）]?|执行数[（(]?B[)）]?|执行率")
_MIN_MONEY_COLUMNS = 3
# A third-party evaluation names its evaluator: 评价机构 / 评价单位 a firm, not the unit itself.
_THIRD_PARTY_EVALUATOR = re.compile(r"(?:评价机构|评价单位|第三方机构)[:：]?[^，。\n]{0,30}?(?:事务所|咨询|评估|有限公司|有限责任公司)")
# Words of the genre's body. A text without a recognisable title (cover page lost, starts in the
# 自评表) still counts when it uses enough of them, one of them a self-evaluation word.
_SELF_EVALUATION_WORDS = ("绩效自评", "自评结论", "自评得分", "自评分", "自评等级", "自评表", "自评报告", "自评总分")
_GENRE_WORDS = (
    "整体支出",
    "部门整体收支",
    "预算执行率",
    "绩效目标",
    "存在的问题",
    "存在的主要问题",
    "改进措施",
    "下一步",
    "基本情况",
    "综合评价",
    "绩效指标",
    "年度资金总额",
    "全年执行数",
)
_MIN_GENRE_WORDS = 3

# Garbage text layers. A real Chinese report is mostly CJK: fewer than half of its letters being CJK
# means mojibake, a Latin-only font map, or another language. Below this many CJK characters there is
# too little text to be a report (a scan with an OCR'd header, a cover page only).
_MIN_CJK_SHARE_OF_LETTERS = 0.5
_MIN_CJK_CHARS = 100
# (cid:123) runs come from fonts without a Unicode map; control, private-use and replacement characters
# from broken ones. A few are tolerable (a symbol font for bullets); more than this share of glyphs is not.
_MAX_BROKEN_GLYPH_SHARE = 0.05
# A page with fewer letters than this is judged by its broken glyphs only (a short table page, a page of
# figures): its share of Chinese letters says nothing.
_MIN_PAGE_LETTERS = 10
_CID = re.compile(r"\(cid:\d+\)")
# Broken characters: control (Cc, except the line and page breaks \t \n \v \f \r), surrogate (Cs),
# private-use (Co) and the replacement character. _BROKEN_VISIBLE_CHAR leaves out the Cc characters that
# are whitespace (\x1c-\x1f, \x85), for counts among visible characters.
_BROKEN_CHAR = re.compile(
    "[\x00-\x08\x0e-\x1f\x7f-\x9f\ud800-\udfff\ue000-\uf8ff\ufffd\U000f0000-\U000ffffd\U00100000-\U0010fffd]"
)
_BROKEN_VISIBLE_CHAR = re.compile(
    "[\x00-\x08\x0e-\x1b\x7f-\x84\x86-\x9f\ud800-\udfff\ue000-\uf8ff\ufffd\U000f0000-\U000ffffd"
    "\U00100000-\U0010fffd]"
)
# CJK unified ideographs: the basic block, extension A, compatibility ideographs (as is_cjk).
CJK_RANGES = "\u4e00-\u9fff\u3400-\u4dbf\uf900-\ufaff"
_CJK_RUN = re.compile(f"[{CJK_RANGES}]+")
# The ideographs that are letters in every Unicode version Python 3.10 on knows (the tests check each).
_LETTER_IDEOGRAPH_RUN = re.compile("[\u4e00-\u9ffc\u3400-\u4dbf\uf900-\ufa6d\ufa70-\ufad9]+")
# What compact text leaves out; `\s` matches exactly the characters str.isspace() accepts.
_SQUEEZED = re.compile(r"[\s*]+")
_WHITESPACE_RUN = re.compile(r"\s+")


def compact(text: str) -> str:
    """The text without whitespace and markdown `*`, so words broken over lines match."""
    return _SQUEEZED.sub("", text)


def compact_with_offsets(text: str) -> tuple[str, list[int]]:
    """`compact(text)`, and for each of its characters the offset in `text`."""
    return squeeze(text, ((run.start(), run.end(), "", 0) for run in _SQUEEZED.finditer(text)))


def compact_window(text: str, start: int, count: int) -> tuple[str, list[int]]:
    """The first `count` characters of `compact(text[start:])` and their offsets in `text`, compacting only as
    much of the text as they take (a window widened until it holds them): most callers want a few words."""
    width = 2 * count
    while True:
        end = min(len(text), start + width)
        kept, offsets = compact_with_offsets(text[start:end])
        if len(kept) >= count or end == len(text):
            return kept[:count], [start + offset for offset in offsets[:count]]
        width *= 4


def is_self_evaluation_report(text: str) -> bool:
    """True for department-overall and project performance self-evaluation reports and tables."""
    return not_a_report_reason(text) is None


def not_a_report_reason(text: str) -> str | None:
    """None when `text` is a self-evaluation report, else what it looks like (for the rejection message).

    A title of the genre in the opening lines makes a report; else the first title naming another kind of
    document decides (see _REPORT_KINDS, _OTHER_KINDS); a page without either is a report when the 自评表's
    own headings and money columns are there, or the genre's words and the unit's own figures. A page is
    rejected only for what it clearly is."""
    squeezed = compact(to_simplified(text))
    third_party = _THIRD_PARTY_EVALUATOR.search(squeezed)
    if third_party is not None:
        return f"a third-party evaluation ({third_party.group(0)[:40]})"
    verdicts = [(verdict, line) for line in _title_candidates(text) if (verdict := _title_verdict(line)) is not None]
    if any(verdict == "" for verdict, _ in verdicts):
        return None
    if verdicts:
        verdict, line = verdicts[0]
        return f"its title is {verdict}: {line[:60]}"
    if _TEMPLATE_HEADINGS.search(squeezed) or len(set(_MONEY_COLUMNS.findall(squeezed))) >= _MIN_MONEY_COLUMNS:
        return None
    if _has_genre_body(squeezed):
        return None
    return "no self-evaluation title (自评报告 / 自评表) in its opening lines and too few of the genre's words"


def _title_candidates(text: str) -> list[str]:
    """The opening lines that may hold a title: repaired, without chrome, in simplified characters,
    compacted; a table of contents' lines left out (a 决算 lists its 绩效自评 section there)."""
    lines = text.splitlines()[: 4 * _TITLE_LINES]
    cleaned, fields = strip_chrome([repair_line(line) for line in lines])
    candidates = [
        compact(to_simplified(line))
        for index, line in enumerate(cleaned)
        if line.strip() and index not in fields and not _CONTENTS_LINE.search(line)
    ]
    return candidates[:_TITLE_LINES]


def _title_verdict(line: str) -> str | None:
    """"" when the line is a title of the genre, what kind of other document it names, or None when it names
    no kind (not a title). Only the head of a line is a title, cited documents do not count, and an outline
    heading ("（二）项目绩效目标") or a menu item counts only for the genre: it is a section of a report."""
    head = _CITED.sub("", _SENTENCE_END.split(line, maxsplit=1)[0])
    head = _TRAILING.sub("", head[: _TITLE_MAX_CHARS if len(head) <= _TITLE_MAX_CHARS else _LONG_LINE_HEAD])
    ours = [m.end() for m in _REPORT_KINDS.finditer(head)]
    sectional = match_marker(head) is not None or head[:1] in _MENU_BULLETS
    theirs = [] if sectional else [(m.end(), name) for name, pattern in _OTHER_KINDS for m in pattern.finditer(head)]
    if not ours and not theirs:
        return None
    last_theirs = max(theirs, default=(-1, ""))
    if ours and max(ours) >= last_theirs[0]:
        return ""
    return last_theirs[1]


def _has_genre_body(squeezed: str) -> bool:
    if not any(word in squeezed for word in _SELF_EVALUATION_WORDS):
        return False
    return sum(word in squeezed for word in _GENRE_WORDS) >= _MIN_GENRE_WORDS


def garbage_text_reason(pages: list[PageText]) -> str | None:
    """Why the text layer is unusable (a phrase for the rejection message), or None when it is fine."""
    text = "\n".join(page.text for page in pages)
    if not text.strip():
        return f"no text on any of {len(pages)} page(s), in the text layer or by OCR"
    return _broken_glyph_reason(text) or _cjk_reason(text)


def needs_ocr(text: str) -> bool:
    """Whether a page's text layer is unusable, so the page should be read by OCR instead.

    Empty (a scan), mostly (cid:N) codes or control/private-use characters (fonts without ToUnicode), or
    letters that are mostly not Chinese (a font mapped to Latin-1 codes). A page with a few Chinese
    characters or only numbers is fine: page-level thresholds must not send short table pages to OCR.
    """
    visible = _visible_count(text)
    if not visible:
        return True
    if cid_share(text) > _MAX_BROKEN_GLYPH_SHARE:
        return True
    if len(_BROKEN_VISIBLE_CHAR.findall(text)) / visible > _MAX_BROKEN_GLYPH_SHARE:
        return True
    letters, cjk = _letters_and_cjk(text)
    return letters >= _MIN_PAGE_LETTERS and cjk / letters < _MIN_CJK_SHARE_OF_LETTERS


def cid_share(text: str) -> float:
    """Share of the glyphs of `text` that are (cid:N) codes (each run counts as one glyph)."""
    cid_runs = len(_CID.findall(text))
    if not cid_runs:
        return 0.0
    return cid_runs / (cid_runs + _visible_count(_CID.sub("", text)))


# These run on every page of every file: counting with regexes and C-level map() instead of a Python loop
# per character made them ~10x faster; counting what a substitution leaves is faster still than summing a
# map or collecting every match.


def _visible_count(text: str) -> int:
    return len(_WHITESPACE_RUN.sub("", text))


def _letters_and_cjk(text: str) -> tuple[int, int]:
    """(characters in a Unicode letter category (L*) as str.isalpha defines them, cjk_count). The ideographs,
    most of a report and both, are counted by how much shorter the text is without them; the rest one by one."""
    rest = _LETTER_IDEOGRAPH_RUN.sub("", text)
    ideographs = len(text) - len(rest)
    return ideographs + sum(map(str.isalpha, rest)), ideographs + cjk_count(rest)


def _broken_glyph_reason(text: str) -> str | None:
    share = cid_share(text)
    if share > _MAX_BROKEN_GLYPH_SHARE:
        return f"{share:.0%} of the glyphs are (cid:N) codes: the fonts carry no Unicode map"
    rest = _CID.sub("", text)
    broken = len(_BROKEN_CHAR.findall(rest)) / max(1, _visible_count(rest))
    if broken > _MAX_BROKEN_GLYPH_SHARE:
        return (
            f"{broken:.0%} of the characters are control, private-use or replacement characters: "
            "the fonts carry no usable Unicode map"
        )
    return None


def _cjk_reason(text: str) -> str | None:
    letters, cjk = _letters_and_cjk(text)
    if cjk < _MIN_CJK_CHARS:
        return f"only {cjk} Chinese characters: too little text for a report"
    share = cjk / letters
    if share < _MIN_CJK_SHARE_OF_LETTERS:
        return f"only {share:.0%} of the letters are Chinese: the text layer is garbled or not Chinese"
    return None


def cjk_count(text: str) -> int:
    return len(text) - len(_CJK_RUN.sub("", text))


def is_cjk(char: str) -> bool:
    """A CJK unified ideograph (basic block, extension A, or compatibility ideographs)."""
    code = ord(char)
    return 0x4E00 <= code <= 0x9FFF or 0x3400 <= code <= 0x4DBF or 0xF900 <= code <= 0xFAFF
