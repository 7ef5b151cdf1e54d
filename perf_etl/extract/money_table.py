"""The money block of a 自评表 flattened into text: its header, its total row, its cells.

The 自评表 templates are national and provincial standards. Their money block is a header of columns
(年初预算数 / 全年预算数 / 全年执行数 / 分值 / 执行率 / 得分, with (A)/(B)/(B/A) markers, "调整后预算数",
"预算数(A) 执行数(B)", a 原因 column), a total row (年度资金总额 / 总额 / 合计) and part rows under it (其中：
本年财政拨款 / 上年结转资金 / 其他资金; 基本支出 / 项目支出). Text extraction flattens it every way there
is: cells between "|", one cell a line, separated by spaces, or run together ("10010100.00%10"), the unit
in the header ("项目资金（万元）", "（元）") or on every cell ("4753.66万元").

Reading it: find a header (two or more money columns), its total row, the row's cells; then give each cell
its column. Where the cells are delimited and as many as the columns, position decides. Otherwise every
way of giving the cells to the columns in order (skipping columns a flattening left out, splitting a run of
digits into numbers) is tried, and kept when the kinds fit (a "%" only under 执行率, points at most 100 and
a score at most its 分值, money not a percentage) and, where the row states a rate with its amounts, the rate
agrees with them. A field is read when every reading kept gives it the same value: a figure under the
wrong column is worse than none. A total row left at zero while its part rows carry the money (a template
filled in below the total) is their sum.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from perf_etl.extract.money import Candidate
from perf_etl.extract.money_context import DocContext
from perf_etl.text.numbers import declared_unit_before, to_wan

# Column words -> (column, kind), longest first where one contains another. 分值 / 得分 / 权重 are the
# row's points: read to place the cells, never stored.
_COLUMN_WORDS: tuple[tuple[str, str, str], ...] = (
    # The 基础数据表 of the provincial 部门整体支出绩效评价 templates dates its columns ("2021年决算数 2022年预算数
    # 2022年决算数"): the evaluated year's are the budget and the spending, the year before's are not read.
    (r"19\d\d年度?预算数|20\d\d年度?预算数", "budget@", "money"),
    (r"19\d\d年度?决算数|20\d\d年度?决算数", "expenditure@", "money"),
    (r"年初预算批复数|年初批复预算数?|年初预算金额|年初预算数|年初预算|"
        r"年初预[\u4e00-\u9fff]数", "budget_initial", "money"),
    (
        r"全年[（(]?调整[)）]?预算数|调整后预算数|调整后预算|调整预算数|预算调整数|全年预算金额|全年预算数|全年预算|"
        # One character misread by OCR before the next column ("调整预算将,A、全年执行数").
        r"调整预算[\u4e00-\u9fff](?=[,，、(（]|全年)|预算安排数|年度预算数|预算数",
        "budget",
        "money",
    ),
    (
        r"全年执行数|预算执行数|实际执行数|全年实际支出|实际支出数|实际支出|全年执行资金|执行金额|决算数|执行数",
        "expenditure",
        "money",
    ),
    (r"预算执行率|执行率|支付率|预算完成率", "rate", "rate"),
    (r"执行率权重|分值|权重|标准分", "weight", "points"),
    (r"执行率得分|自评得分|得分", "score", "points"),
    (r"偏差原因[\u4e00-\u9fff]{0,10}|未完成原因[\u4e00-\u9fff]{0,10}|原因|备注|得分计算方法|"
        r"计算方法", "reason", "text"),
)
_COLUMN_RES = tuple((re.compile(words), column, kind) for words, column, kind in _COLUMN_WORDS)
# What follows a column word in its cell: markers ((A), (B/A), (%)), a unit, a note ((20分*执行率)).
_MARKERS = re.compile(r"(?:\s*[（(][^（()）|]{0,14}?(?:[)）]|[1l](?=[\u4e00-\u9fff])))*")
# Between two header cells: separators, or a little OCR debris (",A、").
_BETWEEN = re.compile(r"[\s|:：,，、;]*(?:[A-Za-z]{1,2}[、,，]?)?[\s|:：,，、]*")
MONEY_COLUMNS = frozenset({"budget_initial", "budget", "expenditure"})
MIN_MONEY_COLUMNS = 2
# The total row's label and the part rows' labels.
_TOTAL_ROW = re.compile(r"(?:年度|项目)?(?:财政)?(?:预算)?资金总额|支出总额|总额|合计|总计")
_PART_ROW = re.compile(
    r"(?:其中\s*[:：]?\s*)?(?:本年财政拨款|当年财政拨款|财政拨款|财政资金|中央财政资金|地方资金|上年结转资金|上年结转|"
    r"其他资金|单位资金|财政专户管理资金)"
)
_SPLIT_ROW = re.compile(r"(?:其中\s*[:：]?\s*)?(?P<label>基本支出|项目支出)")
# How far after the header the total row may start (the header's own notes and units sit in between),
# and how far a row's cells may run.
ROW_WINDOW = 160
UNIT_AFTER_CHARS = 300
CELLS_WINDOW = 160
# A cell: a number with its "%" or unit, or a placeholder for an empty cell.
_CELL = re.compile(r"(?P<num>\d+(?:\.\d+)?)\s*(?P<pct>%)?\s*(?P<unit>万元|亿元|元|万|亿)?|(?P<blank>[-—–/一]+)")
_LIST_MARKER_END = re.compile(r"(?<=[\s|])\d{1,2}[.、．]$")
_CELLS_RUN = re.compile(r"(?:[\s|:：]|\d|\.|%|万元|亿元|元|万|亿|[-—–/])+")
_SPACE = re.compile(r"[\s|]*")
MAX_POINTS = 100.0
MAX_RATE = 200.0
FRACTION_MAX = 1.5
# A rate agrees with the amounts it was computed from within this many points (the contract's check).
RATE_TOLERANCE = 0.5
# The template's 得分 is 分值 × 执行率: a reading whose score says so is the likelier one.
SCORE_TOLERANCE = 1.0
# The table's title or first rows, to tell the department table from a project's table.
_DEPARTMENT_MARK_RE = re.compile(r"部门整体支出绩效自评表|部门整体支出|部门名称|部门[（(]单位[)）]")
_PROJECT_MARK_RE = re.compile(r"项目支出绩效自评表|项目名称")
TITLE_WINDOW = 800
TABLE_STRENGTH = 9
SPLIT_TOLERANCE = 1.0  # 万元: the parts must add up to the total row's spending


@dataclass(frozen=True)
class Column:
    name: str
    kind: str  # money | rate | points | text | empty (a header cell left empty)
    unit: str | None  # a unit the header cell declares
    word: str  # the header cell's words as written ("全年预算数"), for the evidence rule


@dataclass(frozen=True)
class Cell:
    """A cell as written: a number (with its "%" or unit) or an empty cell; `start`/`end` in the view."""

    value: float | None
    percent: bool
    unit: str | None
    start: int
    end: int
    decimals: int = 0  # digits after the point, as written


@dataclass(frozen=True)
class Header:
    start: int
    end: int
    columns: tuple[Column, ...]
    unit: str  # the money unit of the block


@dataclass(frozen=True)
class Row:
    """A row read under a header: each column's cell (None where the row leaves it empty)."""

    label_start: int
    label_end: int
    end: int
    cells: dict[str, Cell]


def headers(scan: str, fiscal_year: int | None = None) -> list[Header]:
    """Every money-block header in the view: two or more money columns in a row of column words."""
    found: list[Header] = []
    position = 0
    while (start := _next_column(scan, position)) is not None:
        columns, end = _header_at(scan, start)
        columns = _dated(columns, fiscal_year)
        if sum(c.name in MONEY_COLUMNS for c in columns) >= MIN_MONEY_COLUMNS:
            columns = _without_caption(columns)
            unit = next((c.unit for c in columns if c.unit), None) or declared_unit_before(scan, start)
            # A flattening may put the block's unit cell ("项目资金（元）") after the figures.
            unit = unit or declared_unit_before(scan, min(len(scan), end + UNIT_AFTER_CHARS), UNIT_AFTER_CHARS)
            found.append(Header(start, end, tuple(columns), unit or "万元"))
            position = end
        else:
            position = start + 1
    return found


# Any column word: the leftmost match of the alternation is the nearest of the column words. Every
# alternative starts with a literal, so the search skips to those characters at C speed.
_ANY_COLUMN_RE = re.compile("|".join(words for words, _, _ in _COLUMN_WORDS))


def _next_column(scan: str, position: int) -> int | None:
    m = _ANY_COLUMN_RE.search(scan, position)
    return m.start() if m else None


def _header_at(scan: str, start: int) -> tuple[list[Column], int]:
    columns: list[Column] = []
    position = start
    empty_before = 0  # header cells left empty since the last column word
    while True:
        matches = [(m, name, kind) for pattern, name, kind in _COLUMN_RES if (m := pattern.match(scan, position))]
        if not matches:
            return columns, position
        # "预算执行数|||预算执行率": header cells left empty (merged above) between two columns are kept, so
        # the rows' cells line up; those after the last column are the table's edge.
        columns += [Column(f"empty{len(columns) + i}", "empty", None, "") for i in range(empty_before)]
        # "执行率得分" is the rate's score once the header has its 执行率; before that, 执行率 then 得分.
        has_rate = any(c.kind == "rate" for c in columns)
        m, name, kind = max(matches, key=lambda found: (found[2] != "rate" if has_rate else found[2] == "rate",
                                                         len(found[0].group(0))))
        after_caption = bool(columns) and columns[0].name == name and not columns[0].unit
        repeated = after_caption or any(c.name == name for c in columns[1:])
        if repeated and kind in ("money", "rate"):
            return columns, position  # an amount column again (not after the caption): another block begins
        markers = _MARKERS.match(scan, m.end())
        unit = re.search(r"万元|元", markers.group(0))
        columns.append(Column(name + "_" * repeated, kind, unit.group(0) if unit else None, m.group(0)))
        between = _BETWEEN.match(scan, markers.end())
        empty_before = max(0, between.group(0).count("|") - 1)
        position = between.end()


_YEAR_OF_WORD = re.compile(r"(?:19|20)\d\d")


def _dated(columns: list[Column], fiscal_year: int | None) -> list[Column]:
    """Columns dated by a year (name ending "@"): the evaluated year's take their field, others read nothing."""
    out: list[Column] = []
    for index, column in enumerate(columns):
        if column.name.endswith("@"):
            year = int(_YEAR_OF_WORD.match(column.word).group(0))
            name = column.name[:-1] if year == fiscal_year else f"other{index}"
            column = Column(name, column.kind, column.unit, column.word)
        out.append(column)
    return out


def _without_caption(columns: list[Column]) -> list[Column]:
    """A first column word that carries the block's unit ("年度预算数（万元）") heads the row labels: the
    columns are the ones after it."""
    first = columns[0]
    if first.unit and any(c.name == first.name or c.name in MONEY_COLUMNS for c in columns[1:]):
        return [Column(c.name, c.kind, c.unit or first.unit, c.word) for c in columns[1:]]
    return columns


@dataclass(frozen=True)
class Run:
    """Digits that ran together ("64.864.864.8100%"): several cells, to be split (see `splits`)."""

    text: str
    start: int


Piece = Cell | Run
# Inside a piece, a unit or a "%" closes a cell ("4753.66万元4753.66万元", "100%10").
_CLOSED = re.compile(r"[\d.]+\s*(?:%|万元|亿元|元|万|亿)|[\d.]+$")


def _cells(scan: str, start: int) -> tuple[list[Piece], int]:
    """The pieces from `start` to the next words, and where they end."""
    run = _CELLS_RUN.match(scan, start, start + CELLS_WINDOW)
    if run is None:
        return [], start
    text = _LIST_MARKER_END.sub("", run.group(0))  # "…|10||1.预算执行率=…": the next text's numbering
    lead = len(text) - len(text.lstrip(" \t\n:："))  # "年度资金总额：|811.54|…": the label's colon
    return _pieces(text[lead:], start + lead), start + len(text)


def _pieces(text: str, offset: int) -> list[Piece]:
    """Cells between "|" (an empty one between two "|"), else between spaces; inside each, a unit or "%"
    closes a cell; digits that read as more than one number stay a Run."""
    out: list[Piece] = []
    delimited = "|" in text
    parts = re.finditer(r"[^|]+|(?<=\|)(?=\|)", text) if delimited else re.finditer(r"\S+", text)
    for part in parts:
        raw = part.group(0)
        stripped = raw.strip(" \t\n:：")
        if not stripped:
            if delimited:
                out.append(Cell(None, False, None, offset + part.start(), offset + part.end()))
            continue
        begin = offset + part.start() + raw.index(stripped)
        blank = re.fullmatch(r"[-—–/一]+", stripped)
        if blank is not None:
            out.append(Cell(None, False, None, begin, begin + len(stripped)))
            continue
        for chunk in _CLOSED.finditer(stripped):
            out.append(_piece(chunk.group(0), begin + chunk.start()))
    return out


def _piece(text: str, begin: int) -> Piece:
    whole = _CELL.fullmatch(text)
    if whole is not None and whole.group("num") is not None and _NUMBER_TOKEN.fullmatch(whole.group("num")):
        value, percent = float(whole.group("num")), bool(whole.group("pct"))
        if not (percent and value > MAX_RATE):  # "10100.00%" is 10 | 100.00%
            return Cell(value, percent, whole.group("unit"), begin, begin + len(text), _decimals(whole.group("num")))
    return Run(text, begin)


# --- giving cells to columns --------------------------------------------------------------------------

# A number inside a run has at most two decimals (amounts in 万元 and rates are written so).
_RUN_NUMBER = re.compile(r"(?:0|[1-9]\d*)(?:\.\d{1,2})?")
_NUMBER_TOKEN = re.compile(r"(?:0|[1-9]\d*)(?:\.\d+)?")
MAX_READINGS = 2000
MAX_DROPPED = 2


def _fits(column: Column, cell: Cell) -> bool:
    if cell.value is None:
        return True
    if column.kind == "empty":
        return False
    if column.kind == "rate":
        return cell.value <= MAX_RATE
    if cell.percent:
        return False
    if column.kind == "points":
        return cell.value <= MAX_POINTS
    return column.kind == "money"


def _valid(row: dict[str, Cell]) -> bool:
    weight, score = row.get("weight"), row.get("score")
    if not (weight and score) or weight.value is None or score.value is None:
        return True
    return score.value <= weight.value


def _agrees(row: dict[str, Cell]) -> bool:
    """The rate agrees with the amounts (when the row states all three)."""
    rate, spent = row.get("rate"), row.get("expenditure")
    budget = row.get("budget") or row.get("budget_initial")
    if not (rate and spent and budget) or None in (rate.value, spent.value, budget.value):
        return True
    if budget.value == 0:
        return spent.value == 0
    return abs(spent.value / budget.value * 100 - percent(rate)) <= RATE_TOLERANCE


def percent(rate: Cell) -> float:
    """A rate cell in percent: a cell without "%" at most 1.5 is a fraction ("0.958" under 执行率 is 95.8 %)."""
    value = rate.value or 0.0
    return value if rate.percent or value > FRACTION_MAX else round(value * 100, 2)


def _score_fits(row: dict[str, Cell]) -> bool:
    weight, rate, score = row.get("weight"), row.get("rate"), row.get("score")
    if not (weight and rate and score) or None in (weight.value, rate.value, score.value):
        return True
    return abs(weight.value * min(percent(rate), 100.0) / 100 - score.value) <= SCORE_TOLERANCE


def _zeros(row: dict[str, Cell]) -> int:
    return sum(cell.value == 0 for cell in row.values())


def _decimals(number: str) -> int:
    return len(number.partition(".")[2])


def _formats(row: dict[str, Cell], columns: tuple[Column, ...]) -> int:
    """How many ways the row's amounts are written (decimals): a table writes a column's amounts alike."""
    money = {c.name for c in columns if c.kind == "money"}
    return len({cell.decimals for name, cell in row.items() if name in money and cell.value})


def _run_cells(run: Run, position: int) -> Iterator[tuple[Cell, int]]:
    """Each number a run may hold at `position`, and where the run goes on after it."""
    text = run.text
    unit_at = len(re.sub(r"(?:万元|亿元|元|万|亿)$", "", text))
    for end in range(position + 1, unit_at + 1):
        if not _RUN_NUMBER.fullmatch(text, position, end):
            continue
        stop = end + 1 if text.startswith("%", end) else end
        unit = text[unit_at:] or None if stop == unit_at else None
        number = text[position:end]
        yield Cell(float(number), stop > end, unit, run.start + position, run.start + stop, _decimals(number)), (
            len(text) if stop == unit_at else stop)


def _assignments(columns: tuple[Column, ...], pieces: list[Piece]) -> list[dict[str, Cell]]:
    """Every way to give the pieces' cells to the columns in order. Delimited cells as many as the columns
    go by position; otherwise columns may be left out, and a run is split into numbers as it is given out."""
    if len(pieces) == len(columns) and all(isinstance(p, Cell) for p in pieces):
        if all(_fits(c, p) for c, p in zip(columns, pieces, strict=True)):
            return [{c.name: p for c, p in zip(columns, pieces, strict=True)}]
        # The empty cells are not where the header's are: read the figures as a row without its blanks.
        pieces = [p for p in pieces if not (isinstance(p, Cell) and p.value is None)]
    out: list[dict[str, Cell]] = []

    def walk(index: int, position: int, column: int, row: dict[str, Cell]) -> None:
        if len(out) >= MAX_READINGS:
            return
        if index == len(pieces):
            out.append(dict(row))
            return
        if column == len(columns):
            return
        if len(columns) - column < len(pieces) - index:
            return  # fewer columns left than pieces
        piece = pieces[index]
        taken = [(piece, 0)] if isinstance(piece, Cell) else list(_run_cells(piece, position))
        for cell, after in taken:
            if not _fits(columns[column], cell):
                continue
            row[columns[column].name] = cell
            done = isinstance(piece, Cell) or after == len(piece.text)
            walk(index + 1 if done else index, 0 if done else after, column + 1, row)
            del row[columns[column].name]
        walk(index, position, column + 1, row)  # this column left out

    walk(0, 0, 0, {})
    return out


def readings(columns: tuple[Column, ...], pieces: list[Piece]) -> list[dict[str, Cell]]:
    """Every reading of the row's pieces under the columns that fits (see the module docstring). Where
    digits ran together, only readings whose rate agrees with their amounts count, the ones that fill the
    most columns, of those the ones whose score is 分值 × 执行率 if any are, and the fewest zeros."""
    written = _without_trailing_blanks(pieces)
    pieces = _row_pieces(columns, pieces)
    # One cell too many in the row ("28.1 28.1 28.1 28.1 10 100% 10" under six columns): a cell printed twice.
    # Read leaving each one out; readings whose rate agrees with their amounts come first.
    twice = _one_left_out(columns, written) if len(written) == len(columns) + 1 else []
    out = [r for r in twice if _agrees(r)]
    # Else a cell or two after the row's own (a column the header lost to OCR or flattening) is left out.
    for dropped in range(0 if out else MAX_DROPPED + 1):
        if dropped and not (len(pieces) > dropped and isinstance(pieces[-dropped], Cell)):
            break
        out = [a for a in _assignments(columns, pieces[: len(pieces) - dropped]) if _valid(a)]
        if out:
            pieces = pieces[: len(pieces) - dropped]
            break
    out = out or twice
    agreeing = [r for r in out if _agrees(r)]
    if not any(isinstance(p, Run) for p in pieces):
        return agreeing or out  # the cells as written: a stated rate may disagree with its amounts
    most = max((len(r) for r in agreeing), default=0)
    fullest = [r for r in agreeing if len(r) == most]
    fullest = [r for r in fullest if _score_fits(r)] or fullest
    # A "0" cut out of a run ("10101|0|0%") is the likelier misreading than a figure of the row, and so are
    # amounts written with different decimals ("2456.1|82456.1|82456.18").
    best = min(((_zeros(r), _formats(r, columns)) for r in fullest), default=(0, 0))
    return [r for r in fullest if (_zeros(r), _formats(r, columns)) == best]


def _one_left_out(columns: tuple[Column, ...], pieces: list[Piece]) -> list[dict[str, Cell]]:
    return [
        reading
        for index in range(len(pieces))
        for reading in _assignments(columns, pieces[:index] + pieces[index + 1 :])
        if _valid(reading)
    ]


def _row_pieces(columns: tuple[Column, ...], pieces: list[Piece]) -> list[Piece]:
    """The row's own pieces: without the empty cells a flattening left after it, and no more than the
    columns (the next row's cells ran on after them)."""
    while pieces and isinstance(pieces[-1], Cell) and pieces[-1].value is None and len(pieces) > len(columns):
        pieces = pieces[:-1]
    return pieces[: len(columns)]


def _without_trailing_blanks(pieces: list[Piece]) -> list[Piece]:
    while pieces and isinstance(pieces[-1], Cell) and pieces[-1].value is None:
        pieces = pieces[:-1]
    return pieces


def agreed(readings_: list[dict[str, Cell]], column: str) -> Cell | None:
    """The cell every reading gives `column`, when they all give it one with the same value."""
    values = {(r[column].value if column in r else None) for r in readings_}
    if len(values) != 1 or None in values:
        return None
    return readings_[0][column]


# --- the rows ------------------------------------------------------------------------------------------


def _row(scan: str, header: Header, label: re.Match[str], part: bool = False) -> Row | None:
    """The row whose label is `label`. A part row's cells are its money: the template leaves its points
    columns as "—"."""
    pieces, end = _cells(scan, label.end())
    if part:
        pieces = [p for p in pieces if isinstance(p, Run) or p.value is not None]
        money = tuple(c for c in header.columns if c.kind == "money")
        amounts = tuple(c for c in header.columns if c.kind in ("money", "rate"))
        columns = money if len(pieces) <= len(money) else amounts
    else:
        columns = header.columns
    found = readings(columns, pieces)
    if not found:
        return None
    cells = {c.name: cell for c in columns if (cell := agreed(found, c.name)) is not None}
    return Row(label.start(), label.end(), end, cells)


def total_row(scan: str, header: Header) -> Row | None:
    """The header's total row: labelled after the header (or right before it, with its cells after), or
    the cells right after the header."""
    window = scan[header.end : header.end + ROW_WINDOW]
    label = _TOTAL_ROW.search(scan, header.end, header.end + ROW_WINDOW)
    between = window[: label.start() - header.end].replace("万元", "") if label is not None else ""
    if label is not None and not re.search(r"[\u4e00-\u9fff]{2}", between):
        return _row(scan, header, label)
    if re.match(r"[\s|:：]*\d", window):
        return _row(scan, header, re.compile("").match(scan, header.end))
    return None


def part_rows(scan: str, header: Header, total: Row, pattern: re.Pattern[str] = _PART_ROW) -> list[Row]:
    """The part rows right under the total row."""
    rows: list[Row] = []
    position = total.end
    while (label := pattern.match(scan, _SPACE.match(scan, position).end())) is not None:
        row = _row(scan, header, label, part=True)
        if row is None:
            break
        rows.append(row)
        position = row.end
    return rows


def _money(cell: Cell | None, unit: str) -> float | None:
    return None if cell is None or cell.value is None else to_wan(cell.value, cell.unit or unit)


@dataclass(frozen=True)
class TableFigures:
    """What a money block states: each field's value and the span of the view it was read from."""

    header: Header
    total: Row
    values: dict[str, tuple[float, int, int]]

    def rule(self, field: str) -> str:
        """The evidence rule of a field: the header cell it was read under ("table:全年预算数")."""
        name = next(name for name, f in _FIELDS.items() if f == field) if field in _FIELDS.values() else "rate"
        return "table:" + next((c.word for c in self.header.columns if c.name == name), name)


_FIELDS = {"budget_initial": "budget_initial_wan", "budget": "budget_wan", "expenditure": "expenditure_wan"}


def figures(scan: str, header: Header) -> TableFigures | None:
    total = total_row(scan, header)
    if total is None:
        return None
    values: dict[str, tuple[float, int, int]] = {}
    money = {name: _money(total.cells.get(name), header.unit) for name in _FIELDS}
    if not any(money.values()) and not _rate(total):
        return _from_parts(scan, header, total)
    for name, field in _FIELDS.items():
        cell = total.cells.get(name)
        if money[name] is not None and cell is not None:
            values[field] = (money[name], cell.start, cell.end)
    rate = _rate(total)
    if rate is not None:
        values["execution_rate_pct"] = (percent(rate), rate.start, rate.end)
    return TableFigures(header, total, values)


def _rate(row: Row) -> Cell | None:
    """The row's rate cell when it states a rate (not a zero a template left unfilled). A fraction counts only
    when the amounts agree with it: 0.958 under 执行率 with 29 and 27.8, not a stray 1."""
    rate = row.cells.get("rate")
    if rate is None or not rate.value:
        return None
    if rate.percent or rate.value > FRACTION_MAX:
        return rate
    spent, budget = row.cells.get("expenditure"), row.cells.get("budget") or row.cells.get("budget_initial")
    stated = spent is not None and budget is not None and spent.value is not None and budget.value
    return rate if stated and _agrees(row.cells) else None


def _from_parts(scan: str, header: Header, total: Row) -> TableFigures | None:
    """A total row left at zero: the sum of its part rows' money, when they carry any (the rate is not read:
    the template's total rate cell was left at zero too)."""
    parts = part_rows(scan, header, total)
    values: dict[str, tuple[float, int, int]] = {}
    for name, field in _FIELDS.items():
        amounts = [(m, row.cells[name]) for row in parts if (m := _money(row.cells.get(name), header.unit)) is not None]
        if amounts and any(m for m, _ in amounts):
            values[field] = (round(sum(m for m, _ in amounts), 6), amounts[0][1].start, amounts[-1][1].end)
    return TableFigures(header, total, values) if values else None


# --- the extractors' entry points ----------------------------------------------------------------------


def _is_report_table(ctx: DocContext, header_start: int) -> bool:
    """In a department's overall report, only the department's table (the nearest table title or name row
    before the header is the department's); in any other report, its tables are its own."""
    if not ctx.is_department_report:
        return True
    start = max(0, header_start - TITLE_WINDOW)
    dept = [m.start() for m in _DEPARTMENT_MARK_RE.finditer(ctx.scan, start, header_start)]
    proj = [m.start() for m in _PROJECT_MARK_RE.finditer(ctx.scan, start, header_start)]
    return not proj or (bool(dept) and max(dept) > max(proj))


def report_tables(ctx: DocContext) -> list[TableFigures]:
    """The money blocks of the report's own tables, in text order (the document's list: not to be changed)."""
    return ctx.answer("report tables", lambda: _report_tables(ctx))


def _report_tables(ctx: DocContext) -> list[TableFigures]:
    out: list[TableFigures] = []
    for header in headers(ctx.scan, ctx.fiscal_year):
        if _is_report_table(ctx, header.start) and (found := figures(ctx.scan, header)) is not None:
            out.append(found)
    return out


def table_candidates(tables: list[TableFigures]) -> list[Candidate]:
    """Report totals read from the report's money blocks (`report_tables`; the first block that states each)."""
    out: list[Candidate] = []
    for table in tables:
        for field, (value, start, end) in table.values.items():
            if not any(c.field == field for c in out):
                out.append(Candidate(field, value, table.total.label_start, end, table.total.label_end, start,
                                     table.rule(field), TABLE_STRENGTH, from_table=True))
    return out


def table_spending_split(ctx: DocContext, tables: list[TableFigures]) -> list[tuple[str, float, int, int, int]]:
    """(category, 万元, start, end, header start) of the 基本支出 and 项目支出 rows right under a total row of
    one of `tables`, from the spending column. Both rows are needed and must add up to the total row's
    spending."""
    out: list[tuple[str, float, int, int, int]] = []
    for table in tables:
        spent = table.values.get("expenditure_wan")
        if spent is None:
            continue
        parts: dict[str, tuple[float, int, int]] = {}
        for row in part_rows(ctx.scan, table.header, table.total, _SPLIT_ROW):
            label = _SPLIT_ROW.match(ctx.scan, row.label_start).group("label")
            value = _money(row.cells.get("expenditure"), table.header.unit)
            if value is not None:
                cell = row.cells["expenditure"]
                parts.setdefault(label, (value, cell.start, cell.end))
        if len(parts) == 2 and abs(sum(v for v, _, _ in parts.values()) - spent[0]) <= SPLIT_TOLERANCE:
            out += [(label, value, start, end, table.header.start) for label, (value, start, end) in parts.items()]
    return out
