"""Launch a run for each fiscal year whose landing files changed; have new files read first.

A tick looks at cheap signals only (perf_etl/landing_watch.py): it never reads a file, so it ends in
seconds whatever lands. A file no run has read yet has no known year: the sensor launches
`read_landing_job`, which reads it into the read cache, and a later tick finds its year there.
"""

import hashlib
import json
import warnings
from collections.abc import Sequence

import dagster as dg
import duckdb

from perf_etl.defs.jobs import fiscal_year_job, read_landing_job
from perf_etl.defs.partitions import fiscal_year_partitions
from perf_etl.defs.resources import SettingsResource
from perf_etl.landing_watch import scan_landing
from perf_etl.settings import Settings
from perf_etl.warehouse import read_cache, store


def _fingerprint(digests: list[str]) -> str:
    return hashlib.sha256("".join(sorted(digests)).encode()).hexdigest()[:16]


def _years_in_cache(settings: Settings):
    """A lookup of the read cache that never waits: while a run holds the warehouse (DuckDB lets no other
    process open it), nothing is known, and the files wait for the next tick."""

    def years_of(keys: Sequence[tuple[str, str]]) -> dict[tuple[str, str], int | None]:
        if not keys:
            return {}
        try:
            with store.connect(settings.warehouse, read_only=True, lock_timeout_seconds=0) as conn:
                return read_cache.cached_years(conn, keys, read_cache.reader_version(settings.ingest.ocr))
        except (duckdb.IOException, duckdb.CatalogException):  # locked by a run, or not created yet
            return {}

    return years_of


# A sensor of two jobs makes Dagster pass its beta `owners` parameter when it rebuilds the sensor with the
# resources bound: the BetaWarning it prints on every load is noise.
_OWNERS_WARNING = "Parameter `owners` of initializer `SensorDefinition"
warnings.filterwarnings("ignore", message=_OWNERS_WARNING, category=dg.BetaWarning)


def build_landing_sensor(settings: Settings) -> dg.SensorDefinition:
    """The landing folder sensor, evaluated every Settings.sensor_interval_seconds
    (PERF_ETL_SENSOR_INTERVAL_SECONDS, default 30)."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=_OWNERS_WARNING, category=dg.BetaWarning)
        return _landing_sensor(settings)


def _landing_sensor(settings: Settings) -> dg.SensorDefinition:
    return dg.sensor(
        name="landing_folder_sensor",
        jobs=[fiscal_year_job, read_landing_job],
        minimum_interval_seconds=settings.sensor_interval_seconds,
        default_status=dg.DefaultSensorStatus.RUNNING,
        description="Watches the landing folder; a new, changed or deleted report re-runs its fiscal year "
                    "(a file no run has read yet is read first, by read_landing_job).",
    )(_landing_folder_sensor)


def _landing_folder_sensor(context: dg.SensorEvaluationContext, settings: SettingsResource):
    previous = json.loads(context.cursor) if context.cursor else {}
    changes = scan_landing(settings.landing, previous, _years_in_cache(settings), settings.ingest)
    known_keys = set(fiscal_year_partitions.get_partition_keys())
    requests = []
    for year, digests in sorted(changes.years.items()):
        if str(year) not in known_keys:
            context.log.warning(f"fiscal year {year} has no partition (partitions: {min(known_keys)}–"
                                f"{max(known_keys)}); its files wait until it does")
            continue
        requests.append(dg.RunRequest(run_key=f"landing-{year}-{_fingerprint(digests)}", job_name=fiscal_year_job.name,
                                      partition_key=str(year), tags={"perf_etl/trigger": "landing_sensor"}))
    if changes.unread:
        # One read per set of unread files: the run key keeps a tick from asking again while it runs.
        requests.append(dg.RunRequest(run_key=f"read-{_fingerprint(changes.unread)}", job_name=read_landing_job.name,
                                      tags={"perf_etl/trigger": "landing_sensor"}))
        context.log.info(f"{len(changes.unread)} file(s) not read yet: reading them into the read cache")
    if changes.unknown_year:
        context.log.info(f"{len(changes.unknown_year)} changed file(s) have no fiscal year; the next run of any "
                         "year records them in raw.rejected_files")
    if changes.pending:
        context.log.info(f"{changes.pending} changed file(s) left for the next evaluation")
    context.update_cursor(json.dumps(changes.state, sort_keys=True))
    if not requests:
        return dg.SkipReason("no fiscal year's landing files changed")
    return requests

