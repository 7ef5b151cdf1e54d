"""The Dagster instance of DAGSTER_HOME, made once before anything uses it in parallel.

A fresh DAGSTER_HOME gets its SQLite storage (runs, schedules, event log index) on first use, and two
processes doing that at once can both stamp the schema's version: the storage then holds two alembic heads
and every later command fails ("more than one head present"). That is Dagster's own race; the project's
entry points (`perf-etl run`, `make dev`, the tests) avoid it by creating the storage under a file lock first.

`python -m perf_etl.instance` does just that for the DAGSTER_HOME of its environment.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import sys
from collections.abc import Iterator
from pathlib import Path

import dagster as dg

LOCK_FILE = ".perf-etl-instance.lock"


def prepared_instance(home: Path) -> dg.DagsterInstance:
    """The instance of `home`, its storage created (once, whoever else is starting on it)."""
    home.mkdir(parents=True, exist_ok=True)
    with (home / LOCK_FILE).open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        with _dagster_home(home):
            instance = dg.DagsterInstance.from_config(str(home))
        # Storages are made when first touched: touch each while holding the lock.
        instance.get_runs(limit=1)
        instance.all_instigator_state()
        instance.event_log_storage.get_event_records(dg.EventRecordsFilter(dg.DagsterEventType.RUN_SUCCESS), limit=1)
    return instance


@contextlib.contextmanager
def _dagster_home(home: Path) -> Iterator[None]:
    """DAGSTER_HOME set to `home` while the instance is made: instance.yaml's event log (perf_etl/event_log.py)
    finds its folder by it, as Dagster's own processes do."""
    before = os.environ.get("DAGSTER_HOME")
    os.environ["DAGSTER_HOME"] = str(home.resolve())
    try:
        yield
    finally:
        if before is None:
            del os.environ["DAGSTER_HOME"]
        else:
            os.environ["DAGSTER_HOME"] = before


def main() -> int:
    home = os.environ.get("DAGSTER_HOME")
    if not home:
        print("DAGSTER_HOME is not set: nothing to prepare", file=sys.stderr)
        return 2
    prepared_instance(Path(home)).dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
