"""Publishing: the marts of the fiscal years copied outside the working warehouse, for BI tools.

Parquet files (one folder per table and fiscal year), the tables of the database at Settings.publish_url
(default data/marts.duckdb) and the review page's copy (perf_etl/publish). A year whose marts did not change
since they were published, and whose copies are still there, is skipped. Its own stage after the marts, so
that a target that is down (PostgreSQL restarting) fails only the copy, which can be retried without
rebuilding the marts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timezone

import duckdb
import sqlalchemy as sa

from perf_etl.marts.build import MART_TABLES
from perf_etl.publish import publish_marts
from perf_etl.publish.locations import PublishTargets
from perf_etl.publish.parquet import year_dir
from perf_etl.settings import Settings
from perf_etl.stages import fingerprints
from perf_etl.stages.common import SILENT, StageLog, plan_years
from perf_etl.warehouse import store

ASSET = "published_marts"


@dataclass(frozen=True)
class PublishResult:
    plan: fingerprints.YearPlan
    rows: dict[str, int]  # rows published per mart (none when no year was published)
    targets: PublishTargets


def run(settings: Settings, years: Sequence[int], log: StageLog = SILENT) -> PublishResult:
    targets = PublishTargets.of(settings)
    rows: dict[str, int] = {}
    with store.connect(settings.warehouse) as conn:
        plan = plan_years(conn, "published_marts", [ASSET], years, settings, log, with_following_years=True)
        # The fingerprint covers the marts, not the copies: check that they are still there (a target
        # that moved, was emptied or lost files gets the years again).
        missing = _missing_copies(conn, targets, plan.skipped) if plan.skipped else set()
        if missing:
            log.info(f"fiscal years {sorted(missing)}: the published copy is missing or incomplete; "
                     "publishing them again")
            plan = plan.recompute(missing)
        if plan.changed:
            rows = publish_marts(conn, plan.changed, targets.parquet_dir, targets.url, targets.review_copy)
            # After the copy succeeded; the copy is in other files and databases, so not in one transaction.
            fingerprints.record(conn, [ASSET], plan.to_record, datetime.now(timezone.utc))
    return PublishResult(plan, rows, targets)


def _missing_copies(conn: duckdb.DuckDBPyConnection, targets: PublishTargets, years: list[int]) -> set[int]:
    """The years whose Parquet folders are not all there, whose row counts in the database differ from the
    marts' (all of them when the database cannot be read), or all of them when the review copy is gone."""
    if not targets.review_copy.exists():
        return set(years)
    expected: dict[tuple[str, int], int] = {}
    missing = set()
    for table in MART_TABLES:
        counts = conn.execute(f"SELECT fiscal_year, count(*) FROM marts.{table} WHERE list_contains(?, fiscal_year) "
                              "GROUP BY fiscal_year", [years]).fetchall()
        for year, count in counts:
            expected[(table, year)] = count
            if not year_dir(targets.parquet_dir, table, year).is_dir():
                missing.add(year)
    try:
        published = _published_counts(targets.url, years)
    except Exception:  # no such database or table yet, or unreachable: publishing will tell
        return set(years)
    return missing | {year for table in MART_TABLES for year in years
                      if published.get((table, year), 0) != expected.get((table, year), 0)}


def _published_counts(url: str, years: list[int]) -> dict[tuple[str, int], int]:
    target = sa.make_url(url)
    read_only = {"read_only": True} if target.get_backend_name() == "duckdb" else {}
    engine = sa.create_engine(target, connect_args=read_only)
    try:
        with engine.connect() as connection:
            return {(table, int(year)): int(count) for table in MART_TABLES for year, count in connection.execute(
                sa.text(f'SELECT fiscal_year, count(*) FROM "{table}" WHERE fiscal_year IN :years GROUP BY fiscal_year')
                .bindparams(sa.bindparam("years", expanding=True)), {"years": [int(y) for y in years]})}
    finally:
        engine.dispose()
