from __future__ import annotations

from datetime import datetime, timezone

import pytest

from perf_etl.ingest.readers import ReadResult, read_document

from .factory import SAMPLE_NAMES, SAMPLES


@pytest.fixture
def now() -> datetime:
    return datetime(2025, 6, 1, 9, 30, tzinfo=timezone.utc)


@pytest.fixture(scope="session")
def sample_pdfs() -> dict[str, ReadResult]:
    """The five rendered sample PDFs, read once for all tests (about a second)."""
    return {name: read_document(SAMPLES / f"{name}.pdf") for name in SAMPLE_NAMES}
