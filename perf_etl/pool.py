"""Call a function on many items in worker processes, each call within a time budget.

A PDF reader can loop for ever on a pathological file, or crash the interpreter (pdfium is C++). Neither
may hang or end a partition run: here each call runs in a worker process, a call over its budget gets
its worker killed and replaced, a worker that dies is replaced too, and both become outcomes of their
own (OverBudget, CallFailed) instead of exceptions. Workers are started once per `map_with_budget` (or
`BudgetPool`) and reused for every item. Results come back in the order of the items, whatever order they
finish in.

Workers come from a fork server, not from forking the caller: the callers (Dagster, DuckDB) run threads,
and forking a threaded process can deadlock the child. The server starts once per process and imports
the main script and the function's module once (about a second: pandas, pdfplumber), so later pools
start in milliseconds. As with any multiprocessing, a script that calls this needs the
`if __name__ == "__main__":` guard.
"""

from __future__ import annotations

import contextlib
import math
import multiprocessing
import os
import resource
import select
import signal
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from typing import Any, Generic, TypeVar

T = TypeVar("T")
R = TypeVar("R")

_READY = "ready"
# A worker that has not imported its function by then is broken (not a bad file): the run fails loudly.
_STARTUP_SECONDS = 120.0
_STOP_SECONDS = 5.0
_WATCHDOG_POLL_SECONDS = 1.0


@dataclass(frozen=True)
class OverBudget:
    """The call took longer than `seconds`; its worker was killed."""

    seconds: float


@dataclass(frozen=True)
class _Extension:
    """Sent by a call that found it has more to do than the budget allows for (a scan to OCR)."""

    seconds: float


# The pipe of the call running in this worker process (None outside a worker).
_call_conn: Connection | None = None


def extend_budget(seconds: float) -> None:
    """Give the call running in this worker `seconds` more before it is killed; a no-op outside a pool.

    For work whose size is only known once the call has looked at its item (the pages of a file that
    need OCR): the budget then stays tight for the common case and still fits the rare large one.
    """
    if _call_conn is not None:
        _call_conn.send(_Extension(seconds))


@dataclass(frozen=True)
class CallFailed:
    """The call raised, or its worker process died (a crash in C code, killed by the system)."""

    reason: str


def usable_cpus() -> int:
    """The CPUs this process may run on (its affinity on Linux, else all)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def default_workers() -> int:
    """Two processes, or one on a single-CPU machine: reading is CPU-bound, more would only compete."""
    return max(1, min(2, usable_cpus()))


def process_context(function: Callable[..., Any]) -> multiprocessing.context.BaseContext:
    """Where worker processes for `function` come from: a fork server with `function`'s module imported."""
    return _fork_server_context(function.__module__)


def start_fork_server(*modules: str) -> None:
    """Start this process's fork server now, importing `modules` there, so that it is ready by the time the
    first pool needs it: the CLI starts it before it imports Dagster, and both imports (a second or so
    each) run side by side on two CPUs instead of one after the other."""
    if "forkserver" in multiprocessing.get_all_start_methods():
        from multiprocessing import forkserver

        _fork_server_context(*modules)
        forkserver.ensure_running()


def _fork_server_context(*modules: str) -> multiprocessing.context.BaseContext:
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")  # not POSIX
    context = multiprocessing.get_context("forkserver")
    # Only takes effect when this process starts its fork server, i.e. on the first pool. "__main__" (the
    # default) spares every worker re-running the main script (`perf-etl`, `dagster`) when it starts.
    context.set_forkserver_preload(["__main__", *modules])
    return context


def map_with_budget(
    function: Callable[[T], R], items: Sequence[T], *, workers: int, seconds: float, memory_bytes: int | None = None
) -> list[R | OverBudget | CallFailed]:
    """`function(item)` for every item, in `workers` processes, each call within `seconds` (and each process
    within `memory_bytes` of address space, see BudgetPool).

    `function` and the items must be picklable (a module-level function, plain data).
    """
    with BudgetPool(function, min(workers, len(items)), seconds, memory_bytes) as pool:
        return pool.map(items)


class _Worker(Generic[T]):
    """One worker process serving calls over a pipe, and the call it is busy with."""

    def __init__(self, function: Callable[[T], Any], context: multiprocessing.context.BaseContext,
                 memory_bytes: int | None) -> None:
        self.conn, child_end = context.Pipe()
        self.process = context.Process(target=_serve, args=(function, child_end, os.getpid(), memory_bytes),
                                       daemon=True)
        self.process.start()
        child_end.close()  # else the parent would not see end-of-file when the worker dies
        self.ready = False
        self.index: int | None = None  # the item being called on
        self.deadline = time.monotonic() + _STARTUP_SECONDS
        self.allowed = 0.0  # seconds the current call may take, extensions included

    @property
    def idle(self) -> bool:
        return self.ready and self.index is None

    def call(self, index: int, item: T, seconds: float) -> None:
        self.conn.send((index, item))
        self.index = index
        self.deadline = time.monotonic() + seconds
        self.allowed = seconds

    def extend(self, seconds: float) -> None:
        self.deadline += seconds
        self.allowed += seconds

    def finish(self) -> int | None:
        index, self.index, self.deadline = self.index, None, math.inf
        return index

    def kill(self) -> None:
        self.process.kill()
        self.process.join()
        self.conn.close()

    def stop(self) -> None:
        """Ask the worker to exit; kill it if it does not."""
        with contextlib.suppress(OSError):
            self.conn.send(None)
        self.process.join(_STOP_SECONDS)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()
        self.conn.close()

    def exit_description(self) -> str:
        self.process.join(_STOP_SECONDS)
        code = self.process.exitcode
        if code is not None and code < 0:
            return f"killed by {signal.Signals(-code).name}"
        return f"exit code {code}"


class BudgetPool(Generic[T, R]):
    """The worker processes of `map_with_budget`, kept for several maps (a context manager): a caller that
    maps chunk after chunk starts its workers once, when the first chunk comes, not once per chunk."""

    def __init__(self, function: Callable[[T], R], size: int, seconds: float, memory_bytes: int | None = None) -> None:
        self.function = function
        self.size = size
        self.seconds = seconds
        # Each worker's address space (RLIMIT_AS): past it an allocation fails with MemoryError in that worker,
        # so that one file cannot take the machine's memory.
        self.memory_bytes = memory_bytes
        self.context = process_context(function)
        self.workers: list[_Worker[T]] = []

    def __enter__(self) -> BudgetPool[T, R]:
        return self

    def __exit__(self, *_: object) -> None:
        for worker in self.workers:
            worker.stop()

    def map(self, items: Sequence[T]) -> list[R | OverBudget | CallFailed]:
        """`map_with_budget` of `items` in this pool's workers."""
        if not self.workers:
            self.workers = [self._new_worker() for _ in range(self.size)]
        results: dict[int, R | OverBudget | CallFailed] = {}
        waiting = deque(enumerate(items))
        while len(results) < len(items):
            for worker in self.workers:
                if worker.idle and waiting:
                    worker.call(*waiting.popleft(), self.seconds)
            self._collect(results)
        return [results[index] for index in range(len(items))]

    def _new_worker(self) -> _Worker[T]:
        return _Worker(self.function, self.context, self.memory_bytes)

    def _collect(self, results: dict[int, R | OverBudget | CallFailed]) -> None:
        """Wait for the next message or deadline, and record what it settles."""
        timeout = max(0.0, min(worker.deadline for worker in self.workers) - time.monotonic())
        for conn in wait([worker.conn for worker in self.workers], timeout):
            self._receive(self._worker_of(conn), results)
        now = time.monotonic()
        for position, worker in enumerate(self.workers):
            if worker.deadline <= now:
                if not worker.ready:
                    raise RuntimeError(f"a worker process did not start within {_STARTUP_SECONDS:.0f} s")
                worker.kill()
                allowed = worker.allowed
                results[worker.finish()] = OverBudget(allowed)
                self.workers[position] = self._new_worker()

    def _receive(self, worker: _Worker[T], results: dict[int, R | OverBudget | CallFailed]) -> None:
        try:
            message = worker.conn.recv()
        except (EOFError, OSError):
            self._replace_dead(worker, results)
            return
        if message == _READY:
            worker.ready, worker.deadline = True, math.inf
        elif isinstance(message, _Extension):
            worker.extend(message.seconds)
        else:
            index, value = message
            worker.finish()
            results[index] = value

    def _replace_dead(self, worker: _Worker[T], results: dict[int, R | OverBudget | CallFailed]) -> None:
        exit_description = worker.exit_description()
        if not worker.ready:
            # Dying before the first call is a broken installation, not a bad file: it would die again.
            raise RuntimeError(f"a worker process died while starting ({exit_description})")
        results[worker.finish()] = CallFailed(f"the worker process died ({exit_description})")
        worker.conn.close()
        self.workers[self.workers.index(worker)] = self._new_worker()

    def _worker_of(self, conn: Connection) -> _Worker[T]:
        return next(worker for worker in self.workers if worker.conn is conn)


# ---------------------------------------------------------------- in the worker process


def _serve(function: Callable[[Any], Any], conn: Connection, owner_pid: int, memory_bytes: int | None) -> None:
    global _call_conn
    _exit_with(owner_pid)
    if memory_bytes is not None:
        resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    _call_conn = conn
    conn.send(_READY)
    while True:
        try:
            task = conn.recv()
        except EOFError:
            return  # the parent is gone
        if task is None:
            return
        index, item = task
        try:
            value = function(item)
        except Exception as error:
            value = CallFailed(f"{type(error).__name__}: {error}")
        conn.send((index, value))


def _exit_with(owner_pid: int) -> None:
    """End this worker when the process that started the pool ends, even in the middle of a call.

    A reader stuck in a call never reads the end-of-file its pipe gets when the owner is killed, and the
    fork server it was forked from lives as long as its workers do, so a watchdog thread waits for the
    owner's exit (threads run while the reader is in pure Python or in a C call that releases the GIL).
    """
    threading.Thread(target=_wait_then_exit, args=(owner_pid,), daemon=True, name="owner-watchdog").start()


def _wait_then_exit(owner_pid: int) -> None:
    try:
        owner = os.pidfd_open(owner_pid)
    except (AttributeError, OSError):  # not Linux, or the owner is already gone
        while _exists(owner_pid):
            time.sleep(_WATCHDOG_POLL_SECONDS)
    else:
        select.select([owner], [], [])  # readable once the owner has exited
    os._exit(1)


def _exists(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # it exists, as another user's process
    return True
