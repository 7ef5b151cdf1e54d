"""raw.*: every landing file of the fiscal years as a document with pages, or as a rejected file.

The landing folder is read once for all years (`read_landing`: only files the read cache has no outcome for
are read, in worker processes); `write` then replaces the years' raw.documents, raw.pages and
raw.rejected_files in one transaction. `run` is both, for the Dagster asset and the tests; the distributed
code location reads in Celery steps and calls `write` itself.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timezone

import duckdb
import pandas as pd

from perf_etl.ingest.ingest import (
    LandingPlan,
    LandingResult,
    Outcome,
    ReadTask,
    plan_landing,
    read_tasks,
    reading_pool,
    settle_landing,
)
from perf_etl.models import RawDocument, Stage, records_frame
from perf_etl.parallel import Progress
from perf_etl.settings import Settings
from perf_etl.stages import fingerprints
from perf_etl.stages.common import SILENT, StageLog, rejected_frame, with_first_seen
from perf_etl.warehouse import read_cache, store

log = logging.getLogger(__name__)

# The names under which the raw assets' input fingerprints are recorded (meta.stage_inputs.asset).
ASSETS = ("raw/documents", "raw/pages", "raw/rejected_files")
# Files read between two writes to the read cache: bounds the pages held in memory, and is the grain of
# the progress reports.
READ_CHUNK_FILES = 200


@dataclass(frozen=True)
class RawResult:
    """The years' raw.documents and raw.rejected_files rows, their page count, and whether anything was
    written (nothing is when the rows are the ones stored)."""

    documents: pd.DataFrame
    rejected: pd.DataFrame
    pages: int
    written: bool


def run(settings: Settings, years: Sequence[int], log: StageLog = SILENT) -> RawResult:
    """Settles every file of the landing folder (reading only those not read before by this reader version,
    every one on a full refresh), keeps those of `years`, and records the rejected ones (files of unknown year
    are recorded by every run)."""
    settled = read_landing(settings, progress=log.progress("read"))
    result = write(settings, years, settled)
    outcome = "written" if result.written else "unchanged, nothing written"
    log.info(f"fiscal years {list(years)}: {len(result.documents)} documents, {len(result.rejected)} rejected "
             f"files ({outcome})")
    return result


def write(settings: Settings, years: Sequence[int], settled: LandingResult) -> RawResult:
    """First-seen times carried over, then the years' raw.* rows replaced in one transaction, the pages
    copied from the read cache. Nothing is written when the rows would be the ones stored (their fingerprint
    is the one recorded): rewriting every page of a large year costs seconds on every run."""
    years = sorted(years)
    frames = raw_frames(settled, years)
    now = datetime.now(timezone.utc)
    with store.connect(settings.warehouse) as conn:
        documents = store.carry_over_timestamps(conn, "raw.documents", frames["documents"],
                                                ["document_id", "source_path"], "ingested_at")
        rejected = with_first_seen(conn, frames["rejected_files"])
        current = fingerprints.raw_fingerprints(documents, rejected, years, read_cache.reader_version(
            settings.ingest.ocr))
        stored = fingerprints.recorded(conn, ASSETS, years)
        unchanged = not settings.full_refresh and all(
            stored.get((asset, year), ("",))[0] == current[year] for asset in ASSETS for year in years)
        if not unchanged:
            store.write_partition_with(conn, years, [
                store.TableWrite("raw.documents", documents),
                store.TableWrite("raw.pages", pd.DataFrame()),
                store.TableWrite("raw.rejected_files", rejected, {"stage": Stage.INGEST}, include_null_year=True),
            ], [read_cache.pages_insert(years), *fingerprints.record_statements(ASSETS, current, now)])
        pages = store.read_partition_count(conn, "raw.pages", years)
    return RawResult(documents, rejected, pages, not unchanged)


def plan_from_cache(settings: Settings, *, now: datetime) -> tuple[LandingPlan, dict[int, Outcome]]:
    """The landing plan (files of unchanged size and mtime are not hashed again) and, by position in
    plan.to_read, the outcomes the read cache has for it; none on a full refresh."""
    reread = settings.full_refresh
    with store.connect(settings.warehouse) as conn:
        known_hashes = {} if reread else read_cache.known_hashes(conn)
    plan = plan_landing(settings.landing, now=now, limits=settings.ingest, known_hashes=known_hashes)
    with store.connect(settings.warehouse) as conn:
        reader = read_cache.reader_version(settings.ingest.ocr)
        cached = {} if reread else read_cache.cached_outcomes(conn, plan.to_read, reader)
        read_cache.refresh_stamps(conn, plan.tasks)
    return plan, cached


def read_landing(settings: Settings, progress: Progress | None = None, *, now: datetime | None = None,
                 ) -> LandingResult:
    """Every landing file settled as a document or a rejection, reading only files the read cache
    (perf_etl/warehouse/read_cache.py) has no outcome for, or every file on a full refresh; accepted files
    come without pages, which are in the cache. The warehouse is opened for short transactions between chunks
    of reading. `now`: when the files were found (default: now)."""
    plan, outcomes = plan_from_cache(settings, now=now or datetime.now(timezone.utc))
    tasks, reader = plan.to_read, read_cache.reader_version(settings.ingest.ocr)
    unread = [index for index in range(len(tasks)) if index not in outcomes]
    log.info("%d landing files: %d read before, %d to read", len(plan.tasks), len(outcomes), len(unread))
    # A chunk's outcomes are written to the cache in a thread while the workers read the next chunk.
    # The same worker processes read every chunk; none start when there is nothing to read.
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="read-cache") as writer, \
            reading_pool(settings.ingest) as pool:
        stored: Future[None] | None = None
        for start in range(0, len(unread), READ_CHUNK_FILES):
            chunk = unread[start : start + READ_CHUNK_FILES]
            chunk_tasks = [tasks[index] for index in chunk]
            read = read_tasks(chunk_tasks, settings.ingest, pool)
            if stored is not None:
                stored.result()  # one chunk of pages waiting at most; a failed write stops the run here
            stored = writer.submit(store_reads, settings, chunk_tasks, read, reader)
            outcomes.update((index, read_cache.without_content(o)) for index, o in zip(chunk, read, strict=True))
            if progress is not None:
                progress(start + len(chunk), len(unread))
        if stored is not None:
            stored.result()
    with store.connect(settings.warehouse) as conn:
        read_cache.forget_missing(conn, plan.tasks)
    return settle_landing(plan, [outcomes[index] for index in range(len(tasks))])


def store_reads(settings: Settings, tasks: list[ReadTask], read: list[Outcome], reader: str) -> None:
    """Keep what was read in the read cache."""
    with store.connect(settings.warehouse) as conn:
        read_cache.store_outcomes(conn, tasks, read, reader)


def raw_frames(result: LandingResult, years: Sequence[int]) -> dict[str, pd.DataFrame]:
    """The raw.documents and raw.rejected_files rows of `years` from a settled landing folder (raw.pages
    is filled from the read cache). Rejections whose fiscal year is unknown belong to every run."""
    wanted = set(years)
    accepted = [f for f in result.accepted if f.document.fiscal_year in wanted]
    rejected = [r for r in result.rejected if r.fiscal_year is None or r.fiscal_year in wanted]
    return {
        "documents": records_frame([f.document for f in accepted], RawDocument),
        "rejected_files": rejected_frame(rejected),
    }


def landing_years(result: LandingResult) -> list[int]:
    """The fiscal years of the landing folder's files: of its reports, and of the files rejected with a known
    year (a run of that year records them)."""
    years = {f.document.fiscal_year for f in result.accepted} | {r.fiscal_year for r in result.rejected}
    return sorted(year for year in years if year is not None)


def record_yearless_rejections(conn: duckdb.DuckDBPyConnection, result: LandingResult) -> int:
    """Write the rejections whose fiscal year is unknown to raw.rejected_files, as every run of a year does:
    for a landing folder with no year to run, so that its files are accounted for all the same. Returns how
    many there are."""
    frame = with_first_seen(conn, raw_frames(result, [])["rejected_files"])
    store.write_partition(conn, [], [store.TableWrite("raw.rejected_files", frame, {"stage": Stage.INGEST},
                                                      include_null_year=True)])
    return len(frame)


def years_left_behind(conn: duckdb.DuckDBPyConnection, found: Sequence[int]) -> list[int]:
    """The fiscal years the warehouse holds rows for that no landing file has any more (its files were
    removed): a run of those years empties them."""
    held = conn.execute(
        "SELECT fiscal_year FROM raw.documents UNION SELECT fiscal_year FROM raw.rejected_files "
        "UNION SELECT fiscal_year FROM core.reports"
    ).fetchall()
    return sorted({year for (year,) in held if year is not None} - set(found))
