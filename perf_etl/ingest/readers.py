"""Read a landing file into pages of text, raising typed IngestRejection errors for known failures.

Each reader returns the pages and a `text_engine` string naming what produced the text and its version
(raw.documents.text_engine), so a change of library shows up in the data.
"""

from __future__ import annotations

import io
import math
import re
import unicodedata
from dataclasses import dataclass
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

from perf_etl.ingest.classify import cid_share, cjk_count
from perf_etl.ingest.reasons import (
    CorruptDocxError,
    CorruptPdfError,
    EmptyFileError,
    EncryptedPdfError,
    TooLargeError,
    UndecodableTextError,
    UnsupportedFormatError,
)
from perf_etl.models import PageText

# Extension -> raw.documents.source_format.
SOURCE_FORMATS: dict[str, str] = {".pdf": "pdf", ".docx": "docx", ".txt": "txt"}
# Formats people often drop in by mistake, with what to do instead (shown in the rejection message).
_CONVERT_HINTS: dict[str, str] = {
    ".doc": "legacy Word .doc: save it as .docx",
    ".wps": "WPS document: save it as .docx or PDF",
    ".ofd": "OFD document: export it as PDF",
}
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
# A page whose glyphs are more than this share (cid:N) codes is unread; pypdfium2 gets a try at it.
_MAX_CID_SHARE = 0.05


@dataclass(frozen=True)
class ReadResult:
    """The text of one file, page by page, and what produced it."""

    pages: list[PageText]
    text_engine: str
    source_format: str


def source_format_of(path: Path) -> str:
    """The source_format for `path` from its extension; UnsupportedFormatError for anything else."""
    suffix = path.suffix.lower()
    if suffix in SOURCE_FORMATS:
        return SOURCE_FORMATS[suffix]
    hint = _CONVERT_HINTS.get(suffix) or (f"{suffix} file" if suffix else "no file extension")
    raise UnsupportedFormatError(hint)


def read_document(path: Path, *, max_pages: int | None = None) -> ReadResult:
    """Read `path` by its extension. Raises IngestRejection subclasses for files that cannot be used."""
    source_format = source_format_of(path)
    data = path.read_bytes()
    if not data:
        raise EmptyFileError("0 bytes")
    reader = {"pdf": read_pdf, "docx": read_docx, "txt": read_txt}[source_format]
    pages, engine = reader(data, max_pages)
    return ReadResult(pages, engine, source_format)


# ---------------------------------------------------------------- PDF


def read_pdf(data: bytes, max_pages: int | None = None) -> tuple[list[PageText], str]:
    """Pages of a PDF through pdfplumber; pypdfium2 for pages pdfplumber cannot read (see _rescue_unread_pages)."""
    _check_pdf_envelope(data)
    pdf = _open_pdf(data)
    try:
        plumber_pages = _page_list(pdf)
        _check_page_count(len(plumber_pages), max_pages)
        texts = [_plumber_page_text(page, number) for number, page in enumerate(plumber_pages, start=1)]
    finally:
        pdf.close()
    rescued = _rescue_unread_pages(data, texts)
    pages = [PageText(number, text) for number, text in enumerate(texts, start=1)]
    return pages, _pdf_engine(rescued)


def _check_pdf_envelope(data: bytes) -> None:
    if b"%PDF-" not in data[:1024]:
        raise CorruptPdfError("no %PDF header: not a PDF file")
    if _EOF_MARKER not in data[-_EOF_WINDOW:]:
        raise CorruptPdfError("no %%EOF end marker: the file is truncated")


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
    finally:
        # Without this pdfplumber keeps every page's objects and text map alive until the file closes.
        page.close()


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


def _rescue_unread_pages(data: bytes, texts: list[str]) -> list[int]:
    """Replace pages pdfplumber could not read with pypdfium2's text; returns the 1-based pages replaced.

    Some embedded CFF CJK fonts give pdfminer no characters at all while pdfium reads them exactly, and
    pdfminer turns some fonts it cannot map (seen with owner-password PDFs) into (cid:N) runs that pdfium
    decodes. A page neither can read (a scan) stays as it is, and the garbage check rejects the file.
    """
    unread = [index for index, text in enumerate(texts) if _unread(text)]
    if not unread:
        return []
    try:
        document = pypdfium2.PdfDocument(data)
    except pypdfium2.PdfiumError:
        return []  # the rescue is best effort; pdfplumber already opened the file
    rescued: list[int] = []
    try:
        # A damaged file can have fewer pages for pdfium than for pdfminer; those stay as they are.
        for index in (index for index in unread if index < len(document)):
            text = _pdfium_page_text(document, index)
            if text.strip() and cjk_count(text) >= cjk_count(texts[index]):
                texts[index] = text
                rescued.append(index + 1)
    finally:
        document.close()
    return rescued


def _unread(text: str) -> bool:
    return not text.strip() or cid_share(text) > _MAX_CID_SHARE


def _pdfium_page_text(document: pypdfium2.PdfDocument, index: int) -> str:
    page = document[index]
    try:
        text_page = page.get_textpage()
        try:
            text = text_page.get_text_range()
        finally:
            text_page.close()
    finally:
        page.close()
    # pdfium ends lines with CRLF and may emit NULs between runs; make it look like pdfplumber's text.
    return _unix_newlines(text).replace("\x00", "")


def _unix_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _pdf_engine(rescued_pages: list[int]) -> str:
    engine = f"pdfplumber {version('pdfplumber')} (pdfminer.six {version('pdfminer.six')})"
    if rescued_pages:
        engine += f"; pypdfium2 {version('pypdfium2')} for pages {_page_ranges(rescued_pages)}"
    return engine


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


def read_txt(data: bytes, max_pages: int | None = None) -> tuple[list[PageText], str]:
    """A .txt in UTF-8 (with or without BOM), GBK or GB18030; form feeds separate pages.

    Windows line ends (CRLF, CR) become LF, as in the PDF and Word text, so later stages see one kind.
    """
    text, encoding = decode_text(data)
    parts = _unix_newlines(text).split("\f")
    if len(parts) > 1 and not parts[-1].strip():
        parts.pop()  # a trailing form feed ends the last page, it does not start a new one
    _check_page_count(len(parts), max_pages)
    pages = [PageText(number, part) for number, part in enumerate(parts, start=1)]
    return pages, f"charset-normalizer {version('charset-normalizer')} ({encoding})"


def decode_text(data: bytes) -> tuple[str, str]:
    """(text without BOM, encoding label). UndecodableTextError for binary or unknown encodings."""
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


def read_docx(data: bytes, max_pages: int | None = None) -> tuple[list[PageText], str]:
    """A .docx as one page: paragraphs and table rows (cells joined by tabs) in document order.

    Word files carry no reliable page breaks (pagination happens when rendering), so all is page 1.
    """
    document = _open_docx(data)
    lines = [line for block in document.iter_inner_content() for line in _block_lines(block)]
    return [PageText(1, "\n".join(lines))], f"python-docx {version('python-docx')}"


def _open_docx(data: bytes) -> Any:
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
