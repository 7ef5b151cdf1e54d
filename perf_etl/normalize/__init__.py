"""Normalization: raw page texts -> one clean staging text with sections and a page map.

`normalize_document` is the stage function. Steps: line-local repairs (text.py), web-page and
document-site chrome removal (chrome.py), page furniture removal (furniture.py), re-joining wrapped lines
into paragraphs across page breaks (paragraphs.py), outline sections (sections.py). Offsets in the returned
text are what evidence points at.
"""

from __future__ import annotations

from perf_etl.models import PageText, StagedDocument
from perf_etl.normalize.furniture import remove_furniture
from perf_etl.normalize.paragraphs import Line, estimate_width, joins, separator
from perf_etl.normalize.sections import split_sections
from perf_etl.text.chrome import strip_chrome
from perf_etl.text.outline import match_marker
from perf_etl.text.repairs import repair_line

__all__ = ["normalize_document", "normalize_text"]


def _page_lines(pages: list[PageText]) -> tuple[list[list[str]], list[set[int]]]:
    """Each page's repaired lines without chrome, and per page the indexes of lines that stand alone."""
    ordered = sorted(pages, key=lambda p: p.page_number)
    # Form feeds inside one page text are page-like breaks: treat them as line breaks.
    stripped = [strip_chrome(p.text.replace("\f", "\n").splitlines()) for p in ordered]
    return [[repair_line(line) for line in lines] for lines, _ in stripped], [fields for _, fields in stripped]


def _assemble(lines: list[Line], page_count: int) -> tuple[str, list[int], list[int]]:
    """Join lines into "\n"-separated paragraphs; return text, page starts and paragraph starts."""
    width = estimate_width([line.text for line in lines])
    parts: list[str] = []
    offset = 0
    page_first: list[int | None] = [None] * page_count
    paragraph_starts: list[int] = []
    in_preamble = True
    prev: str | None = None
    prev_first = False  # whether `prev` opened its paragraph
    prev_alone = False
    for line in lines:
        alone = prev_alone or line.standalone
        prev_alone = line.standalone
        if prev is not None and not alone and joins(prev, line.text, width, in_preamble, prev_first):
            glue = separator(prev, line.text)
            prev_first = False
        else:
            prev_first = True
            glue = "\n" if prev is not None else ""
            paragraph_starts.append(offset + len(glue))
        parts.append(glue)
        offset += len(glue)
        if page_first[line.page_index] is None:
            page_first[line.page_index] = offset
        parts.append(line.text)
        offset += len(line.text)
        if in_preamble and match_marker(line.text) is not None:
            in_preamble = False
        prev = line.text
    return "".join(parts), _fill_page_starts(page_first, offset), paragraph_starts


def _fill_page_starts(page_first: list[int | None], text_len: int) -> list[int]:
    """Empty pages start where the next non-empty page starts (or at the end of the text)."""
    starts: list[int] = [0] * len(page_first)
    following = text_len
    for i in range(len(page_first) - 1, -1, -1):
        value = page_first[i]
        following = value if value is not None else following
        starts[i] = following
    if starts:
        starts[0] = 0
    return starts


def normalize_text(pages: list[PageText]) -> tuple[str, list[int], list[int]]:
    """(staging text, page starts, paragraph starts) of the pages."""
    raw_lines, standalone = _page_lines(pages)
    page_lines = remove_furniture(raw_lines)
    lines = [
        Line(text, i, j in standalone[i]) for i, texts in enumerate(page_lines) for j, text in enumerate(texts) if text
    ]
    return _assemble(lines, max(1, len(page_lines)))


def normalize_document(document_id: str, fiscal_year: int | None, pages: list[PageText]) -> StagedDocument:
    text, page_starts, paragraph_starts = normalize_text(pages)
    doc = StagedDocument(document_id=document_id, fiscal_year=fiscal_year, text=text, page_starts=page_starts)
    doc.sections = split_sections(text, paragraph_starts, doc.page_at)
    return doc
