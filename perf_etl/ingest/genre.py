"""Is this text a performance self-evaluation report? The gate of ingestion.

A real report must never be turned away, and a page that merely sits beside the reports (a 决算公开, a
绩效评价管理办法, news of a third-party evaluation, a 绩效目标申报表) must not get in. Decided on the
evidence the genre shows, in this order:

1. A third party's evaluation names its evaluator (评价机构: …会计师事务所) or carries a firm's report
   number (上会湘报字(2022)第0001号): not a self-evaluation, whatever its title.
2. The title. Chinese titles end with the kind of document ("…部门整体支出绩效自评报告", "…实施细则", "…的
   通知", "…2023年部门决算"), so the kind that ends last in a title decides it. A title of the genre
   anywhere in the opening lines (after the site chrome; split over two lines; repeated) makes a report;
   else the first title naming another kind is what the page is. An outline heading ("（二）项目绩效目标")
   or a menu item names no other kind: it is a section of a page, not its title.
3. Without a title, the 自评表's own headings and money columns, the genre's stock sentence ("现将…绩效自评
   情况报告如下"), or enough of the genre's words in the unit's own voice or with its own figures.

`text` is the raw text (the chrome is judged before spaces are collapsed); everything is matched in
simplified characters with the whitespace removed.
"""

from __future__ import annotations

import re

from perf_etl.ingest.classify import compact
from perf_etl.text.chrome import strip_chrome
from perf_etl.text.outline import match_marker
from perf_etl.text.repairs import repair_line, repair_text
from perf_etl.text.simplified import to_simplified

# --- 1. third parties
_THIRD_PARTY = re.compile(
    r"(?:评价机构|评价单位|第三方机构|受托单位|受托机构|实施机构)[:：]?[^，。\n]{0,30}?"
    r"(?:事务所|咨询|评估(?:公司|中心|所)|有限公司|有限责任公司)"
    # A firm's report number: 湘XX报字(2022)第1号, X会评字〔2023〕12号.
    r"|[\u4e00-\u9fff]{1,8}(?:报字|评字|审字|咨字|鉴字)[〔\[(（]?20\d\d[〕\])）]?第?\d+号"
    # A firm evaluating for the finance bureau, or the bureau handing the evaluation to one.
    r"|(?:事务所|有限公司|有限责任公司|咨询)[^。]{0,16}受[^。]{0,20}委托"
    r"|受[^。]{0,20}委托[，,]?[^。]{0,30}?(?:事务所|有限公司|咨询公司|评估公司)"
)
# A page on an evaluation handed to a third party: news of one, unless the page's title is a unit's own
# self-evaluation (which may commission one for a part of its work: "委托第三方机构对412件信访事项…开展评估").
_HANDED_TO_THIRD_PARTY = re.compile(
    r"委托(?:第三方|中介|社会中介)[^。]{0,12}?(?:评价|评估|绩效|复核)"
    r"|(?:评价机构|评价单位|第三方机构|受托单位|受托机构|实施机构)[:：]?[^，。\n]{0,30}?评估")

# --- 2. titles
# Kinds of the genre. Matched at every start (lookahead), so that the one ending last is seen even when a
# shorter one starts first ("绩效自评" inside "…预算绩效自评工作报告").
_REPORT_KIND = re.compile(
    r"(?=(自评.{0,10}?(?:报告|表|情况|总结|结果)|(?:整体|项目)支出绩效自评|评价自评|绩效自评"
    r"|整体(?:支出)?绩效(?:评价|自评)?(?:基础数据|评分)?(?:报告|表)|整体支出绩效(?:情况|分析)"
    # A unit's own 绩效评价报告 / 评价表 (a third party's names itself: see _THIRD_PARTY).
    r"|绩效(?:评价|评估)(?:报告|表)))"
)
# Kinds of the pages beside the reports, with what to call each in the rejection message.
_OTHER_KINDS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "a notice or letter (通知 / 函 / 通报)",
        re.compile(r"(?:通知|函|批复|决定|通报)$|的.{0,4}(?:通知|函|批复|决定|意见|通报)|(?:结果|情况)的?(?:公告|公示)$"),
    ),
    (
        "rules or guidance (办法 / 细则 / 方案)",
        re.compile(r"(?:办法|细则|规程|指引|指南|方案|规定|制度|指标体系|评分标准|评价标准)$|^第[一二三四五六七八九十百]+条"),
    ),
    (
        "a budget or final-accounts disclosure (预算 / 决算公开)",
        re.compile(
            r"(?:预算|决算)(?:公开|信息公开|报告|说明|草案|情况说明|报表|表)?$|预决算|(?:预算|决算)(?:信息)?公开|公开说明$"
        ),
    ),
    ("a work summary or plan (工作总结 / 工作报告)", re.compile(r"(?:工作|年度|述职|履职)(?:总结|报告|计划|要点)$")),
    (
        "a performance-target form (绩效目标申报表 / 绩效目标表)",
        re.compile(r"绩效目标(?:申报)?(?:表|书)|绩效目标申报|绩效目标$"),
    ),
    ("a third-party evaluation (第三方)", re.compile(r"第三方|委托.{0,20}(?:事务所|公司|机构)")),
)
_DISCLOSURE = _OTHER_KINDS[2][0]
# How many lines of the opening may hold the title (after the chrome, which can be long).
TITLE_LINES = 40
# A title holds no sentence punctuation (a colon it may: "附件2：…"); a line with one early on is a sentence.
_SENTENCE_END = re.compile("[。，；！？,;!?]")
# "下一步改进措施：进一步完善项目年度指标体系" is a label and its text, not a title.
_LABELLED = re.compile(r"(?!附件)[^:：]{1,12}[:：]")
# A title line is short. A long line (a title run into the body by a flattening site) is a title only in
# its first characters.
TITLE_MAX_CHARS = 90
LONG_LINE_HEAD = 40
# Menu items of a site ("• 预决算与三公经费") name the site's sections, not the page.
_MENU_BULLETS = "•·▪◆■●>》-*"
# Cited documents (《…的通知》) and what may follow the kind ("（2023年度）", ".pdf", "2023") are not the
# title's own kind.
_CITED = re.compile(r"《[^》]*》")
# A line opening by citing its grounds is a sentence, however long before its first comma.
_CITING = re.compile(r"(?:根据|按照|依据|依照|遵照)")
_TRAILING = re.compile(r"(?:[（(][^（()）]{0,20}[)）]|\.(?:pdf|docx?|xlsx?|wps)|[\d年度\-—:：、|]+)+$", re.IGNORECASE)
# A table of contents' line: a Word field code, or dot leaders before a page number. Its entries say what
# a 决算 / 预算 disclosure is ("第二部分 2022年度部门决算情况说明"), and its 绩效自评 entry is no title.
_CONTENTS_LINE = re.compile(r"PAGEREF|_Toc\d|(?:…{2,}|\.{4,}|·{4,})\s*\d")
_CONTENTS_HEADING = re.compile(r"^目录$")
_DISCLOSURE_CONTENTS = re.compile(r"第[一二三四五六七八九十]部分[^第]{0,14}?(?:决算|预算)(?:情况说明|报表|表|公开)")

# --- 3. the body
# The 自评表 templates (national and provincial) name themselves in their header rows, and their money
# block has these columns.
# A heading, not a mention ("认真填写自评表"): the table's first cells follow it.
_TEMPLATE_HEADINGS = re.compile(
    r"(?:项目支出|部门整体支出|整体支出|部门整体|单位整体|项目)?绩效(?:自评|评价)表.{0,16}?"
    r"(?:项目名称|单位名称|部门名称|主管部门|实施单位|填报单位|[（(]?20\d\d年度?)"
)
_MONEY_COLUMNS = re.compile(
    r"年初预算数|全年预算数|调整后预算数|全年执行数|预算数[（(]?A[)）]?|执行数[（(]?B[)）]?|执行率"
)
MIN_MONEY_COLUMNS = 3
# The 绩效指标 table of a self-evaluation: levels, the target column and a result column. A 绩效目标申报表
# has the first two only; results against targets are what a self-evaluation reports.
_RESULTS_TABLE = re.compile(
    r"(?:一级指标|二级指标).{0,80}?(?:指标值|目标值).{0,40}?(?:完成值|实际值|实际完成|全年实际|完成情况|实施进度)"
)
# "现将2023年度部门整体支出绩效自评情况报告如下": how the genre introduces itself.
_STOCK_SENTENCE = re.compile(
    r"现将.{0,60}?(?:自评|绩效评价|绩效评估).{0,30}?(?:报告|汇报|说明)如下|(?:绩效自评|自评)[^。]{0,40}?。?现将.{0,20}?(?:报告|汇报)如下"
)
# The outline of the national template for a transfer payment's self-evaluation (一、绩效目标分解下达情况
# 二、绩效目标完成情况分析 …), which names no 自评 in its opening.
_TEMPLATE_OUTLINE = re.compile(r"绩效目标分解下达情况.{0,600}?绩效目标完成情况")
_SELF_EVALUATION_WORDS = (
    "绩效自评", "自评结论", "自评得分", "自评得", "自评分", "自评等级", "自评表", "自评报告", "自评总分", "自评结果",
)
_GENRE_WORDS = (
    "整体支出", "部门整体收支", "预算执行率", "绩效目标", "存在的问题", "存在的主要问题", "改进措施", "下一步",
    "基本情况", "综合评价", "绩效指标", "年度资金总额", "全年执行数", "产出指标", "效益指标", "满意度指标",
    "资金到位", "资金使用", "资金管理", "项目实施", "偏差", "绩效目标完成情况", "部门概况", "部门资金",
)
MIN_GENRE_WORDS = 3
MIN_GENRE_WORDS_UNNAMED = 5
# The indicator classes of the framework, and the conclusion an evaluation ends with: a page that judges its
# own indicators and concludes ("社会效益指标…均达到100%…五、评价结论") is a self-evaluation, also as a tail
# fragment without title, year or money. A target declaration or a budget disclosure lists the classes but
# draws no conclusion.
_INDICATOR_CLASSES = ("产出指标", "效益指标", "满意度指标", "成本指标")
_CONCLUSION = re.compile(r"评价结论|自评结论|综合评价结论")
MIN_INDICATOR_CLASSES = 2
# The unit speaking of itself, or stating its own money or score: a report, not news about reports.
_VOICE = (
    r"我(?:局|单位|部门|中心|院|校|站|所|办|委|会|馆|镇|乡|街道|处|队|厅|园|台|社|司)"
    r"|本(?:单位|部门|局|中心|院|校|项目)"
)
_FIGURES = r"\d+(?:\.\d+)?万?元|得\d+(?:\.\d+)?分"
_OWN_VOICE = re.compile(_VOICE)
_OWN_FIGURES = re.compile(_FIGURES)
_OWN_VOICE_OR_FIGURES = re.compile(_VOICE + "|" + _FIGURES)
# A unit's own budget and execution stated one after the other ("全年预算数为1050万元,执行数为1050万元").
_BUDGET_EXECUTION = re.compile(
    r"预算(?:数|资金)?(?:为|是)?\d+(?:\.\d+)?万?元.{0,30}?(?:执行数|支出数|执行)(?:为|是)?\d+(?:\.\d+)?万?元"
)


def is_self_evaluation_report(text: str) -> bool:
    """True for department-overall and project performance self-evaluation reports and tables."""
    return not_a_report_reason(text) is None


def not_a_report_reason(text: str) -> str | None:
    """None when `text` is a self-evaluation report, else what it looks like, for the rejection message."""
    squeezed = compact(to_simplified(repair_text(text)))
    third_party = _THIRD_PARTY.search(squeezed)
    if third_party is not None:
        return f"a third-party evaluation ({third_party.group(0)[:40]})"
    verdicts = [
        (verdict, line)
        for line, contents in _opening_lines(text)
        if (verdict := _line_verdict(line, contents)) is not None
    ]
    if any(verdict == OURS for verdict, _ in verdicts):
        return None
    handed = _HANDED_TO_THIRD_PARTY.search(squeezed)
    if handed is not None:
        return f"a third-party evaluation ({handed.group(0)[:40]})"
    others = [(verdict, line) for verdict, line in verdicts if verdict != OURS_SECTION]
    if others:
        verdict, line = others[0]
        return f"its title is {verdict}: {line[:60]}"
    if verdicts or _reads_as_report(squeezed):
        return None
    return "no self-evaluation title (自评报告 / 自评表) in its opening lines and too few of the genre's words"


def _opening_lines(text: str) -> list[tuple[str, bool]]:
    """The non-empty opening lines after the chrome (its kept metadata fields left out), repaired, in
    simplified characters, compacted; each with whether it is a line of a table of contents."""
    lines = text.splitlines()[: 4 * TITLE_LINES]
    cleaned, fields = strip_chrome(lines)
    kept = [compact(to_simplified(repair_line(line))) for index, line in enumerate(cleaned) if index not in fields]
    return _mark_contents([line for line in kept if line][:TITLE_LINES])


def _mark_contents(lines: list[str]) -> list[tuple[str, bool]]:
    """Lines from a 目录 line on are a table of contents, until its first entry comes again (the body); so is
    a line with a Word field code or dot leaders before a page number."""
    out: list[tuple[str, bool]] = []
    first_entry: str | None = None
    in_contents = False
    for line in lines:
        if _CONTENTS_HEADING.match(line):
            in_contents, first_entry = True, None
        elif in_contents and first_entry is None:
            first_entry = line
        elif in_contents and line == first_entry:
            in_contents = False
        out.append((line, in_contents or _CONTENTS_LINE.search(line) is not None))
    return out


# A line's verdict when it is a title of the genre, or the heading of a report's section ("四、绩效自评情况"):
# a section heading cannot outweigh a title naming another kind (a 决算's contents list a 绩效自评 section).
OURS = ""
OURS_SECTION = "section"


def _line_verdict(line: str, contents: bool = False) -> str | None:
    """OURS / OURS_SECTION for a title or section heading of the genre, the kind of other document a title
    names, or None (the line names no kind). A table of contents' line (`contents`) names only what a
    disclosure's parts are."""
    if contents:
        return _DISCLOSURE if _DISCLOSURE_CONTENTS.search(line) else None
    head, *rest = _SENTENCE_END.split(line, maxsplit=1)
    if (rest and len(head) <= TITLE_MAX_CHARS) or _CITING.match(head):
        return None  # a sentence ("根据《…办法》有关规定，…"): its words are the body's
    reach = TITLE_MAX_CHARS if len(head) <= TITLE_MAX_CHARS else LONG_LINE_HEAD
    head = _TRAILING.sub("", _CITED.sub("", head)[:reach])
    ours = max((m.start() + len(m.group(1)) for m in _REPORT_KIND.finditer(head)), default=-1)
    sectional = match_marker(head) is not None or head[:1] in _MENU_BULLETS
    theirs = (-1, "")
    if not sectional and not _LABELLED.match(head):  # only a title names what a page is
        found = ((m.end(), name) for name, pattern in _OTHER_KINDS for m in pattern.finditer(head))
        theirs = max(found, default=theirs)
    if ours < 0 and theirs[0] < 0:
        return None
    if ours >= theirs[0]:
        return OURS_SECTION if sectional else OURS
    return theirs[1]


def _reads_as_report(squeezed: str) -> bool:
    """A page without a title is a report by the 自评表's headings and columns (its money block, or its
    indicators with their results), the genre's stock sentence or template outline, or the genre's words
    with the unit's own voice or figures."""
    if _TEMPLATE_HEADINGS.search(squeezed) or len(set(_MONEY_COLUMNS.findall(squeezed))) >= MIN_MONEY_COLUMNS:
        return True
    if _RESULTS_TABLE.search(squeezed):
        return True
    if any(pattern.search(squeezed) for pattern in (_STOCK_SENTENCE, _TEMPLATE_OUTLINE, _BUDGET_EXECUTION)):
        return True
    genre = sum(word in squeezed for word in _GENRE_WORDS)
    own = _OWN_VOICE_OR_FIGURES.search(squeezed) is not None
    if any(word in squeezed for word in _SELF_EVALUATION_WORDS):
        return genre >= MIN_GENRE_WORDS and own
    # The outline of a report that names no 自评 in its opening ("一、部门概况 二、部门资金基本情况 三、绩效目标
    # 完成情况分析"): more of the genre's words, and the unit's own voice and figures both.
    voice = _OWN_VOICE.search(squeezed) is not None
    if voice and _CONCLUSION.search(squeezed) and \
            sum(word in squeezed for word in _INDICATOR_CLASSES) >= MIN_INDICATOR_CLASSES:
        return True
    return genre >= MIN_GENRE_WORDS_UNNAMED and voice and _OWN_FIGURES.search(squeezed) is not None
