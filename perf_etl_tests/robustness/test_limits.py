"""Limits per file: size, pages and time. Over any of them a file is rejected as too_large, not hung on."""

from __future__ import annotations

import shutil
import time
from datetime import datetime, timezone
from pathlib import Path

import pytest

from perf_etl.ingest.ingest import IngestSettings
from perf_etl.ingest.reasons import Reason
from perf_etl.pool import map_with_budget
from perf_etl.settings import Settings, SettingsError
from perf_etl_tests.conftest import SAMPLES
from perf_etl_tests.fixtures.bad_landing import slow_pdf
from perf_etl_tests.landing import ingest_landing

NOW = datetime(2025, 6, 1, tzinfo=timezone.utc)
REPORT = "004_3cc4b0b52db76508"


@pytest.fixture
def landing_with_a_slow_pdf(tmp_path: Path) -> Path:
    (tmp_path / "a slow one.pdf").write_bytes(slow_pdf())
    shutil.copy(SAMPLES / f"{REPORT}.pdf", tmp_path / "report.pdf")
    shutil.copy(SAMPLES / f"{REPORT}.txt", tmp_path / "z-report.txt")
    return tmp_path


@pytest.mark.parametrize("workers", [1, 2])
def test_a_file_over_the_time_budget_is_too_large_and_the_rest_is_read(
    landing_with_a_slow_pdf: Path, workers: int
) -> None:
    started = time.monotonic()
    result = ingest_landing(landing_with_a_slow_pdf, now=NOW,
                            limits=IngestSettings(max_seconds_per_file=2, workers=workers))
    assert time.monotonic() - started < 30  # reading the slow PDF to its end takes minutes
    assert [ingested.document.source_path for ingested in result.accepted] == ["report.pdf"]
    slow, copy = result.rejected
    assert (slow.source_path, slow.reason_code) == ("a slow one.pdf", Reason.TOO_LARGE)
    assert "longer than the 2 s allowed per file (max_seconds_per_file, PERF_ETL_MAX_SECONDS_PER_FILE)" in slow.message
    assert "raise that limit (docs/operations.md" in slow.message
    assert slow.sha256 is not None
    assert (copy.source_path, copy.reason_code) == ("z-report.txt", Reason.DUPLICATE_CONTENT)


def test_the_budget_counts_the_call_not_the_worker_start_up() -> None:
    # A worker imports its function's module (pandas, pdfplumber: about a second) before its first call.
    from perf_etl_tests.robustness.slow_import import IMPORT_SECONDS, double

    budget = IMPORT_SECONDS / 2
    assert map_with_budget(double, [1, 2, 3], workers=2, seconds=budget) == [2, 4, 6]


def test_limits_come_from_the_environment() -> None:
    environment = {"PERF_ETL_MAX_FILE_BYTES": "1000", "PERF_ETL_MAX_PAGES": "3",
                   "PERF_ETL_MAX_SECONDS_PER_FILE": "7.5", "PERF_ETL_INGEST_WORKERS": "0"}
    ingest = Settings.from_environment(environment).ingest
    assert (ingest.max_file_bytes, ingest.max_pages, ingest.max_seconds_per_file, ingest.workers) == (1000, 3, 7.5, 0)
    del environment["PERF_ETL_INGEST_WORKERS"]
    assert Settings.from_environment(environment).ingest.workers is None


def test_a_variable_that_does_not_parse_is_named() -> None:
    with pytest.raises(SettingsError, match=r"PERF_ETL_MAX_PAGES='many': not an integer"):
        Settings.from_environment({"PERF_ETL_MAX_PAGES": "many"})
