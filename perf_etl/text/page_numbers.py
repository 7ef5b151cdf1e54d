"""A line that is nothing but a page number, in the forms government typesetting uses. No sentence of a
report consists of "- 3 -" or "第3页", so these are safe anywhere on a page (perf_etl/normalize/furniture.py),
and inside a table flattened into text (perf_etl/tables/flat.py), where "3/12" may be a cell's value."""

from __future__ import annotations

import re

PAGE_MARKERS: tuple[re.Pattern[str], ...] = (
    re.compile(r"^[-—–－―~～·•]+\s*\d{1,4}\s*[-—–－―~～·•]+$"),  # - 3 -  —3—
    re.compile(r"^第\s*\d{1,4}\s*页(?:\s*[,，/]?\s*共\s*\d{1,4}\s*页)?$"),  # 第3页 / 第3页 共12页
    re.compile(r"^共\s*\d{1,4}\s*页\s*[,，]?\s*第\s*\d{1,4}\s*页$"),  # 共12页 第3页
    re.compile(r"^(?:page|Page|PAGE)\s*\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?$"),
)
PAGE_NUMBER_LINES: tuple[re.Pattern[str], ...] = (*PAGE_MARKERS, re.compile(r"^\d{1,4}\s*/\s*\d{1,4}$"))  # 3/12
# The forms as one pattern each: every line of every page is asked.
_ANY_PAGE_MARKER = re.compile("|".join(f"(?:{p.pattern})" for p in PAGE_MARKERS))
_ANY_PAGE_NUMBER = re.compile("|".join(f"(?:{p.pattern})" for p in PAGE_NUMBER_LINES))


def is_page_number(line: str) -> bool:
    return _ANY_PAGE_NUMBER.match(line) is not None


def is_page_marker(line: str) -> bool:
    """A page number in a form no table cell takes (not "3/12")."""
    return _ANY_PAGE_MARKER.match(line) is not None
