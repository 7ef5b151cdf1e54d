"""Once a year, when the reports are out, materialize the fiscal year just closed."""

import dagster as dg

from perf_etl.defs.jobs import fiscal_year_job
from perf_etl.settings import TIMEZONE, Settings


def closed_fiscal_year(scheduled: dg.ScheduleEvaluationContext) -> str:
    """The partition key of the year before the tick's year."""
    return str(scheduled.scheduled_execution_time.year - 1)


def build_yearly_schedule(settings: Settings) -> dg.ScheduleDefinition:
    """The yearly schedule, on Settings.schedule_cron (PERF_ETL_SCHEDULE_CRON, default 1 July 09:00)."""
    return dg.schedule(
        name="yearly_reports_schedule",
        job=fiscal_year_job,
        cron_schedule=settings.schedule_cron,
        execution_timezone=TIMEZONE,
        default_status=dg.DefaultScheduleStatus.STOPPED,
        description="Materializes last fiscal year once its reports are published (default 1 July).",
    )(closed_year_request)


def closed_year_request(context: dg.ScheduleEvaluationContext) -> dg.RunRequest:
    year = closed_fiscal_year(context)
    return dg.RunRequest(run_key=f"yearly-{year}", partition_key=year, tags={"perf_etl/trigger": "schedule"})
