"""Fiscal-year partitions: one per closed year, keys "2010" … last year."""

import dagster as dg

from perf_etl.settings import FIRST_FISCAL_YEAR, TIMEZONE

# Dagster has no yearly partitions class; a yearly cron on a time window gives keys in the "%Y" format.
fiscal_year_partitions = dg.TimeWindowPartitionsDefinition(
    start=str(FIRST_FISCAL_YEAR), fmt="%Y", cron_schedule="0 0 1 1 *", timezone=TIMEZONE
)


def partition_years(context: dg.AssetExecutionContext) -> list[int]:
    """The fiscal years of this run (one, or a range under the single-run backfill policy)."""
    return [int(key) for key in context.partition_keys]
