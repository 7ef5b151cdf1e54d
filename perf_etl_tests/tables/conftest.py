"""The table fixtures, written once per test session."""

from __future__ import annotations

from pathlib import Path

import pytest

from perf_etl_tests.fixtures.table_pdfs import FIXTURES, write_fixture


@pytest.fixture(scope="session")
def table_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("table_fixtures")
    return {name: write_fixture(name, folder) for name in FIXTURES}
