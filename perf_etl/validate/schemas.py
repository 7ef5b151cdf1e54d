"""pandera models of the core tables: the column-level rules of the data contract.

Rules that relate two columns or two tables (grade against score, stated against computed rate,
evidence for every field) are in `perf_etl.validate.checks`; these models say what a single value may be.
"""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from perf_etl.models import REPORT_FIELDS, ReportField

SHA256_HEX = r"^[0-9a-f]{64}$"
# A report's id: its file's document_id, with ":<n>" for the n-th report of a file that holds several.
REPORT_ID = r"^[0-9a-f]{64}(?::[1-9]\d*)?$"
MAX_RATE_PCT = 200.0
CORRECTION_RULE = "correction"  # the evidence rule of a value a person corrected (perf_etl/review)


def _money() -> pa.Field:
    return pa.Field(nullable=True, ge=0)


def _rate() -> pa.Field:
    return pa.Field(nullable=True, ge=0, le=MAX_RATE_PCT)


def _year(nullable: bool) -> pa.Field:
    return pa.Field(nullable=nullable, ge=2000, le=2100)


class _CoreRow(pa.DataFrameModel):
    report_id: Series[str] = pa.Field(str_matches=REPORT_ID)
    document_id: Series[str] = pa.Field(str_matches=SHA256_HEX)
    fiscal_year: Series[pd.Int64Dtype] = _year(nullable=False)

    class Config:
        coerce = True
        strict = True


# A report field's kind (perf_etl/models.py, FIELD_KINDS) -> its pandas type and the bounds of its values.
_FIELD_CHECKS: dict[str, tuple[object, dict[str, object]]] = {
    "ordinal": (pd.Int64Dtype, {"ge": 1}),
    "year": (pd.Int64Dtype, {"ge": 2000, "le": 2100}),
    "text": (str, {}),
    "date": (str, {"str_matches": r"^\d{4}-\d{2}-\d{2}$"}),
    "money": (float, {"ge": 0}),
    "rate": (float, {"ge": 0, "le": MAX_RATE_PCT}),
    "computed_rate": (float, {"ge": 0}),
    "score": (float, {"ge": 0, "le": 100}),
    "count": (pd.Int64Dtype, {"ge": 0}),
}


def _report_column(field: ReportField) -> tuple[object, pa.Field]:
    dtype, bounds = _FIELD_CHECKS[field.kind]
    checks = dict(bounds)
    if field.choices:
        checks["isin"] = list(field.choices)
    if field.pattern:
        checks["str_matches"] = field.pattern
    if field.min_length:
        checks["str_length"] = {"min_value": field.min_length}
    return Series[dtype], pa.Field(nullable=field.nullable, **checks)  # type: ignore[valid-type]


def _reports_model() -> type[pa.DataFrameModel]:
    """core.reports' model from the field declarations (the id and year columns are every core table's)."""
    shared = set(_CoreRow.__annotations__)
    columns = {f.name: _report_column(f) for f in REPORT_FIELDS if f.name not in shared}
    return type("ReportsModel", (_CoreRow,), {
        "__doc__": "core.reports: one row per report.",
        "__module__": __name__,
        "__annotations__": {name: dtype for name, (dtype, _) in columns.items()},
        **{name: check for name, (_, check) in columns.items()},
    })


ReportsModel = _reports_model()


class FieldEvidenceModel(_CoreRow):
    """core.field_evidence: where every non-null field was read."""

    field: Series[str]
    # Null only where a person's correction cleared the field (rule 'correction').
    value: Series[str] = pa.Field(nullable=True)
    raw_text: Series[str] = pa.Field(str_length={"min_value": 1})
    page_number: Series[pd.Int64Dtype] = pa.Field(ge=1)
    char_start: Series[pd.Int64Dtype] = pa.Field(ge=0)
    char_end: Series[pd.Int64Dtype] = pa.Field(ge=0)
    rule: Series[str]
    # The OCR confidence of the page the value was read from; null for pages with a text layer.
    ocr_confidence: Series[float] = pa.Field(nullable=True, ge=0, le=1)
    # What the extractor read, beside a corrected value (rule 'correction'); null for every other rule.
    extracted_value: Series[str] = pa.Field(nullable=True)
    # How the value was found (perf_etl/extract/confidence.py); null in rows written before it was recorded.
    confidence: Series[str] = pa.Field(nullable=True, isin=["high", "medium", "low"])
    confidence_note: Series[str] = pa.Field(nullable=True)

    @pa.dataframe_check(element_wise=False)
    def only_a_correction_clears(cls, frame: pd.DataFrame) -> Series[bool]:
        return frame["value"].notna() | (frame["rule"] == CORRECTION_RULE)

    @pa.dataframe_check(element_wise=False)
    def span_is_forward(cls, frame: pd.DataFrame) -> Series[bool]:
        return frame["char_end"] >= frame["char_start"]


class IndicatorsModel(_CoreRow):
    """core.indicators: targets against results."""

    indicator_name: Series[str] = pa.Field(str_length={"min_value": 1})
    target_value: Series[float] = pa.Field(nullable=True)
    target_unit: Series[str] = pa.Field(nullable=True)
    actual_value: Series[float] = pa.Field(nullable=True)
    actual_unit: Series[str] = pa.Field(nullable=True)
    # A stated completion rate can exceed 200% (174 of 80 projects); only negatives are impossible.
    completion_rate_pct: Series[float] = pa.Field(nullable=True, ge=0)
    source: Series[str] = pa.Field(isin=["prose", "table"])
    page_number: Series[pd.Int64Dtype] = pa.Field(nullable=True, ge=1)
    # The 自评表 row's 分值 / 权重 and 得分 (table rows only).
    weight: Series[float] = pa.Field(nullable=True, ge=0, le=100)
    score: Series[float] = pa.Field(nullable=True, ge=0, le=100)
    level1: Series[str] = pa.Field(nullable=True)
    level2: Series[str] = pa.Field(nullable=True)
    target_text: Series[str] = pa.Field(nullable=True)
    actual_text: Series[str] = pa.Field(nullable=True)
    comparison: Series[str] = pa.Field(nullable=True, isin=[">=", "<=", "=", "qualitative"])
    met: Series[pd.BooleanDtype] = pa.Field(nullable=True)
    deviation_reason: Series[str] = pa.Field(nullable=True)


class ExpenditureItemsModel(_CoreRow):
    """core.expenditure_items: named project funds."""

    item_name: Series[str] = pa.Field(str_length={"min_value": 1})
    budget_wan: Series[float] = _money()
    actual_wan: Series[float] = _money()
    execution_rate_pct: Series[float] = _rate()


class ScoreComponentsModel(_CoreRow):
    """core.score_components: sub-scores such as 履职效能."""

    component: Series[str] = pa.Field(str_length={"min_value": 1})
    max_score: Series[float] = pa.Field(nullable=True, ge=0, le=100)
    score: Series[float] = pa.Field(nullable=True, ge=0, le=100)


class FindingsModel(_CoreRow):
    """core.findings: enumerated problems and improvements."""

    kind: Series[str] = pa.Field(isin=["problem", "improvement"])
    ordinal: Series[pd.Int64Dtype] = pa.Field(ge=1)
    text: Series[str] = pa.Field(str_length={"min_value": 1})


# core table name -> its model, in write order.
CORE_MODELS: dict[str, type[pa.DataFrameModel]] = {
    "reports": ReportsModel,
    "field_evidence": FieldEvidenceModel,
    "indicators": IndicatorsModel,
    "expenditure_items": ExpenditureItemsModel,
    "score_components": ScoreComponentsModel,
    "findings": FindingsModel,
}
