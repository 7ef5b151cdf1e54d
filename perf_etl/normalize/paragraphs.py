"""Re-joining wrapped lines into paragraphs.

PDF text comes one printed line at a time, and the seed texts even put blank lines inside sentences
("自评分数总计为\n\n93.69 分"), so blank lines carry no meaning and are ignored. Whether two consecutive
lines belong to one paragraph is decided from how Chinese official documents are typeset:
- a line starting with an outline marker (一、（一）1.（1）①) or a field label ("填报人：") starts anew;
- a line ending in a comma/enumeration comma/opening bracket, or splitting a number from its unit,
  continues;
- a short numbered line is a heading; a line ending in 。；：！？ ends a paragraph unless it fills the
  whole printed width (then the paragraph merely wrapped at a sentence end);
- a line without closing punctuation continues, unless it is clearly shorter than the printed width
  (a heading or a title line) — measured against the document's typical wrapped-line width.
"""

from __future__ import annotations

import re
import statistics
from dataclasses import dataclass

from perf_etl.text.outline import match_marker
from perf_etl.text.repairs import WIDE

_WIDE_CHARS = re.compile(f"[{WIDE}]+")
FINAL_PUNCT = "。！？；：!?;:"
CLOSERS = "”’）)】》」』"
# Characters after which a printed line cannot end a paragraph.
CONTINUATION_END = "，、,（(“‘《【—-～~/+&"
# Words a line can end with only mid-sentence (a function word before a wrapped noun).
CONTINUATION_WORDS = ("和", "及", "与", "或", "的", "对", "在", "将", "把", "向", "从", "按", "为", "以")
# A line that begins with one of these cannot start a paragraph: it carries on the previous line.
CONTINUATION_START = "，。、；：！？,.;:!?%）)”’】》」』"
UNIT_START = re.compile(r"^(?:万元|亿元|元|万|亿|年|月|日|个|人|宗|家|项|次|座|名|%|㎡|平方米|亩|天)")
LABEL_START = re.compile(r"^[\u4e00-\u9fff]{2,8}(?:[（(][\u4e00-\u9fff]{1,4}[)）][\u4e00-\u9fff]{0,4})?[：:]")
STANDALONE_END = re.compile(r"(?:报告|自评表|评价表|[（(][公盖]章[)）])$")
STANDALONE_LINE = re.compile(r"^附件\s*\d*\s*[:：]?$|^附件[一二三四五六七八九十]+[:：]?$")
# Two numbers separated only by a space: cells of a table row (prose never writes numbers so).
_NUMBER_CELLS = re.compile(r"\d[ \t]+\d")
# A line that is one number: a table cell on a line of its own ("64.8" then "64.8"), never glued to the next.
_NUMBER_CELL = re.compile(r"^[-+]?\d+(?:\.\d+)?%?$")
MIN_WRAPPED_LINES = 8  # fewer wrapped lines than this: the document has no fixed printed width
FULL_SLACK = 2.0  # a line within this many character widths of the printed width counts as full
SHORT_SHARE = 0.7  # a line narrower than this share of the width is not a wrapped line
HEADING_MAX_WIDTH = 30.0  # heading width limit when the printed width is unknown
# A numbered line narrower than the printed width by more than this is a heading. The first line of a
# paragraph is already two cells short (Chinese paragraphs are indented by two characters), so the
# margin is the indent plus slack.
HEADING_MARGIN = 4.5
PARAGRAPH_INDENT = 2.0


@dataclass
class Line:
    text: str
    page_index: int  # 0-based index into the document's pages
    standalone: bool = False  # a paragraph by itself (a page's metadata field kept by chrome.py)


def display_width(text: str) -> float:
    """Width in CJK character cells: ASCII takes about half a cell in the fonts used."""
    narrow = len(_WIDE_CHARS.sub("", text))
    # Whole and half cells add up exactly in floating point, in any order.
    return (len(text) - narrow) + 0.5 * narrow


def ends_final(text: str) -> bool:
    stripped = text.rstrip(CLOSERS)
    return bool(stripped) and stripped[-1] in FINAL_PUNCT


def estimate_width(lines: list[str]) -> float | None:
    """The printed line width, when the text was wrapped at a fixed width; None for texts whose lines
    are whole paragraphs (Word exports) or too few to tell."""
    widths = [display_width(t) for t in lines]  # once per line: measuring is most of the cost here
    wrapped = [
        w for t, w in zip(lines, widths, strict=True) if not ends_final(t) and match_marker(t) is None and w >= 8
    ]
    if len(wrapped) < MIN_WRAPPED_LINES:
        return None
    width = statistics.median(wrapped)
    overlong = sum(1 for w in widths if w > 1.5 * width + 4)
    near = sum(1 for w in wrapped if abs(w - width) <= 3)
    # Wrapped text: most candidate lines sit near one width and few lines are far wider.
    if near < 0.5 * len(wrapped) or overlong > 0.15 * len(lines):
        return None
    return width


def _is_full(text: str, width: float | None, first_line: bool) -> bool:
    # The first line of a paragraph is indented by two cells, so it is full two cells earlier.
    indent = PARAGRAPH_INDENT if first_line else 0.0
    return width is not None and display_width(text) >= width - FULL_SLACK - indent


def _is_short(text: str, width: float | None) -> bool:
    limit = SHORT_SHARE * width if width is not None else HEADING_MAX_WIDTH
    return display_width(text) < limit


def _label_block(prev: str, width: float | None, first_line: bool) -> bool:
    """Whether a "标签：" line after `prev` starts a field of a cover block ("填报人：…") rather than
    continuing a wrapped sentence ("…现将有关情" + "况总结如下："): field lines follow short lines."""
    if width is None:
        return display_width(prev) <= HEADING_MAX_WIDTH
    return not _is_full(prev, width, first_line)


def _ends_continuation(prev: str, nxt: str) -> bool:
    if prev[-1] in CONTINUATION_END or prev.endswith(CONTINUATION_WORDS):
        return True
    # A number split from its unit or from the rest of its digits.
    return prev[-1].isdigit() and (nxt[0].isdigit() or bool(UNIT_START.match(nxt)))


def _is_heading_line(prev: str, width: float | None) -> bool:
    if match_marker(prev) is None:
        return False
    heading_limit = (width - HEADING_MARGIN) if width is not None else HEADING_MAX_WIDTH
    return display_width(prev) < heading_limit


def joins(prev: str, nxt: str, width: float | None, in_preamble: bool, first_line: bool = False) -> bool:
    """Whether `nxt` continues the paragraph whose last printed line is `prev` (`first_line`: `prev`
    is also the paragraph's first line)."""
    if match_marker(nxt) is not None or "\t" in prev or "\t" in nxt:
        return False  # a heading, or a table row (cells are tab-separated): never part of a paragraph
    if nxt[0] in CONTINUATION_START:
        return True
    if STANDALONE_END.search(prev) or STANDALONE_LINE.match(prev):
        return False
    if LABEL_START.match(nxt) and _label_block(prev, width, first_line):
        return False
    if _ends_continuation(prev, nxt):
        return True
    if _is_heading_line(prev, width):
        return False
    if ends_final(prev):
        return _is_full(prev, width, first_line)
    if in_preamble or width is None or not _is_short(prev, width):
        return True
    return bool(UNIT_START.match(nxt))


def separator(prev: str, nxt: str) -> str:
    """What goes between two joined lines: a space between two Latin words, and between two number
    cells of a flattened table row wrapped before its last cells ("年度资金总额 100.00 120.00" +
    "110.00 91.67%") or written one cell a line, which must not be glued into one number."""
    if prev[-1].isascii() and prev[-1].isalpha() and nxt[0].isascii() and nxt[0].isalpha():
        return " "
    if prev[-1].isdigit() and nxt[0].isdigit() and (
        _NUMBER_CELLS.search(prev) or _NUMBER_CELLS.search(nxt) or _NUMBER_CELL.match(prev)
    ):
        return " "
    return ""
