"""Launch a run for each fiscal year whose landing files changed (by content hash, with a cursor)."""

import hashlib
import json

import dagster as dg

from perf_etl.defs.jobs import fiscal_year_job
from perf_etl.defs.partitions import fiscal_year_partitions
from perf_etl.defs.resources import LandingFolder
from perf_etl.landing_watch import scan_landing
from perf_etl.settings import sensor_interval_seconds


def _run_key(year: int, digests: list[str]) -> str:
    fingerprint = hashlib.sha256("".join(sorted(digests)).encode()).hexdigest()[:16]
    return f"landing-{year}-{fingerprint}"


@dg.sensor(
    job=fiscal_year_job,
    minimum_interval_seconds=sensor_interval_seconds(),  # PERF_ETL_SENSOR_INTERVAL_SECONDS, default 30
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Watches the landing folder; a new, changed or deleted report re-runs its fiscal year.",
)
def landing_folder_sensor(context: dg.SensorEvaluationContext, landing: LandingFolder):
    previous = json.loads(context.cursor) if context.cursor else {}
    changes = scan_landing(landing.root, previous, limits=landing.limits)
    known_keys = set(fiscal_year_partitions.get_partition_keys())
    requests = []
    for year, digests in sorted(changes.years.items()):
        if str(year) not in known_keys:
            context.log.warning(f"fiscal year {year} has no partition (partitions: {min(known_keys)}–"
                                f"{max(known_keys)}); its files wait until it does")
            continue
        requests.append(dg.RunRequest(run_key=_run_key(year, digests), partition_key=str(year),
                                      tags={"perf_etl/trigger": "landing_sensor"}))
    if changes.unknown_year:
        context.log.info(f"{len(changes.unknown_year)} changed file(s) have no fiscal year; the next run of any "
                         "year records them in raw.rejected_files")
    if changes.pending:
        context.log.info(f"{changes.pending} changed file(s) left for the next evaluation")
    context.update_cursor(json.dumps(changes.state, sort_keys=True))
    if not requests:
        return dg.SkipReason("no fiscal year's landing files changed")
    return requests
