"""marts.*: the tables BI tools read, rebuilt inside the warehouse for the fiscal years whose inputs changed.

Each mart is its perf_etl/marts/<table>.sql over core (of the year and the year before) and the rejected
files; the marts of the computed years are replaced together in one transaction. The year after each of the
run's years is planned too: its year-over-year columns read this year's reports.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import metadata, resources

import duckdb
import pandas as pd

from perf_etl.marts.build import MART_TABLES, MartColumn, build_marts, ensure_mart_tables, mart_columns
from perf_etl.marts.drawing import draw_charts
from perf_etl.parallel import Parallelism, map_batches
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
    charts: dict[str, str]  # each mart's chart of `stored`, a markdown image


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
        charts = chart_images(conn, stored, settings)
    return MartsResult(plan, written, stored, columns, charts)


def chart_images(conn: duckdb.DuckDBPyConnection, frames: Mapping[str, pd.DataFrame],
                 settings: Settings) -> dict[str, str]:
    """Each mart's chart of `frames` (perf_etl/marts/charts.py): as kept in meta.mart_charts when it drew the same
    rows with the same code, else drawn, the marts side by side in worker processes, and kept."""
    digests = {table: _chart_digest(table, frame) for table, frame in frames.items()}
    kept = dict(conn.execute(
        "SELECT mart, markdown FROM meta.mart_charts WHERE list_contains(?, mart || ':' || digest)",
        [[f"{table}:{digest}" for table, digest in digests.items()]]).fetchall())
    missing = [table for table in frames if table not in kept]
    if missing:
        one_each = Parallelism(workers=settings.worker_count(), batch_size=1, min_items=2)
        drawn = map_batches(draw_charts, [(table, frames[table]) for table in missing], parallel=one_each)
        if any(not isinstance(markdown, str) for markdown in drawn):
            raise RuntimeError(f"drawing the mart charts failed: {drawn}")
        conn.executemany("INSERT OR REPLACE INTO meta.mart_charts VALUES (?, ?, ?)",
                         [(table, digests[table], markdown) for table, markdown in zip(missing, drawn, strict=True)])
        kept.update(zip(missing, drawn, strict=True))
    return {table: kept[table] for table in frames}


def _chart_digest(table: str, frame: pd.DataFrame) -> str:
    parts = [_drawing_code(), table, frame.to_csv(index=False)]
    return hashlib.md5("\n".join(parts).encode()).hexdigest()


@cache
def _drawing_code() -> str:
    """The drawing code's digest and matplotlib's version: a changed chart redraws every image."""
    code = resources.files("perf_etl.marts").joinpath("charts.py").read_bytes()
    return f"{hashlib.md5(code).hexdigest()} matplotlib {metadata.version('matplotlib')}"
