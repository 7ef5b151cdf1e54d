"""Splitting the normalized text into outline sections (staging.sections).

A paragraph is a heading when it starts with an outline marker and is either short as a whole
("三、存在的主要问题", "1.预算编制情况") or opens with a short run-in title ended by 。 or ：
("（一）部门职能。本局负责…"). A numbered paragraph that is a long sentence ("1.贯彻落实党中央关于…、…，…")
is a list item, not a heading. Numbers inside a paragraph ("1.5亿元", "如下：1.引进…2.…") never start
a heading because only paragraph starts are looked at.
"""

from __future__ import annotations

from collections.abc import Callable

from perf_etl.models import Section
from perf_etl.normalize.paragraphs import display_width
from perf_etl.text.outline import match_marker

HEADING_MAX_WIDTH = 40.0  # a standalone heading fits on one printed line
RUN_IN_MAX_WIDTH = 22.0  # a run-in title is a phrase, not a sentence
RUN_IN_ENDS = "。：:"
LIST_ITEM_ENDS = ("，", "；", ";", "、", ",")


def heading_length(paragraph: str) -> tuple[int, int] | None:
    """(level, number of characters of `paragraph` that form the heading), or None."""
    marker = match_marker(paragraph)
    if marker is None:
        return None
    level, marker_len = marker
    if marker_len >= len(paragraph):
        return None
    inner = paragraph[:-1]
    if display_width(paragraph) <= HEADING_MAX_WIDTH and "。" not in inner and not paragraph.endswith(LIST_ITEM_ENDS):
        return level, len(paragraph)
    cut = min((i for i in (paragraph.find(c) for c in RUN_IN_ENDS) if i > marker_len), default=-1)
    if cut < 0:
        return None
    title = paragraph[marker_len:cut]
    if display_width(title) <= RUN_IN_MAX_WIDTH and "，" not in title and "；" not in title:
        return level, cut + 1
    return None


def split_sections(text: str, paragraph_starts: list[int], page_at: Callable[[int], int]) -> list[Section]:
    """Sections of `text`, whose paragraphs start at `paragraph_starts` (offsets, ascending)."""
    heads: list[tuple[int, int, int]] = []  # (offset, level, heading length)
    for start in paragraph_starts:
        end = text.find("\n", start)
        paragraph = text[start : end if end >= 0 else len(text)]
        found = heading_length(paragraph)
        if found is not None:
            heads.append((start, found[0], found[1]))
    sections = []
    for ordinal, (start, level, length) in enumerate(heads, start=1):
        body_end = heads[ordinal][0] if ordinal < len(heads) else len(text)
        sections.append(
            Section(
                ordinal=ordinal,
                level=level,
                heading=text[start : start + length],
                text=text[start + length : body_end].strip(),
                page_number=page_at(start),
                char_start=start,
            )
        )
    return sections
