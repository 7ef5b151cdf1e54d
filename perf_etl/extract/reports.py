"""Files that hold several reports: where each report starts, and the part of the document it is.

A file very often holds more than one report: a department's overall report followed by the 项目支出绩效
自评表 of each of its projects, or a bundle of project tables one after another. A report starts at a title
line (a short line ending in 自评报告 / 自评表 / 评价报告 …, "附件2：" before it allowed) or, in a bundle of
tables without titles, at a 自评表 header (项目名称 with 主管部门 / 实施单位 right after it).

Most title lines do not start a report: a web page repeats its title in the site chrome and again above the
text, a cover repeats it on the next page, a list of attachments names every table, and a report is often
followed by its own 自评表 ("…部门整体支出绩效自评报告" then "部门整体支出绩效自评表", or "XX项目绩效自评报告"
then a table whose 项目名称 is XX). So a candidate only starts a new report when it has a body of its own and
it differs from the report before it: another kind (an overall report against a project), another project
name, or a second full report (a report title after a report title). Everything else joins the report
before it, which is why a file with one report is one part, `report_id = document_id`.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from difflib import SequenceMatcher

from perf_etl.extract import extract_document
from perf_etl.extract.identity import (
    NAME_REACH,
    REPORT_TYPES,
    TITLE_MAX_CHARS,
    ProjectName,
    first_project_label,
    project_labels,
)
from perf_etl.extract.table_rows import TableReading, read_reading
from perf_etl.grid import TableGrid
from perf_etl.models import Extraction, Section, StagedDocument

# A title line, table bars, 附件N： and enumeration stripped: it ends in the genre's report words, a year
# or the 单位 line in brackets allowed after them.
_TITLE_END = re.compile(
    r"(?P<form>自评(?:价)?报告|自我评价报告|评价报告|自评表|评价表|评分表)"
    r"\s*(?:[（(][^（()）]{0,20}[)）])?$"
)
_TITLE_PREFIX = re.compile(r"^(?:附件\s*[\d一二三四五六七八九十]*\s*[:：、.]?\s*|\d{1,2}\s*[.、]\s*)")
# Sentences and labelled lines ("名称：…", "文档介绍：…" in the site chrome) are not titles; nor are
# outline headings of a report's own sections ("（二）部门整体支出绩效自评表").
_NOT_TITLE = re.compile(
    r"[。，；;！？]|^[^:：]{1,8}[:：]|^[（(]?[一二三四五六七八九十]+[、)）]|^第[一二三四五六七八九十]"
)
# A report needs a body: a part with fewer non-space characters after its title joins the one before.
MIN_BODY_CHARS = 150
# Two project names name the same project when they share a run of this many characters.
SAME_NAME_RUN = 4
_NAME_NOISE = re.compile(r"[\s\d年度（()）“”\"'《》、,，:：\-—]+|项目支出|项目|资金|经费|专项")
_TITLE_NOISE = re.compile(
    r"[\s\d（()）“”\"'《》、,，:：\-—]+|年度|年|部门|单位|整体|支出|项目|绩效|自评|自我|评价|报告|表|关于|的"
)
SAME_TITLE_RATIO = 0.85
_SPACE = re.compile(r"\s+")
_NEWLINE = re.compile("\n")
# A table is found in the text by the longest cell of its first rows, of at least this many characters.
_ANCHOR_ROWS = 3
_ANCHOR_MIN_CHARS = 4


@dataclass(frozen=True)
class _Start:
    """Where a report may start: its kind (department_overall | project | None), the form of its title
    (report | table; None for the text before any title), and the project it names."""

    offset: int
    kind: str | None
    form: str | None
    name: ProjectName | None
    title: str


@dataclass
class ReportPart:
    """One report of a document: `doc` is its part of the text, offsets from `start` in the document, page
    numbers those of the document."""

    ordinal: int
    start: int
    end: int
    doc: StagedDocument
    project_name: ProjectName | None  # offsets in the document


def report_parts(doc: StagedDocument) -> list[ReportPart]:
    """The reports `doc` holds, in order; one part (the whole document) for a file with one report."""
    parts = _merged(_starts(doc.text, doc.page_starts), doc.text)
    if len(parts) == 1:
        return [ReportPart(1, 0, len(doc.text), doc, parts[0].name)]
    ends = [p.offset for p in parts[1:]] + [len(doc.text)]
    return [
        ReportPart(n, part.offset, end, _slice(doc, part.offset, end), part.name)
        for n, (part, end) in enumerate(zip(parts, ends, strict=True), start=1)
    ]


def _starts(text: str, page_starts: Sequence[int]) -> list[_Start]:
    starts = [_Start(0, None, None, None, "")]
    for offset, line in _lines(text, page_starts):
        title = _title(line)
        if title is not None:
            form = "table" if title[1].endswith("表") else "report"
            label = first_project_label(text, offset + len(line), min(len(text), offset + len(line) + NAME_REACH))
            starts.append(_Start(offset, _kind(title[0]), form, label, title[0]))
    titled = [s.offset for s in starts[1:]]
    for label in project_labels(text, 0, len(text), table_header=True):
        if not any(0 <= label.start - t <= NAME_REACH for t in titled):
            starts.append(_Start(_line_start(text, label.start), "project", "table", label, ""))
    return sorted(starts, key=lambda s: s.offset)


def _lines(text: str, page_starts: Sequence[int]) -> list[tuple[int, str]]:
    """(offset, line) of the text's lines; a page starts a line too (normalization joins a page's first line
    to the page before when it reads as the same paragraph: a table's last row and the next form's title)."""
    newlines = (found.end() for found in _NEWLINE.finditer(text))
    cuts = sorted({0, *newlines, *(start for start in page_starts if 0 < start < len(text))})
    ends = [*cuts[1:], len(text) + 1]
    return [(start, text[start:end].rstrip("\n")) for start, end in zip(cuts, ends, strict=True)]


def _line_start(text: str, offset: int) -> int:
    return text.rfind("\n", 0, offset) + 1


def _title(line: str) -> tuple[str, str] | None:
    """(title, report word) of a title line, else None."""
    if "告" not in line and "表" not in line:
        return None  # every form of _TITLE_END ends 报告 or 表: most lines are asked nothing more
    bare = _TITLE_PREFIX.sub("", line.strip().strip("|").strip())
    if not bare or len(bare) > TITLE_MAX_CHARS or _NOT_TITLE.search(bare):
        return None
    end = _TITLE_END.search(bare)
    return (bare, end.group("form")) if end else None


def _kind(title: str) -> str | None:
    return next((kind for kind, pattern in REPORT_TYPES if pattern.search(title)), None)


def _merged(starts: list[_Start], text: str) -> list[_Start]:
    """The starts that begin a report: a candidate starts one only when the report before it already has a
    body of its own, the candidate has one too, and the two differ (see the module docstring); else it
    joins the report before it."""
    ends = [s.offset for s in starts[1:]] + [len(text)]
    kept: list[tuple[_Start, bool]] = []  # (report, has a body of its own)
    for start, end in zip(starts, ends, strict=True):
        bodied = _has_body(text, start, end)
        if kept and not (kept[-1][1] and bodied and _differs(kept[-1][0], start)):
            kept[-1] = (_joined(kept[-1][0], start), kept[-1][1] or bodied)
        else:
            kept.append((start, bodied))
    return [report for report, _ in kept]


def _has_body(text: str, start: _Start, end: int) -> bool:
    """Whether the text from a start to the next has a report's body: enough characters after the title
    line; before any title, running text too (sentences or money), not the site chrome of a web page."""
    body = text[start.offset:end]
    if start.title:
        body = body[body.find("\n") + 1:] if "\n" in body else ""
    if len(_SPACE.sub("", body)) < MIN_BODY_CHARS:
        return False
    return bool(start.title) or body.count("。") >= 2 or "万元" in body


def _differs(report: _Start, candidate: _Start) -> bool:
    if report.kind and candidate.kind and report.kind != candidate.kind:
        return True
    if report.name and candidate.name:
        return not _same_project(report.name.text, candidate.name.text)
    if report.name and candidate.title:
        # A titled form whose 项目名称 line was not found (normalization drops a 主管部门 line repeated word for
        # word from the table before): its title names its project.
        return not _same_project(report.name.text, candidate.title)
    if report.form == "report" and candidate.form == "report":
        # A second full report, unless its title names what the first one's does (a running header, a
        # cover before the text, the web page's title above the report's own).
        return not _same_subject(report.title, candidate.title)
    if report.form == "report" and candidate.name and report.title:
        # A report's own 自评表 names the project of its title; a summary's attached tables name others.
        return not _same_project(report.title, candidate.name.text)
    return False


def _same_project(a: str, b: str) -> bool:
    x, y = _NAME_NOISE.sub("", a), _NAME_NOISE.sub("", b)
    if not x or not y:
        return True
    run = SequenceMatcher(None, x, y, autojunk=False).find_longest_match(0, len(x), 0, len(y)).size
    return run >= min(SAME_NAME_RUN, len(x), len(y))


def _same_subject(a: str, b: str) -> bool:
    """Whether two report titles name the same department or project: what is left of them without
    the genre's words is the same, or one is the other with a region in front (县档案馆, 寻甸…县档案馆)."""
    x, y = _TITLE_NOISE.sub("", a), _TITLE_NOISE.sub("", b)
    if not x or not y or x.endswith(y) or y.endswith(x):
        return True
    return SequenceMatcher(None, x, y, autojunk=False).ratio() >= SAME_TITLE_RATIO


def _joined(report: _Start, candidate: _Start) -> _Start:
    """The report with what a candidate that joins it adds: a kind, title form or name it lacked."""
    return _Start(
        report.offset,
        report.kind or candidate.kind,
        report.form or candidate.form,
        report.name or candidate.name,
        report.title or candidate.title,
    )


def _slice(doc: StagedDocument, start: int, end: int) -> StagedDocument:
    """The document's text from `start` to `end` as a document whose pages are numbered as in `doc`.

    `page_at` counts the page starts at or before an offset, so a part that begins on page p gets p - 1
    extra starts at 0 in front of its own: its evidence then carries the document's page numbers."""
    first_page = doc.page_at(start)
    inside = [s - start for s in doc.page_starts[first_page:] if s < end]
    page_starts = [0] * first_page + inside
    sections = [_section_slice(s, start, end) for s in doc.sections if start <= s.char_start < end]
    return replace(doc, text=doc.text[start:end], page_starts=page_starts, sections=sections)


def _section_slice(section: Section, start: int, end: int) -> Section:
    room = max(0, end - section.char_start - len(section.heading) - 1)
    return replace(section, char_start=section.char_start - start, text=section.text[:room])


# ----------------------------------------------------------------------------- extraction, report by report


def extract_reports(doc: StagedDocument, grids: Sequence[TableGrid]) -> list[tuple[Extraction, TableReading]]:
    """Each report of `doc` extracted from its part of the text and its own tables (a 自评表 belongs to the
    report whose part its cells are in); one report, `report_id = document_id`, for a file with one."""
    parts = report_parts(doc)
    if len(parts) == 1:
        reading = read_reading(doc.document_id, doc.fiscal_year, grids)
        return [(extract_document(doc, reading), reading)]
    owners = _grid_owners(doc, parts, grids)
    readings = [read_reading(doc.document_id, doc.fiscal_year,
                             [grid for grid, owner in zip(grids, owners, strict=True) if owner == part.ordinal])
                for part in parts]
    out: list[tuple[Extraction, TableReading]] = []
    for part, reading in zip(parts, readings, strict=True):
        others = [row for other in readings if other is not reading for row in other.indicators]
        out.append((_numbered(extract_document(part.doc, reading, others), part), reading))
    return out


def _numbered(extraction: Extraction, part: ReportPart) -> Extraction:
    """A part's extraction as the document's report number `part.ordinal`: its id, and its evidence at the
    document's offsets (a ruled table cell's evidence is an empty span at 0, not in the text: kept so)."""
    extraction.report["report_id"] = f"{extraction.report['document_id']}:{part.ordinal}"
    extraction.report["report_ordinal"] = part.ordinal
    for found in extraction.evidence:
        if found.char_end > 0:
            found.char_start += part.start
            found.char_end += part.start
    return extraction


def _grid_owners(doc: StagedDocument, parts: Sequence[ReportPart], grids: Sequence[TableGrid]) -> list[int]:
    """The ordinal of the part each grid's cells are found in, looked for from the start of the grid's first
    page (a Word document is one page: all its tables are on page 1) and after the grid before it on that page
    (grids come in the order of the text)."""
    squeezed, offsets = _squeezed(doc.text)
    starts = [part.start for part in parts]
    owners = []
    after = -1  # where the grid before was found
    for grid in grids:
        page_start = doc.page_starts[min(len(doc.page_starts), max(1, grid.pages[0] if grid.pages else 1)) - 1]
        at = _grid_at(grid, squeezed, max(bisect.bisect_left(offsets, page_start), after + 1))
        position = offsets[at] if at is not None else page_start
        after = at if at is not None else after
        owners.append(bisect.bisect_right(starts, position))
    return owners


def _grid_at(grid: TableGrid, squeezed: str, start: int) -> int | None:
    """Where the grid is: its first body row, its cells one after another, where the text has them so; else
    the longest cell of that row that is found (the prose may name an indicator before its table does), of the
    next rows, of its header (一级指标 or 偏差原因分析及改进措施 head every 自评表 of a bundle alike)."""
    for row in (*grid.rows[1 : _ANCHOR_ROWS + 1], *grid.rows[:1]):
        cells = [_SPACE.sub("", cell) for cell in row]
        for words in ["".join(cells), *sorted(cells, key=len, reverse=True)]:
            if len(words) < _ANCHOR_MIN_CHARS:
                break
            found = squeezed.find(words, start)
            if found >= 0:
                return found
    return None


def _squeezed(text: str) -> tuple[str, list[int]]:
    """`text` without whitespace and table bars, and the offset in `text` of each character kept."""
    offsets = [i for i, ch in enumerate(text) if not ch.isspace() and ch != "|"]
    return "".join(text[i] for i in offsets), offsets
