"""Row-level validation: rows that break a pandera model stay out of core and are reported, never dropped
silently. A broken core.reports row withholds the whole document (its child rows would be orphans); a
broken child row withholds only that row."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

import pandas as pd
import pandera.errors
import pandera.pandas as pa

from perf_etl.models import RejectedFile, Stage
from perf_etl.validate.schemas import CORE_MODELS

SCHEMA_VIOLATION = "schema_violation"


@dataclass(frozen=True)
class Violation:
    """One value in one row that a core model refuses."""

    table: str
    document_id: str
    fiscal_year: int | None
    column: str
    value: object
    check: str

    def describe(self) -> str:
        return f"core.{self.table}.{self.column} = {self.value!r} fails {self.check}"


def split_valid(
    table: str, frame: pd.DataFrame, model: type[pa.DataFrameModel]
) -> tuple[pd.DataFrame, list[Violation]]:
    """The rows `model` accepts (coerced to its dtypes), and a Violation per refused value."""
    if frame.empty:
        return model.validate(frame.astype(object), lazy=True), []
    try:
        return model.validate(frame, lazy=True), []
    except pandera.errors.SchemaErrors as errors:
        cases = errors.failure_cases
        row_cases = cases[cases["index"].notna()]
        if len(row_cases) < len(cases):
            # A missing column or a wrong table shape is a bug in the extractor, not bad input.
            raise
        violations = [_violation(table, frame, case) for case in row_cases.itertuples()]
        bad_index = set(row_cases["index"])
        kept = frame.loc[~frame.index.isin(bad_index)]
        return model.validate(kept, lazy=True), violations


def _violation(table: str, frame: pd.DataFrame, case: object) -> Violation:
    row = frame.loc[case.index]  # type: ignore[attr-defined]
    year = row.get("fiscal_year")
    return Violation(
        table=table,
        document_id=str(row["document_id"]),
        fiscal_year=None if pd.isna(year) else int(year),
        column=str(case.column),  # type: ignore[attr-defined]
        value=case.failure_case,  # type: ignore[attr-defined]
        check=str(case.check),  # type: ignore[attr-defined]
    )


def validate_core(
    tables: Mapping[str, pd.DataFrame], source_paths: Mapping[str, str], now: datetime
) -> tuple[dict[str, pd.DataFrame], list[RejectedFile]]:
    """Validate every core table; return the accepted tables and one rejection per affected document."""
    reports, violations = split_valid("reports", tables["reports"], CORE_MODELS["reports"])
    withheld_documents = {v.document_id for v in violations}
    accepted = {"reports": reports}
    for table, model in CORE_MODELS.items():
        if table == "reports":
            continue
        frame = tables[table]
        frame = frame.loc[~frame["document_id"].isin(withheld_documents)]
        accepted[table], table_violations = split_valid(table, frame, model)
        violations.extend(table_violations)
    return accepted, _rejections(violations, withheld_documents, source_paths, now)


def _rejections(
    violations: list[Violation], withheld_documents: set[str], source_paths: Mapping[str, str], now: datetime
) -> list[RejectedFile]:
    by_document: dict[str, list[Violation]] = defaultdict(list)
    for violation in violations:
        by_document[violation.document_id].append(violation)
    rejections = []
    for document_id, found in sorted(by_document.items()):
        if document_id in withheld_documents:
            consequence = "the report was kept out of core"
        else:
            consequence = "the offending rows were kept out of core; the report is in core"
        details = "; ".join(v.describe() for v in found)
        rejections.append(
            RejectedFile(
                source_path=source_paths.get(document_id, document_id),
                sha256=document_id,
                fiscal_year=found[0].fiscal_year,
                stage=Stage.VALIDATE,
                reason_code=SCHEMA_VIOLATION,
                message=f"{details}: {consequence}. Check the value against the document's evidence "
                "(core.field_evidence) and correct the extraction rule or the source file, then re-run the year.",
                detected_at=now,
            )
        )
    return rejections
