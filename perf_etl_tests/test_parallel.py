"""The per-document stages in worker processes give what one process gives, in the same order."""

from __future__ import annotations

import os
import threading
import time
from datetime import datetime, timezone

import pandas as pd
import pytest

from perf_etl.models import (
    StagedDocument,
)
from perf_etl.parallel import Parallelism, ProgressLog, map_batches, overlapped
from perf_etl.pool import CallFailed
from perf_etl.stages.core import EXTRACTION_ERROR
from perf_etl.stages.core import extract as extract_stage
from perf_etl.stages.staging import normalize as normalize_stage
from perf_etl.stages.staging import staging_frames

NOW = datetime(2025, 1, 1, tzinfo=timezone.utc)
IN_PROCESS = Parallelism(workers=0)
# Two workers, batches of two documents, even for five documents (by default so few run in-process).
TWO_WORKERS = Parallelism(workers=2, batch_size=2, min_items=0)


@pytest.fixture(scope="module")
def raw(tmp_path_factory) -> dict[str, pd.DataFrame]:
    import shutil

    from perf_etl_tests.conftest import SAMPLE_IDS, SAMPLES, raw_frames_in_memory

    landing = tmp_path_factory.mktemp("parallel") / "landing"
    landing.mkdir()
    for sample in SAMPLE_IDS:
        shutil.copy(SAMPLES / f"{sample}.pdf", landing)
    return raw_frames_in_memory(landing, NOW)


def test_normalize_in_workers_gives_the_same_documents_in_the_same_order(raw):
    frames = raw
    alone = normalize_stage(frames["documents"], frames["pages"], parallel=IN_PROCESS)
    workers = normalize_stage(frames["documents"], frames["pages"], parallel=TWO_WORKERS)
    assert len(alone) == 5
    assert workers == alone
    for table, frame in staging_frames(workers).items():
        pd.testing.assert_frame_equal(frame, staging_frames(alone)[table])


def test_extraction_in_workers_gives_the_same_rows(raw):
    frames = raw
    staged = normalize_stage(frames["documents"], frames["pages"], parallel=IN_PROCESS)
    paths = dict(zip(frames["documents"]["document_id"], frames["documents"]["source_path"], strict=True))
    alone, alone_failures = extract_stage(staged, paths, now=NOW, tables=frames["cells"], parallel=IN_PROCESS)
    workers, worker_failures = extract_stage(staged, paths, now=NOW, tables=frames["cells"], parallel=TWO_WORKERS)
    assert worker_failures == alone_failures == []
    assert alone.keys() == workers.keys()
    for table, frame in alone.items():
        pd.testing.assert_frame_equal(workers[table], frame, obj=table)
    assert len(alone["reports"]) == 5 and len(alone["field_evidence"]) > 5


@pytest.mark.parametrize("parallel", [IN_PROCESS, TWO_WORKERS], ids=["in-process", "workers"])
def test_a_document_extraction_fails_on_is_rejected_alone(raw, parallel):
    frames = raw
    staged = normalize_stage(frames["documents"], frames["pages"], parallel=IN_PROCESS)
    broken = StagedDocument(document_id="broken", fiscal_year=2023, text=None, page_starts=[0])  # type: ignore[arg-type]
    documents = [*staged[:2], broken, *staged[2:]]
    extracted, failures = extract_stage(documents, {"broken": "broken.pdf"}, now=NOW, parallel=parallel)
    assert list(extracted["reports"]["document_id"]) == [d.document_id for d in staged]
    assert [(f.source_path, f.reason_code, f.stage) for f in failures] == [("broken.pdf", EXTRACTION_ERROR, "extract")]
    assert "Error: " in failures[0].message  # what was raised on text None is named


def crash_on_three(batch: list[int]) -> list[int]:
    """Doubles each number; the worker process dies outright on 3 (as a reader crashing in C would)."""
    if 3 in batch:
        os._exit(7)
    return [2 * n for n in batch]


def test_a_worker_that_dies_costs_only_its_item():
    results = map_batches(crash_on_three, list(range(10)), parallel=Parallelism(workers=2, batch_size=3, min_items=0))
    assert [r for i, r in enumerate(results) if i != 3] == [2 * n for n in range(10) if n != 3]
    assert isinstance(results[3], CallFailed)


def test_progress_is_reported_in_documents_every_few_seconds():
    lines: list[str] = []
    now = [0.0]
    progress = ProgressLog(lines.append, "normalized", seconds=5.0, clock=lambda: now[0])
    for done, moment in [(50, 1.0), (100, 6.0), (150, 7.0), (10_000, 8.0)]:
        now[0] = moment
        progress(done, 10_000)
    assert lines == ["normalized 100/10,000 documents", "normalized 10,000/10,000 documents"]
    seen: list[tuple[int, int]] = []
    map_batches(lambda batch: batch, list(range(7)), parallel=Parallelism(workers=0, batch_size=3),
                progress=lambda done, total: seen.append((done, total)))
    assert seen == [(3, 7), (6, 7), (7, 7)]


def test_overlapped_work_runs_beside_the_reading_of_the_next_input_and_keeps_the_order():
    """Each call runs in a thread while the caller reads the next input: the calls' results come back in
    input order (the first is the slowest), and no input is read more than two ahead of the result the
    caller is handling."""
    read: list[int] = []
    handled: list[int] = []
    first_started = threading.Event()

    def inputs():
        for item in range(6):
            assert len(read) - len(handled) <= 2  # the memory bound: two inputs wait, at most
            if item == 1:
                assert first_started.wait(10)  # the first call is under way while the next input is read
            read.append(item)
            yield item

    def work(item: int) -> int:
        first_started.set()
        time.sleep(0.2 if item == 0 else 0.0)
        return item * 10

    for result in overlapped(work, inputs()):
        handled.append(result // 10)
    assert handled == list(range(6))


def test_overlapped_work_that_raises_ends_the_loop_with_its_error():
    def work(item: int) -> int:
        if item == 2:
            raise ValueError("bad batch")
        return item

    with pytest.raises(ValueError, match="bad batch"):
        list(overlapped(work, range(5)))
