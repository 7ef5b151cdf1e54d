"""One copy of the samples and one clean run of two of its years, shared by the crash and concurrency
tests (each `perf-etl run` costs some 15 s, most of it Dagster's start-up)."""

from __future__ import annotations

from pathlib import Path

import pytest

from perf_etl_tests.robustness.runs import YEARS, copy_samples, run_cli


@pytest.fixture(scope="session")
def samples_landing(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_samples(tmp_path_factory.mktemp("samples") / "landing")


@pytest.fixture(scope="session")
def clean_run(samples_landing: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The warehouse of one uninterrupted `perf-etl run --years 2020,2023` of the samples."""
    warehouse = tmp_path_factory.mktemp("clean") / "warehouse.duckdb"
    run = run_cli(samples_landing, warehouse, "--years", ",".join(YEARS))
    assert run.returncode == 0, run.stderr[-3000:]
    return warehouse
