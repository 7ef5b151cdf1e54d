"""Workbooks: .xlsx / .xlsm (Office Open XML) through openpyxl, .xls and WPS .et (BIFF8 in an OLE2 file)
through xlrd. Each visible sheet is a page of text and a table.

A 自评表 exported as a workbook keeps its cells, so each sheet becomes one `TableGrid` with the merged
ranges resolved (the range's text in every position it covers, as the Word reader gives them) for rows.py.
The page text is the sheet's rows, one a line, its cells between " | ": a merged range's text once, at its
first row, and empty cells left out, the way web pages and converted files flatten a table (tables/flat.py
and the prose rules read that layout).

Cells are written as a person reads them in Excel: a percent-formatted 1 is "100%", a date "2023-04-06",
a whole number without ".0". The number itself is kept whole: a format that shows fewer decimals than the
cell holds ("0" over 34.64) is not applied, because the 万元 figures are what the extraction wants.

The container decides the library, not the name: a .xlsx saved as .xls (common on download sites) is read
as the .xlsx it is, and source_format says what it is.
"""

from __future__ import annotations

import io
import logging
import re
import warnings
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time
from importlib.metadata import version
from typing import Any

import msoffcrypto
import olefile
import openpyxl
import xlrd

from perf_etl.grid import TableGrid, clean_cell
from perf_etl.ingest import readers  # a module import: readers imports this module to register it
from perf_etl.ingest.reasons import (
    CorruptSpreadsheetError,
    EmptySpreadsheetError,
    EncryptedSpreadsheetError,
    TooLargeError,
)
from perf_etl.models import PageText
from perf_etl.settings import IngestSettings

log = logging.getLogger(__name__)

_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGIC = b"PK\x03\x04"
# Excel encrypts a workbook whose structure is protected without a password with this fixed password, and
# opens it without asking: such a file is not locked for a person, so it is not for the pipeline either.
_EXCEL_DEFAULT_PASSWORD = "VelvetSweatshop"
# OLE2 streams of other Office files, to say what a misnamed file really is.
_OTHER_OLE_KINDS = {"WordDocument": "a Word .doc document", "PowerPoint Document": "a PowerPoint .ppt file"}
# Rows of a sheet read at most: a 自评表 has tens; a sheet beyond this is a data dump beside the report, cut
# rather than read for minutes (a warning says so).
MAX_SHEET_ROWS = 5000
# The cell separator of the page text (the flattened-table layout of web pages, tables/flat.py).
CELL_SEPARATOR = " | "
# Quoted text and backslash-escaped characters of a number format are literal, not format codes.
_FORMAT_LITERAL_RE = re.compile(r'"[^"]*"|\\.')
_LINE_BREAK_RE = re.compile(r"\s*\n\s*")

_OPENPYXL = f"openpyxl {version('openpyxl')}"
_XLRD = f"xlrd {version('xlrd')}"

_Cell = tuple[int, int]  # 0-based (row, column)
_Range = tuple[int, int, int, int]  # 0-based, inclusive: first row, last row, first column, last column


@dataclass
class _Sheet:
    """A sheet as read: its non-empty cell texts and its merged ranges."""

    name: str
    texts: dict[_Cell, str]
    merged: list[_Range]


def read_spreadsheet(data: bytes, options: IngestSettings = IngestSettings()) -> readers.ReadResult:
    """Every visible sheet of a workbook as a page (its text) and a table (its cells)."""
    if data.startswith(_OLE2_MAGIC):
        sheets, engine, source_format = _ole_workbook(data)
    elif data.startswith(_ZIP_MAGIC):
        sheets, engine, source_format = _xlsx_sheets(data), _OPENPYXL, "xlsx"
    else:
        raise CorruptSpreadsheetError(_not_a_workbook(data))
    sheets = [sheet for sheet in sheets if sheet.texts]
    if not sheets:
        raise EmptySpreadsheetError("no cell of a visible sheet holds text")
    if len(sheets) > options.max_pages:
        raise TooLargeError(
            f"{len(sheets)} sheets, over the limit of {options.max_pages} (max_pages, PERF_ETL_MAX_PAGES)")
    pages = [PageText(number, sheet_text(sheet), engine) for number, sheet in enumerate(sheets, start=1)]
    tables = [sheet_grid(sheet, number, number - 1) for number, sheet in enumerate(sheets, start=1)]
    return readers.ReadResult(pages, engine, source_format, tables)


def _not_a_workbook(data: bytes) -> str:
    head = data[:1024].lstrip().lower()
    if head.startswith((b"<!doctype html", b"<html", b"<table", b"<?xml")) or b"<table" in head:
        return "it is a web page or XML saved with a workbook's name, not an Excel file"
    return "neither an Excel 97-2003 / WPS file (OLE2) nor an .xlsx (zip)"


# ---------------------------------------------------------------- the page and the table of a sheet


def sheet_text(sheet: _Sheet) -> str:
    """The sheet's rows, one a line, cells between " | ": each cell once, empty cells left out."""
    by_row: dict[int, list[tuple[int, str]]] = {}
    for (row, column), text in sheet.texts.items():
        by_row.setdefault(row, []).append((column, _LINE_BREAK_RE.sub(" ", text).strip()))
    lines = [CELL_SEPARATOR.join(text for _, text in sorted(cells) if text) for _, cells in sorted(by_row.items())]
    return "\n".join(line for line in lines if line)


def sheet_grid(sheet: _Sheet, page_number: int, table_index: int) -> TableGrid:
    """The sheet's cells as a table: merged ranges' text in every position they cover, rows and columns
    without any text left out."""
    filled = _with_merged_ranges(sheet)
    rows = sorted({row for row, _ in filled})
    columns = sorted({column for _, column in filled})
    grid = [[clean_cell(filled.get((row, column), "")) or "" for column in columns] for row in rows]
    return TableGrid(grid, [page_number] * len(grid), "", table_index)


def _with_merged_ranges(sheet: _Sheet) -> dict[_Cell, str]:
    """The cell texts with each merged range's text (its top-left cell's) in all its positions."""
    filled = dict(sheet.texts)
    for first_row, end_row, first_column, end_column in sheet.merged:
        text = sheet.texts.get((first_row, first_column))
        if text:
            for row in range(first_row, end_row + 1):
                for column in range(first_column, end_column + 1):
                    filled[(row, column)] = text
    return filled


def _clip_merged(merged: Iterable[_Range], texts: dict[_Cell, str]) -> list[_Range]:
    """The merged ranges that start within the cells in use, clipped to them: a whole column merged would
    otherwise be a million positions."""
    if not texts:
        return []
    last_row = max(row for row, _ in texts)
    last_column = max(column for _, column in texts)
    return [
        (first_row, min(end_row, last_row), first_column, min(end_column, last_column))
        for first_row, end_row, first_column, end_column in merged
        if first_row <= last_row and first_column <= last_column
    ]


def _without_covered(texts: dict[_Cell, str], merged: Iterable[_Range]) -> dict[_Cell, str]:
    """A file may keep stale values under a merged range (Excel shows only the top-left one): drop them."""
    covered = {
        (row, column)
        for first_row, end_row, first_column, end_column in merged
        for row in range(first_row, end_row + 1)
        for column in range(first_column, end_column + 1)
        if (row, column) != (first_row, first_column)
    }
    return {cell: text for cell, text in texts.items() if cell not in covered}


def _sheet(name: str, texts: dict[_Cell, str], merged: Iterable[_Range]) -> _Sheet:
    clipped = _clip_merged(merged, texts)
    return _Sheet(name, _without_covered(texts, clipped), clipped)


# ---------------------------------------------------------------- cell values as a person reads them


def cell_text(value: Any, number_format: str) -> str:
    """A cell's value as Excel shows it, in full (see the module docstring)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, (int, float)):
        if _is_percent(number_format):
            return f"{_number(value * 100)}%"
        return _number(value)
    if isinstance(value, datetime):
        if value.time() == time(0, 0):
            return value.date().isoformat()
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return value.strftime("%H:%M")
    return str(value).strip()


def _number(value: float) -> str:
    """34.64, 20 (not 20.0), 0.3 (not 0.30000000000000004: binary noise of a formula's result)."""
    rounded = round(float(value), 10)
    if rounded.is_integer():
        return str(int(rounded))
    return f"{rounded:.10f}".rstrip("0").rstrip(".")


def _is_percent(number_format: str) -> bool:
    positive_section = number_format.split(";", 1)[0]
    return "%" in _FORMAT_LITERAL_RE.sub("", positive_section)


# ---------------------------------------------------------------- .xlsx / .xlsm (openpyxl)


def _xlsx_sheets(data: bytes) -> list[_Sheet]:
    readers.check_inflated_size(data)
    try:
        with warnings.catch_warnings():
            # "Data Validation extension is not supported" and the like: parts the text does not need.
            warnings.simplefilter("ignore")
            # Not read_only: read-only worksheets do not give the merged ranges. data_only: a formula's
            # value as Excel last computed it, not the formula.
            workbook = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
    except Exception as error:
        # Not a zip, no workbook part, broken XML, a zip of something else: not a usable workbook.
        raise CorruptSpreadsheetError(f"{type(error).__name__}: {error}") from error
    try:
        return [_openpyxl_sheet(sheet) for sheet in workbook.worksheets if sheet.sheet_state == "visible"]
    finally:
        workbook.close()


def _openpyxl_sheet(sheet: Any) -> _Sheet:
    rows = ({(cell.row - 1, cell.column - 1): text for cell in row
             if cell.value is not None and (text := cell_text(cell.value, cell.number_format))}
            for row in sheet.iter_rows())
    merged = [(r.min_row - 1, r.max_row - 1, r.min_col - 1, r.max_col - 1) for r in sheet.merged_cells.ranges]
    return _sheet(sheet.title, _texts_within_limit(rows, sheet.title), merged)


def _texts_within_limit(rows: Iterator[dict[_Cell, str]], sheet_name: str) -> dict[_Cell, str]:
    """The cells' texts of the first MAX_SHEET_ROWS rows that hold text (a sheet of a million rows is a
    dump, not a 自评表)."""
    texts: dict[_Cell, str] = {}
    rows_with_text = 0
    for row_texts in rows:
        if row_texts:
            rows_with_text += 1
            if rows_with_text > MAX_SHEET_ROWS:
                log.warning("sheet %r has over %d rows with text; the rest is not read", sheet_name, MAX_SHEET_ROWS)
                break
            texts.update(row_texts)
    return texts


# ---------------------------------------------------------------- .xls / .et (xlrd), and OLE2 files


def _ole_workbook(data: bytes) -> tuple[list[_Sheet], str, str]:
    """The sheets of an OLE2 file: an .xls / .et, or an encrypted .xlsx (Office encryption wraps the
    zip in an OLE2 file); anything else in an OLE2 file is rejected saying what it is."""
    streams = _ole_streams(data)
    if "EncryptionInfo" in streams:
        return _xlsx_sheets(_decrypted(data, "Office encryption (an encrypted .xlsx)")), _OPENPYXL, "xlsx"
    if "Workbook" not in streams and "Book" not in streams:
        kind = next((kind for stream, kind in _OTHER_OLE_KINDS.items() if stream in streams), None)
        if kind is not None:
            raise CorruptSpreadsheetError(f"it is {kind} named as a workbook: give it its own file ending")
        raise CorruptSpreadsheetError(f"an OLE2 file without a Workbook stream (streams: {', '.join(sorted(streams))})")
    return _xls_sheets(data), _XLRD, "xls"


def _ole_streams(data: bytes) -> set[str]:
    try:
        with olefile.OleFileIO(data) as ole:
            return {"/".join(entry) for entry in ole.listdir()}
    except Exception as error:  # a truncated or damaged compound file
        raise CorruptSpreadsheetError(f"damaged OLE2 file: {type(error).__name__}: {error}") from error


def _xls_sheets(data: bytes) -> list[_Sheet]:
    book = _open_xls(data)
    try:
        return [_xlrd_sheet(book, sheet) for sheet in book.sheets() if sheet.visibility == 0]
    finally:
        book.release_resources()


def _open_xls(data: bytes) -> Any:
    try:
        # formatting_info: the merged ranges and each cell's number format come with it.
        return xlrd.open_workbook(file_contents=data, formatting_info=True, logfile=io.StringIO())
    except xlrd.XLRDError as error:
        if "encrypted" not in str(error).lower():
            raise CorruptSpreadsheetError(f"XLRDError: {error}") from error
        cause: Exception = error
    except Exception as error:  # xlrd's struct / index errors on a damaged BIFF stream
        raise CorruptSpreadsheetError(f"{type(error).__name__}: {error}") from error
    decrypted = _decrypted(data, f"XLRDError: {cause}")
    try:
        return xlrd.open_workbook(file_contents=decrypted, formatting_info=True, logfile=io.StringIO())
    except Exception as error:
        raise CorruptSpreadsheetError(f"after removing Excel's default encryption: {type(error).__name__}: {error}") \
            from error


def _decrypted(data: bytes, found: str) -> bytes:
    """The workbook decrypted with Excel's default password; EncryptedSpreadsheetError when it has a real
    one (or an encryption msoffcrypto-tool cannot remove)."""
    try:
        office = msoffcrypto.OfficeFile(io.BytesIO(data))
        office.load_key(password=_EXCEL_DEFAULT_PASSWORD, verify_password=True)
        out = io.BytesIO()
        office.decrypt(out)
    except Exception as error:
        raise EncryptedSpreadsheetError(f"{found}: a password is needed to open it") from error
    return out.getvalue()


def _xlrd_sheet(book: Any, sheet: Any) -> _Sheet:
    rows = ({(row, column): text for column, cell in enumerate(sheet.row(row)) if (text := _xlrd_cell_text(book, cell))}
            for row in range(sheet.nrows))
    # xlrd's ranges are half-open (rlo, rhi, clo, chi).
    merged = [(rlo, rhi - 1, clo, chi - 1) for rlo, rhi, clo, chi in sheet.merged_cells]
    return _sheet(sheet.name, _texts_within_limit(rows, sheet.name), merged)


def _xlrd_cell_text(book: Any, cell: Any) -> str:
    if cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
        return ""
    if cell.ctype == xlrd.XL_CELL_ERROR:
        return xlrd.error_text_from_code.get(cell.value, "")
    if cell.ctype == xlrd.XL_CELL_BOOLEAN:
        return cell_text(bool(cell.value), "")
    if cell.ctype == xlrd.XL_CELL_DATE:
        return cell_text(_xls_date(cell.value, book.datemode), "")
    return cell_text(cell.value, _xls_number_format(book, cell.xf_index))


def _xls_date(value: float, datemode: int) -> datetime | time | float:
    try:
        moment = xlrd.xldate.xldate_as_datetime(value, datemode)
    except Exception:  # a date cell out of Excel's range: its number is what there is
        return value
    return moment.time() if value < 1 else moment


def _xls_number_format(book: Any, xf_index: int | None) -> str:
    if xf_index is None or xf_index >= len(book.xf_list):
        return ""
    number_format = book.format_map.get(book.xf_list[xf_index].format_key)
    return number_format.format_str if number_format is not None else ""
