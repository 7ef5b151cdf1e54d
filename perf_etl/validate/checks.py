"""The contract's "Checks on core", as plain functions over the core tables of a run.

Each check returns the offending rows, so that a failure is a list a person can read (document, value,
what was expected), not a count. The Dagster layer turns each outcome into an asset check result.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import pandas as pd

from perf_etl.models import GRADES, MONEY_COLUMNS, NO_EVIDENCE_COLUMNS
from perf_etl.validate.schemas import CORRECTION_RULE, MAX_RATE_PCT

RATE_TOLERANCE_PCT = 0.5
SPLIT_TOLERANCE_WAN = 1.0

CoreFrames = Mapping[str, pd.DataFrame]


@dataclass(frozen=True)
class CheckOutcome:
    name: str
    table: str  # the core table the check is attached to
    description: str
    failures: pd.DataFrame  # offending rows; empty when the check passes

    @property
    def passed(self) -> bool:
        return self.failures.empty


@dataclass(frozen=True)
class ContractCheck:
    name: str
    table: str
    description: str
    find_failures: Callable[[CoreFrames, Sequence[int]], pd.DataFrame]

    def run(self, frames: CoreFrames, years: Sequence[int]) -> CheckOutcome:
        return CheckOutcome(self.name, self.table, self.description, self.find_failures(frames, years))


def _numeric(frame: pd.DataFrame, column: str) -> pd.Series:
    return pd.to_numeric(frame[column], errors="coerce")


def _melt_failures(
    reports: pd.DataFrame, columns: Sequence[str], is_bad: Callable[[pd.Series], pd.Series]
) -> pd.DataFrame:
    """One row per (report, column) whose value `is_bad`."""
    rows = []
    for column in columns:
        values = _numeric(reports, column)
        bad = values.notna() & is_bad(values)
        for report_id, document_id, value in zip(reports.loc[bad, "report_id"], reports.loc[bad, "document_id"],
                                                 values[bad], strict=True):
            rows.append({"report_id": report_id, "document_id": document_id, "column": column, "value": value})
    return pd.DataFrame(rows, columns=["report_id", "document_id", "column", "value"])


def unique_report_id(frames: CoreFrames, years: Sequence[int]) -> pd.DataFrame:
    reports = frames["reports"]
    counts = reports.groupby(["report_id", "document_id"]).size().rename("rows").reset_index()
    return counts[counts["rows"] > 1]


def fiscal_year_in_partition(frames: CoreFrames, years: Sequence[int]) -> pd.DataFrame:
    reports = frames["reports"]
    bad = ~reports["fiscal_year"].isin(list(years))
    return reports.loc[bad, ["report_id", "document_id", "fiscal_year"]]


def money_non_negative(frames: CoreFrames, years: Sequence[int]) -> pd.DataFrame:
    return _melt_failures(frames["reports"], MONEY_COLUMNS, lambda v: v < 0)


def rates_in_range(frames: CoreFrames, years: Sequence[int]) -> pd.DataFrame:
    return _melt_failures(frames["reports"], ["execution_rate_pct"], lambda v: (v < 0) | (v > MAX_RATE_PCT))


def score_in_range(frames: CoreFrames, years: Sequence[int]) -> pd.DataFrame:
    return _melt_failures(frames["reports"], ["self_score"], lambda v: (v < 0) | (v > 100))


def grade_in_values(frames: CoreFrames, years: Sequence[int]) -> pd.DataFrame:
    reports = frames["reports"]
    bad = reports["grade"].notna() & ~reports["grade"].isin(list(GRADES))
    return reports.loc[bad, ["report_id", "document_id", "grade"]]


def grade_agrees_with_score(frames: CoreFrames, years: Sequence[int]) -> pd.DataFrame:
    reports = frames["reports"]
    both = reports["grade"].notna() & reports["grade_from_score"].notna()
    bad = both & (reports["grade"] != reports["grade_from_score"])
    return reports.loc[bad, ["report_id", "document_id", "self_score", "grade", "grade_from_score"]]


def execution_rate_consistent(frames: CoreFrames, years: Sequence[int]) -> pd.DataFrame:
    reports = frames["reports"]
    gap = (_numeric(reports, "execution_rate_pct") - _numeric(reports, "execution_rate_computed_pct")).abs()
    bad = gap.notna() & (gap > RATE_TOLERANCE_PCT)
    columns = ["report_id", "document_id", "budget_wan", "expenditure_wan", "execution_rate_pct",
               "execution_rate_computed_pct"]
    return reports.loc[bad, columns]


def spending_split_adds_up(frames: CoreFrames, years: Sequence[int]) -> pd.DataFrame:
    reports = frames["reports"]
    parts = _numeric(reports, "basic_expenditure_wan") + _numeric(reports, "project_expenditure_wan")
    gap = (parts - _numeric(reports, "expenditure_wan")).abs()
    bad = gap.notna() & (gap > SPLIT_TOLERANCE_WAN)
    columns = ["report_id", "document_id", "expenditure_wan", "basic_expenditure_wan", "project_expenditure_wan"]
    return reports.loc[bad, columns]


# How far the table's totals may be from the prose's before they disagree, per core.reports field.
TABLE_TOLERANCE = {**dict.fromkeys(MONEY_COLUMNS, SPLIT_TOLERANCE_WAN), "execution_rate_pct": RATE_TOLERANCE_PCT,
                   "self_score": 0.5}
TABLE_TOTALS_COLUMNS = ["report_id", "document_id", "field", "prose_value", "prose_page", "prose_text", "table_value",
                        "table_page", "table_text"]


def table_totals_agree(frames: CoreFrames, years: Sequence[int]) -> pd.DataFrame:
    """Fields both the prose and the 自评表 state, where they differ by more than the tolerance.

    `frames["table_totals"]` (extraction's, not a core table) holds what each table states; the report's
    value came from the prose unless its evidence rule is "table:…" (then the table filled a null); a value a
    person corrected (rule "correction") was checked against both and is no disagreement.
    """
    totals = frames.get("table_totals")
    if totals is None or totals.empty:
        return pd.DataFrame(columns=TABLE_TOTALS_COLUMNS)
    reports = frames["reports"]
    fields = [f for f in TABLE_TOLERANCE if f in reports.columns]
    prose = reports.melt(id_vars=["report_id", "document_id"], value_vars=fields, var_name="field",
                         value_name="prose_value")
    evidence = frames["field_evidence"][["report_id", "field", "page_number", "raw_text", "rule"]]
    joined = (totals.drop(columns="document_id")
              .rename(columns={"value": "table_value", "page_number": "table_page", "raw_text": "table_text"})
              .merge(prose, on=["report_id", "field"])
              .merge(evidence.rename(columns={"page_number": "prose_page", "raw_text": "prose_text"}),
                     on=["report_id", "field"], how="left"))
    rules = joined["rule"].astype(str)
    from_prose = joined["rule"].notna() & ~rules.str.startswith("table:") & (rules != CORRECTION_RULE)
    gap = (pd.to_numeric(joined["prose_value"], errors="coerce") - joined["table_value"].astype(float)).abs()
    bad = from_prose & gap.notna() & (gap > joined["field"].map(TABLE_TOLERANCE))
    return joined.loc[bad, TABLE_TOTALS_COLUMNS].reset_index(drop=True)


def evidence_for_every_field(frames: CoreFrames, years: Sequence[int]) -> pd.DataFrame:
    reports, evidence = frames["reports"], frames["field_evidence"]
    fields = [c for c in reports.columns if c not in NO_EVIDENCE_COLUMNS]
    filled = reports.melt(id_vars=["report_id", "document_id"], value_vars=fields, var_name="field").dropna(
        subset=["value"])
    have = evidence[["report_id", "field"]].drop_duplicates().assign(has_evidence=True)
    joined = filled.merge(have, on=["report_id", "field"], how="left")
    missing = joined[joined["has_evidence"].isna()]
    return missing[["report_id", "document_id", "field", "value"]].astype({"value": str})


CONTRACT_CHECKS: list[ContractCheck] = [
    ContractCheck("unique_report_id", "reports", "Each report has one core.reports row.", unique_report_id),
    ContractCheck("fiscal_year_in_partition", "reports", "fiscal_year is one of the run's partitions.",
                  fiscal_year_in_partition),
    ContractCheck("money_non_negative", "reports", "Money columns are ≥ 0 万元.", money_non_negative),
    ContractCheck("rates_in_range", "reports", "Stated execution rates are within 0–200%.", rates_in_range),
    ContractCheck("score_in_range", "reports", "self_score is within 0–100.", score_in_range),
    ContractCheck("grade_in_values", "reports", "grade is one of 优/良/中/差.", grade_in_values),
    ContractCheck("grade_agrees_with_score", "reports",
                  "The stated grade equals the grade the score implies (优 ≥ 90, 良 ≥ 80, 中 ≥ 60, else 差).",
                  grade_agrees_with_score),
    ContractCheck("execution_rate_consistent", "reports",
                  f"Stated and computed execution rates differ by at most {RATE_TOLERANCE_PCT} points.",
                  execution_rate_consistent),
    ContractCheck("spending_split_adds_up", "reports",
                  f"basic + project expenditure equals the total within {SPLIT_TOLERANCE_WAN} 万元.",
                  spending_split_adds_up),
    ContractCheck("table_totals_agree", "reports",
                  "Where prose and the 自评表 both state a budget, expenditure, rate or score, they agree "
                  f"(within {SPLIT_TOLERANCE_WAN} 万元, {RATE_TOLERANCE_PCT} points, 0.5 score points).",
                  table_totals_agree),
    ContractCheck("evidence_for_every_field", "field_evidence",
                  "Every non-null core.reports field has a core.field_evidence row.", evidence_for_every_field),
]


def run_contract_checks(frames: CoreFrames, years: Sequence[int]) -> list[CheckOutcome]:
    return [check.run(frames, years) for check in CONTRACT_CHECKS]
