"""A table as read from a document: rows of cell texts, merged cells filled, with the page of each row.

Readers return `TableGrid`s; raw.table_cells stores them one cell a row (`cells_frame` / `grids_from_frame`
convert both ways), and the rows stage (rows.py) reads them by header text.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

TABLE_CELL_COLUMNS = ["document_id", "fiscal_year", "page_number", "table_index", "row_index", "column_index",
                      "text", "caption"]
# Whitespace between two ASCII letters or digits separates words ("Word 2016"); anywhere else (between CJK
# characters, at a wrapped line's end, letter spacing) it is layout.
_LAYOUT_SPACE_RE = re.compile(r"(?<![A-Za-z0-9])\s+|\s+(?![A-Za-z0-9])")


@dataclass
class TableGrid:
    """One table: `rows[r][c]` is the text of cell (r, c); `pages[r]` the 1-based page row r is on.

    A merged cell's text is in every grid position it covers. `caption` is the text just above the table
    on its first page (its title, "单位：万元"), where a reader can see it.
    """

    rows: list[list[str]]
    pages: list[int]
    caption: str = ""
    table_index: int = 0

    @property
    def width(self) -> int:
        return max((len(row) for row in self.rows), default=0)


@dataclass
class RawGrid:
    """A table as a PDF reader finds it on one page: None where a merged cell covers the position."""

    rows: list[list[str | None]]
    page_number: int
    caption: str = ""


def clean_cell(text: str | None) -> str | None:
    """The cell's text on one line, without layout whitespace; None stays None (a covered position)."""
    if text is None:
        return None
    return _LAYOUT_SPACE_RE.sub("", text.strip()).replace("\u3000", "")


def fill_covered(rows: Sequence[Sequence[str | None]]) -> list[list[str]]:
    """Covered positions a reader could not attribute take the text above, else to the left, else ""."""
    filled: list[list[str]] = []
    for r, row in enumerate(rows):
        out: list[str] = []
        for c, text in enumerate(row):
            if text is None:
                above = filled[r - 1][c] if r > 0 and c < len(filled[r - 1]) else None
                text = above if above is not None else (out[c - 1] if c > 0 else "")
            out.append(text)
        filled.append(out)
    return filled


def cells_frame(document_id: str, fiscal_year: int | None, grids: Sequence[TableGrid]) -> pd.DataFrame:
    """raw.table_cells rows of one document's tables."""
    rows = [
        {"document_id": document_id, "fiscal_year": fiscal_year, "page_number": grid.pages[r],
         "table_index": grid.table_index, "row_index": r, "column_index": c, "text": text, "caption": grid.caption}
        for grid in grids
        for r, row in enumerate(grid.rows)
        for c, text in enumerate(row)
    ]
    return pd.DataFrame(rows, columns=TABLE_CELL_COLUMNS)


def empty_cells() -> pd.DataFrame:
    return pd.DataFrame(columns=TABLE_CELL_COLUMNS)


def grids_from_frame(cells: pd.DataFrame) -> dict[str, list[TableGrid]]:
    """The tables of every document of raw.table_cells rows (the inverse of `cells_frame`). One pass over
    plain column lists: a pandas group per table and row costs far more than the cells."""
    keys = ["document_id", "table_index", "row_index", "column_index"]
    ordered = cells.sort_values(keys, kind="stable")
    out: dict[str, list[TableGrid]] = {}
    table: tuple[object, object] | None = None
    row: object = None
    columns = ["document_id", "table_index", "row_index", "page_number", "text", "caption"]
    for document_id, table_index, row_index, page, text, caption in zip(
            *(ordered[column].tolist() for column in columns), strict=True):
        if (document_id, table_index) != table:
            table, row = (document_id, table_index), None
            grid = TableGrid([], [], caption if isinstance(caption, str) else "", int(table_index))
            out.setdefault(str(document_id), []).append(grid)
        if row_index != row:
            row = row_index
            grid.rows.append([])
            grid.pages.append(int(page))
        grid.rows[-1].append(str(text))
    return out
