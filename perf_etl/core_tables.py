"""The core tables as DataFrames, built from extractions."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from perf_etl.models import (
    REPORT_COLUMNS,
    Evidence,
    ExpenditureItem,
    Extraction,
    Finding,
    Indicator,
    ScoreComponent,
    StagedDocument,
)

# core table -> the record type of its rows (core.reports rows are dicts with REPORT_COLUMNS keys).
CHILD_TABLES: dict[str, type] = {
    "field_evidence": Evidence,
    "indicators": Indicator,
    "expenditure_items": ExpenditureItem,
    "score_components": ScoreComponent,
    "findings": Finding,
}
# The core tables, in write order (perf_etl/validate/schemas.py has a pandera model for each).
CORE_TABLES: tuple[str, ...] = ("reports", *CHILD_TABLES)
_EXTRACTION_ATTRIBUTE = {"field_evidence": "evidence"}


def core_frames(extractions: Sequence[tuple[StagedDocument, Extraction]]) -> dict[str, pd.DataFrame]:
    """The core tables of a set of extractions (one a report); every child row carries its report's
    report_id and fiscal year."""
    reports = pd.DataFrame([e.report for _, e in extractions], columns=list(REPORT_COLUMNS))
    frames = {"reports": reports}
    for table, record_type in CHILD_TABLES.items():
        fields = list(record_type.__dataclass_fields__)
        columns = ["report_id", *dict.fromkeys([*fields, "fiscal_year"])]
        rows = [
            (extraction.report["report_id"], *_row(record, columns[1:], doc.fiscal_year))
            for doc, extraction in extractions
            for record in getattr(extraction, _EXTRACTION_ATTRIBUTE.get(table, table))
        ]
        frames[table] = pd.DataFrame(rows, columns=columns)
    return frames


def _row(record: object, columns: list[str], fiscal_year: int | None) -> tuple[object, ...]:
    """A child record's values in `columns` order, with its report's fiscal year. (The records hold scalars
    only, so reading the fields is what dataclasses.asdict does, without its deep copies.)"""
    return tuple(fiscal_year if column == "fiscal_year" else getattr(record, column) for column in columns)
