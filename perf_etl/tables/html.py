"""Tables of a web page through lxml: every <table> that holds data, as a TableGrid.

HTML states merged cells by rowspan / colspan; the grid is laid out as a browser lays it out (each cell
in the first position no cell above has taken), and a merged cell's text goes into every position it
covers, as the PDF and Word readers fill theirs. Old CMS templates nest the whole page in layout tables:
a table that holds another table is layout, and only the innermost tables, those whose cells hold text,
are read. Tables of the site's chrome (in <nav>/<header>/<footer>, or menus: text that is mostly links)
are left out. A web page has no pages: every table is on page 1, as raw.pages has it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from perf_etl.grid import TableGrid, clean_cell

HTML_PAGE = 1
# A cell spanning more columns than any 自评表 has is a layout or a broken page; the cap keeps a hostile
# colspan="100000" from building a grid of millions of positions.
_MAX_COLSPAN = 100
_CHROME_TAGS = frozenset({"nav", "header", "footer", "aside"})
# Share of a table's text inside links above which it is a menu or a list of links, not data.
_MAX_LINK_SHARE = 0.5
# How much text above a table may be its caption (the title, "单位：万元").
_CAPTION_LINES = 2
_CAPTION_CHARS = 200


def read_html_tables(root: Any) -> list[TableGrid]:
    """The data tables of an lxml.html document, in document order."""
    grids: list[TableGrid] = []
    for table in root.iter("table"):
        if _is_layout(table) or _in_chrome(table) or _link_share(table) > _MAX_LINK_SHARE:
            continue
        rows = table_grid(table)
        if _holds_data(rows):
            grids.append(TableGrid(rows, [HTML_PAGE] * len(rows), caption_of(table), len(grids)))
    return grids


def table_grid(table: Any) -> list[list[str]]:
    """The table's rows of cell texts, rowspan / colspan resolved, rows without any text left out."""
    groups = _row_groups(table)
    rows = [row for group in groups for row in group]
    # Where each row's group (thead, tbody, tfoot) ends: a rowspan reaches no further (HTML).
    group_ends = [end for end in _ends(groups) for _ in range(end[1])]
    taken: dict[tuple[int, int], str] = {}
    for r, row in enumerate(rows):
        c = 0
        for cell in row.xpath("./td | ./th"):
            while (r, c) in taken:
                c += 1
            text = cell_text(cell)
            down = _span(cell.get("rowspan"), group_ends[r][0] - r, zero_means_rest=True)
            across = _span(cell.get("colspan"), _MAX_COLSPAN, zero_means_rest=False)
            for dr in range(down):
                for dc in range(across):
                    taken[(r + dr, c + dc)] = text
            c += across
    width = max((c + 1 for _, c in taken), default=0)
    grid = [[taken.get((r, c), "") for c in range(width)] for r in range(len(rows))]
    return [row for row in grid if any(row)]


def cell_text(cell: Any) -> str:
    """A cell's text on one line, layout whitespace removed (grid.clean_cell)."""
    return clean_cell(" ".join(cell.itertext())) or ""


def caption_of(table: Any) -> str:
    """The table's <caption>, else the last lines of text just above it (in its parent, or above the
    wrapper it is alone in)."""
    caption = table.find("caption")
    if caption is not None:
        return " ".join(" ".join(caption.itertext()).split())[:_CAPTION_CHARS]
    lines: list[str] = []
    node = table
    for _ in range(3):  # a table alone in a <div>/<p>/<center>: look above the wrapper
        lines = _text_above(node)
        parent = node.getparent()
        if lines or parent is None or not _only_wraps(parent):
            break
        node = parent
    return " ".join(lines[-_CAPTION_LINES:])[-_CAPTION_CHARS:]


def _only_wraps(parent: Any) -> bool:
    """Whether `parent` holds nothing but its one child (a wrapper); a cell or the body is never one."""
    return parent.tag not in ("body", "td", "th") and len(parent) == 1 and not (parent.text or "").strip()


def _text_above(node: Any) -> list[str]:
    """The non-empty text lines of the siblings before `node` (the nearest ones), and its parent's text
    before the first child."""
    lines: list[str] = []
    sibling = node.getprevious()
    while sibling is not None and len(lines) < _CAPTION_LINES:
        if isinstance(sibling.tag, str) and sibling.tag != "table":
            lines[:0] = [line for line in (" ".join(sibling.itertext()).split("\n")) if line.strip()][-_CAPTION_LINES:]
        tail = (sibling.tail or "").strip()
        if tail:
            lines.append(tail)
        sibling = sibling.getprevious()
    parent = node.getparent()
    if sibling is None and parent is not None and (parent.text or "").strip():
        lines.insert(0, parent.text.strip())
    return [" ".join(line.split()) for line in lines if line.strip()]


def _row_groups(table: Any) -> list[list[Any]]:
    """The table's own rows (not those of a nested table) by group, in display order: the head, each body
    (rows directly in the table form one), the foot."""
    groups = [table.xpath("./thead/tr")]
    body: list[Any] = []
    for child in table:
        if child.tag == "tr":
            body.append(child)
        elif child.tag == "tbody":
            if body:
                groups.append(body)
                body = []
            groups.append(child.xpath("./tr"))
    groups += [body, table.xpath("./tfoot/tr")]
    return [group for group in groups if group]


def _ends(groups: list[list[Any]]) -> Iterator[tuple[int, int]]:
    """(index after the group's last row, the group's size) for each group."""
    end = 0
    for group in groups:
        end += len(group)
        yield end, len(group)


def _span(value: str | None, limit: int, *, zero_means_rest: bool) -> int:
    """A rowspan / colspan attribute as a count of positions, 1 when missing or not a number; rowspan="0"
    spans the rest of the table (HTML), a span never reaches past `limit`."""
    digits = "".join(char for char in (value or "").strip() if char.isdigit())
    if not digits:
        return 1
    span = int(digits)
    if span == 0:
        return limit if zero_means_rest else 1
    return max(1, min(span, limit))


def _is_layout(table: Any) -> bool:
    return next(table.iterdescendants("table"), None) is not None


def _in_chrome(table: Any) -> bool:
    return any(ancestor.tag in _CHROME_TAGS for ancestor in table.iterancestors())


def _link_share(table: Any) -> float:
    text = "".join("".join(table.itertext()).split())
    if not text:
        return 0.0
    linked = sum(len("".join("".join(link.itertext()).split())) for link in table.iter("a"))
    return linked / len(text)


def _holds_data(rows: list[list[str]]) -> bool:
    """Two rows or more, and at least two cells with text: a one-row or one-cell table frames a page."""
    return len(rows) >= 2 and sum(1 for row in rows for text in row if text) >= 2
