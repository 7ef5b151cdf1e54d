"""Small core tables for validation tests."""

import pandas as pd

from perf_etl.core_tables import CHILD_TABLES, core_frames
from perf_etl.models import NO_EVIDENCE_COLUMNS, REPORT_COLUMNS

DOC_A = "a" * 64
DOC_B = "b" * 64


def report(document_id: str = DOC_A, **values) -> dict:
    row = dict.fromkeys(REPORT_COLUMNS)
    row.update(report_id=document_id, document_id=document_id, report_ordinal=1, fiscal_year=2023,
               extractor_version="1", budget_wan=100.0,
               expenditure_wan=99.0, execution_rate_pct=99.0, execution_rate_computed_pct=99.0)
    row.update(values)
    return row


def evidence(report_id: str, field: str, value: object) -> dict:
    return {"report_id": report_id, "document_id": report_id.partition(":")[0], "fiscal_year": 2023,
            "field": field, "value": str(value),
            "raw_text": f"{field} {value}", "page_number": 1, "char_start": 0, "char_end": 5, "rule": "test"}


def tables(*reports: dict, with_evidence: bool = True, **children: list[dict]) -> dict[str, pd.DataFrame]:
    """Core tables holding `reports`, evidence for each of their non-null fields, and `children` rows."""
    frames = core_frames([])
    frames["reports"] = pd.DataFrame(list(reports), columns=list(REPORT_COLUMNS))
    if with_evidence:
        rows = [evidence(r["report_id"], f, v) for r in reports for f, v in r.items()
                if v is not None and f not in NO_EVIDENCE_COLUMNS]
        frames["field_evidence"] = pd.DataFrame(rows, columns=frames["field_evidence"].columns)
    for table, rows in children.items():
        assert table in CHILD_TABLES
        keyed = [{"report_id": row["document_id"], **row} for row in rows]  # a file of one report
        frames[table] = pd.DataFrame(keyed, columns=frames[table].columns)
    return frames
