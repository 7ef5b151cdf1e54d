"""The worker pool behind ingestion: a call over budget or a dying worker costs that call only."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest

from perf_etl.pool import BudgetPool, CallFailed, OverBudget, extend_budget, map_with_budget


def nap_then_square(seconds_and_value: tuple[float, int]) -> int:
    seconds, value = seconds_and_value
    time.sleep(seconds)
    return value * value


def extend_then_nap(seconds_and_extension: tuple[float, float]) -> float:
    seconds, extension = seconds_and_extension
    extend_budget(extension)
    time.sleep(seconds)
    return seconds


def square_or_die(value: int) -> int:
    if value < 0:
        os.kill(os.getpid(), signal.SIGSEGV)  # what a crash in pdfium looks like from outside
    if value == 0:
        raise ValueError("zero is not welcome")
    return value * value


def test_results_come_back_in_item_order_whatever_order_they_finish_in() -> None:
    items = [(0.3, 1), (0.0, 2), (0.1, 3), (0.0, 4), (0.2, 5)]
    assert map_with_budget(nap_then_square, items, workers=2, seconds=30) == [1, 4, 9, 16, 25]


def test_a_call_over_budget_is_killed_and_the_others_still_run() -> None:
    started = time.monotonic()
    results = map_with_budget(nap_then_square, [(0.0, 1), (600.0, 2), (0.0, 3), (0.0, 4)], workers=1, seconds=2)
    assert results == [1, OverBudget(2), 9, 16]  # one worker: the items after the stuck one needed a new one
    assert time.monotonic() - started < 30


def test_a_call_can_extend_its_own_budget() -> None:
    # 3 s of work on a 1 s budget: killed unless the call asks for more, and the report names what it had.
    results = map_with_budget(extend_then_nap, [(3.0, 0.0), (3.0, 10.0), (60.0, 1.0)], workers=2, seconds=1)
    assert results == [OverBudget(1), 3.0, OverBudget(2)]


def test_extending_outside_a_pool_does_nothing() -> None:
    assert extend_then_nap((0.0, 5.0)) == 0.0


def test_a_crashing_worker_or_a_raising_call_fails_that_call_only() -> None:
    results = map_with_budget(square_or_die, [2, -1, 3, 0, 4], workers=2, seconds=30)
    assert results[0::2] == [4, 9, 16]
    assert results[1] == CallFailed("the worker process died (killed by SIGSEGV)")
    assert results[3] == CallFailed("ValueError: zero is not welcome")


def test_no_items_start_no_process() -> None:
    assert map_with_budget(square_or_die, [], workers=2, seconds=1) == []


PARENT = textwrap.dedent("""
    import sys, time
    from perf_etl.pool import map_with_budget
    from perf_etl_tests.robustness.test_pool import report_pid_then_hang

    if __name__ == "__main__":
        map_with_budget(report_pid_then_hang, [sys.argv[1]] * 2, workers=2, seconds=600)
""")


def report_pid_then_hang(pid_file: str) -> None:
    with open(pid_file, "a") as out:
        out.write(f"{os.getpid()}\n")
    time.sleep(600)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="relies on Linux's parent-death signal")
def test_workers_stuck_in_a_call_die_with_a_killed_parent(tmp_path) -> None:
    script, pid_file = tmp_path / "parent.py", tmp_path / "pids"
    script.write_text(PARENT)
    parent = subprocess.Popen([sys.executable, str(script), str(pid_file)])
    try:
        deadline = time.monotonic() + 60
        while not (pid_file.exists() and len(pid_file.read_text().split()) == 2):
            assert time.monotonic() < deadline, "the workers did not start"
            time.sleep(0.1)
        workers = [int(pid) for pid in pid_file.read_text().split()]
    finally:
        parent.kill()
        parent.wait()
    deadline = time.monotonic() + 30
    while any(_alive(pid) for pid in workers):
        assert time.monotonic() < deadline, "a worker outlived its killed parent"
        time.sleep(0.1)


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split(") ")[1][0] != "Z"  # a zombie has exited
    except (FileNotFoundError, ProcessLookupError):  # gone before, or while, its stat was read
        return False


def worker_pid(_: int) -> int:
    return os.getpid()


def test_a_budget_pool_keeps_its_workers_for_every_map_and_starts_none_unused() -> None:
    with BudgetPool(worker_pid, 2, 30) as unused:
        pass
    assert unused.workers == []
    with BudgetPool(worker_pid, 2, 30) as pool:
        first = set(pool.map(list(range(8))))
        started = {worker.process.pid for worker in pool.workers}
        second = set(pool.map(list(range(8))))
        kept = {worker.process.pid for worker in pool.workers}
    assert len(started) == 2 and os.getpid() not in started and first <= started
    # The second chunk ran in the processes the first started (which of the two served the first chunk's
    # items depends on which was ready first: one may have served them all).
    assert kept == started and second <= started


def allocate(gigabytes: int) -> str:
    try:
        block = bytearray(gigabytes * 1024**3)  # zeroed pages the kernel hands out lazily: cheap when allowed
    except MemoryError:
        return "MemoryError"
    return f"{len(block) // 1024**3} GB"


def test_a_worker_cannot_take_more_memory_than_its_limit() -> None:
    # 24 GB machines grant 6 GB of untouched pages; under a 4 GB address-space limit the worker may not.
    results = map_with_budget(allocate, [6, 1], workers=1, seconds=30, memory_bytes=4 * 1024**3)
    assert results == ["MemoryError", "1 GB"]  # and the worker lives on for the next call
