"""The numbering of the report outline (一、 / （一） / 1. / （1）/ ①), shared by line joining and sections.

Government documents number their outline in a fixed hierarchy (GB/T 9704 practice):
level 1 一、, level 2 （一）, level 3 1. or 1、, level 4 （1） or ①. The markers are data here; the
code that decides whether a marked line is a heading lives in paragraphs.py and sections.py.
"""

from __future__ import annotations

import re

_CN_NUM = "一二三四五六七八九十"
# (level, pattern) — order matters: the ASCII "1." marker must not swallow "1.5亿元", hence (?!\d).
MARKERS: tuple[tuple[int, re.Pattern[str]], ...] = (
    (1, re.compile(rf"^第[{_CN_NUM}]{{1,3}}(?:部分|章|节)\s*")),
    (1, re.compile(rf"^[{_CN_NUM}]{{1,3}}\s*[、.．]\s*")),
    (2, re.compile(rf"^[（(]\s*[{_CN_NUM}]{{1,3}}\s*[)）]\s*[、.．]?\s*")),
    (3, re.compile(r"^\d{1,2}\s*(?:[、．]|\.(?!\d))\s*")),
    (4, re.compile(r"^[（(]\s*\d{1,2}\s*[)）]\s*[、.．]?\s*")),
    (4, re.compile(r"^[①-⑳]\s*")),
)


# All markers as one pattern, tried in MARKERS order (the first alternative that matches wins, as the first
# pattern that matches would): every line of every document is asked, often several times.
_ANY_MARKER = re.compile("|".join(f"(?P<m{i}>{pattern.pattern})" for i, (_, pattern) in enumerate(MARKERS)))
_LEVEL_OF_GROUP = {f"m{i}": level for i, (level, _) in enumerate(MARKERS)}


def match_marker(text: str) -> tuple[int, int] | None:
    """(level, length of the marker) when `text` starts with an outline marker, else None."""
    m = _ANY_MARKER.match(text)
    return (_LEVEL_OF_GROUP[m.lastgroup], m.end()) if m and m.lastgroup else None
