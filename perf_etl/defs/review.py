"""The review queue in the Dagster UI: how many values wait in marts.review_queue, how to open the review page
(`perf-etl review`), and an asset check that warns while priority-1 values wait."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import dagster as dg
import duckdb

REVIEW_QUEUE = dg.AssetKey(["marts", "review_queue"])
HIGH_PRIORITY = 1
CHECK_NAME = "high_priority_values_wait"
REVIEW_CHECK_SPEC = dg.AssetCheckSpec(
    CHECK_NAME, asset=REVIEW_QUEUE,
    description="No priority-1 value of marts.review_queue waits (a failed check, figures that disagree, a year the "
                "text does not state, a correction whose source changed). Warns only: open `perf-etl review`.")


def queue_counts(conn: duckdb.DuckDBPyConnection, years: Sequence[int]) -> dict[int, int]:
    """priority -> values of marts.review_queue in `years` (none when the mart is not built yet)."""
    exists = conn.execute("SELECT count(*) FROM duckdb_tables() WHERE schema_name = 'marts' "
                          "AND table_name = 'review_queue'").fetchone()[0]
    if not exists:
        return {}
    return dict(conn.execute("SELECT priority, count(*) FROM marts.review_queue WHERE list_contains(?, fiscal_year) "
                             "GROUP BY priority ORDER BY priority", [[int(y) for y in years]]).fetchall())


def open_page_command(warehouse: str) -> str:
    return f"perf-etl review --warehouse {warehouse}"


def review_metadata(counts: Mapping[int, int], warehouse: str, *, as_last_built: bool = False) -> dict[str, object]:
    """The values to review (priorities 1–2, and per priority) and the command that opens the page."""
    waiting = sum(count for priority, count in counts.items() if priority <= 2)
    label = "values to review (priority 1–2)" + (" as the marts were last built" if as_last_built else "")
    return {
        "review_queue": dg.MetadataValue.int(waiting),
        "review_queue_by_priority": dg.MetadataValue.json({str(p): c for p, c in sorted(counts.items())}),
        "review_queue_counts": dg.MetadataValue.text(label),
        "review_page": dg.MetadataValue.md(f"Open the review page: `{open_page_command(warehouse)}` "
                                           "(a local page; corrections are applied at the next run)"),
    }


def review_check_result(counts: Mapping[int, int], warehouse: str) -> dg.AssetCheckResult:
    waiting = counts.get(HIGH_PRIORITY, 0)
    return dg.AssetCheckResult(
        check_name=CHECK_NAME, asset_key=REVIEW_QUEUE, passed=waiting == 0, severity=dg.AssetCheckSeverity.WARN,
        metadata={"priority_1_values": waiting, "open_with": dg.MetadataValue.text(open_page_command(warehouse))})
