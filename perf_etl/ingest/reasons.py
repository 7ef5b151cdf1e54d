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
    NO_TEXT_LAYER = "no_text_layer"
    # Not in the contract's list: a scan whose print OCR reads with too little confidence to trust.
    UNREADABLE_SCAN = "unreadable_scan"
    UNSUPPORTED_FORMAT = "unsupported_format"
    UNDECODABLE_TEXT = "undecodable_text"
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


class NoTextLayerError(IngestRejection):
    code = Reason.NO_TEXT_LAYER


class UnreadableScanError(IngestRejection):
    code = Reason.UNREADABLE_SCAN


class UnsupportedFormatError(IngestRejection):
    code = Reason.UNSUPPORTED_FORMAT


class UndecodableTextError(IngestRejection):
    code = Reason.UNDECODABLE_TEXT


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
