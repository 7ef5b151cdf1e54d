"""A run killed with SIGKILL half-way, then run again, leaves the same tables as one clean run."""

from __future__ import annotations

import signal
import subprocess
from pathlib import Path

import duckdb
import pytest

from perf_etl_tests.robustness.runs import (
    FIRST_SEEN_COLUMNS,
    RUN_TIMEOUT_SECONDS,
    YEARS,
    cli_command,
    cli_env,
    published,
    run_cli,
    snapshot,
)

pytestmark = pytest.mark.slow

# Logged by the raw step once raw.* of the run's years are committed (perf_etl/defs/assets/raw.py); the
# staging and core steps of those years are still to come.
RAW_WRITTEN = "raw_documents - fiscal years ["


def run_until_raw_is_written_then_kill(landing: Path, warehouse: Path, *args: str) -> None:
    """Start `perf-etl run`, SIGKILL it as soon as its first raw step has written."""
    process = subprocess.Popen(cli_command(landing, warehouse, *args), env=cli_env(), stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE, text=True)
    seen: list[str] = []
    try:
        for line in process.stderr:  # ends when the process does: a run that never logs fails below
            seen.append(line)
            if RAW_WRITTEN in line:
                process.kill()
                break
    finally:
        process.kill()
        process.wait(timeout=RUN_TIMEOUT_SECONDS)
    assert process.returncode == -signal.SIGKILL, "".join(seen)[-3000:]


def years_in(warehouse: Path, table: str) -> set[int]:
    with duckdb.connect(str(warehouse), read_only=True) as conn:
        return {year for (year,) in conn.execute(f"SELECT DISTINCT fiscal_year FROM {table}").fetchall()}


def test_kill_then_rerun_gives_the_tables_of_one_clean_run(samples_landing: Path, clean_run: Path,
                                                            tmp_path: Path) -> None:
    crashed = tmp_path / "warehouse.duckdb"
    years = ("--years", ",".join(YEARS))
    run_until_raw_is_written_then_kill(samples_landing, crashed, *years)
    written, reported = years_in(crashed, "raw.documents"), years_in(crashed, "core.reports")
    assert written and not written <= reported, "the kill was not half-way: nothing or everything was written"

    rerun = run_cli(samples_landing, crashed, *years)
    assert rerun.returncode == 0, rerun.stderr[-3000:]
    assert snapshot(crashed, drop=FIRST_SEEN_COLUMNS) == snapshot(clean_run, drop=FIRST_SEEN_COLUMNS)
    assert snapshot(published(crashed)) == snapshot(published(clean_run))
