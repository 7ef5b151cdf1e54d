"""marts.*: the tables BI tools read, rebuilt inside the warehouse for the fiscal years whose inputs changed.

Each mart is its perf_etl/marts/<table>.sql over core (of the year and the year before) and the rejected
files; the marts of the computed years are replaced together in one transaction. The year after each of the
run's years is planned too: its year-over-year columns read this year's reports.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from perf_etl.marts.build import MART_TABLES, MartColumn, build_marts, ensure_mart_tables, mart_columns
from perf_etl.settings import Settings
from perf_etl.stages.common import SILENT, StageLog, plan_years, record_statements
from perf_etl.stages.fingerprints import MARTS_ASSETS, YearPlan
from perf_etl.warehouse import store

ASSETS = MARTS_ASSETS


@dataclass(frozen=True)
class MartsResult:
    plan: YearPlan
    written: dict[str, int]  # rows written per mart (none when no year was computed)
    stored: dict[str, pd.DataFrame]  # what each mart holds now for the run's years, computed or kept
    columns: dict[str, list[MartColumn]]


def run(settings: Settings, years: Sequence[int], log: StageLog = SILENT) -> MartsResult:
    written = dict.fromkeys(MART_TABLES, 0)
    with store.connect(settings.warehouse) as conn:
        plan = plan_years(conn, "marts", ASSETS, years, settings, log, with_following_years=True)
        if plan.changed:
            frames = build_marts(conn, plan.changed, record_statements(plan, ASSETS))
            written = {table: len(frame) for table, frame in frames.items()}
        else:
            ensure_mart_tables(conn)  # also installs the macros mart_columns needs
        stored = {table: store.read_partition(conn, f"marts.{table}", years) for table in MART_TABLES}
        columns = {table: mart_columns(conn, table) for table in MART_TABLES}
    return MartsResult(plan, written, stored, columns)
