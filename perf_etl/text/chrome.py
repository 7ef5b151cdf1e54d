"""Web-page and document-site chrome: the lines a page wraps around a report.

Reports reach users as government web pages and as attachments flattened by document-sharing sites, and
their text opens with what the site put there: breadcrumbs ("您现在的位置: 首页 > 通知公告"), the article's
metadata (发布时间 / 阅读 / 字体, 索引号 / 发布机构 / 时效性), the sharing site's boilerplate ("由会员分享,
可在线阅读", 下载文档, 版权说明), a title repeated several times. None of it is the report, and left in it
becomes a department name or a title. Such lines are removed; a line of metadata keeps its 发布机构 / 来源
field (who published the page: weak evidence for the department, used last) and its publication date (a
report that states no year is dated by it), each left as a paragraph of its own.

Lines are judged in simplified characters (simplified.py), so a traditional mirror's 發佈時間 is chrome too.
"""

from __future__ import annotations

import bisect
import itertools
import re
from datetime import date

from perf_etl.text.repairs import drop_pinyin_glosses, fold_width
from perf_etl.text.simplified import to_simplified

# The metadata fields of an article page, as they start a line or a 【…】 group.
_META_LABELS = (
    "发布时间|发布日期|发稿时间|更新时间|更新日期|发文日期|成文日期|生成日期|印发日期|信息来源|来源|作者|撰稿|"
    "责任编辑|编辑|审核|校对|阅读次数|阅读量|阅读|浏览次数|浏览量|浏览|点击数|点击量|点击|访问量|字体|字号|"
    "打印本页|打印|关闭窗口|关闭|分享到|分享|收藏|索引号|发布机构|发文机关|发文字号|文号|时效性|有效性|公开目录|"
    "主题分类|主题词|公开方式|公开范围|公开时限|所属机构|信息分类|体裁分类|组配分类|所属主题|监督索引号|统一登记号|"
    "信息时效性|文件编号|生效日期|有效期|公开责任部门|公开形式|发布文号|关键词|内容概述|归档时间|所属分类|信息类别|"
    "发文单位|标题|信息名称|文件名称|文档名称|名称|关键字|是否有效|责任部门|时间"
)
_LEAD = r"^[\s\-*•·|【\[（(]*"
# A label then its separator; 时间 alone only before a date (a body line may start "时间紧、任务重").
_META_FIELD = re.compile(
    r"(?:" + _META_LABELS + r")\s*(?:[:：|】\]]|(?<=时间)(?=\s*\d{4}))"
)
_META_LINE = re.compile(_LEAD + r"(?:(?!时间)(?:" + _META_LABELS + r")\s*[:：|】\]]|时间\s*[:：]?\s*\d{4}[-./年])")
# Fields written "label value label value" with spaces only ("索引号 0152… 发布机构 昌宁县教育体育局"): a line of
# two such fields or more is metadata too.
_LOOSE_FIELD = re.compile(r"(?:^|(?<=[\s|•]))(?:" + _META_LABELS + r")(?=[\s:：|】\]]|$)")
MIN_LOOSE_FIELDS = 2
# One such field alone on a short line, for the labels no sentence starts with ("主题词 文化").
_LONE_FIELD = re.compile(
    _LEAD + r"(?:主题词|索引号|监督索引号|统一登记号|文号|发文字号|公开目录|主题分类|体裁分类|组配分类|信息分类|"
        r"公开方式|公开范围|"
    r"时效性|有效性|浏览量|浏览次数|阅读次数)(?=[\s:：|])"
)
LONE_FIELD_MAX_CHARS = 24
# A label glued to its value on a short line ("发布机构开远市人民政府", "索引号自动生成").
_GLUED_FIELD = re.compile(
    _LEAD + r"(?:索引号|发布机构|发布日期|发文日期|成文日期|文号|时效性|有效性|主题词|公开目录|主题分类|浏览量|"
        r"信息来源)(?=\S)"
)
GLUED_FIELD_MAX_CHARS = 30
# A line that is metadata starts with a field and is short, or holds several fields.
META_LINE_MAX_CHARS = 80
# Page furniture of web sites: breadcrumbs, greetings, footers.
_SITE_LINE = re.compile(
    r"您现在的位置|您所在的位置|您的位置|当前位置|首页\s*[>》›»/]|^\s*[>›»]|(?:^|\s)[>›»]{1,2}\s*\S+\s*[>›»]|"
    r"已启用无障碍|保护视力色|^[\s|•]*(?:首页|登录\s*\|?\s*注册|无障碍浏览.*|打开适老化模式.*|无障碍.{0,12}|长辈版.{0,12})\s*$|^\s*欢迎(?:来到|访问|光临)|^\s*(?:上一篇|下一篇)|"
    r"版权所有|ICP备|网站标识码|^\s*(?:主办单位|承办单位|技术支持)\s*[:：]"
)
# What document-sharing sites print around an attachment's text.
_SHARE_SITE_LINE = re.compile(
    r"由会员分享|可在线阅读|请在.{0,16}上搜索|下载文档|下载后继续阅读|当前文档共\s*\d+\s*页|版权说明|"
    r"本文档由用户提供|文档简介|资源ID|下载积分|页珍藏版|千万精品文档|你想要的都能搜到|下载即用|举报或认领|"
    r"积分下载|立即下载|文件大小|\d+(?:\.\d+)?\s*[KM]B\b"
)
SHARE_LINE_MAX_CHARS = 240
# "《耒阳市第四中学专项资金绩效自评价报告.docx》由会员分享…": the attachment's file name is its title.
_SHARED_FILE = re.compile(r"《(?P<name>[^《》]{4,120}?)\.(?:docx?|xlsx?|pdf|wps|et|txt)》", re.IGNORECASE)
# Fields of a metadata line kept as evidence: who published the page (for the department, used last) and
# when (a report without a stated year is dated by it).
_PUBLISHER_LABELS = "发布机构|发文机关|发文单位|信息来源|来源"
_DATE_LABELS = "发布时间|发布日期|发稿时间|发文日期|成文日期"
# The page's own title in its metadata ("标题：…自评报告", "名称：…"): the value is kept, as a title.
_TITLE_LABELS = "标题|信息名称|文件名称|文档名称|名称"
_TITLE_FIELD = re.compile(
    _LEAD + r"(?:" + _TITLE_LABELS + r")\s*[:：|\]】]\s*(?P<value>[^|【】\[\]]{4,"
        r"120}?)\s*(?=" + _META_LABELS + r"|[|【\[]|$)"
)
# The page's content given in its metadata table ("内容概述 | 宣城市转移支付区域（项目）绩效目标自评表…").
_CONTENT_FIELD = re.compile(r"(?:内容概述|内容摘要|正文内容)\s*[:：|]\s*(?P<value>\S.*)")
# A metadata label alone on its line ("• 发布机构"), its value on the next.
_BARE_LABEL = re.compile(_LEAD + r"(?P<label>" + _META_LABELS + r")\s*[:：]?\s*[\]】]?\s*$")
_KEPT_LABEL = re.compile(f"^(?:{_PUBLISHER_LABELS}|{_DATE_LABELS})$")
_KEPT_FIELD = re.compile(
    r"(?P<label>" + _PUBLISHER_LABELS + r")(?:\s*[:：|]\s*|\s*)(?P<value>[^\s|:：【】]{2,40})"
    r"|(?P<date_label>" + _DATE_LABELS + r")\s*[:：|]?\s*(?P<date>20\d\d\s*[-./年]\s*\d{1,2}\s*[-./月]\s*\d{1,2}日?)"
)
# The opening, where a site repeats the title: later, a repeated line is the report's own (a heading in
# each project's section).
OPENING_LINES = 40
# A title the sharing site repeats on one line ("X.pdfX.pdfX.pdf"): one copy is the title.
_MIN_REPEATED_CHARS = 8
# Where the publication date is stated: a metadata field before a date.
_PUBLICATION_DATE = re.compile(
    r"(?:发布时间|发布日期|发稿时间|发文日期|成文日期|更新时间|时间)\s*[:：]?\s*(?P<y>20\d\d)\s*[-./年]\s*(?P<m>\d{1,2})"
    r"\s*[-./月]\s*(?P<d>\d{1,2})"
)


# A word that every kind of chrome line above holds: a line without one is not chrome. One search for
# these spares the dozen patterns on the report's own lines, nearly all of them; the look-ahead on their
# first characters lets the search skip the rest of a line at C speed.
_CHROME_WORDS = (
    *("您现在", "您所在", "您的位置", "当前位置", "首页", ">", "›", "»", "登录", "无障碍", "适老化", "长辈版", "欢迎"),
    "保护视力色",
    *("上一篇", "下一篇", "版权所有", "ICP备", "网站标识码", "主办单位", "承办单位", "技术支持"),
    *("由会员分享", "可在线阅读", "请在", "下载", "当前文档", "版权说明", "本文档由用户提供", "文档简介", "资源ID"),
    *("页珍藏版", "千万精品文档", "你想要的都能搜到", "举报或认领", "积分下载", "文件大小", "KB", "MB"),
    # The glued fields' labels; any other metadata label counts before a separator (or a date after 时间).
    *("索引号", "发布机构", "发布日期", "发文日期", "成文日期", "文号", "时效性", "有效性", "主题词", "公开目录"),
    *("主题分类", "浏览量", "信息来源"),
)
_LABEL_THEN_SEPARATOR = [rf"{label}(?=[\s:：|】\]]|$)" for label in _META_LABELS.split("|")] + [r"时间(?=\d)"]
_CHROME_WORD = re.compile(
    "(?=[" + re.escape("".join(sorted({w[0] for w in (*_CHROME_WORDS, *_META_LABELS.split("|"))}))) + "])(?:"
    + "|".join([*map(re.escape, _CHROME_WORDS), *_LABEL_THEN_SEPARATOR]) + ")"
)


def is_chrome_line(line: str) -> bool:
    """Whether the whole line is site chrome (see the module docstring)."""
    simplified = to_simplified(line)
    if _CHROME_WORD.search(simplified) is None:
        return False
    if _META_LINE.match(simplified):
        return len(simplified) <= META_LINE_MAX_CHARS or len(_META_FIELD.findall(simplified)) >= 2
    if _LONE_FIELD.match(simplified) and len(simplified.strip()) <= LONE_FIELD_MAX_CHARS:
        return True
    if _GLUED_FIELD.match(simplified) and len(simplified.strip()) <= GLUED_FIELD_MAX_CHARS:
        return True
    if re.match(_LEAD, simplified) and len(_LOOSE_FIELD.findall(simplified)) >= MIN_LOOSE_FIELDS:
        return _LOOSE_FIELD.match(simplified, re.match(_LEAD, simplified).end()) is not None
    if _SITE_LINE.search(simplified):
        return len(simplified) <= SHARE_LINE_MAX_CHARS
    return len(simplified) <= SHARE_LINE_MAX_CHARS and _SHARE_SITE_LINE.search(simplified) is not None


def clean_line(line: str) -> tuple[str, bool]:
    """The line without its chrome, and whether what is left is a metadata field kept as evidence.

    A chrome line becomes "", or its shared file's name (the attachment's title), or its publisher and
    publication-date fields (发布机构: X, 发布日期: 2025-04-29), each a field of its own; a title repeated
    on one line is left once; other lines are unchanged."""
    if not is_chrome_line(line):
        return _one_copy(line), False
    simplified = to_simplified(line)
    content = _CONTENT_FIELD.search(simplified)
    if content is not None:  # the page's text in its metadata table: kept
        return line[content.start("value") :], False
    shared = _SHARED_FILE.search(simplified) or _TITLE_FIELD.match(simplified)
    if shared is not None:
        group = "name" if "name" in shared.groupdict() else "value"
        return line[shared.start(group) : shared.end(group)], False
    # Each as "label：value", whatever separated them on the page: the extractors read a field by its colon.
    fields = [
        f"{line[m.start(label) : m.end(label)]}：{line[m.start(value) : m.end(value)]}"
        for m in _KEPT_FIELD.finditer(simplified)
        for label, value in (("label", "value") if m.group("label") else ("date_label", "date"),)
    ]
    return " ".join(fields), bool(fields)


def _one_copy(line: str) -> str:
    """A line that is one string written k ≥ 2 times over, as that string once."""
    length = len(line)
    if length < 2 * _MIN_REPEATED_CHARS:
        return line
    # The smallest period: the first place where the line, rotated, matches itself.
    period = (line + line).find(line, 1)
    if period < length and length % period == 0 and period >= _MIN_REPEATED_CHARS:
        return line[:period]
    return line


# Metadata labels spaced out to line up in the page's table ("索 引 号", "文  号", "关 键 字"). Spaces next to
# Chinese characters are dropped by repair_line anyway; joined first, the labels are found like any other.
_SPACED_CJK = re.compile(r"[\u4e00-\u9fff][ \u3000]+[\u4e00-\u9fff]")
_SPACED_LABEL = re.compile(
    "|".join("[ \u3000]{0,3}".join(label) for label in _META_LABELS.split("|") if len(label) > 1)
)


def _join_spaced_labels(line: str) -> str:
    if _SPACED_CJK.search(line) is None:
        return line
    return _SPACED_LABEL.sub(lambda m: re.sub("[ \u3000]", "", m.group(0)), line)


def _lines_with_chrome_word(lines: list[str]) -> set[int]:
    """The indexes of the lines that hold a chrome word: one search over the page, as most lines (and most
    pages, a PDF's) hold none."""
    starts = list(itertools.accumulate((len(line) + 1 for line in lines), initial=0))
    page = to_simplified("\n".join(lines))
    return {bisect.bisect_right(starts, m.start()) - 1 for m in _CHROME_WORD.finditer(page)}


def strip_chrome(lines: list[str]) -> tuple[list[str], set[int]]:
    """`clean_line` of every raw line (before text.repair_line; removed lines become "", as page furniture
    does), a line of the opening that repeats an earlier one (a title printed again by the site) removed; and
    the indexes of the lines
    left as metadata fields, which stand alone as paragraphs. A label alone on its line ("• 发布机构") takes
    its value from the next line: a kept field becomes one line, the others go with their value."""
    seen: set[str] = set()
    out: list[str] = []
    fields: set[int] = set()
    pending: str | None = None  # a bare label waiting for its value
    # Judged before spaces are collapsed (they separate "索引号 0152… 发布机构 …"), glosses and widths repaired.
    lines = [_join_spaced_labels(drop_pinyin_glosses(fold_width(raw))) for raw in lines]
    with_chrome_word = _lines_with_chrome_word(lines)
    for index, line in enumerate(lines):
        if pending is None and index not in with_chrome_word:
            cleaned, is_field = _one_copy(line), False
        elif (bare := _BARE_LABEL.match(to_simplified(line))) is not None:
            out.append("")
            pending = line.strip(" \t-*•·|【】[]") if _KEPT_LABEL.match(bare.group("label")) else ""
            continue
        elif pending is not None and line.strip() and _is_value(line) and not is_chrome_line(line):
            cleaned, is_field = (f"{pending}：{line.strip()}", True) if pending else ("", False)
            pending = None
        else:
            pending = None if line.strip() else pending
            cleaned, is_field = clean_line(line)
        key = cleaned.strip()
        if index < OPENING_LINES and len(key) >= _MIN_REPEATED_CHARS and not _is_cells(key):
            if key in seen:
                cleaned = ""
            seen.add(key)
        if is_field and cleaned:
            fields.add(index)
        out.append(cleaned)
    return out, fields


# What a bare label's value is not: a line that long, or one naming a report (the title after "• 文号").
_VALUE_MAX_CHARS = 40
_REPORT_WORDS = re.compile("报告|自评|绩效|评价|表")


# A value this short is a value whatever its words ("• 公开目录" / "• 自评报告").
_SHORT_VALUE_CHARS = 8


def _is_value(line: str) -> bool:
    value = line.strip(" \t-*•·|")
    if len(value) <= _SHORT_VALUE_CHARS:
        return True
    return len(value) <= _VALUE_MAX_CHARS and _REPORT_WORDS.search(to_simplified(value)) is None


def _is_cells(line: str) -> bool:
    """A flattened table line ("| 7.29 | 7.29 |"): repeated rows there are data, not a repeated title."""
    return "|" in line or "\t" in line


def publication_date(text: str) -> tuple[date, str] | None:
    """The page's publication date stated in its metadata (发布时间 / 发布日期 …), and the words, if any."""
    for match in _PUBLICATION_DATE.finditer(to_simplified(text)):
        try:
            found = date(int(match.group("y")), int(match.group("m")), int(match.group("d")))
        except ValueError:
            continue
        return found, text[match.start() : match.end()]
    return None
