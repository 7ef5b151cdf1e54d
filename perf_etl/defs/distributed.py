"""The opt-in distributed variant of the code location: text extraction fans out over Celery workers.

The default location (perf_etl.defs.definitions) runs every step in one process and reads files through a
local worker pool; that serves one analyst. This variant is for a Dagster service on several machines
(deploy/, docs/deploy.md): the same assets, except that raw.* is a graph-backed asset whose reading is
split into batches, each a Dagster step the Celery executor sends to any worker:

    plan_ingest ──► read_batch × N (any worker, in parallel) ──► write_raw (pool "duckdb", queue "warehouse")

`plan_ingest` discovers and hashes the landing folder (cheap), takes the outcomes the read cache has
(perf_etl/warehouse/read_cache.py) and cuts the other files into batches;
`read_batch` reads one batch with the same readers, per-file time budget and crash isolation as the default
path (perf_etl.ingest.ingest.read_tasks); `write_raw` settles duplicates and fiscal years exactly as
the default raw asset does (perf_etl.ingest.ingest.settle_landing + perf_etl.stages.raw.write) and writes raw.*;
the outcomes are kept in the read cache, from which raw.pages is filled.
Batch outcomes travel between steps through the `io_manager` resource (pickles under
PERF_ETL_STEP_STORAGE, default $DAGSTER_HOME/storage), so every worker must reach that folder: on several
machines a shared volume, or an S3 pickle IO manager in its place.

Selected by loading this module instead of the default one (deploy/workspace.yaml); every other asset
(staging, core, marts, …) is the default location's, unchanged.
"""

import math
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from datetime import datetime, timezone

import dagster as dg
from dagster_celery import celery_executor

from perf_etl.defs.assets.common import DUCKDB_POOL, run_settings
from perf_etl.defs.assets.raw import RAW_DOCUMENTS, RAW_PAGES, RAW_REJECTED_FILES, raw_documents, raw_results
from perf_etl.defs.definitions import build_definitions
from perf_etl.defs.partitions import fiscal_year_partitions
from perf_etl.defs.resources import SettingsResource, build_resources
from perf_etl.ingest.ingest import (
    IngestSettings,
    LandingPlan,
    Outcome,
    ReadTask,
    read_tasks,
    settle_landing,
)
from perf_etl.settings import Settings
from perf_etl.stages import raw
from perf_etl.warehouse import read_cache, store

# Steps that must run where the warehouse file is (dagster-celery routes a step by this op tag): only the
# worker(s) on that machine consume the queue, every worker consumes the default "dagster" queue.
WAREHOUSE_QUEUE = {"dagster-celery/queue": "warehouse"}


@dataclass(frozen=True)
class ReadBatch:
    """Files of the plan to read (`positions` in plan.to_read), with the limits the planner judged them by."""

    index: int
    positions: list[int]
    tasks: list[ReadTask]
    limits: IngestSettings


@dataclass(frozen=True)
class BatchOutcomes:
    positions: list[int]
    outcomes: list[Outcome]


def split_batches(plan: LandingPlan, limits: IngestSettings, size: int,
                  cached: Collection[int] = ()) -> list[ReadBatch]:
    """The files to read (those of plan.to_read whose position is not in `cached`) in batches of at most
    `size`, in plan order; always at least one batch (possibly empty), so that write_raw runs (and records
    the run's rejections) even when nothing needs reading."""
    positions = [position for position in range(len(plan.to_read)) if position not in cached]
    count = max(1, math.ceil(len(positions) / size))
    return [
        ReadBatch(index, chunk, [plan.to_read[position] for position in chunk], limits)
        for index, chunk in enumerate(positions[index * size:(index + 1) * size] for index in range(count))
    ]


def outcomes_in_order(cached: dict[int, Outcome], batches: list[BatchOutcomes]) -> list[Outcome]:
    """The outcome of every file of plan.to_read, in plan order, from the cache and the batches (fan-in
    does not promise the mapping order)."""
    outcomes = dict(cached)
    for batch in batches:
        outcomes.update(zip(batch.positions, batch.outcomes, strict=True))
    return [outcomes[position] for position in range(len(outcomes))]


@dg.op(
    pool=DUCKDB_POOL,
    tags=WAREHOUSE_QUEUE,
    out={"plan": dg.Out(LandingPlan), "cached": dg.Out(dict), "batches": dg.DynamicOut(ReadBatch)},
)
def plan_ingest(context: dg.OpExecutionContext, settings: SettingsResource) -> Iterator[dg.Output | dg.DynamicOutput]:
    """Discovers and hashes the landing folder, takes what the read cache has (on the warehouse's machine),
    and cuts the other files into batches to read (all of them on a full refresh)."""
    plan, cached = raw.plan_from_cache(run_settings(context, settings), now=datetime.now(timezone.utc))
    batches = split_batches(plan, settings.ingest, settings.files_per_batch, cached)
    context.log.info(f"{len(plan.tasks)} landing entries: {len(cached)} read before, "
                     f"{len(plan.to_read) - len(cached)} to read in {len(batches)} batch(es)")
    yield dg.Output(plan, "plan")
    yield dg.Output(cached, "cached")
    for batch in batches:
        yield dg.DynamicOutput(batch, mapping_key=f"batch_{batch.index:05d}", output_name="batches")


@dg.op
def read_batch(context: dg.OpExecutionContext, batch: ReadBatch) -> BatchOutcomes:
    """Reads one batch on whichever worker took it, in that worker's reader processes."""
    outcomes = read_tasks(batch.tasks, batch.limits)
    context.log.info(f"batch {batch.index}: {len(batch.tasks)} files read")
    return BatchOutcomes(batch.positions, outcomes)


@dg.op(
    pool=DUCKDB_POOL,
    tags=WAREHOUSE_QUEUE,
    out={"documents": dg.Out(dg.Nothing), "pages": dg.Out(dg.Nothing), "rejected_files": dg.Out(dg.Nothing)},
)
def write_raw(context: dg.OpExecutionContext, settings: SettingsResource, plan: LandingPlan, cached: dict,
              batches: list[BatchOutcomes]) -> Iterator[dg.Output]:
    """Keeps what the batches read in the read cache, settles duplicates and fiscal years over every file
    and writes raw.* for the run's years, as the default raw asset does."""
    years = [int(key) for key in context.partition_keys]
    with store.connect(settings.warehouse) as conn:  # raw.pages is filled from the read cache, as by the default asset
        for batch in batches:
            tasks = [plan.to_read[position] for position in batch.positions]
            read_cache.store_outcomes(conn, tasks, batch.outcomes, read_cache.reader_version(settings.ingest.ocr))
        read_cache.forget_missing(conn, plan.tasks)
    read = [BatchOutcomes(b.positions, [read_cache.without_content(o) for o in b.outcomes]) for b in batches]
    result = raw.write(run_settings(context, settings), years, settle_landing(plan, outcomes_in_order(cached, read)))
    context.log.info(f"fiscal years {years}: {len(result.documents)} documents, {len(result.rejected)} rejected files")
    for name, materialized in zip(("documents", "pages", "rejected_files"), raw_results(result), strict=True):
        yield dg.Output(None, name, metadata=materialized.metadata)


@dg.graph_multi_asset(
    outs={
        "documents": dg.AssetOut(key=RAW_DOCUMENTS, dagster_type=dg.Nothing, kinds={"duckdb"},
                                 description="One row per accepted input file."),
        "pages": dg.AssetOut(key=RAW_PAGES, dagster_type=dg.Nothing, kinds={"duckdb"},
                             description="Page texts as extracted."),
        "rejected_files": dg.AssetOut(key=RAW_REJECTED_FILES, dagster_type=dg.Nothing, kinds={"duckdb"},
                                      description="Inputs that did not make it through a stage, with a reason "
                                      "code and a message a person can act on."),
    },
    group_name="raw",
    partitions_def=fiscal_year_partitions,
    backfill_policy=dg.BackfillPolicy.single_run(),
)
def raw_documents_distributed():
    plan, cached, batches = plan_ingest()
    documents, pages, rejected_files = write_raw(plan, cached, batches.map(read_batch).collect())
    return {"documents": documents, "pages": pages, "rejected_files": rejected_files}


# Broker and result backend from the environment, the same URLs the workers are started with (deploy/).
distributed_executor = celery_executor.configured(
    {"broker": {"env": "PERF_ETL_CELERY_BROKER"}, "backend": {"env": "PERF_ETL_CELERY_BACKEND"}},
    name="perf_etl_celery",
)

fiscal_year_distributed_job = dg.define_asset_job(
    "fiscal_year_distributed_job",
    selection=dg.AssetSelection.all(),
    executor_def=distributed_executor,
    description="fiscal_year_job with the landing folder read in batches by Celery workers.",
)


def distributed_assets(default: dg.Definitions) -> list:
    """The default location's assets with raw_documents replaced by its batched twin, so that an asset added
    to the default location is in this one too."""
    assets = list(default.assets or [])
    if raw_documents not in assets:
        raise RuntimeError("the default code location no longer has raw_documents for read_batch to replace")
    return [raw_documents_distributed if asset is raw_documents else asset for asset in assets]


def build_distributed_definitions(landing: str | None = None, warehouse: str | None = None,
                                  settings: Settings | None = None) -> dg.Definitions:
    """The distributed code location with `settings` (default: from the environment), over `landing` and
    `warehouse` when given."""
    settings = settings or Settings.from_environment(landing=landing, warehouse=warehouse)
    return dg.Definitions(
        assets=distributed_assets(build_definitions(settings=settings)),
        jobs=[fiscal_year_distributed_job],
        executor=distributed_executor,
        resources={
            **build_resources(settings),
            # Batch outcomes between steps: a folder every worker reaches (None: $DAGSTER_HOME/storage).
            "io_manager": dg.FilesystemIOManager(base_dir=settings.step_storage),
        },
    )


defs = build_distributed_definitions()
