"""Two fiscal-year runs started together, outside any Dagster pool, both succeed and write what one
sequential run writes: the second waits for DuckDB's file lock instead of failing on it."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from perf_etl.warehouse import store
from perf_etl_tests.robustness.runs import (
    FIRST_SEEN_COLUMNS,
    RUN_TIMEOUT_SECONDS,
    YEARS,
    cli_command,
    cli_env,
    published,
    snapshot,
)

HOLD_LOCK = """
import sys, time, duckdb
conn = duckdb.connect(sys.argv[1])
print("locked", flush=True)
time.sleep(float(sys.argv[2]))
"""


def hold_write_lock(database: Path, seconds: float) -> subprocess.Popen[str]:
    """Another process with the warehouse open for writing (DuckDB then locks out every other process)."""
    holder = subprocess.Popen([sys.executable, "-c", HOLD_LOCK, str(database), str(seconds)],
                              stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "locked"
    return holder


def test_connect_waits_for_another_process_to_release_the_file(tmp_path: Path) -> None:
    database = tmp_path / "w.duckdb"
    store.connect(database).close()
    holder = hold_write_lock(database, 2)
    started = time.monotonic()
    with store.connect(database, read_only=True, lock_timeout_seconds=60) as conn:
        assert conn.execute("SELECT count(*) FROM raw.documents").fetchone() == (0,)
    assert time.monotonic() - started > 1  # it did wait for the holder
    holder.wait()


def test_connect_gives_up_after_its_timeout(tmp_path: Path) -> None:
    database = tmp_path / "w.duckdb"
    store.connect(database).close()
    holder = hold_write_lock(database, 30)
    try:
        started = time.monotonic()
        with pytest.raises(duckdb.IOException, match="Could not set lock"):
            store.connect(database, lock_timeout_seconds=1)
        assert time.monotonic() - started < 10
    finally:
        holder.kill()
        holder.wait()


@pytest.mark.slow
def test_two_runs_started_together_both_succeed_with_the_tables_of_a_sequential_run(
    samples_landing: Path, clean_run: Path, tmp_path: Path
) -> None:
    together = tmp_path / "warehouse.duckdb"
    runs = [subprocess.Popen(cli_command(samples_landing, together, "--years", year), env=cli_env(),
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for year in YEARS]
    for run in runs:
        _, stderr = run.communicate(timeout=RUN_TIMEOUT_SECONDS)
        assert run.returncode == 0, stderr[-3000:]
    # clean_run is one `perf-etl run --years 2020,2023`: the years one after the other.
    assert snapshot(together, drop=FIRST_SEEN_COLUMNS) == snapshot(clean_run, drop=FIRST_SEEN_COLUMNS)
    assert snapshot(published(together)) == snapshot(published(clean_run))
