"""Reading the landing folder in batches (the distributed job's read_batch steps) settles to exactly what
ingest_landing gives, whatever the batch size and the order batches come back in. Fast: no servers."""

import shutil
from datetime import datetime, timezone

import pytest

from perf_etl.defs.distributed import BatchOutcomes, outcomes_in_order, split_batches
from perf_etl.ingest.ingest import IngestSettings, plan_landing, read_tasks, settle_landing
from perf_etl.stages.raw import raw_frames
from perf_etl_tests.conftest import SAMPLES
from perf_etl_tests.landing import ingest_landing

NOW = datetime(2025, 6, 1, tzinfo=timezone.utc)
# In this process: the reader pool is map_with_budget's business, tested in perf_etl_tests/ingest.
LIMITS = IngestSettings(workers=0)


@pytest.fixture
def landing(tmp_path):
    """The samples, a byte-identical copy (settled without being read) and an empty file."""
    landing = tmp_path / "landing"
    shutil.copytree(SAMPLES, landing)
    shutil.copy(SAMPLES / "002_fa04becc64be89b5.pdf", landing / "copy of 002.pdf")
    (landing / "empty.pdf").write_bytes(b"")
    return landing


@pytest.mark.parametrize("size", [1, 3, 200])
def test_batches_settle_like_one_pass(landing, size):
    plan = plan_landing(landing, now=NOW, limits=LIMITS)
    batches = split_batches(plan, LIMITS, size)
    assert [task for batch in batches for task in batch.tasks] == plan.to_read
    assert len(plan.to_read) == len(plan.tasks) - 1  # the copy is not read
    # Fan-in gives no order: settle from the batches in reverse.
    read = [BatchOutcomes(batch.positions, read_tasks(batch.tasks, batch.limits)) for batch in reversed(batches)]
    settled = settle_landing(plan, outcomes_in_order({}, read))
    assert settled == ingest_landing(landing, now=NOW, limits=LIMITS)
    frames = raw_frames(settled, [2023])
    assert sorted(frames["documents"]["source_path"]) == ["002_fa04becc64be89b5.pdf", "004_3cc4b0b52db76508.pdf"]


def test_files_the_cache_has_are_not_batched_and_settle_the_same(landing):
    plan = plan_landing(landing, now=NOW, limits=LIMITS)
    everything = read_tasks(plan.to_read, LIMITS)
    cached = {position: everything[position] for position in range(0, len(everything), 2)}
    batches = split_batches(plan, LIMITS, 2, cached)
    assert sorted(p for batch in batches for p in batch.positions) == list(range(1, len(everything), 2))
    read = [BatchOutcomes(batch.positions, read_tasks(batch.tasks, batch.limits)) for batch in batches]
    assert settle_landing(plan, outcomes_in_order(cached, read)) == ingest_landing(landing, now=NOW, limits=LIMITS)


def test_an_empty_landing_folder_is_one_empty_batch(tmp_path):
    # write_raw must still run: it records the run's (here: no) rejections and replaces the years' rows.
    plan = plan_landing(tmp_path, now=NOW, limits=LIMITS)
    assert [batch.tasks for batch in split_batches(plan, LIMITS, 200)] == [[]]
