"""What every stage shares: how it is told what to say, and which of the run's years it computes."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone

import duckdb
import pandas as pd

from perf_etl.models import RejectedFile, records_frame
from perf_etl.parallel import Parallelism, Progress, ProgressLog
from perf_etl.settings import Settings
from perf_etl.stages import fingerprints
from perf_etl.warehouse import store


def _silent(message: str) -> None:
    del message


@dataclass(frozen=True)
class StageLog:
    """Where a stage says what it does: the step's log in Dagster, nothing in a test."""

    info: Callable[[str], None] = _silent

    def progress(self, verb: str) -> Progress:
        """'normalized 2,000/10,000 documents', every few seconds."""
        return ProgressLog(self.info, verb)


SILENT = StageLog()


def parallelism(settings: Settings) -> Parallelism:
    """The worker processes that normalize and extract documents."""
    return Parallelism.with_workers(settings.workers)


def plan_years(
    conn: duckdb.DuckDBPyConnection, stage: str, assets: Sequence[str], years: Sequence[int], settings: Settings,
    log: StageLog, *, with_following_years: bool = False, extra_by_year: Mapping[int, str] | None = None,
) -> fingerprints.YearPlan:
    """Which of `years` the stage must compute (their inputs changed since the rows of `assets` were written,
    or a full refresh was asked for), said in `log`. `with_following_years`: the year after each is planned
    too (its year-over-year columns read this year), so that a change to Y brings Y+1 up to date in the same
    step, whatever order the years are run in."""
    years = sorted(years)
    if with_following_years:
        years = sorted({*years, *following_years(conn, years)})
    plan = fingerprints.plan(conn, stage, assets, years, full_refresh=settings.full_refresh,
                             extra_by_year=extra_by_year)
    if settings.full_refresh:
        log.info(f"full refresh: computing fiscal years {plan.changed}")
    elif not plan.changed:
        log.info(f"{unchanged_since(plan)}; skipped")
    elif plan.skipped:
        log.info(f"fiscal years {plan.skipped}: {unchanged_since(plan)}; skipped. "
                 f"Computing fiscal years {plan.changed}")
    return plan


def following_years(conn: duckdb.DuckDBPyConnection, years: Sequence[int]) -> list[int]:
    """The years after `years` (not among them) that have reports."""
    after = sorted({year + 1 for year in years} - set(years))
    rows = conn.execute("SELECT DISTINCT fiscal_year FROM core.reports WHERE list_contains(?, fiscal_year)",
                        [after]).fetchall()
    return sorted(year for (year,) in rows)


def unchanged_since(plan: fingerprints.YearPlan) -> str:
    return f"inputs unchanged since {max(plan.unchanged.values()):%Y-%m-%d %H:%M:%S} UTC"


def record_statements(plan: fingerprints.YearPlan, assets: Sequence[str]) -> list[store.Statement]:
    """Recording the computed years' fingerprints, for the transaction that writes their rows."""
    return fingerprints.record_statements(assets, plan.to_record, datetime.now(timezone.utc))


def rejected_frame(rejected: Iterable[RejectedFile]) -> pd.DataFrame:
    """raw.rejected_files rows."""
    return records_frame(list(rejected), RejectedFile)


def with_first_seen(conn: duckdb.DuckDBPyConnection, rejected: pd.DataFrame) -> pd.DataFrame:
    """Rejected files keep the time they were first rejected for the same reason (raw.rejected_files.detected_at)."""
    return store.carry_over_timestamps(conn, "raw.rejected_files", rejected,
                                       ["source_path", "sha256", "stage", "reason_code"], "detected_at")
