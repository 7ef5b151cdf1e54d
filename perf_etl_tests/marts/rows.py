"""Core and raw rows written straight into a warehouse, for mart and publish tests."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import pandas as pd

from perf_etl.models import NO_EVIDENCE_COLUMNS, REPORT_COLUMNS
from perf_etl.warehouse import store


def report(document_id: str, fiscal_year: int, department_key: str | None, **values) -> dict:
    """A core.reports row of a department-wide report; `values` override the defaults. `document_id` is the
    report's report_id (`<document_id>:<n>` for one of several reports of a file)."""
    row = dict.fromkeys(REPORT_COLUMNS)
    row.update(report_id=document_id, document_id=document_id.partition(":")[0], report_ordinal=1,
               fiscal_year=fiscal_year, department_key=department_key,
               department_name=f"{department_key}局" if department_key else None, report_type="department_overall",
               budget_wan=100.0, expenditure_wan=90.0, execution_rate_pct=90.0, execution_rate_computed_pct=90.0,
               self_score=92.0, grade="优", grade_from_score="优", extractor_version="test")
    row.update(values)
    return row


def indicator(document_id: str, fiscal_year: int, name: str, target: float | None = None,
              actual: float | None = None, rate: float | None = None, unit: str | None = "项",
              actual_unit: str | None = None, source: str = "prose", weight: float | None = None,
              score: float | None = None, comparison: str | None = None, met: bool | None = None) -> dict:
    return {"report_id": document_id, "document_id": document_id.partition(":")[0], "fiscal_year": fiscal_year,
            "indicator_name": name,
            "target_value": target, "target_unit": unit, "actual_value": actual,
            "actual_unit": actual_unit or unit, "completion_rate_pct": rate, "source": source, "page_number": 1,
            "weight": weight, "score": score, "comparison": comparison, "met": met}


def rejected(source_path: str, fiscal_year: int | None, stage: str = "ingest") -> dict:
    return {"source_path": source_path, "sha256": None, "fiscal_year": fiscal_year, "stage": stage,
            "reason_code": "empty_file", "message": "The file is empty.", "detected_at": datetime(2025, 1, 1)}


def evidence(reports: Sequence[dict], missing: Sequence[tuple[str, str]] = ()) -> list[dict]:
    """Evidence for every non-null field of `reports`, except the (report_id, field) pairs `missing`."""
    return [
        {"report_id": r["report_id"], "document_id": r["document_id"], "fiscal_year": r["fiscal_year"],
         "field": field, "value": str(value), "raw_text": str(value), "page_number": 1, "char_start": 0,
         "char_end": 1, "rule": "test"}
        for r in reports for field, value in r.items()
        if value is not None and field not in NO_EVIDENCE_COLUMNS and (r["report_id"], field) not in missing
    ]


def write_core(conn, years: Sequence[int], reports: Sequence[dict], indicators: Sequence[dict] = (),
               rejected_files: Sequence[dict] = (), missing_evidence: Sequence[tuple[str, str]] = ()) -> None:
    """Replace the years' core.reports, core.indicators, core.field_evidence and raw.rejected_files rows."""
    store.write_partition(conn, years, [
        store.TableWrite("core.reports", pd.DataFrame(list(reports), columns=list(REPORT_COLUMNS))),
        store.TableWrite("core.indicators", pd.DataFrame(list(indicators))),
        store.TableWrite("core.field_evidence", pd.DataFrame(evidence(reports, missing_evidence))),
        store.TableWrite("raw.rejected_files", pd.DataFrame(list(rejected_files))),
    ])


def rows(conn, sql: str, *params) -> list[dict]:
    """Query results as dicts (Decimal for DECIMAL columns)."""
    cursor = conn.execute(sql, list(params))
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
