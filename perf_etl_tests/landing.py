"""A landing folder read whole, without a warehouse or its read cache: what the tests of reading look at. The
pipeline reads through the cache (perf_etl/stages/raw.py, read_landing), from the same three steps."""

from datetime import datetime
from pathlib import Path

from perf_etl.ingest.ingest import LandingResult, plan_landing, read_tasks, settle_landing
from perf_etl.settings import IngestSettings


def ingest_landing(root: Path, *, now: datetime, limits: IngestSettings | None = None) -> LandingResult:
    """Every file under `root` settled as a document or a rejection."""
    limits = limits or IngestSettings()
    plan = plan_landing(root, now=now, limits=limits)
    return settle_landing(plan, read_tasks(plan.to_read, limits))
