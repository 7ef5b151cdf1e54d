"""Why a landing file was rejected at ingestion: reason codes, messages, and the exceptions behind them.

The codes are values of raw.rejected_files.reason_code (data contract). Each has a message template that
names the file and says what a person can do about it, because the rejected-files table is read by
people who have to fix the landing folder, not by developers.
"""

from __future__ import annotations

from typing import ClassVar


class Reason:
    """Values of raw.rejected_files.reason_code produced by ingestion."""

    EMPTY_FILE = "empty_file"
    CORRUPT_PDF = "corrupt_pdf"
    CORRUPT_DOCX = "corrupt_docx"
    ENCRYPTED_PDF = "encrypted_pdf"
    # Workbooks (.xlsx / .xlsm / .xls / WPS .et).
    CORRUPT_SPREADSHEET = "corrupt_spreadsheet"
    ENCRYPTED_SPREADSHEET = "encrypted_spreadsheet"
    EMPTY_SPREADSHEET = "empty_spreadsheet"
    # Word 97 .doc / WPS .wps (read through LibreOffice) and OFD (GB/T 33190).
    CORRUPT_DOC = "corrupt_doc"
    ENCRYPTED_DOC = "encrypted_doc"
    CORRUPT_OFD = "corrupt_ofd"
    # A format read through a program the machine lacks (LibreOffice for .doc/.wps): not the file's fault,
    # so it is not kept in the read cache and the file is read again once the program is installed.
    CONVERTER_MISSING = "converter_missing"
    NO_TEXT_LAYER = "no_text_layer"
    # Not in the contract's list: a scan whose print OCR reads with too little confidence to trust.
    UNREADABLE_SCAN = "unreadable_scan"
    UNSUPPORTED_FORMAT = "unsupported_format"
    UNDECODABLE_TEXT = "undecodable_text"
    # Archives (.zip / .7z / .rar), whose members are read as files of their own (perf_etl/ingest/archives.py):
    # an archive over a limit, or whose members inflate far more than anything real (a zip bomb), is not unpacked.
    ARCHIVE_TOO_LARGE = "archive_too_large"
    ARCHIVE_BOMB = "archive_bomb"
    ENCRYPTED_ARCHIVE = "encrypted_archive"
    CORRUPT_ARCHIVE = "corrupt_archive"
    EMPTY_ARCHIVE = "empty_archive"
    # A web page (.html / .mht) that shows no text: its text is loaded by a script, or it is a frame set.
    EMPTY_PAGE = "empty_page"
    DUPLICATE_CONTENT = "duplicate_content"
    NOT_A_SELF_EVALUATION_REPORT = "not_a_self_evaluation_report"
    TOO_LARGE = "too_large"
    UNKNOWN_FISCAL_YEAR = "unknown_fiscal_year"
    # Not in the contract's list: a report of a year the warehouse has no partition for (before 2010, or
    # the current year, whose partition starts when the year ends).
    FISCAL_YEAR_OUT_OF_RANGE = "fiscal_year_out_of_range"
    # Not in the contract's list (which is open-ended): the landing entry itself could not be opened.
    UNREADABLE_FILE = "unreadable_file"
    SYMLINK_LOOP = "symlink_loop"
    # Anything the readers did not anticipate; the message carries the exception class.
    UNEXPECTED_ERROR = "unexpected_error"


# {file} is the landing-relative path; {detail} is what the reader found. Every template ends with what
# to do, because a rejected row that only says "failed" gets ignored.
MESSAGE_TEMPLATES: dict[str, str] = {
    Reason.EMPTY_FILE: "{file} is empty (0 bytes): re-download or re-export the report and replace it.",
    Reason.CORRUPT_PDF: (
        "{file} cannot be read as a PDF ({detail}): re-download it or ask the publisher for an intact copy."
    ),
    Reason.CORRUPT_DOCX: (
        "{file} cannot be opened as a Word .docx file ({detail}): re-save it from Word as .docx, "
        "or supply the PDF instead."
    ),
    Reason.ENCRYPTED_PDF: "{file} is encrypted ({detail}): ask the publisher for an unlocked copy.",
    Reason.CORRUPT_SPREADSHEET: (
        "{file} cannot be opened as an Excel or WPS workbook ({detail}): open it in Excel or WPS and save it "
        "again as .xlsx, or supply the PDF instead."
    ),
    Reason.ENCRYPTED_SPREADSHEET: (
        "{file} is a password-protected workbook ({detail}): ask the publisher for an unlocked copy, or open it "
        "with the password and save it again without one."
    ),
    Reason.EMPTY_SPREADSHEET: (
        "{file} is a workbook with no text in any visible sheet ({detail}): check it is the 自评表 you meant to "
        "supply (a hidden sheet is not read); re-export it, or supply the PDF instead."
    ),
    Reason.CORRUPT_DOC: (
        "{file} cannot be opened as a Word 97 .doc or WPS .wps file ({detail}): open it in Word or WPS and "
        "save it again as .docx, or supply the PDF instead."
    ),
    Reason.ENCRYPTED_DOC: (
        "{file} is a password-protected Word/WPS document ({detail}): ask the publisher for an unlocked copy, "
        "or open it with the password and save it again without one."
    ),
    Reason.CORRUPT_OFD: (
        "{file} cannot be read as an OFD document ({detail}): re-download it, or export it as PDF from an OFD "
        "reader and supply that instead."
    ),
    Reason.CONVERTER_MISSING: "{file} cannot be read on this machine: {detail}; then re-run the year.",
    Reason.NO_TEXT_LAYER: (
        "{file} has no usable text layer ({detail}): supply a PDF with real text (exported from the "
        "original document, not scanned or printed to PDF), a Word or .txt copy, or an OCR'd version."
    ),
    Reason.UNREADABLE_SCAN: (
        "{file} is a scan that OCR cannot read reliably ({detail}): supply a sharper scan (300 dpi, straight, "
        "no shadow), the original PDF, or a Word or .txt copy."
    ),
    Reason.UNSUPPORTED_FORMAT: (
        "{file} is not a supported format ({detail}): convert it or remove it from the landing folder."
    ),
    Reason.UNDECODABLE_TEXT: (
        "{file} is not readable text in UTF-8, UTF-16, GBK or GB18030 ({detail}): re-save it as UTF-8 text."
    ),
    Reason.EMPTY_PAGE: (
        "{file} is a web page with no readable text ({detail}): open it in a browser, wait until the report "
        "shows, and save it again (\"web page, complete\" or .mht), or supply the report as PDF or Word."
    ),
    Reason.ARCHIVE_TOO_LARGE: (
        "{file} is an archive too large to unpack ({detail}): nothing in it was read; split it into smaller "
        "archives, unpack it into the landing folder, or raise that limit (docs/operations.md) and re-run."
    ),
    Reason.ARCHIVE_BOMB: (
        "{file} is an archive that inflates far beyond its size, as a zip bomb does ({detail}): it was not "
        "unpacked; check where it came from, and if it is real, unpack it into the landing folder yourself."
    ),
    Reason.ENCRYPTED_ARCHIVE: (
        "{file} is a password-protected archive ({detail}): nothing in it was read; unpack it with the password "
        "into the landing folder, or ask for an archive without one."
    ),
    Reason.CORRUPT_ARCHIVE: (
        "{file} cannot be unpacked ({detail}): nothing in it was read; re-download it, or unpack what you can "
        "into the landing folder."
    ),
    Reason.EMPTY_ARCHIVE: (
        "{file} is an archive with no files in it ({detail}): re-create it with the reports in it, or remove it."
    ),
    Reason.DUPLICATE_CONTENT: (
        "{file} {detail}; nothing is lost, remove this copy from the landing folder to clear this row."
    ),
    Reason.NOT_A_SELF_EVALUATION_REPORT: (
        "{file} does not look like a performance self-evaluation report (绩效自评报告 / 自评表) ({detail}): "
        "remove it from the landing folder, or report it if it is one."
    ),
    Reason.TOO_LARGE: (
        "{file} is too large ({detail}): check it is a single report; split it, or raise that limit "
        "(docs/operations.md, \"Limits per file\") and re-run the year."
    ),
    Reason.UNKNOWN_FISCAL_YEAR: (
        "{file} has no credible fiscal year in its text and is not in a <year>/ subfolder: put it in a "
        "<year>/ subfolder of the landing folder (e.g. 2023/) for the year whose spending it evaluates."
    ),
    Reason.FISCAL_YEAR_OUT_OF_RANGE: (
        "{file} is a report for fiscal year {detail}: the current year is run once it has ended (from 1 January "
        "on), earlier years are not kept; if that is not the year it evaluates, report the file to the pipeline "
        "maintainers."
    ),
    Reason.UNREADABLE_FILE: (
        "{file} cannot be read ({detail}): check its permissions or where the link points, then re-run."
    ),
    Reason.SYMLINK_LOOP: (
        "{file} is a link to a folder that is already being read ({detail}): it was not followed again; "
        "remove the link if it is not needed."
    ),
    Reason.UNEXPECTED_ERROR: (
        "{file} could not be ingested because of an unexpected {detail}: report this to the pipeline "
        "maintainers with the file attached."
    ),
}

REASON_CODES: frozenset[str] = frozenset(MESSAGE_TEMPLATES)


def describe(code: str, file: str, detail: str = "") -> str:
    """The message for a rejection with `code` of `file` (landing-relative path)."""
    return MESSAGE_TEMPLATES[code].format(file=file, detail=detail)


class IngestRejection(Exception):
    """A file that cannot be ingested for a known reason; `code` maps it to a Reason value."""

    code: ClassVar[str] = Reason.UNEXPECTED_ERROR

    def __init__(self, detail: str = "") -> None:
        super().__init__(detail)
        self.detail = detail


class EmptyFileError(IngestRejection):
    code = Reason.EMPTY_FILE


class CorruptPdfError(IngestRejection):
    code = Reason.CORRUPT_PDF


class CorruptDocxError(IngestRejection):
    code = Reason.CORRUPT_DOCX


class EncryptedPdfError(IngestRejection):
    code = Reason.ENCRYPTED_PDF


class CorruptSpreadsheetError(IngestRejection):
    code = Reason.CORRUPT_SPREADSHEET


class EncryptedSpreadsheetError(IngestRejection):
    code = Reason.ENCRYPTED_SPREADSHEET


class EmptySpreadsheetError(IngestRejection):
    code = Reason.EMPTY_SPREADSHEET


class CorruptDocError(IngestRejection):
    code = Reason.CORRUPT_DOC


class EncryptedDocError(IngestRejection):
    code = Reason.ENCRYPTED_DOC


class CorruptOfdError(IngestRejection):
    code = Reason.CORRUPT_OFD


class ConverterMissingError(IngestRejection):
    code = Reason.CONVERTER_MISSING


class NoTextLayerError(IngestRejection):
    code = Reason.NO_TEXT_LAYER


class UnreadableScanError(IngestRejection):
    code = Reason.UNREADABLE_SCAN


class UnsupportedFormatError(IngestRejection):
    code = Reason.UNSUPPORTED_FORMAT


class UndecodableTextError(IngestRejection):
    code = Reason.UNDECODABLE_TEXT


class EmptyPageError(IngestRejection):
    code = Reason.EMPTY_PAGE


class ArchiveTooLargeError(IngestRejection):
    code = Reason.ARCHIVE_TOO_LARGE


class ArchiveBombError(IngestRejection):
    code = Reason.ARCHIVE_BOMB


class EncryptedArchiveError(IngestRejection):
    code = Reason.ENCRYPTED_ARCHIVE


class CorruptArchiveError(IngestRejection):
    code = Reason.CORRUPT_ARCHIVE


class EmptyArchiveError(IngestRejection):
    code = Reason.EMPTY_ARCHIVE


class NotAReportError(IngestRejection):
    code = Reason.NOT_A_SELF_EVALUATION_REPORT


class TooLargeError(IngestRejection):
    code = Reason.TOO_LARGE


class UnknownFiscalYearError(IngestRejection):
    code = Reason.UNKNOWN_FISCAL_YEAR


class UnreadableFileError(IngestRejection):
    code = Reason.UNREADABLE_FILE


class SymlinkLoopError(IngestRejection):
    code = Reason.SYMLINK_LOOP
