"""The per-document work of a stage (normalize, extract) in worker processes, in batches.

`map_batches(function, items, ...)` calls `function(batch)` on consecutive batches of the items and returns
the results in the order of the items, whatever order the batches finish in, so a stage's output is the
same with any number of workers. `function` takes a list of items and returns one result per item; it
must be picklable (a module-level function) and should catch what one item can raise, so that a bad
document costs only itself (extraction returns a failure for it).

Workers come from a fork server, not from forking the caller (Dagster and DuckDB run threads: forking a
threaded process can deadlock the child), and live for one `map_batches`, so each imports the stage's
modules once. Batches keep the cost of sending documents between processes small (one message per
batch, not per page or document).

If a worker process dies (a crash in C code, killed by the system), every batch not finished by then is
retried one item at a time through `perf_etl.pool.map_with_budget`, which isolates the crash: the
culprit comes back as a `CallFailed` (or `OverBudget`), the other items as results. Without a crash
there is no time budget here (a stage run in one process has none either).

`Parallelism(workers=0)` runs everything in the calling process: the path tests and debuggers use, and
the one taken for fewer than `min_items` items (starting workers costs about a second).

A stage that works through its documents in bounded batches (so that its memory does not grow with the
number of documents) calls `map_batches` once per batch with the same `WorkerPool`, which keeps its worker
processes between the calls, each call `overlapped` with reading the next batch and writing the last.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, ThreadPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from functools import partial
from typing import TypeVar

from perf_etl.pool import CallFailed, OverBudget, default_workers, map_with_budget, process_context

T = TypeVar("T")
R = TypeVar("R")

DEFAULT_BATCH_SIZE = 50
# Below this many items the work is done in the calling process: a few documents take less time than
# starting the workers and importing the stage's modules in them.
DEFAULT_MIN_ITEMS = 20
# Batches per worker when there are few items, so that the workers finish at about the same time.
_BATCHES_PER_WORKER = 4
# Budget of one item when a crashed pool's items are retried one at a time.
RETRY_SECONDS_PER_ITEM = 600.0

Progress = Callable[[int, int], None]  # (items done, items in all)


@dataclass(frozen=True)
class Parallelism:
    """How a stage spreads its documents over processes. workers=0: in the calling process."""

    workers: int
    batch_size: int = DEFAULT_BATCH_SIZE
    min_items: int = DEFAULT_MIN_ITEMS

    @classmethod
    def with_workers(cls, workers: int | None) -> Parallelism:
        """`workers` processes (Settings.workers, PERF_ETL_WORKERS); None: min(2, CPUs), like ingestion."""
        return cls(workers=default_workers() if workers is None else workers)

    def batch_size_for(self, count: int) -> int:
        """At most `batch_size`, smaller when there are few items so that every worker gets several."""
        return max(1, min(self.batch_size, math.ceil(count / (max(1, self.workers) * _BATCHES_PER_WORKER))))

    def in_process(self, count: int) -> bool:
        return self.workers <= 0 or count < max(2, self.min_items)


class WorkerPool:
    """Worker processes kept for several `map_batches` calls (one per function), started when first needed
    and stopped when the `with` block ends; a pool whose process died is replaced at the next call."""

    def __init__(self, parallel: Parallelism | None = None) -> None:
        self.parallel = parallel or Parallelism.with_workers(None)
        self._executors: dict[Callable[..., object], ProcessPoolExecutor] = {}

    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def executor(self, function: Callable[[list[T]], list[R]]) -> ProcessPoolExecutor:
        if function not in self._executors:
            self._executors[function] = ProcessPoolExecutor(max_workers=self.parallel.workers,
                                                            mp_context=process_context(function))
        return self._executors[function]

    def discard(self, function: Callable[[list[T]], list[R]], *, wait: bool) -> None:
        """Stop and forget the function's processes (a broken pool: without waiting for them)."""
        executor = self._executors.pop(function, None)
        if executor is not None:
            executor.shutdown(wait=wait, cancel_futures=True)

    def close(self) -> None:
        executors, self._executors = self._executors, {}
        for executor in executors.values():
            executor.shutdown(wait=True, cancel_futures=True)


def map_batches(
    function: Callable[[list[T]], list[R]],
    items: Sequence[T],
    *,
    parallel: Parallelism | None = None,
    progress: Progress | None = None,
    pool: WorkerPool | None = None,
) -> list[R | CallFailed | OverBudget]:
    """`function` over batches of `items`; one result per item, in the items' order.

    An exception raised by `function` (not caught per item) ends the call, as it would in one process.
    `CallFailed` / `OverBudget` results appear only for items whose worker process died. With `pool`, its
    worker processes (and its `Parallelism`, unless `parallel` is given) are used and left running.
    """
    parallel = parallel or (pool.parallel if pool is not None else Parallelism.with_workers(None))
    in_process = parallel.in_process(len(items))
    size = parallel.batch_size if in_process else parallel.batch_size_for(len(items))
    batches = [list(items[start:start + size]) for start in range(0, len(items), size)]
    if in_process:
        results: list[R | CallFailed | OverBudget] = []
        for batch in batches:
            results.extend(_checked(function(batch), batch))
            _report(progress, len(results), len(items))
        return results
    if pool is not None and pool.parallel.workers == parallel.workers:
        return _map_in_workers(function, batches, parallel.workers, len(items), progress, pool)
    with WorkerPool(Parallelism(workers=min(parallel.workers, len(batches)))) as own:
        return _map_in_workers(function, batches, own.parallel.workers, len(items), progress, own)


def _map_in_workers(
    function: Callable[[list[T]], list[R]], batches: list[list[T]], workers: int, total: int,
    progress: Progress | None, pool: WorkerPool,
) -> list[R | CallFailed | OverBudget]:
    done: dict[int, list[R | CallFailed | OverBudget]] = {}
    finished_items = 0
    broken = False
    executor = pool.executor(function)
    try:
        futures: dict[Future[list[R]], int] = {executor.submit(function, batch): i for i, batch in enumerate(batches)}
        pending = set(futures)
        while pending:
            finished, pending = wait(pending, return_when=FIRST_COMPLETED)
            for future in finished:
                index = futures[future]
                try:
                    done[index] = list(_checked(future.result(), batches[index]))
                except BrokenProcessPool:
                    broken = True  # every unfinished batch is retried below
                    continue
                finished_items += len(batches[index])
                _report(progress, finished_items, total)
    except BaseException:
        pool.discard(function, wait=not broken)  # the call ends here, as it would in one process
        raise
    if broken:
        pool.discard(function, wait=False)
    for index, batch in enumerate(batches):
        if index not in done:
            done[index] = map_with_budget(partial(_call_alone, function), batch, workers=workers,
                                          seconds=RETRY_SECONDS_PER_ITEM)
            finished_items += len(batch)
            _report(progress, finished_items, total)
    return [result for index in range(len(batches)) for result in done[index]]


def _call_alone(function: Callable[[list[T]], list[R]], item: T) -> R:
    return function([item])[0]


def _checked(results: list[R], batch: list[T]) -> list[R]:
    if len(results) != len(batch):
        raise ValueError(f"a batch function returned {len(results)} results for {len(batch)} items")
    return results


def _report(progress: Progress | None, done: int, total: int) -> None:
    if progress is not None:
        progress(done, total)


def overlapped(work: Callable[[T], R], inputs: Iterable[T]) -> Iterator[R]:
    """`work(item)` for each of `inputs`, results in order. Each call runs in a background thread while the
    caller takes the next input (`inputs` is iterated in the caller's thread) and handles the previous
    result, so a stage's worker processes are not left waiting while the stage's own process reads a
    batch's inputs from the warehouse or writes its outputs. Besides the result in the caller's hands, at
    most two inputs wait (one being worked on), so memory stays a few batches."""
    runner = ThreadPoolExecutor(max_workers=1, thread_name_prefix="overlapped")
    pending: Future[R] | None = None
    try:
        for item in inputs:
            submitted = runner.submit(work, item)
            if pending is not None:
                yield pending.result()
            pending = submitted
        if pending is not None:
            yield pending.result()
    finally:
        runner.shutdown(wait=True, cancel_futures=True)  # a caller that stops early waits for the call running


class ProgressLog:
    """A progress callback that writes "normalized 2,000/10,000 documents" at most every `seconds`, and
    once at the end."""

    def __init__(self, write: Callable[[str], None], verb: str, *, seconds: float = 5.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._write = write
        self._verb = verb
        self._seconds = seconds
        self._clock = clock
        self._last = self._clock()

    def __call__(self, done: int, total: int) -> None:
        now = self._clock()
        if done >= total or now - self._last >= self._seconds:
            self._last = now
            self._write(f"{self._verb} {done:,}/{total:,} documents")
