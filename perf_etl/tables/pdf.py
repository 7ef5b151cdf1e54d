"""Ruled tables of a PDF through pdfplumber's table finder (lines strategy).

pdfplumber gives None for a grid position a merged cell covers. The covering cell is the one whose box
holds the position's centre; its text fills the position (`_fill_from_boxes`), which tells a cell merged
downwards (一级指标 over three rows) from one merged rightwards (总分 over four columns). A table whose
first piece on a page continues the previous page's last table (same number of columns, no header of
its own or the same header repeated, and not a new form: no 项目名称 row opening it, no form title above it)
is joined to it. Rotated (landscape) pages need nothing: pdfplumber
turns their coordinates upright.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from perf_etl.grid import RawGrid, TableGrid, clean_cell, fill_covered
from perf_etl.tables.columns import is_header

# Letter-spaced cells ("年 度 指 标 值", "1 0 5 0") only read as words when characters closer than half
# the font size join (docs/architecture.md, pdfplumber facts).
TABLE_SETTINGS: dict[str, Any] = {
    "vertical_strategy": "lines",
    "horizontal_strategy": "lines",
    "text_x_tolerance_ratio": 0.5,
}
# How far above a table its caption ("单位：万元", the title) may sit, in points.
CAPTION_HEIGHT = 40.0

Box = tuple[float, float, float, float]


def assemble_tables(pieces: Sequence[RawGrid]) -> list[TableGrid]:
    """The tables of a document from the pieces found on its pages (in page order): continuations joined,
    merged cells filled."""
    return [
        TableGrid(fill_covered(rows), pages, caption, index)
        for index, (rows, pages, caption) in enumerate(join_continuations(pieces))
    ]


def page_tables(page: Any, number: int) -> list[RawGrid]:
    """The ruled tables of a pdfplumber page (1-based `number`), as found on it. Reading a page whose text
    was just extracted costs the table finder only: pdfplumber parses a page once until it is closed."""
    tables = page.find_tables(TABLE_SETTINGS)
    text_settings = {key[5:]: value for key, value in TABLE_SETTINGS.items() if key.startswith("text_")}
    return [RawGrid(_fill_from_boxes(table, table.extract(**text_settings)), number, _caption(page, table.bbox))
            for table in tables]


def _caption(page: Any, bbox: Box) -> str:
    top = max(0.0, bbox[1] - CAPTION_HEIGHT)
    if bbox[1] - top < 1:
        return ""
    text = page.crop((0, top, page.width, bbox[1])).extract_text(x_tolerance_ratio=0.5) or ""
    return " ".join(line.strip() for line in text.splitlines() if line.strip())


def _fill_from_boxes(table: Any, grid: list[list[str | None]]) -> list[list[str | None]]:
    """Cleaned cell texts; a covered position takes the text of the cell whose box holds its centre."""
    rows = [[clean_cell(text) for text in row] for row in grid]
    row_spans = [_span(row.cells, vertical=True) for row in table.rows]
    column_spans = [_span(column.cells, vertical=False) for column in table.columns]
    owners: list[tuple[Box, str]] = [
        (box, rows[r][c])  # type: ignore[misc]
        for r, row in enumerate(table.rows)
        for c, box in enumerate(row.cells)
        if box is not None and c < len(rows[r]) and rows[r][c] is not None
    ]
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            if text is None and row_spans[r] and c < len(column_spans) and column_spans[c]:
                x = sum(column_spans[c]) / 2
                y = sum(row_spans[r]) / 2
                row[c] = next((t for box, t in owners if box[0] <= x <= box[2] and box[1] <= y <= box[3]), None)
    return rows


def _span(boxes: Sequence[Box | None], *, vertical: bool) -> tuple[float, float] | None:
    """The extent of a grid row (top, bottom) or column (x0, x1): the narrowest cell box in it (a merged
    cell's box is wider than the position)."""
    extents = [(b[1], b[3]) if vertical else (b[0], b[2]) for b in boxes if b is not None]
    return min(extents, key=lambda e: e[1] - e[0]) if extents else None


def join_continuations(pieces: Sequence[RawGrid]) -> list[tuple[list[list[str | None]], list[int], str]]:
    """(rows, page of each row, caption) per table; a piece continuing the previous one is appended."""
    tables: list[tuple[list[list[str | None]], list[int], str]] = []
    for i, piece in enumerate(pieces):
        # Only the first piece of a page can continue, and only the last piece of the page before.
        follows = i > 0 and pieces[i - 1].page_number == piece.page_number - 1
        if follows and piece.rows and not _opens_a_table(piece) and _continues(piece.rows, tables[-1][0]):
            rows, pages, _ = tables[-1]
            body = piece.rows[1:] if _same_row(piece.rows[0], rows[_header_index(rows)]) else piece.rows
            rows.extend(body)
            pages.extend([piece.page_number] * len(body))
        else:
            tables.append(([list(r) for r in piece.rows], [piece.page_number] * len(piece.rows), piece.caption))
    return tables


# A piece that starts a 自评表 of its own, not the rest of the one before: it opens with the form's identity
# row (项目名称 …), or has a form's title above it on its page (one PDF bundling several projects' tables).
_IDENTITY_ROW = re.compile(r"^(?:项目名称|部门名称|单位名称|部门（单位）名称|部门\(单位\)名称)")
_FORM_TITLE = re.compile(r"自评表|评价表|评分表|自评报告")


def _opens_a_table(piece: RawGrid) -> bool:
    first = next((text for text in piece.rows[0] if text), "") or ""
    return bool(_IDENTITY_ROW.match(first.replace(" ", "")) or _FORM_TITLE.search(piece.caption or ""))


def _continues(piece_rows: list[list[str | None]], rows_so_far: list[list[str | None]]) -> bool:
    """As many columns, and either the table's header repeated or no header of its own."""
    if len(piece_rows[0]) != len(rows_so_far[0]):
        return False
    first = [text or "" for text in piece_rows[0]]
    return _same_row(first, rows_so_far[_header_index(rows_so_far)]) or not is_header(first)


def _header_index(rows: list[list[str | None]]) -> int:
    """The last header row of a table so far (an indicator header under a money block), else 0."""
    headers = [i for i, row in enumerate(rows) if is_header([text or "" for text in row])]
    return headers[-1] if headers else 0


def _same_row(a: Sequence[str | None], b: Sequence[str | None]) -> bool:
    return [text or "" for text in a] == [text or "" for text in b]
