"""Shared fixtures: the bundled sample reports."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "data" / "samples"
SAMPLE_IDS = ["000_c00e73963f41166b", "001_0b37341ce517e90b", "002_fa04becc64be89b5", "003_9525dc9db79afe20",
              "004_3cc4b0b52db76508"]
# Fiscal years of the samples, read from the documents (003 is titled 2022 and evaluates 2021).
SAMPLE_FISCAL_YEARS = dict(zip(SAMPLE_IDS, [2024, 2020, 2023, 2021, 2023], strict=True))


@pytest.fixture
def pdf_landing(tmp_path: Path) -> Path:
    """A landing folder holding the five sample PDFs."""
    landing = tmp_path / "landing"
    landing.mkdir()
    for sample in SAMPLE_IDS:
        shutil.copy(SAMPLES / f"{sample}.pdf", landing)
    return landing
