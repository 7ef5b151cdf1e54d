"""The contract checks' outcomes kept per fiscal year, so that a run that skips a year (its inputs did not
change) can still report that year's checks, as they were last evaluated, instead of none."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

import duckdb
import pandas as pd

from perf_etl.validate.checks import CheckOutcome
from perf_etl.warehouse.store import Statement

KEPT_FAILURE_ROWS = 50


@dataclass(frozen=True)
class KeptOutcome:
    """One check's outcome over some fiscal years: how many rows failed, the first of them, and when each
    year was evaluated."""

    failing_rows: int
    failures: pd.DataFrame
    evaluated_at: dict[int, datetime]


def save_statements(conn: duckdb.DuckDBPyConnection, outcomes: Sequence[CheckOutcome], years: Sequence[int],
                    now: datetime) -> list[Statement]:
    """Replacing the years' kept outcomes, for the transaction that writes the rows they were evaluated on. A
    failing row belongs to the year of its document (raw.documents); a row without one (none of the checks
    gives such rows today) to every year of the run."""
    document_years = dict(conn.execute(
        "SELECT document_id, fiscal_year FROM raw.documents WHERE list_contains(?, fiscal_year)",
        [[int(y) for y in years]]).fetchall())
    rows = []
    for outcome in outcomes:
        by_year = _by_year(outcome.failures, document_years, years)
        for year in years:
            failures = by_year.get(year, outcome.failures.iloc[0:0])
            records = json.loads(failures.head(KEPT_FAILURE_ROWS).to_json(orient="records", date_format="iso"))
            rows.append((outcome.name, int(year), len(failures), json.dumps(records, ensure_ascii=False), now))
    return [("DELETE FROM meta.check_results WHERE list_contains(?, fiscal_year)", [[int(y) for y in years]]),
            *(("INSERT INTO meta.check_results VALUES (?, ?, ?, ?, ?)", row) for row in rows)]


def _by_year(failures: pd.DataFrame, document_years: Mapping[str, int], years: Sequence[int]
             ) -> dict[int, pd.DataFrame]:
    if failures.empty:
        return {}
    if "document_id" not in failures.columns:
        return {int(year): failures for year in years}
    year_of = failures["document_id"].map(document_years)
    return {int(year): group for year, group in failures.groupby(year_of, dropna=True)}


def load(conn: duckdb.DuckDBPyConnection, years: Sequence[int]) -> dict[str, KeptOutcome]:
    """check name -> its kept outcome over `years` (the checks that have one for every one of them)."""
    rows = conn.execute(
        "SELECT check_name, fiscal_year, failing_rows, failures, evaluated_at FROM meta.check_results "
        "WHERE list_contains(?, fiscal_year) ORDER BY check_name, fiscal_year", [[int(y) for y in years]]
    ).fetchall()
    grouped: dict[str, list[tuple]] = {}
    for name, *rest in rows:
        grouped.setdefault(name, []).append(tuple(rest))
    kept = {}
    for name, per_year in grouped.items():
        if {year for year, *_ in per_year} != set(years):
            continue
        frames = [pd.DataFrame(json.loads(failures)) for _, _, failures, _ in per_year]
        kept[name] = KeptOutcome(sum(count for _, count, _, _ in per_year),
                                 pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(),
                                 {year: at for year, _, _, at in per_year})
    return kept
