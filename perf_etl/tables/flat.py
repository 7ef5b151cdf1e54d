"""自评表 tables flattened into text, back into rows: what a web page, a converted Word or Excel file or an
unruled PDF leaves of a table.

The text keeps the cells in reading order but not the grid. The layouts seen in published texts: a row a
line with cells between "|"; a cell a line ("产出指标 |", "| 产出指标", or plain lines, empty cells
sometimes kept as a bare "|"); cells on lines of their own closed by lines of bars ("20", "|", "||||"), a
cell then taking several lines; cells run on one line separated by spaces; cells run together with nothing
between them (tables/run_together.py). In all of them a merged 一级 / 二级 cell is written once, at the
first row it covers, and empty cells are often dropped, so rows have no fixed length.

The reading: split the text into cells, find the indicator header (a run of cells that name columns:
一级指标 … 年度指标值 实际完成值 分值 得分), and align the cells after it to the header's columns with a
least-cost path (Viterbi over "which column does this cell fill"). What each column accepts is the genre's:
a 一级 / 二级 cell is one of the fixed level names; 分值 / 得分 are bare numbers; a 指标值 is a value or words;
a 三级指标 is a name; a 偏差原因 cell explains. A row may skip a merged level cell cheaply, a name never.
The rows come out as a `TableGrid` under the header, read by rows.py like a ruled table.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from perf_etl.grid import TableGrid
from perf_etl.models import PageText
from perf_etl.tables.columns import (
    INDICATOR_COLUMNS,
    column_match,
    column_of,
    indicator_header,
    is_total_label,
    money_header,
    target_header,
)
from perf_etl.tables.run_together import (
    has_run_together_header,
    run_together_cells,
    weight_before_target,
    weight_run_into_targets,
)
from perf_etl.text.page_numbers import is_page_marker
from perf_etl.text.repairs import drop_pinyin_glosses, fold_width
from perf_etl.text.simplified import to_simplified

# Most cells a table body is read for (a 自评表 has 10–40 rows of up to 10 cells).
MAX_BODY_CELLS = 600
# A header cell names its column in a few words ("偏差原因分析及改进措施"); a longer one is a sentence.
MAX_HEADER_CHARS = 24
# A cell this long is prose, not a table cell: the table has ended.
MAX_CELL_CHARS = 150

# 一级 / 二级 level names as the templates write them ("产出指标", "项目产出", "产出目标", "产出数量" in Shanxi's).
_POINTS = r"(?:[(（]\d+(?:\.\d+)?分[)）])?"
_LEVEL1_RE = re.compile(
    r"^(?:(?:产出|效益|满意度|成本|效果|管理|决策|过程|履职效能|能力建设)(?:指标|目标)"
    r"|项目(?:决策|管理|产出|效益|过程)(?:指标|目标)?"
    # The evaluation framework's own 一级 (财预〔2020〕10号): 决策, 过程, 产出, 效益, written bare.
    r"|决策|过程|产出|效益"
    # The department-overall framework's 一级: 部门管理, 运行成本, 管理效率, 社会效应.
    r"|部门管理|运行成本|管理效率|社会效应)" + _POINTS + "$"
)
_LEVEL2_RE = re.compile(
    r"^(?:产出)?(?:数量|质量|时效|进度|成本|经济成本|社会成本|生态环境成本|经济效益|社会效益|生态效益|环境效益|"
    r"可持续影响|可持续|服务对象满意度|满意度|社会公众满意度|群众满意度)(?:指标|目标)?(?:等)?" + _POINTS + "$"
    # and its 二级 under 决策 and 过程.
    r"|^(?:项目立项|绩效目标|资金投入|资金管理|组织实施|项目效益)" + _POINTS + "$"
    # and the department-overall framework's under 部门管理.
    r"|^(?:预算管理|财务管理|资产管理|采购管理|人员管理|制度管理)" + _POINTS + "$"
)
_BARE_NUMBER_RE = re.compile(r"^-?\d+(?:\.\d+)?$")
_HAS_DIGIT_RE = re.compile(r"\d")
_CJK_GAP_RE = re.compile(r"(?<=[\u4e00-\u9fff])[ \u3000]+(?=[\u4e00-\u9fff])")
_SHARE_CELL_RE = re.compile(r"^\d+(?:\.\d+)?%?$")
_COMPARATOR = (r"[≥≤≧≦><＞＜=＝═≈]|大于等于|小于等于|不低于|不高于|不少于|不超过|大于|小于|等于|(?:定量|定性)(?:指标)?"
               r"|正向|反向")
_COMPARATOR_CELL_RE = re.compile(rf"^(?:{_COMPARATOR})$")
# What any table leaves in the text: a header names a target column, and every wording of one holds 值
# (INDICATOR_COLUMNS["target"]); a row of the split-column template read without its header has a comparator
# cell. Most pages of a report are prose with neither, and are not cut into cells at all.
_TABLE_TRACE_RE = re.compile(rf"值|{_COMPARATOR}")
# A 偏差原因 cell gives a cause: its words say so.
_REASON_WORDS_RE = re.compile(r"原因|由于|因为|因|未|偏差|导致|影响|主要是|疫情|调整|滞后|延迟|不足")
# Cells after which the table is over: the report's next part, or its signatures.
_AFTER_TABLE_RE = re.compile(
    r"^(?:评价结论|存在问题|存在的问题|改进措施|其他需要说明|项目负责人|财务负责人|填报人|联系电话|填表人|"
    r"单位负责人|说明[:：]|备注[:：]?|注[:：])"
)
_LEVEL_COLUMN_TAIL_RE = re.compile(r"(?:一级指标|二级指标|三级指标)$")
# Words a wrapped header cell starts with on its first line.
_HEADER_FRAGMENTS = {"年度", "实际", "全年", "年初", "预期", "实际完成", "全年实际", "年度指标", "未完成",
                     "三级", "二级", "一级", "指标", "年初目标", "绩效"}
# Later lines of a wrapped header cell.
_HEADER_CONTINUATION_RE = re.compile(r"^(?:及|和)?(?:拟采取的)?(?:分析及|分析|原因分析|原因|改进措施|整改措施)+$")
_PLACEHOLDER_RE = re.compile(
    r"^(?:(?:指标|任务)\s*\d{1,2}\s*[:：]?|[.…。、]+"  # an unfilled row of the template
    r"|[(（]\s*\d+(?:\.\d+)?\s*分?\s*[)）]?|\d+(?:\.\d+)?\s*分?\s*[)）])$")  # a level cell's points
# A cell that is a value, not a name: "≥90%", "1.2万亩", "100".
_VALUE_CELL_RE = re.compile(r"^(?:[≥≤≧≦><＞＜=]|不低于|不少于|不高于|不超过)?\d[\d.,]*\S{0,4}$")
# A 度量单位 cell: a unit of count, measure, time or money, perhaps per something ("元/人").
_UNIT_CELL_RE = re.compile(
    r"^[万亿千百]?(?:平方米|立方米|公里|小时|工作日|百分比|人次|户次|场次|[%‰元人户个次场项件家座台套所处本期批天月年日时周"
    r"篇册份条辆张头只株棵栋间米吨亩斤]|公斤|千克)(?:/\S{1,4})?$")
_BARS_RE = re.compile(r"^\s*\|[|\s]*$")
# The report's next heading ends a table: "三、存在问题", "（二）…"; "三、四级手术占比" is a row's name.
_OUTLINE_RE = re.compile(
    r"^(?:[一二三四五六七八九十]+、(?![一二三四五六七八九十][级类、])|[（(][一二三四五六七八九十]+[)）])")


# The columns of the split-column template (四川 and others: 指标性质, 指标值, 度量单位 side by side). Its rows are
# recognisable without their header: "指标名称 | ≥ | 95 | % | 95 | 5 | 5". A table continued from a page
# before the text (a page saved on its own, an excerpt) starts with such rows, its header elsewhere.
SPLIT_TEMPLATE_COLUMNS = (
    "一级指标", "二级指标", "三级指标", "指标性质", "指标值", "度量单位", "实际完成值", "分值", "得分",
)
MIN_HEADLESS_ROWS = 2


@dataclass(frozen=True)
class Cell:
    text: str
    page_number: int


def flattened_tables(pages: Sequence[PageText], first_index: int = 0) -> list[TableGrid]:
    """The indicator tables the pages' text holds, each as a grid whose first row is its header."""
    if not _may_hold_table(pages):
        return []
    cells = text_cells(pages)
    grids: list[TableGrid] = []
    found = _next_header(cells, 0)
    headless = _headless_start(cells, found[0] if found is not None else len(cells))
    if headless is not None:
        grid = _grid(cells, headless, headless, list(SPLIT_TEMPLATE_COLUMNS), first_index)
        grids += [grid] if grid is not None else []
    i = 0
    while (found := _next_header(cells, i)) is not None:
        start, end, columns = found
        if column_of(columns[-1], INDICATOR_COLUMNS) != "reason" and "score" not in _kinds(columns):
            # Rows may carry a figure the header does not name (a 得分 whose header cell was lost): a column
            # with no name takes it, rather than the next row's name.
            columns = [*columns, ""]
        grid = _grid(cells, start, end, columns, first_index + len(grids))
        grids += [grid] if grid is not None else []
        i = max(_body_end(cells, end), end)
    return grids


def _may_hold_table(pages: Sequence[PageText]) -> bool:
    # Cells may join lines (a cell wrapped over two), so the trace is looked for with the line breaks and
    # spaces gone, after the same repairs text_cells makes.
    text = "".join(drop_pinyin_glosses(fold_width(page.text)) for page in pages)
    return _TABLE_TRACE_RE.search("".join(text.split())) is not None


def _grid(cells: Sequence[Cell], start: int, end: int, columns: list[str], index: int) -> TableGrid | None:
    """The rows from cells[end] on under `columns` (the header, cells[start:end], perhaps none), as a grid whose
    first row is the header; None when no row is found."""
    body_end = _body_end(cells, end)
    rows = scored_rows(columns, align_rows(columns, body_texts([c.text for c in cells[end:body_end]])))
    if not rows:
        return None
    pages_of = [cells[end + first].page_number for first, _ in rows]
    return TableGrid([list(columns), *(row for _, row in rows)], [cells[start].page_number, *pages_of], "", index)


def _headless_start(cells: Sequence[Cell], limit: int) -> int | None:
    """Where rows of the split-column template begin before any header (at cells[:limit]): the first of at least
    MIN_HEADLESS_ROWS rows "name | sign | value | unit | value", backed up over its name and level cells."""
    signs = [k for k in range(1, max(0, limit - 3)) if _split_row_at(cells, k)]
    if len(signs) < MIN_HEADLESS_ROWS:
        return None
    start = signs[0] - 1
    while start > 0 and _is_level(cells[start - 1].text):
        start -= 1
    return start


def _split_row_at(cells: Sequence[Cell], k: int) -> bool:
    """cells[k] is a row's 指标性质 (≥, =, 定量…) with its target, unit and result after it."""
    sign, target, unit, actual = (cells[k + d].text for d in range(4))
    return bool(_COMPARATOR_CELL_RE.match(sign) and _VALUE_CELL_RE.match(target) and _UNIT_CELL_RE.match(unit)
                and _VALUE_CELL_RE.match(actual) and not _VALUE_CELL_RE.match(cells[k - 1].text))


def text_cells(pages: Sequence[PageText]) -> list[Cell]:
    """The text as cells in reading order (the module docstring's layouts)."""
    cells: list[Cell] = []
    for page in pages:
        # A page number printed inside a table continued over a page break is no cell ("第 3 页 共 4 页").
        folded = (fold_width(line) for line in page.text.splitlines())
        lines = [drop_pinyin_glosses(line) for line in folded if not is_page_marker(line.strip())]
        cleaned = "\n".join(lines)
        if has_run_together_header(cleaned):
            texts = _run_together_texts(lines)
        else:
            texts = _layout_cells(lines)
            squeezed = [_CJK_GAP_RE.sub("", line) for line in lines]
            if _next_header([Cell(text, 0) for text in texts], 0) is None and has_run_together_header(
                    "\n".join(squeezed)):
                # Run together, with a converter's wraps inside cells turned into spaces ("年度指标 值全年
                # 完成值"): where no header reads cell by cell, a space between two characters is a wrap.
                texts = _run_together_texts(squeezed)
        cells += [Cell(text, page.page_number) for text in texts]
    return cells


def _layout_cells(lines: Sequence[str]) -> list[str]:
    if not _closes_with_bar_lines(lines):
        return _line_cells(lines)
    # After the last line of bars, lines are no longer cells closed by bars: a form of another layout may
    # follow on the same page (an attachment's second 自评表, one row a line).
    last = max(i for i, line in enumerate(lines) if _BARS_RE.match(line))
    return _bar_line_cells(lines[: last + 1]) + _line_cells(lines[last + 1 :])


def _run_together_texts(lines: Sequence[str]) -> list[str]:
    texts = [cell for line in lines for word in line.split() for cell in run_together_cells(word)]
    return weight_run_into_targets(texts) if weight_before_target("\n".join(lines)) else texts


def _closes_with_bar_lines(lines: Sequence[str]) -> bool:
    """Whether cells are written on lines of their own, each closed by a line of bars ("20", "|", "||||"): a
    cell may then take several lines ("年度绩效目标", "(80分)")."""
    bars = sum(1 for line in lines if _BARS_RE.match(line))
    # Text lines holding a bar ("产出指标 |", "| 一级指标") are cells of their own: another layout.
    barred = sum(1 for line in lines if "|" in line and not _BARS_RE.match(line))
    bare = sum(1 for line in lines if line.strip() and "|" not in line)
    return bars >= 5 and bare > barred


def _bar_line_cells(lines: Sequence[str]) -> list[str]:
    cells: list[str] = []
    pending: list[str] = []
    for line in lines:
        if _BARS_RE.match(line):
            bars = line.count("|")
            if pending:
                cells.append("".join(pending))
                pending, bars = [], bars - 1
            cells += [""] * bars
        elif line.strip():
            pending.append(" ".join(line.split()))
    return [*cells, "".join(pending)] if pending else cells


def _line_cells(lines: Sequence[str]) -> list[str]:
    """A line's "|"-separated parts (a bare "|" is an empty cell), else its space-separated words."""
    cells: list[str] = []
    for line in _rejoined_rows(lines):
        if "|" in line:
            parts = line.split("|")
            if line.rstrip().endswith("|"):
                parts.pop()  # the "|" closes the last cell, it does not open one
            if not _BARS_RE.match(line) and line.lstrip().startswith("|"):
                parts.pop(0)  # "| 二级指标": the bar opens the cell
            cells += [" ".join(part.split()) for part in parts]
        else:
            cells += line.split()
    return cells


def _rejoined_rows(lines: Sequence[str]) -> list[str]:
    """Rows of bars whose cell was wrapped over a line break ("| | 免费孕前优生健康检查目标人群" + "覆盖率 | ≥ | 80 |"):
    a row opened by a bar and not closed by one goes on in the next line that holds bars but opens with words."""
    out: list[str] = []
    for line in lines:
        previous = out[-1].strip() if out else ""
        if (previous.startswith("|") and not previous.endswith("|") and "|" in line
                and not line.lstrip().startswith("|")):
            out[-1] = out[-1].rstrip() + line.strip()
        else:
            out.append(line)
    return out


def _next_header(cells: Sequence[Cell], i: int) -> tuple[int, int, list[str]] | None:
    """The next run of cells that heads indicator rows: (its first cell, the cell after it, its columns)."""
    n = len(cells)
    while i < n:
        if not _is_header_cell(cells[i].text):
            i += 1
            continue
        while i > 0 and (_is_header_fragment(cells[i - 1].text) or not cells[i - 1].text):
            i -= 1  # "一级" "指标" "二级" "指标" "三级指标": the wrapped cells before the first whole one
        # "详情见附件（…）一级指标": the text before the table run into its first header cell.
        lead = _header_tail(cells[i - 1].text) if i > 0 else None
        j, names = i, [lead] if lead else []
        while j < n:
            text = cells[j].text
            if _is_header_cell(text) or _is_header_fragment(text):
                names.append(text)
            elif names and _HEADER_CONTINUATION_RE.match(to_simplified(text)):
                names[-1] += text  # "偏差原因" / "分析及" / "改进措施": one cell wrapped over three lines
            elif text:
                break
            j += 1
        names = joined_fragments(names)
        columns = header_columns(names)
        if indicator_header(columns) is not None or target_header(columns) is not None:
            return i, j, columns
        i = j
    return None


def _header_tail(text: str) -> str | None:
    """The level column name a longer cell ends with ("…请以附件为准)一级指标"), if it does."""
    found = _LEVEL_COLUMN_TAIL_RE.search(to_simplified(text))
    return text[found.start():] if found and found.start() > 0 else None


def _is_header_cell(text: str) -> bool:
    return len(text) <= MAX_HEADER_CHARS and column_of(text, INDICATOR_COLUMNS) is not None


def _is_header_fragment(text: str) -> bool:
    """The first line of a header cell wrapped over two ("年度" of 年度 / 指标值)."""
    return to_simplified(text) in _HEADER_FRAGMENTS and column_of(text, INDICATOR_COLUMNS) is None


def joined_fragments(names: Sequence[str]) -> list[str]:
    """Wrapped header cells made whole: a fragment with the cell right after it ("年度" "指标值"), or, where
    the first lines of a row came first and their rests at the end ("一级指标 … 年度 实际 分值 得分 指标值
    完成值"), each fragment with its rest in order. Fragments left over are dropped."""
    joined: list[str] = []
    k = 0
    while k < len(names):
        pair = names[k] + names[k + 1] if k + 1 < len(names) else ""
        if _is_header_fragment(names[k]) and pair and _names_more(pair, names[k + 1]):
            joined.append(pair)
            k += 2
        else:
            joined.append(names[k])
            k += 1
    # Fragments before the first whole column are the label of the table's left margin ("绩效" "指标"): dropped.
    first_whole = next((k for k, name in enumerate(joined) if not _is_header_fragment(name)), len(joined))
    joined = joined[first_whole:]
    fragments = [k for k, name in enumerate(joined) if _is_header_fragment(name)]
    if fragments and len(joined) >= 2 * len(fragments):
        rests = joined[len(joined) - len(fragments):]
        if not any(_is_header_fragment(rest) for rest in rests):
            joined = joined[: len(joined) - len(fragments)]
            for k, rest in zip(fragments, rests, strict=True):
                joined[k] += rest
    return [name for name in joined if not _is_header_fragment(name)]


def _names_more(pair: str, rest: str) -> bool:
    """Whether the joined cell names a column by a longer wording than its rest alone ("年度指标值" against
    "指标值"; not "实际分值" against "分值")."""
    return column_match(pair, INDICATOR_COLUMNS)[1] > column_match(rest, INDICATOR_COLUMNS)[1]


def header_columns(names: Sequence[str]) -> list[str]:
    """The header's columns in order. A two-row header flattened ("年度指标值 实际完成值 分值 得分 一级指标 二级指标
    三级指标 指标性质 指标值 度量单位") restarts at 一级指标: the second row's cells take the place of the
    first row's cell that spans them (the target), and the first row's cells after it follow."""
    kinds = [column_of(name, INDICATOR_COLUMNS) for name in names]
    restart = next((k for k in range(1, len(kinds)) if kinds[k] in ("level1", "level3") and
                    kinds[k] not in kinds[:k] and "level3" not in kinds[:k] and "target" in kinds[:k]), None)
    if restart is None:
        return _sub_columns_in_place(names, kinds)
    first, second = names[:restart], names[restart:]
    spanning = kinds.index("target")
    return [*second, *first[spanning + 1:]] if "target" in kinds[restart:] else list(names)


def _sub_columns_in_place(names: Sequence[str], kinds: Sequence[str | None]) -> list[str]:
    """ "… 年度指标值 实际完成值 分值 得分 偏差原因分析及改进措施 指标性质 指标值 度量单位": a second header row under
    the target's cell alone (the split template's sign, value and unit) takes that cell's place."""
    if "target" not in kinds:
        return list(names)
    spanning = kinds.index("target")
    tail = len(kinds)
    while tail > spanning + 1 and kinds[tail - 1] in _SUB_COLUMNS:
        tail -= 1
    sub = set(kinds[tail:])
    if tail in (len(kinds), spanning + 1) or "target" not in sub or not sub & {"nature", "unit"}:
        return list(names)
    return [*names[:spanning], *names[tail:], *names[spanning + 1 : tail]]


_SUB_COLUMNS = ("nature", "target", "unit")


def body_texts(texts: Sequence[str]) -> list[str]:
    """The body's cells as the aligner reads them: a template's unfilled placeholders ("指标2：", "……") and a
    level cell's points left alone on a line ("(50分)") are empty cells; a level name wrapped over two cells
    ("可持续影" "响指标") is one, and its second part no cell (None). The list keeps its length, so
    positions still point into the text."""
    out: list[str | None] = ["" if _PLACEHOLDER_RE.match(text) else _unnumbered_level(text) for text in texts]
    _join_written_down(out)
    for k in range(len(out) - 1):
        first, second = out[k], out[k + 1]
        if not first or not second:
            continue
        wrapped = not _is_level(first) or to_simplified(second) == "指标"
        if wrapped and _is_level(first + second):
            out[k], out[k + 1] = first + second, None
    return out


def _unnumbered_level(text: str) -> str:
    """A level cell without the number before it: a document site's chunk number ("2、经济效益指标", where its
    second part begins) or an outline's."""
    found = _LEADING_NUMBER_RE.match(text)
    return text[found.end():] if found and _is_level(text[found.end():]) else text


_LEADING_NUMBER_RE = re.compile(r"^\d{1,2}[、.．]\s*")


def _join_written_down(out: list[str | None]) -> None:
    """A level cell written down its column a character a line ("产" "出" "指" "标") is one cell, in place."""
    k = 0
    while k < len(out):
        end = k
        while end < len(out) and out[end] is not None and len(out[end].strip()) == 1:
            end += 1
        if end - k >= 2 and _is_level("".join(out[k:end])):
            out[k : end] = ["".join(c.strip() for c in out[k:end]), *[None] * (end - k - 1)]
        k = max(end, k + 1)


def _is_level(text: str) -> bool:
    key = to_simplified("".join(text.split()))
    return bool(_LEVEL1_RE.match(key) or _LEVEL2_RE.match(key))


def scored_rows(columns: Sequence[str], rows: list[tuple[int, list[str]]]) -> list[tuple[int, list[str]]]:
    """Every row of a 自评表 is scored; its values may be left out. So in a table where rows carry values and
    分值 and 得分, a row with two bare numbers as its only values and nothing after them is 分值 and 得分
    ("指标1：工程质量合格 10 10"), not a target and a result."""
    kinds = [column_of(c, INDICATOR_COLUMNS) for c in columns]
    if not {"target", "actual", "weight", "score"} <= set(kinds):
        return rows
    t, a, m, s = (kinds.index(k) for k in ("target", "actual", "weight", "score"))
    if not any(row[t] and row[a] and row[m] and row[s] for _, row in rows):
        return rows
    # Where results carry their targets' units ("≥95% | 97.4%"), a bare number after a target with a unit is the
    # row's 分值: "满意度 | ≥85% | 10 | 8 | 测评结果尚未发布" has no result.
    with_units = any(_UNIT_AFTER_NUMBER_RE.search(row[t]) and _UNIT_AFTER_NUMBER_RE.search(row[a]) for _, row in rows)
    for _, row in rows:
        if (not row[m] and not row[s] and _BARE_NUMBER_RE.match(row[t]) and _BARE_NUMBER_RE.match(row[a])
                and float(row[a]) <= float(row[t]) <= 100):
            row[m], row[s], row[t], row[a] = row[t], row[a], "", ""
        elif (not row[s] and _BARE_NUMBER_RE.match(row[a]) and float(row[a]) <= 100
              and (not row[m] or (_BARE_NUMBER_RE.match(row[m]) and float(row[m]) <= float(row[a])))
              and ((with_units and _UNIT_AFTER_NUMBER_RE.search(row[t]))
                   or (row[t] and not _HAS_DIGIT_RE.search(row[t])))):
            # A target in words ("合理") has no bare number for its result either.
            row[s], row[m], row[a] = row[m], row[a], ""
    return rows


_UNIT_AFTER_NUMBER_RE = re.compile(r"\d\s*(?:%|‰|[\u4e00-\u9fa5])")


def _body_end(cells: Sequence[Cell], start: int) -> int:
    """Where the rows under a header stop: a total row, the next header, the report's next part, prose."""
    end = min(len(cells), start + MAX_BODY_CELLS)
    for k in range(start, end):
        text = to_simplified(cells[k].text)
        if (is_total_label(text) or _AFTER_TABLE_RE.match(text) or _OUTLINE_RE.match(text)
                or len(text) > MAX_CELL_CHARS or money_header([text, *(c.text for c in cells[k + 1:k + 3])])):
            return k
        if column_of(text, INDICATOR_COLUMNS) in ("level1", "level3") and k > start:
            return k  # the next table's header
    return end


# ---------------------------------------------------------------- aligning cells to columns


_INF = float("inf")


def _kinds(columns: Sequence[str]) -> list[str]:
    """Each column's canonical name; "unnamed" for the column with no header cell, "other" for the rest."""
    return [column_of(c, INDICATOR_COLUMNS) or ("other" if c else "unnamed") for c in columns]


def align_rows(columns: Sequence[str], texts: Sequence[str | None]) -> list[tuple[int, list[str]]]:
    """The cells as rows of the header's columns: (index of the row's first cell, the row's cells). A None
    is no cell (the second part of a joined one)."""
    kinds = _kinds(columns)
    width = len(kinds)
    first = next((i for i, text in enumerate(texts) if text), len(texts))
    if first == len(texts) or width == 0:
        return []
    # cost[i][j]: the cheapest reading of cells first..i whose current row's last cell is in column j;
    # back[i][j]: (the state before, and whether cell i opened a row, or None when it was an empty cell
    # dropped). Rows fill columns left to right.
    cost = [[_INF] * width for _ in texts]
    back: list[list[tuple[int, bool | None]]] = [[(-1, None)] * width for _ in texts]
    for j in range(width):
        cost[first][j] = _start_cost(kinds, j) + _match(kinds[j], texts[first])
        back[first][j] = (-1, True)
    for i in range(first + 1, len(texts)):
        text, before = texts[i], cost[i - 1]
        if text is None:
            cost[i], back[i] = list(before), [(p, None) for p in range(width)]
            continue
        for j in range(width):
            fit = _match(kinds[j], text)
            if fit == _INF:
                continue
            for p in range(width):
                if before[p] == _INF:
                    continue
                if p < j and (step := before[p] + _skip(kinds, p + 1, j) + fit) < cost[i][j]:
                    cost[i][j], back[i][j] = step, (p, False)
                step = before[p] + _skip(kinds, p + 1, width) + _start_cost(kinds, j) + fit
                if step < cost[i][j]:
                    cost[i][j], back[i][j] = step, (p, True)
        if not text:  # an empty cell may be no cell at all (a layout that drops some and keeps others)
            for p in range(width):
                if before[p] + _DROP_EMPTY < cost[i][p]:
                    cost[i][p], back[i][p] = before[p] + _DROP_EMPTY, (p, None)
    last = min(range(width), key=lambda j: cost[-1][j] + _skip(kinds, j + 1, width))
    return _rows_from_path(texts, back, first, last, width)


def _rows_from_path(texts: Sequence[str | None], back: list[list[tuple[int, bool | None]]], first: int, last: int,
                    width: int) -> list[tuple[int, list[str]]]:
    placed: list[tuple[int, int, bool | None]] = []
    j = last
    for i in range(len(texts) - 1, first - 1, -1):
        before, opened = back[i][j]
        placed.append((i, j, opened))
        j = before
    rows: list[tuple[int, list[str]]] = []
    for i, j, opened in reversed(placed):
        if opened is None:
            continue  # a dropped empty cell, or no cell
        if opened:
            rows.append((i, [""] * width))
        rows[-1][1][j] = texts[i] or ""
    return rows


# Costs, in "how unlike the genre" units. A merged level cell is often absent; a name never is.
_DROP_EMPTY = 1.0
_SKIP = {"level1": 0.4, "level2": 0.6, "level3": 12.0, "target": 3.0, "actual": 3.0, "weight": 1.0,
         "score": 1.0, "reason": 0.1, "nature": 2.0, "direction": 2.0, "unit": 1.5, "other": 0.5, "unnamed": 0.0}
_NEW_ROW = 0.5


def _skip(kinds: Sequence[str], lo: int, hi: int) -> float:
    return sum(_SKIP.get(kinds[k], 0.5) for k in range(lo, hi))


def _start_cost(kinds: Sequence[str], j: int) -> float:
    return _NEW_ROW + _skip(kinds, 0, j)


def _match(kind: str, text: str) -> float:
    """How well `text` fits a column of `kind` (0 = as the genre writes it)."""
    if not text:
        return {"level3": 9.0, "target": 0.5, "actual": 0.3, "other": 0.3}.get(kind, 0.2)
    key = to_simplified("".join(text.split()))
    level1, level2 = bool(_LEVEL1_RE.match(key)), bool(_LEVEL2_RE.match(key))
    number = bool(_BARE_NUMBER_RE.match(text))
    if level1 and level2:
        # 满意度指标 is a 一级 with 服务对象满意度 under it; 成本指标 a 二级 under 产出指标 unless 二级 cells follow it.
        level1, level2 = key.startswith("满意度"), not key.startswith("满意度")
        if kind in ("level1", "level2"):
            return 0.0 if (level1 if kind == "level1" else level2) else 0.8
    if kind == "level1":
        return 0.0 if level1 else (2.5 if level2 else _INF)
    if kind == "level2":
        return 0.0 if level2 else (2.0 if level1 else _INF)
    if kind == "level3":
        if level1 or level2:
            # "服务对象满意度", "满意度" name indicators as often as they name a level; "…指标" only levels.
            return 6.0 if key.endswith("指标") else 2.0
        return 5.0 if number or _VALUE_CELL_RE.match(key) else 0.0
    if level1 or level2:
        return 6.0
    if kind in ("target", "actual"):
        return 0.0 if _HAS_DIGIT_RE.search(text) else 1.0
    if kind in ("weight", "score"):
        return 0.0 if number else (1.0 if text in ("/", "-", "—") else 7.0)
    if kind in ("nature", "direction"):
        return 0.0 if _COMPARATOR_CELL_RE.match(text) else 6.0
    if kind == "unit":
        # Words that are no unit are rather a qualitative target or result ("定性 | 好坏 | 好坏 | 5 | 5").
        return 0.0 if _UNIT_CELL_RE.match(key) else (3.0 if _HAS_DIGIT_RE.search(key) else 4.5)
    if kind == "unnamed":
        return 0.5 if number else 4.0
    if kind == "score_share":
        return 0.0 if _SHARE_CELL_RE.match(text) else 3.0
    if kind == "core":
        return 0.0 if text in ("是", "否") else 6.0
    if kind == "reason":
        return 0.5 if _REASON_WORDS_RE.search(key) else 2.5
    return 2.0
