"""Read a landing file into pages of text, raising typed IngestRejection errors for known failures.

Each reader returns a ReadResult: the pages, a `text_engine` string naming what produced the text and its
version (raw.documents.text_engine, so a change of library shows up in the data), and the 自评表 tables
(raw.table_cells), read in the same pass as the text.
"""

from __future__ import annotations

import io
import logging
import math
import re
import unicodedata
import zipfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from importlib.metadata import version
from pathlib import Path
from typing import Any

import charset_normalizer
import docx
import pdfplumber
import pypdfium2
from docx.table import Table
from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
from pdfplumber.utils.exceptions import PdfminerException

from perf_etl.grid import RawGrid, TableGrid
from perf_etl.ingest.classify import needs_ocr
from perf_etl.ingest.html_reader import looks_like_html, read_html
from perf_etl.ingest.legacy_word_reader import read_doc
from perf_etl.ingest.ofd_reader import is_ofd_head, read_ofd
from perf_etl.ingest.pdfium_fonts import use_metrics_font
from perf_etl.ingest.reasons import (
    CorruptDocxError,
    CorruptPdfError,
    EmptyFileError,
    EncryptedPdfError,
    TooLargeError,
    UndecodableTextError,
    UnreadableScanError,
    UnsupportedFormatError,
)
from perf_etl.ingest.spreadsheet_reader import read_spreadsheet
from perf_etl.models import PageText
from perf_etl.pool import extend_budget
from perf_etl.settings import IngestSettings
from perf_etl.tables.columns import indicator_header
from perf_etl.tables.docx import read_docx_tables
from perf_etl.tables.find import candidate_pages, is_candidate
from perf_etl.tables.flat import flattened_tables
from perf_etl.tables.pdf import assemble_tables, page_tables
from perf_etl.text.ocr_repairs import repair_ocr_text

log = logging.getLogger(__name__)

# Extension -> raw.documents.source_format.
# Formats people often drop in by mistake, with what to do instead (shown in the rejection message).
_CONVERT_HINTS: dict[str, str] = {
    ".zip": "zip archive: unpack it into the landing folder",
    ".rar": "rar archive: unpack it into the landing folder",
    ".7z": "7z archive: unpack it into the landing folder",
}
# Formats that are zip files inside (a workbook is not an archive to unpack).
_ZIP_BASED_FORMATS = frozenset({".xlsx", ".xlsm", ".et", ".pptx", ".ofd", ".odt", ".ods", ".epub"})
# How much of a file is read to tell what it really is, whatever its name says.
_SNIFF_BYTES = 4096
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
# A page saved under these names stays what its name says: a .txt of HTML source is text, and a .pdf that
# is a web page is a download that failed (corrupt_pdf tells to download it again). Any other name of a
# web page (a .doc or .xls "exported" as HTML, as many systems do) is read as the page it is.
_NOT_SNIFFED_AS_HTML = frozenset({".txt", ".pdf"})
# Letter-spaced text ("2 0 2 3", "招  商") only joins into words when the gap allowed between letters
# grows with the font size; a fixed x_tolerance splits 16 pt headings into one char per word.
_X_TOLERANCE_RATIO = 0.5
# Word processors draw "fake bold" as the same glyph again, offset by a fraction of a point.
_DUPLICATE_TOLERANCE = 1.0
# A PDF ends with %%EOF; one that lost its tail (an interrupted download) does not. Readers tolerate a
# little junk after the marker, so it is looked for in the last few KiB only.
_EOF_MARKER = b"%%EOF"
_EOF_WINDOW = 4096
# Encodings a Chinese government .txt realistically uses. GB18030 is a superset of GBK and GB2312.
# Limiting the detector to these stops short GBK texts being guessed as Big5 or Shift-JIS.
_TEXT_ENCODINGS = ["utf_8", "gb18030"]
# Share of control characters above which a decoded .txt is binary, not text.
_MAX_CONTROL_SHARE = 0.01
_ALLOWED_CONTROLS = frozenset("\t\n\r\f\v")
# A page with at least this many vector paths (cell borders, ruling lines) is a table page. pypdfium2
# reads a ruled table cell by cell in drawing order, pdfplumber row by row as laid out, which is what the
# extraction rules expect. A page border or a heading rule is a path or two.
_TABLE_PATHS = 6
# Engines of raw.pages.text_engine. pypdfium2 reads ~25x faster than pdfplumber and, where the fonts map
# to Unicode, gives the same normalized text (perf_etl_tests/ingest/test_text_engines.py); pdfplumber is
# for table pages and for pages pdfium cannot read.
_PDFIUM = f"pypdfium2 {version('pypdfium2')}"
_PLUMBER = f"pdfplumber {version('pdfplumber')} (pdfminer.six {version('pdfminer.six')})"
# OCR is worth a few seconds a page (docs/ocr.md: ~1 page/s on one core); a worker's time budget grows by
# this much for each page sent to OCR, so that a long scan is not cut off by the budget for text files.
_OCR_SECONDS_PER_PAGE = 30.0


@dataclass(frozen=True)
class ReadResult:
    """The text of one file, page by page, what produced it, and the file's 自评表 tables."""

    pages: list[PageText]
    text_engine: str
    source_format: str
    tables: list[TableGrid] = field(default_factory=list)


def source_format_of(path: Path) -> str:
    """The source_format of `path`: what its first bytes show it is (a PDF named .docx is a PDF), else what
    its extension says; UnsupportedFormatError for anything else."""
    with path.open("rb") as stream:
        head = stream.read(_SNIFF_BYTES)
    suffix = path.suffix.lower()
    sniffed = sniffed_format(head)
    if sniffed == "zip" and suffix != ".docx" and suffix not in _ZIP_BASED_FORMATS:
        raise UnsupportedFormatError(f"{_CONVERT_HINTS['.zip']}; the formats read are {', '.join(_BY_SUFFIX)}")
    if sniffed == "html" and suffix in _NOT_SNIFFED_AS_HTML:
        sniffed = None
    if sniffed is not None and sniffed != "zip":
        return sniffed
    if suffix in _BY_SUFFIX:
        return _BY_SUFFIX[suffix].name
    hint = _CONVERT_HINTS.get(suffix) or (f"{suffix} file" if suffix else "no file extension")
    raise UnsupportedFormatError(f"{hint}; the formats read are {', '.join(_BY_SUFFIX)}")


def sniffed_format(head: bytes) -> str | None:
    """What a file's first bytes show: "pdf", "docx" (a zip holding word/), "xlsx" (a zip holding xl/), "zip"
    (another zip), "txt" (UTF-16 with its BOM, as Notepad saves "Unicode"), or None when they show nothing (a
    text file, or garbage); "html" for a web page (html_reader.looks_like_html); "ofd" for a zip whose first
    member is OFD.xml."""
    if head.startswith(b"PK\x03\x04"):  # before the PDF test: a zip may hold a PDF stored as it is
        if is_ofd_head(head):  # an OFD package, whatever its name: its first member is OFD.xml
            return "ofd"
        return "docx" if b"word/" in head else "xlsx" if b"xl/" in head else "zip"
    if b"%PDF-" in head[:1024]:
        return "pdf"
    if head.startswith(_UTF16_BOMS):
        return "txt"
    if looks_like_html(head):
        return "html"
    return None


def read_document(path: Path, options: IngestSettings = IngestSettings()) -> ReadResult:
    """Read `path` by what it is (`source_format_of`). Raises IngestRejection subclasses for files that cannot
    be used."""
    source_format = source_format_of(path)
    data = path.read_bytes()
    if not data:
        raise EmptyFileError("0 bytes")
    read = _BY_NAME[source_format].read(data, options)
    # NUL is no character of any report; a reader may pass it through from a broken text layer or file.
    pages = [replace(page, text=page.text.replace("\x00", "")) for page in read.pages]
    return replace(read, pages=pages, tables=_with_flattened_tables(read.tables, pages))


def _with_flattened_tables(tables: list[TableGrid], pages: list[PageText]) -> list[TableGrid]:
    """A document whose reader found no 绩效指标 table may hold one flattened into its text (a web page
    saved as text, a converted file, an unruled PDF): read it from there."""
    if any(indicator_header(row) for grid in tables for row in grid.rows):
        return tables
    return tables + flattened_tables(pages, first_index=len(tables))


# ---------------------------------------------------------------- PDF


@dataclass
class _PdfPages:
    """A PDF's pages as they are read: each page's text and engine so far, whether it may draw a ruled
    table, and the tables found on the pages pdfplumber parsed (0-based page index -> pieces)."""

    texts: list[str]
    engines: list[str]
    may_draw_tables: list[bool]
    pieces: dict[int, list[RawGrid]] = field(default_factory=dict)
    table_error: str | None = None


def read_pdf(data: bytes, options: IngestSettings = IngestSettings()) -> ReadResult:
    """Pages of a PDF, each from the engine that reads it best: pypdfium2, pdfplumber for table pages
    and pages pdfium cannot read, OCR for pages neither can (scans, fonts without a Unicode map); and
    the tables of the pages whose text shows a table header (and the page after each)."""
    _check_pdf_envelope(data)
    with _PlumberFile(data) as plumber:
        read = _text_layer(data, options.max_pages, plumber)
        confidences = _read_pages_with_ocr(data, read.texts, read.engines, options)
        tables = _read_tables(plumber, read)
    pages = [
        PageText(number, text, engine, confidence)
        for number, (text, engine, confidence) in enumerate(
            zip(read.texts, read.engines, confidences, strict=True), start=1)
    ]
    return ReadResult(pages, engine_summary(pages), "pdf", tables)


class _PlumberFile:
    """pdfplumber's view of a PDF, opened when a page is first needed (most files need none)."""

    def __init__(self, data: bytes) -> None:
        self._data = data
        self._pdf: pdfplumber.PDF | None = None
        self._pages: list[pdfplumber.page.Page] = []

    def __enter__(self) -> _PlumberFile:
        return self

    def __exit__(self, *_: object) -> None:
        if self._pdf is not None:
            self._pdf.close()

    def pages(self) -> list[pdfplumber.page.Page]:
        """Every page; raises the typed errors of a file pdfplumber cannot open."""
        if self._pdf is None:
            self._pdf = _open_pdf(self._data)
            self._pages = _page_list(self._pdf)
        return self._pages


def _text_layer(data: bytes, max_pages: int | None, plumber: _PlumberFile) -> _PdfPages:
    """Each page's text from its text layer, and the engine that read it."""
    document = _open_pdfium(data)
    if document is None:
        return _plumber_text_layer(plumber, max_pages)
    try:
        _check_page_count(len(document), max_pages)
        pages = [_read_pdfium_page(document, index) for index in range(len(document))]
    finally:
        document.close()
    read = _PdfPages([text for text, _, _ in pages], [_PDFIUM] * len(pages), [draws for _, _, draws in pages])
    to_plumber = [index for index, (text, ruled, _) in enumerate(pages) if ruled or needs_ocr(text)]
    _read_pages_with_pdfplumber(plumber, to_plumber, read)
    return read


def _check_pdf_envelope(data: bytes) -> None:
    if b"%PDF-" not in data[:1024]:
        raise CorruptPdfError("no %PDF header: not a PDF file")
    if _EOF_MARKER not in data[-_EOF_WINDOW:]:
        raise CorruptPdfError("no %%EOF end marker: the file is truncated")


def _open_pdfium(data: bytes) -> pypdfium2.PdfDocument | None:
    """The document for pypdfium2, or None when pdfium cannot open it: pdfplumber then gets the whole file,
    and says precisely what is wrong with it (or reads what pdfium would not)."""
    use_metrics_font()
    try:
        return pypdfium2.PdfDocument(data)
    except pypdfium2.PdfiumError as error:
        if getattr(error, "err_code", None) == pypdfium2.raw.FPDF_ERR_PASSWORD:
            raise EncryptedPdfError("a password is needed to open it") from error
        return None


def _read_pdfium_page(document: pypdfium2.PdfDocument, index: int) -> tuple[str, bool, bool]:
    """The page's text, whether it draws a ruled table, and whether it may draw one (one page load)."""
    page = document[index]
    try:
        return _pdfium_page_text(page), *_drawing(page)
    finally:
        page.close()


def _drawing(page: pypdfium2.PdfPage) -> tuple[bool, bool]:
    """(ruled, may draw a table). Ruled: at least _TABLE_PATHS path objects. A page without path and
    form objects (a form may draw paths) has no lines for the table finder: text and images only."""
    paths, forms = 0, False
    for position in range(pypdfium2.raw.FPDFPage_CountObjects(page)):
        kind = pypdfium2.raw.FPDFPageObj_GetType(pypdfium2.raw.FPDFPage_GetObject(page, position))
        paths += kind == pypdfium2.raw.FPDF_PAGEOBJ_PATH
        forms = forms or kind == pypdfium2.raw.FPDF_PAGEOBJ_FORM
        if paths >= _TABLE_PATHS:
            return True, True
    return False, paths > 0 or forms


def _plumber_text_layer(plumber: _PlumberFile, max_pages: int | None) -> _PdfPages:
    """Every page through pdfplumber (a file pdfium will not open); raises its typed errors."""
    page_count = len(plumber.pages())
    _check_page_count(page_count, max_pages)
    read = _PdfPages([""] * page_count, [_PLUMBER] * page_count, [True] * page_count)
    for index, page in _parsed_pages(plumber, range(page_count)):
        read.texts[index] = _plumber_page_text(page, index + 1)
        _find_tables_while_parsed(page, index, read)
    return read


def _read_pages_with_pdfplumber(plumber: _PlumberFile, indexes: list[int], read: _PdfPages) -> None:
    """Read the pages at `indexes` with pdfplumber, keeping its text where it is usable (a table page, a
    page pdfium could not map). A page pdfplumber fails on keeps pdfium's text: pdfium did read it. The
    tables of a page searched for tables are found while the page is parsed."""
    for index, page in _parsed_pages(plumber, indexes):
        try:
            text = _plumber_page_text(page, index + 1)
        except CorruptPdfError:
            continue
        if not needs_ocr(text):
            read.texts[index], read.engines[index] = text, _PLUMBER
        _find_tables_while_parsed(page, index, read)


def _parsed_pages(plumber: _PlumberFile, indexes: Sequence[int]) -> Iterator[tuple[int, pdfplumber.page.Page]]:
    """(index, page) for the pages at `indexes` that pdfplumber has (a damaged file can have fewer pages
    for pdfminer than for pdfium), each closed once the caller is done with it: without that pdfplumber
    keeps every page's objects and text map alive until the file closes. Opens nothing for no indexes."""
    pages = plumber.pages() if indexes else []
    for index in indexes:
        if index < len(pages):
            try:
                yield index, pages[index]
            finally:
                pages[index].close()


def _find_tables_while_parsed(page: pdfplumber.page.Page, index: int, read: _PdfPages) -> None:
    """The page's tables if its text (so far) makes it a candidate: its objects are parsed now, and
    parsing is most of what table finding costs. `_read_tables` drops those of pages whose text changes
    (OCR) so that they are no longer candidates."""
    if read.table_error is None and is_candidate(read.texts, index):
        try:
            read.pieces[index] = page_tables(page, index + 1)
        except Exception as error:  # a table finder bug must not lose the text
            read.table_error = f"page {index + 1}: {type(error).__name__}: {error}"


def _read_tables(plumber: _PlumberFile, read: _PdfPages) -> list[TableGrid]:
    """The tables of the candidate pages (final texts) that may draw one; those not parsed with their
    text are parsed now. A failure anywhere gives no tables (the report is then read from its prose, as
    before tables were read) and a warning: a table problem never loses a report."""
    wanted = [index for index in candidate_pages(read.texts) if read.may_draw_tables[index]]
    if read.table_error is None:
        try:
            for index, page in _parsed_pages(plumber, [index for index in wanted if index not in read.pieces]):
                read.pieces[index] = page_tables(page, index + 1)
        except Exception as error:
            read.table_error = f"{type(error).__name__}: {error}"
    if read.table_error is not None:
        return _without_tables(read.table_error)
    return assemble_tables([piece for index in wanted for piece in read.pieces.get(index, [])])


def _without_tables(problem: str) -> list[TableGrid]:
    log.warning("reading the tables failed (%s); the report is read from its text alone", problem)
    return []


def _read_pages_with_ocr(data: bytes, texts: list[str], engines: list[str], options: IngestSettings,
                         ) -> list[float | None]:
    """OCR the pages whose text layer is still unusable; returns each page's OCR confidence (None for
    pages not OCR'd). UnreadableScanError when a page has print OCR cannot read with enough confidence."""
    confidences: list[float | None] = [None] * len(texts)
    wanted = [index for index, text in enumerate(texts) if needs_ocr(text)]
    if not wanted or not options.ocr:
        return confidences
    from perf_etl.ingest import ocr  # onnxruntime and OpenCV load only for files that need them

    extend_budget(_OCR_SECONDS_PER_PAGE * len(wanted))
    try:
        read = ocr.ocr_pdf_pages(data, [index + 1 for index in wanted], options.ocr_threads)
    except pypdfium2.PdfiumError:
        return confidences  # pdfium cannot render the file either; the text-layer check rejects it
    for index, page in zip(wanted, read, strict=True):
        if page.char_count < ocr.MIN_OCR_CHARS:
            texts[index] = ""  # a blank page, as text PDFs have too; a file of them is rejected later
        else:
            reason = ocr.unreadable_reason(page)
            if reason is not None:
                raise UnreadableScanError(reason)
            texts[index] = repair_ocr_text(page.text)
        engines[index], confidences[index] = page.engine, round(page.confidence, 4)
    return confidences


def engine_summary(pages: list[PageText]) -> str:
    """raw.documents.text_engine: the engine of most pages, then the others with their pages, e.g.
    "pypdfium2 5.1; pdfplumber 0.11 (pdfminer.six 2025) for pages 6-7"."""
    pages_by_engine: dict[str, list[int]] = {}
    for page in pages:
        pages_by_engine.setdefault(page.engine, []).append(page.page_number)
    if not pages_by_engine:
        return _PDFIUM
    ranked = sorted(pages_by_engine.items(), key=lambda item: (-len(item[1]), item[1][0]))
    main, *others = ranked
    return "; ".join([main[0], *(f"{engine} for pages {_page_ranges(numbers)}" for engine, numbers in others)])


def _open_pdf(data: bytes) -> pdfplumber.PDF:
    try:
        return pdfplumber.open(io.BytesIO(data))
    except PdfminerException as error:
        cause = error.args[0] if error.args else error
        if isinstance(cause, (PDFPasswordIncorrect, PDFEncryptionError)):
            raise EncryptedPdfError(f"{type(cause).__name__}: a password is needed to open it") from error
        raise CorruptPdfError(f"{type(cause).__name__}: {cause}") from error


def _page_list(pdf: pdfplumber.PDF) -> list[pdfplumber.page.Page]:
    try:
        return list(pdf.pages)
    except Exception as error:  # a broken page tree surfaces here, not at open
        raise CorruptPdfError(f"page tree: {type(error).__name__}: {error}") from error


def _check_page_count(page_count: int, max_pages: int | None) -> None:
    if max_pages is not None and page_count > max_pages:
        raise TooLargeError(f"{page_count} pages, over the limit of {max_pages} (max_pages, PERF_ETL_MAX_PAGES)")


def _plumber_page_text(page: pdfplumber.page.Page, number: int) -> str:
    try:
        chars = page.chars
        if not chars:
            return ""
        return _without_fake_bold(page, chars).extract_text(x_tolerance_ratio=_X_TOLERANCE_RATIO)
    except Exception as error:
        # A broken content stream on one page makes the whole file untrustworthy.
        raise CorruptPdfError(f"page {number}: {type(error).__name__}: {error}") from error


_Glyph = tuple[str, str, float]  # text, font, size


def _without_fake_bold(page: pdfplumber.page.Page, chars: list[dict[str, Any]]) -> Any:
    """The page without "fake bold" copies: the same glyph drawn again within a point of itself.

    page.dedupe_chars() does this with a sort and clustering that is quadratic in practice. Here each
    kept glyph is filed in a 1-point grid cell and a char is compared only with the 9 cells around it,
    which is linear and, unlike rounding the position, does not miss copies that straddle a cell edge.
    """
    kept: dict[tuple[_Glyph, int, int], list[tuple[float, float]]] = {}
    keep: set[int] = set()
    for char in chars:
        glyph = (char["text"], char["fontname"], round(char["size"], 1))
        x, y = char["x0"], char["top"]
        if not _has_copy_near(kept, glyph, x, y):
            kept.setdefault((glyph, math.floor(x), math.floor(y)), []).append((x, y))
            keep.add(id(char))
    if len(keep) == len(chars):
        return page
    return page.filter(lambda obj: obj.get("object_type") != "char" or id(obj) in keep)


def _has_copy_near(
    kept: dict[tuple[_Glyph, int, int], list[tuple[float, float]]], glyph: _Glyph, x: float, y: float
) -> bool:
    cell_x, cell_y = math.floor(x), math.floor(y)
    for dx in (-1, 0, 1):
        for dy in (-1, 0, 1):
            for other_x, other_y in kept.get((glyph, cell_x + dx, cell_y + dy), ()):
                if abs(other_x - x) <= _DUPLICATE_TOLERANCE and abs(other_y - y) <= _DUPLICATE_TOLERANCE:
                    return True
    return False


def _pdfium_page_text(page: pypdfium2.PdfPage) -> str:
    text_page = page.get_textpage()
    try:
        text = text_page.get_text_range()
    finally:
        text_page.close()
    # pdfium ends lines with CRLF and may emit NULs between runs; make it look like pdfplumber's text.
    return _unix_newlines(text).replace("\x00", "")


def _unix_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _page_ranges(pages: list[int]) -> str:
    """[1, 2, 3, 7] -> "1-3,7"."""
    ranges: list[str] = []
    start = previous = pages[0]
    for page in [*pages[1:], None]:
        if page is not None and page == previous + 1:
            previous = page
            continue
        ranges.append(str(start) if start == previous else f"{start}-{previous}")
        if page is not None:
            start = previous = page
    return ",".join(ranges)


# ---------------------------------------------------------------- plain text


def read_txt(data: bytes, options: IngestSettings = IngestSettings()) -> ReadResult:
    """A .txt in UTF-8 (with or without BOM), GBK or GB18030; form feeds separate pages.

    Windows line ends (CRLF, CR) become LF, as in the PDF and Word text, so later stages see one kind.
    """
    text, encoding = decode_text(data)
    parts = _unix_newlines(text).split("\f")
    if len(parts) > 1 and not parts[-1].strip():
        parts.pop()  # a trailing form feed ends the last page, it does not start a new one
    _check_page_count(len(parts), options.max_pages)
    engine = f"charset-normalizer {version('charset-normalizer')} ({encoding})"
    return ReadResult([PageText(number, part, engine) for number, part in enumerate(parts, start=1)], engine, "txt")


def decode_text(data: bytes) -> tuple[str, str]:
    """(text without BOM, encoding label). UndecodableTextError for binary or unknown encodings."""
    if data.startswith(_UTF16_BOMS):
        try:
            return data.decode("utf-16"), "utf_16 with BOM"
        except UnicodeDecodeError as error:
            raise UndecodableTextError(f"a UTF-16 byte order mark, but not UTF-16: {error.reason}") from error
    match = charset_normalizer.from_bytes(data, cp_isolation=_TEXT_ENCODINGS).best()
    if match is None:
        raise UndecodableTextError("no UTF-8/GB18030 decoding fits the bytes")
    text = str(match)  # str() drops a BOM
    control_share = _control_share(text)
    if control_share > _MAX_CONTROL_SHARE:
        raise UndecodableTextError(f"binary data: {control_share:.0%} control characters")
    label = match.encoding + (" with BOM" if match.bom else "")
    return text, label


def _control_share(text: str) -> float:
    if not text:
        return 0.0
    controls = sum(1 for char in text if unicodedata.category(char) == "Cc" and char not in _ALLOWED_CONTROLS)
    return controls / len(text)


# ---------------------------------------------------------------- Word


def read_docx(data: bytes, options: IngestSettings = IngestSettings()) -> ReadResult:
    """A .docx as one page: paragraphs and table rows (cells joined by tabs) in document order.

    Word files carry no reliable page breaks (pagination happens when rendering), so all is page 1.
    """
    document = _open_docx(data)
    lines = [line for block in document.iter_inner_content() for line in _block_lines(block)]
    engine = f"python-docx {version('python-docx')}"
    try:
        tables = read_docx_tables(document)
    except Exception as error:  # a table reader bug must not lose the text
        tables = _without_tables(f"{type(error).__name__}: {error}")
    return ReadResult([PageText(1, "\n".join(lines), engine)], engine, "docx", tables)


# What the parts of a zip-based file (docx) may inflate to. A long report with its images is tens of MB; a
# "zip bomb" (6.8 MB inflating to 2 GB) took 16 GB of memory to parse. zipfile never inflates a part past
# the size its header declares (it stops there, and the CRC fails), so the declared sizes are the bound.
MAX_INFLATED_BYTES = 256 * 1024 * 1024


def check_inflated_size(data: bytes) -> None:
    """TooLargeError when the zip in `data` declares parts larger than MAX_INFLATED_BYTES in all; a file that
    is not a zip is left to its reader."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            inflated = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError):
        return
    if inflated > MAX_INFLATED_BYTES:
        raise TooLargeError(
            f"its {len(data):,} bytes inflate to {inflated:,}, over the {MAX_INFLATED_BYTES:,} a document may "
            "hold (a zip bomb, or a file that is not one report)"
        )


def _open_docx(data: bytes) -> Any:
    check_inflated_size(data)
    try:
        return docx.Document(io.BytesIO(data))
    except Exception as error:
        # Not a zip (BadZipFile), no Word part (PackageNotFoundError, KeyError), broken XML (lxml's
        # XMLSyntaxError): whatever the cause, the file is not a usable .docx.
        raise CorruptDocxError(f"{type(error).__name__}: {error}") from error


def _block_lines(block: Any) -> list[str]:
    if isinstance(block, Table):
        return [_row_text(row) for row in block.rows]
    return [block.text]


def _row_text(row: Any) -> str:
    """Cells joined by tabs; a merged cell is listed once, not once per grid column it spans."""
    cells: list[Any] = []
    for cell in row.cells:
        if not cells or cell._tc is not cells[-1]._tc:
            cells.append(cell)
    return "\t".join(_one_line(cell.text) for cell in cells)


def _one_line(text: str) -> str:
    # A cell's own paragraphs would otherwise break the row over several lines.
    return re.sub(r"\s*\n\s*", " ", text).strip()


# ---------------------------------------------------------------- the formats read


@dataclass(frozen=True)
class SourceFormat:
    """A format the landing folder may hold: its raw.documents.source_format, the file name endings that
    say it, its reader, and its rank when one report comes in several formats (the lowest is kept: the
    format that keeps most of the layout)."""

    name: str
    suffixes: tuple[str, ...]
    read: Callable[[bytes, IngestSettings], ReadResult]
    rank: int


# Adding a format: its reader (bytes, IngestSettings) -> ReadResult, and a line here.
FORMATS: tuple[SourceFormat, ...] = (
    SourceFormat("pdf", (".pdf",), read_pdf, 0),
    SourceFormat("ofd", (".ofd",), read_ofd, 1),
    SourceFormat("docx", (".docx",), read_docx, 2),
    SourceFormat("doc", (".doc", ".wps"), read_doc, 3),
    SourceFormat("html", (".html", ".htm", ".shtml", ".mht", ".mhtml"), read_html, 4),
    SourceFormat("xlsx", (".xlsx", ".xlsm"), read_spreadsheet, 5),
    SourceFormat("xls", (".xls", ".et"), read_spreadsheet, 6),
    SourceFormat("txt", (".txt",), read_txt, 9),
)
_BY_SUFFIX = {suffix: fmt for fmt in FORMATS for suffix in fmt.suffixes}
_BY_NAME = {fmt.name: fmt for fmt in FORMATS}


def format_rank(source_format: str) -> int:
    """Which copy of a report is kept when it comes in several formats: the lowest rank."""
    fmt = _BY_NAME.get(source_format)
    return fmt.rank if fmt is not None else len(FORMATS)
