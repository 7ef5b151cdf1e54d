"""Tables of a .docx through python-docx.

A Word table has its merged cells in the grid already: python-docx returns the merged cell at every grid
position it spans (rightwards and downwards), so its text fills them as the PDF reader fills covered
positions. Word files have no reliable pages; every table is on page 1, as raw.pages has it.
"""

from __future__ import annotations

from typing import Any

from perf_etl.grid import TableGrid, clean_cell

DOCX_PAGE = 1


def read_docx_tables(document: Any) -> list[TableGrid]:
    """Every table of a python-docx document, top-level and in order (nested tables are rare in a 自评表)."""
    grids = []
    for index, table in enumerate(document.tables):
        rows = [[clean_cell(cell.text) or "" for cell in row.cells] for row in table.rows]
        grids.append(TableGrid(rows, [DOCX_PAGE] * len(rows), "", index))
    return grids
