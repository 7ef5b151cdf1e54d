"""Page furniture: page numbers and running headers/footers that the PDF reader mixes into the text.

Lines are compared after `text.repair_line`, so "－ ３ －" and "- 3 -" look the same.
"""

from __future__ import annotations

import re
from collections import Counter

from perf_etl.text.page_numbers import is_page_number

# A bare number alone on a line is a page number only at the top or bottom of a page; in the middle
# it may be a number wrapped onto its own line.
_BARE_NUMBER = re.compile(r"^\d{1,4}$")
EDGE_LINES = 2  # how many non-empty lines at each end of a page count as header/footer territory
RUNNING_MAX_CHARS = 40  # a running header is short
RUNNING_MIN_PAGES = 3
RUNNING_MIN_SHARE = 0.4  # share of pages a header must repeat on
_DIGITS = re.compile(r"\d+")


def _edge_indexes(lines: list[str]) -> list[int]:
    """Indexes of the first and last EDGE_LINES non-empty lines of a page."""
    filled = [i for i, line in enumerate(lines) if line]
    return sorted(set(filled[:EDGE_LINES] + filled[-EDGE_LINES:]))


def _running_key(line: str) -> str:
    # Headers often carry the page number ("XX局2023年自评报告 3"): compare without digits.
    return _DIGITS.sub("#", line)


def find_running_lines(pages: list[list[str]]) -> set[str]:
    """Keys of short lines repeated at the edges of many pages."""
    if len(pages) < RUNNING_MIN_PAGES:
        return set()
    counts: Counter[str] = Counter()
    for lines in pages:
        keys = {_running_key(lines[i]) for i in _edge_indexes(lines) if len(lines[i]) <= RUNNING_MAX_CHARS}
        counts.update(keys)
    threshold = max(RUNNING_MIN_PAGES, RUNNING_MIN_SHARE * len(pages))
    return {key for key, n in counts.items() if n >= threshold}


def printed_pages(lines: list[str]) -> list[tuple[int, int]]:
    """(start, end) line ranges of the printed pages inside one extracted page. Text exported without
    form feeds (a .txt, a Word export of a PDF) still carries its page-number lines, and each of them
    ends a printed page; without any, the extracted page is one printed page."""
    ranges: list[tuple[int, int]] = []
    start = 0
    for i, line in enumerate(lines):
        if is_page_number(line):
            ranges.append((start, i + 1))
            start = i + 1
    if start < len(lines) or not ranges:
        ranges.append((start, len(lines)))
    return ranges


def remove_furniture(pages: list[list[str]]) -> list[list[str]]:
    """The pages' lines without page numbers and running headers/footers (removed lines become ""),
    judged per printed page (see `printed_pages`)."""
    printed = [(index, start, end) for index, lines in enumerate(pages) for start, end in printed_pages(lines)]
    running = find_running_lines([pages[index][start:end] for index, start, end in printed])
    multi_page = len(printed) > 1
    cleaned = [list(lines) for lines in pages]
    for ordinal, (index, start, end) in enumerate(printed):
        lines = pages[index][start:end]
        edges = set(_edge_indexes(lines))
        for i, line in enumerate(lines):
            at_edge = i in edges
            drop = is_page_number(line)
            # The first page keeps its lines: a header that repeats the title is the title there.
            drop = drop or (at_edge and ordinal > 0 and _running_key(line) in running)
            drop = drop or (at_edge and multi_page and bool(_BARE_NUMBER.match(line)))
            if drop:
                cleaned[index][start + i] = ""
    return cleaned
