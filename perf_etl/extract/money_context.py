"""Where a number sits in a report: its sentence, clause, section, and the year it speaks of.

The same words ("执行率95%") are a department total in one place and a project's figure, a sub-rate
or last year's figure in another; these helpers let the extractors judge by context rather than by
the words alone. A `DocContext` is built once per document and shared by all finance extractors.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from functools import cached_property
from typing import Any, TypeVar

from perf_etl.extract.hits import Hit
from perf_etl.extract.identity import report_type_hit, title_hit
from perf_etl.extract.money_labels import PART_PREFIX_RE, PROJECT_PART_PREFIX_RE
from perf_etl.models import StagedDocument
from perf_etl.text.compact import squeeze
from perf_etl.text.numbers import scan_text
from perf_etl.text.outline import match_marker

T = TypeVar("T")

# Sentence ends; "；" and a line end (one paragraph per line after normalization) count as well,
# because reports chain a total and its parts with "；".
SENTENCE_ENDS = "。；;！!？?\n"
CLAUSE_ENDS = SENTENCE_ENDS + "，,"

# Only the start of a line is a heading; a long body after the number is cut for classification.
HEADING_CHARS = 40

# Sections about named projects: figures there belong to a project, never to the department.
ITEM_SECTION_RE = re.compile(
    r"重点任务项目|重点项目|项目支出完成|项目支出情况|项目支出绩效|项目绩效|专项资金|项目自评|项目实施情况"
)
# Sections where the department-level totals are stated: their figures win a disagreement.
SUMMARY_SECTION_RE = re.compile(
    r"整体收支|收支情况|整体支出情况|支出情况|自评结论|结论综述|自评综述|预算执行情况|总体情况|自评得分|评价结论"
)

# Words that make a figure refer to another period than the one evaluated (上年结转 is money carried
# into the evaluated year, not last year's figure).
PRIOR_PERIOD_RE = re.compile(
    r"上年(?!结转|结余)|上一年|去年|往年|同期|(?:较|比|相比|相较|对比|与)(?:于)?\s*(?:19|20)\d\d\s*年|(?:19|20)\d\d\s*年(?:度)?(?:同期)?相比"
)
# Words that make a figure a part of the year (a mid-year monitoring figure): "截至6月底支出进度为45%".
PARTIAL_YEAR_RE = re.compile(
    r"截至\s*(?:(?:19|20)\d\d\s*年)?\s*(?:[1-9]|1[01])\s*月|(?<!\d)1\s*[-—~至]\s*(?:[1-9]|1[01])\s*月|"
    r"上半年|前三季度|第[一二三]季度|半年"
)
YEAR_RE = re.compile(r"(?<!\d)((?:19|20)\d\d)\s*年")
# A year in a date ("填报日期：2022年8月10日") dates a form, not the period a figure speaks of.
_YEAR_NOT_DATE_RE = re.compile(r"(?<!\d)((?:19|20)\d\d)\s*年(?!\s*\d{1,2}\s*月)")
_BRACKETED = re.compile(r"[（(][^（()）]*[)）]")


# "共涉及项目3个", "实施项目共15个", "我局共5个项目": a report on several projects.
_PROJECT_COUNT_RE = re.compile(
    r"项目(?:共|数)?(?P<n>\d{1,3}|[两二三四五六七八九十]{1,3})个|(?:共|涉及|实施|开展)[^，。；]{0,10}?"
    r"(?P<m>\d{1,3}|[两二三四五六七八九十]{1,3})个(?:项目|专项)"
)


# A heading that names a project: its text ends with 项目 ("1.慈善会项目").
_PROJECT_HEADING_RE = re.compile(r"[\u4e00-\u9fff]{2}项目$")


def _count(raw: str | None) -> int:
    if raw is None:
        return 0
    return int(raw) if raw.isdigit() else "两二三四五六七八九".find(raw[0]) + 2 if len(raw) == 1 else 10


_WHITESPACE_RUN = re.compile(r"\s+")
_WHITESPACE = re.compile(r"\s")
# A line break after one of these (or before a unit) is a wrapped line, not a paragraph end.
_WRAP_BEFORE_RE = re.compile(r"[\u4e00-\u9fffA-Za-z，、]")
_WRAP_AFTER_RE = re.compile(r"[\u4e00-\u9fff0-9A-Za-z“‘\"（(]")
_UNIT_START = "万亿元%％分个家宗项座"
# Spaces are kept only between two number/Latin characters ("40 38.5" in a flattened table row).
_KEEP_SPACE_RE = re.compile(r"[0-9A-Za-z.%]")
# A line is a wrapped one only when it fills most of the page width (and is never this short).
MIN_WRAPPED_CHARS = 12
WRAPPED_SHARE = 0.6
# A heading line is short; a long numbered line is a list item in a paragraph.
HEADING_LINE_CHARS = 30


@dataclass(frozen=True)
class Heading:
    start: int
    level: int
    text: str


def find_headings(text: str) -> list[Heading]:
    """Numbered headings at line starts ("一、", "（三）", "2.", "（1）"), in text order; in a page whose lines
    were run together (a PDF converted without its line breaks), also the top levels' run-in headings."""
    headings: list[Heading] = []
    for m in re.finditer(r"(?m)^[ \t\u3000]*(\S.*)$", text):
        line = m.group(1)
        marker = match_marker(line)
        if marker is not None:
            headings.append(Heading(m.start(1), marker[0], line[:HEADING_CHARS]))
        if len(line) >= RUN_TOGETHER_LINE_CHARS:
            for run_in in _RUN_IN_HEADING_RE.finditer(line, 1):
                found = match_marker(line[run_in.start("heading") :])
                if found is not None:
                    start = m.start(1) + run_in.start("heading")
                    headings.append(Heading(start, found[0], text[start : start + HEADING_CHARS]))
    return headings


# A line this long holds paragraphs run together; "一、" or "（二）" after a sentence's end or a wide space
# begins one of its sections ("…万元。 （二）绩效目标完成情况 1.教育教学。…").
RUN_TOGETHER_LINE_CHARS = 400
_RUN_IN_HEADING_RE = re.compile(
    r"(?:[。；;]\s*|\s{1,3})(?P<heading>[（(][一二三四五六七八九十]{1,2}[)）]|[一二三四五六七八九十]{1,2}、)")


def _is_heading_line(line: str) -> bool:
    line = line.strip()
    return len(line) <= HEADING_LINE_CHARS and match_marker(line) is not None


def compact_view(text: str) -> tuple[str, list[int]]:
    """`text` without the whitespace that OCR and page layout put inside sentences, and for each
    character of the result its offset in `text`.

    Labels, numbers and units split by a wrapped line or stray spaces ("全年预算支出\n\n2,149.56 万元",
    "支\n出进度") read as written once the whitespace is gone. Kept: a line break that ends a paragraph
    (after 。：； or a heading, before a heading) and a space between two numbers (table cells).
    """
    min_wrapped = _min_wrapped_line(text)
    return squeeze(text, (_gap(text, run, min_wrapped) for run in _WHITESPACE_RUN.finditer(text)))


def _gap(text: str, run: re.Match[str], min_wrapped: float) -> tuple[int, int, str, int]:
    """A whitespace run as a `squeeze` gap: dropped, or kept as one space or line break."""
    kept = _kept_whitespace(text, run.start(), run.end(), min_wrapped)
    # The kept character stands at its own place in the run (a run of spaces and tabs kept as one space
    # maps to its first space), or at the run's start when the run has no such character.
    return run.start(), run.end(), kept, max(run.start(), text.find(kept, run.start(), run.end()))


def _min_wrapped_line(text: str) -> float:
    """How long a line must be to have been wrapped: most of the page width (the 80th percentile of
    line lengths). Shorter lines end on purpose: table rows, headings, short paragraphs."""
    lengths = sorted(len(_WHITESPACE.sub("", line)) for line in text.split("\n") if line.strip())
    typical = lengths[int(len(lengths) * 0.8)] if lengths else 0
    return max(MIN_WRAPPED_CHARS, WRAPPED_SHARE * typical)


def _kept_whitespace(text: str, start: int, end: int, min_wrapped: float) -> str:
    prev = text[start - 1] if start > 0 else ""
    nxt = text[end] if end < len(text) else ""
    if "\n" not in text[start:end]:
        return " " if _KEEP_SPACE_RE.match(prev) and _KEEP_SPACE_RE.match(nxt) else ""
    line = text[text.rfind("\n", 0, start) + 1 : start]
    next_end = text.find("\n", end)
    next_line = text[end : len(text) if next_end < 0 else next_end]
    if _is_heading_line(line) or _is_heading_line(next_line) or len(_WHITESPACE.sub("", line)) < min_wrapped:
        return "\n"
    wrapped = (_WRAP_BEFORE_RE.match(prev) and _WRAP_AFTER_RE.match(nxt)) or (prev.isdigit() and nxt in _UNIT_START)
    return "" if wrapped and nxt else "\n"


class CharPositions:
    """Where any of a set of characters occurs in a text, sorted, to find the nearest one before or after an
    offset by bisection: `str.rfind` per character scans back to the text's start for a character the text
    lacks, and the extractors ask this for every figure."""

    def __init__(self, text: str, chars: str) -> None:
        pattern = re.compile("[" + "".join(map(re.escape, chars)) + "]")
        self._positions = [m.start() for m in pattern.finditer(text)]
        self._length = len(text)

    def last_before(self, pos: int, lo: int = 0) -> int:
        """The last position in [lo, pos), else -1: `max(text.rfind(c, lo, pos) for c in chars)`."""
        i = bisect_left(self._positions, pos) - 1
        return self._positions[i] if i >= 0 and self._positions[i] >= lo else -1

    def first_from(self, pos: int) -> int:
        """The first position at or after `pos`, else the text's length."""
        i = bisect_left(self._positions, pos)
        return self._positions[i] if i < len(self._positions) else self._length


class DocContext:
    """A staged document seen through its compact view, with the context questions the extractors ask.

    All offsets the extractors handle are offsets in the view (`text`, and `scan`, its same-length
    OCR-repaired copy); `hit` maps them back to the staging text for the evidence.
    """

    def __init__(self, doc: StagedDocument) -> None:
        self.doc = doc
        self.text, self._offsets = compact_view(doc.text)
        self.scan = scan_text(self.text)
        self.fiscal_year = doc.fiscal_year
        self._char_positions: dict[str, CharPositions] = {}
        self._answers: dict[Hashable, Any] = {}

    def answer(self, question: Hashable, compute: Callable[[], T]) -> T:
        """`compute()`'s result, computed once per document: the extractors and the confidence of their values
        ask some costly questions again (a field's candidates, whether a figure is the department's)."""
        if question not in self._answers:
            self._answers[question] = compute()
        return self._answers[question]

    def doc_span(self, start: int, end: int) -> tuple[int, int]:
        """Offsets in the staging text of the view slice [start:end]."""
        return self._offsets[start], self._offsets[end - 1] + 1

    def hit(self, field: str, value: object, start: int, end: int, rule: str) -> Hit:
        """A Hit whose raw_text is the staging text as written (whitespace and all) for view[start:end]."""
        doc_start, doc_end = self.doc_span(start, end)
        return Hit(field, value, self.doc.text[doc_start:doc_end], doc_start, doc_end, rule)

    def page_at(self, pos: int) -> int:
        return self.doc.page_at(self._offsets[pos] if pos < len(self._offsets) else len(self.doc.text))

    @cached_property
    def report_type(self) -> str | None:
        found = report_type_hit(self.doc, title_hit(self.doc))
        return None if found is None else str(found.value)

    @property
    def is_project_report(self) -> bool:
        """A 项目支出绩效自评报告: its figures are the project's, and the project is the report's subject."""
        return self.report_type == "project"

    @cached_property
    def is_single_project(self) -> bool:
        """A project report about one project, not a unit's summary of several ("共涉及项目3个", or a section
        heading per project: "（一）馆藏档案全文数字化转化经费项目", "（二）馆藏档案日常维护项目")."""
        if not self.is_project_report:
            return False
        if any(_count(m.group("n") or m.group("m")) > 1 for m in _PROJECT_COUNT_RE.finditer(self.text)):
            return False
        named = {h.text for h in self.headings if h.level <= 3 and _PROJECT_HEADING_RE.search(h.text)}
        return len(named) < 2

    @property
    def is_department_report(self) -> bool:
        return self.report_type == "department_overall"

    def names_a_part(self, pos: int) -> bool:
        """True when the words right before `pos` in its clause name a part (基本支出, 项目, 其中…) rather
        than the report's whole; in a project report its project and funds are the whole."""
        before = self.text[self.clause_start(pos) : pos]
        if self.is_project_report:
            part = PROJECT_PART_PREFIX_RE.search(before)
            # "特殊教育公用经费项目资金总额": the project's own name (as its title gives it), not a part.
            return part is not None and not self._in_title(before[max(0, part.start() - 2) : part.end()])
        return PART_PREFIX_RE.search(before) is not None

    @cached_property
    def _title_text(self) -> str:
        found = title_hit(self.doc)
        return "" if found is None else str(found.value)

    def _in_title(self, words: str) -> bool:
        return len(words) >= 3 and words in self._title_text

    @cached_property
    def headings(self) -> list[Heading]:
        return find_headings(self.text)

    # --- spans -------------------------------------------------------------------------------

    def positions_of(self, chars: str) -> CharPositions:
        """Where any of `chars` occurs in the view (found once per set of characters)."""
        found = self._char_positions.get(chars)
        if found is None:
            found = self._char_positions[chars] = CharPositions(self.text, chars)
        return found

    def sentence_start(self, pos: int) -> int:
        return self.positions_of(SENTENCE_ENDS).last_before(pos) + 1

    def sentence_end(self, pos: int) -> int:
        return self.positions_of(SENTENCE_ENDS).first_from(pos)

    def clause_start(self, pos: int) -> int:
        return self.positions_of(CLAUSE_ENDS).last_before(pos) + 1

    def paragraph_start(self, pos: int) -> int:
        return self.text.rfind("\n", 0, pos) + 1

    def paragraph_end(self, pos: int) -> int:
        end = self.text.find("\n", pos)
        return len(self.text) if end < 0 else end

    # --- sections ----------------------------------------------------------------------------

    @cached_property
    def _heading_starts(self) -> list[int]:
        return [heading.start for heading in self.headings]

    @cached_property
    def _chains(self) -> list[list[Heading]]:
        """The enclosing headings, innermost first, after each heading: `heading_chain` is asked for every
        figure, so the chains are built once."""
        chains: list[list[Heading]] = []
        chain: dict[int, Heading] = {}
        for heading in self.headings:
            chain = {lvl: h for lvl, h in chain.items() if lvl < heading.level}
            chain[heading.level] = heading
            chains.append(sorted(chain.values(), key=lambda h: -h.level))
        return chains

    def heading_chain(self, pos: int) -> list[Heading]:
        """The headings enclosing `pos`, innermost first."""
        count = bisect_right(self._heading_starts, pos)
        return list(self._chains[count - 1]) if count else []

    def section_kind(self, pos: int) -> str:
        """ "item" (a named-project section), "summary" (department totals) or "other".

        The innermost heading that says anything decides: a 预算执行情况 subsection inside a
        project section is still about that project only if its own heading does not say otherwise.
        """
        for heading in self.heading_chain(pos):
            # "部门整体及项目绩效情况" speaks of the whole department, projects included; in a project
            # report every project section is about the report's own subject.
            if ITEM_SECTION_RE.search(heading.text) and "整体" not in heading.text and not self.is_project_report:
                return "item"
            if SUMMARY_SECTION_RE.search(heading.text):
                return "summary"
        return "other"

    # --- period ------------------------------------------------------------------------------

    def speaks_of_other_period(self, label_start: int, value_end: int) -> bool:
        """True when the figure is last year's (or another year's, or part of the year's) rather than
        the evaluated year's.

        Looks at the clause of the label for comparison words, and at the nearest year named before
        the label in its sentence: "2022年我局预算支出…，预算执行率90%" in a 2023 report is 2022's.
        """
        clause = self.text[self.clause_start(label_start) : value_end]
        if PRIOR_PERIOD_RE.search(clause):
            return True
        if PARTIAL_YEAR_RE.search(self.text, self.sentence_start(label_start), value_end):
            return True
        if self.fiscal_year is None:
            return False
        # A year in brackets is an aside ("（含2023年转列暂付性款项项目5个）"), not the sentence's period.
        before = _BRACKETED.sub("", self.text[self.sentence_start(label_start) : label_start])
        years = _YEAR_NOT_DATE_RE.findall(before)
        return bool(years) and int(years[-1]) != self.fiscal_year
