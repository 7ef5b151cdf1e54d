"""Plain data passed between the pipeline stages.

Every stage is a function from these dataclasses to these dataclasses; Dagster only decides when and for
which fiscal year the functions run. Field names match the warehouse columns of the data contract
(../shared/data-contract.md) so that a list of them becomes a table with `records_frame`.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field, fields
from datetime import datetime
from typing import Any

import pandas as pd

from perf_etl.grid import TableGrid


class Stage:
    """Values of raw.rejected_files.stage."""

    INGEST = "ingest"
    NORMALIZE = "normalize"
    EXTRACT = "extract"
    VALIDATE = "validate"


@dataclass(frozen=True)
class PageText:
    """One page of text as the reader produced it (raw.pages)."""

    page_number: int  # 1-based
    text: str
    engine: str = ""  # what produced the text, with its version (raw.pages.text_engine)
    ocr_confidence: float | None = None  # 0-1, mean per character, for pages read by OCR


@dataclass
class RawDocument:
    """One accepted input file (raw.documents)."""

    document_id: str  # sha256 of the bytes, hex
    fiscal_year: int | None
    source_path: str  # relative to the landing root, POSIX separators
    file_name: str
    file_size_bytes: int
    source_format: str  # pdf | docx | txt
    page_count: int
    text_engine: str  # e.g. "pdfplumber 0.11.10", "charset-normalizer 3.5.2 (gb18030)"
    ingested_at: datetime
    # How the fiscal year was decided: "content", "folder" (the <year>/ landing subfolder) or None.
    fiscal_year_source: str | None = None
    # The year of a <year>/ landing subfolder, when the file sits in one.
    folder_year: int | None = None
    # A sentence when content and folder disagree (content wins), else None.
    fiscal_year_note: str | None = None


@dataclass
class RejectedFile:
    """One input that did not make it through a stage (raw.rejected_files)."""

    source_path: str
    sha256: str | None
    fiscal_year: int | None
    stage: str
    reason_code: str
    message: str  # a sentence a person can act on
    detected_at: datetime


@dataclass
class IngestedFile:
    """An accepted document with its pages and tables (none when they are kept in the warehouse's read
    cache)."""

    document: RawDocument
    pages: list[PageText]
    fingerprint: str = ""  # of its words, to spot the same report in another format (ingest/fingerprint.py)
    tables: list[TableGrid] = field(default_factory=list)


@dataclass
class Section:
    """A heading-delimited part of a normalized document (staging.sections)."""

    ordinal: int  # 1-based position in the document
    level: int  # 1 for 一、, 2 for （一）, 3 for 1. / 1、, 4 for （1）/ ①
    heading: str
    text: str  # the body under the heading, up to the next heading of any level
    page_number: int
    char_start: int  # offset of the heading in the staging text


@dataclass
class StagedDocument:
    """A normalized document (staging.documents + staging.sections)."""

    document_id: str
    fiscal_year: int | None
    text: str
    # Offset in `text` where each page starts; page_starts[0] == 0. Used to map evidence to pages.
    page_starts: list[int]
    sections: list[Section] = field(default_factory=list)

    def page_at(self, offset: int) -> int:
        """1-based page number of the character at `offset` in `text`."""
        return max(1, bisect.bisect_right(self.page_starts, offset))


@dataclass
class Evidence:
    """Where a field value was read (core.field_evidence)."""

    document_id: str
    field: str
    value: str | None  # the value as stored, rendered as text (None only for a correction that clears it)
    raw_text: str  # the exact words it was read from (unit as written)
    page_number: int
    char_start: int  # offsets in the staging text
    char_end: int
    rule: str
    ocr_confidence: float | None = None  # of the page it was read from, when OCR read it (filled in core)
    # What the extractor read, for rule "correction" only (perf_etl/review/corrections.py); else None.
    extracted_value: str | None = None
    # How it was found: high | medium | low (perf_etl/extract/confidence.py), and why it is below high.
    confidence: str | None = None
    confidence_note: str | None = None


@dataclass
class Indicator:
    """A performance target against its result (core.indicators)."""

    document_id: str
    fiscal_year: int | None
    indicator_name: str
    target_value: float | None
    target_unit: str | None
    actual_value: float | None
    actual_unit: str | None
    completion_rate_pct: float | None
    source: str  # prose | table
    page_number: int | None
    # The 自评表 row's 分值 / 权重 and 得分 (source "table"); prose states neither.
    weight: float | None = None
    score: float | None = None
    # The row's levels, its target and result as written ("≥95%", "科学合理"), how the target compares
    # (>= | <= | = | qualitative), whether it was met (None: the row does not decide it), and its 偏差原因.
    level1: str | None = None
    level2: str | None = None
    target_text: str | None = None
    actual_text: str | None = None
    comparison: str | None = None
    met: bool | None = None
    deviation_reason: str | None = None


@dataclass
class ExpenditureItem:
    """A named project fund (core.expenditure_items)."""

    document_id: str
    item_name: str
    budget_wan: float | None
    actual_wan: float | None
    execution_rate_pct: float | None


@dataclass
class ScoreComponent:
    """A sub-score such as 履职效能 49.97 of 50 (core.score_components)."""

    document_id: str
    component: str
    max_score: float | None
    score: float | None


@dataclass
class Finding:
    """One enumerated problem or improvement (core.findings)."""

    document_id: str
    kind: str  # problem | improvement
    ordinal: int
    text: str


GRADES = ("优", "良", "中", "差")
REPORT_TYPES = ("department_overall", "project")


@dataclass(frozen=True)
class ReportField:
    """A core.reports column, declared once: its `kind` gives its SQL type (FIELD_KINDS), its pandera type and
    bounds (perf_etl/validate/schemas.py) and whether extraction rounds it; `from_text` says whether it is read
    from the report (and so has evidence rows). Adding a field is a line in REPORT_FIELDS, the rule that reads
    it (perf_etl/extract/), and its column in perf_etl/warehouse/schema.sql (a test compares the two)."""

    name: str
    kind: str
    from_text: bool = True
    nullable: bool = True
    choices: tuple[str, ...] = ()  # the values it may take
    pattern: str | None = None  # a regular expression it must match
    min_length: int | None = None


# kind -> (its SQL type, whether extraction rounds it to two decimals). The pandera side is in
# perf_etl/validate/schemas.py (`_FIELD_CHECKS`).
FIELD_KINDS: dict[str, tuple[str, bool]] = {
    "report_id": ("VARCHAR", False),
    "document_id": ("VARCHAR", False),
    "ordinal": ("INTEGER", False),
    "fiscal_year": ("INTEGER", False),
    "year": ("INTEGER", False),
    "text": ("VARCHAR", False),
    "date": ("DATE", False),
    "money": ("DECIMAL(18, 2)", True),  # 万元
    "rate": ("DECIMAL(6, 2)", True),  # a percentage the report states
    "computed_rate": ("DECIMAL(6, 2)", False),  # a percentage computed from two figures
    "score": ("DECIMAL(5, 2)", True),  # points out of 100
    "count": ("INTEGER", False),
}

# The columns of core.reports, in contract order. The extractor fills a dict with exactly these keys.
REPORT_FIELDS: tuple[ReportField, ...] = (
    ReportField("report_id", "report_id", from_text=False, nullable=False),
    ReportField("document_id", "document_id", from_text=False, nullable=False),
    ReportField("report_ordinal", "ordinal", from_text=False, nullable=False),
    ReportField("fiscal_year", "fiscal_year", nullable=False),
    ReportField("title_year", "year"),
    ReportField("report_title", "text"),
    ReportField("report_type", "text", choices=REPORT_TYPES),
    ReportField("department_name", "text", min_length=2),
    ReportField("project_name", "text"),
    ReportField("department_key", "text"),
    ReportField("region", "text"),
    ReportField("filler_name", "text"),
    ReportField("contact_phone", "text", pattern=r"^[0-9()（）\-+ ]{5,20}$"),
    ReportField("fill_date", "date"),
    ReportField("budget_initial_wan", "money"),
    ReportField("budget_wan", "money"),
    ReportField("expenditure_wan", "money"),
    ReportField("execution_rate_pct", "rate"),
    ReportField("execution_rate_computed_pct", "computed_rate"),
    ReportField("basic_expenditure_wan", "money"),
    ReportField("project_expenditure_wan", "money"),
    ReportField("self_score", "score"),
    ReportField("grade", "text", choices=GRADES),
    ReportField("grade_from_score", "text", choices=GRADES),
    ReportField("staff_authorized", "count"),
    ReportField("staff_actual", "count"),
    ReportField("extractor_version", "text", from_text=False, nullable=False),
)
REPORT_COLUMNS: tuple[str, ...] = tuple(f.name for f in REPORT_FIELDS)
# The core.reports columns that are not read from the text, so have no evidence rows.
NO_EVIDENCE_COLUMNS = frozenset(f.name for f in REPORT_FIELDS if not f.from_text)
MONEY_COLUMNS: tuple[str, ...] = tuple(f.name for f in REPORT_FIELDS if f.kind == "money")
# What extraction rounds to two decimals, as the warehouse stores it.
ROUNDED_COLUMNS = frozenset(f.name for f in REPORT_FIELDS if FIELD_KINDS[f.kind][1])


@dataclass
class Extraction:
    """Everything read from one staged document."""

    report: dict[str, Any]  # keys: REPORT_COLUMNS
    evidence: list[Evidence] = field(default_factory=list)
    indicators: list[Indicator] = field(default_factory=list)
    expenditure_items: list[ExpenditureItem] = field(default_factory=list)
    score_components: list[ScoreComponent] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)


def records_frame(records: list[Any], record_type: type) -> pd.DataFrame:
    """A DataFrame of dataclass records with the dataclass's columns, also when the list is empty."""
    columns = [f.name for f in fields(record_type)]
    # Rows as tuples of the fields (flat records: asdict's recursive deep copies cost 80 µs a row).
    return pd.DataFrame([tuple(getattr(r, column) for column in columns) for r in records], columns=columns)
