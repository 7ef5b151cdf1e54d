"""Shared fixtures: the bundled sample reports."""

from __future__ import annotations

import os
import shutil
from datetime import datetime
from pathlib import Path

import pandas as pd
import pytest

from perf_etl.grid import cells_frame, empty_cells
from perf_etl.models import RawDocument, records_frame
from perf_etl_tests.landing import ingest_landing

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "data" / "samples"
SAMPLE_IDS = ["000_c00e73963f41166b", "001_0b37341ce517e90b", "002_fa04becc64be89b5", "003_9525dc9db79afe20",
              "004_3cc4b0b52db76508"]
# Fiscal years of the samples, read from the documents (003 is titled 2022 and evaluates 2021).
SAMPLE_FISCAL_YEARS = dict(zip(SAMPLE_IDS, [2024, 2020, 2023, 2021, 2023], strict=True))
# Beside them in data/samples, not a published report (scripts/derive_sample.py): 003 moved one year on, so
# that one department has two years. Not in SAMPLE_IDS, which are the real samples.
DERIVED_SAMPLE_FISCAL_YEARS = {"005_derived_from_003": 2022}
LANDING_FISCAL_YEARS = {**SAMPLE_FISCAL_YEARS, **DERIVED_SAMPLE_FISCAL_YEARS}  # every PDF of data/samples


def raw_frames_in_memory(landing: Path, now: datetime) -> dict[str, pd.DataFrame]:
    """raw.documents, raw.pages and raw.table_cells rows of a landing folder, read in this process without
    a warehouse."""
    accepted = ingest_landing(landing, now=now).accepted
    pages = pd.DataFrame([{"document_id": f.document.document_id, "fiscal_year": f.document.fiscal_year,
                           "page_number": p.page_number, "text": p.text} for f in accepted for p in f.pages])
    cells = pd.concat([empty_cells(), *(cells_frame(f.document.document_id, f.document.fiscal_year, f.tables)
                                        for f in accepted if f.tables)], ignore_index=True)
    return {"documents": records_frame([f.document for f in accepted], RawDocument), "pages": pages, "cells": cells}


@pytest.fixture
def pdf_landing(tmp_path: Path) -> Path:
    """A landing folder holding the five sample PDFs."""
    landing = tmp_path / "landing"
    landing.mkdir()
    for sample in SAMPLE_IDS:
        shutil.copy(SAMPLES / f"{sample}.pdf", landing)
    return landing


@pytest.fixture(autouse=True, scope="session")
def _unpacked_archives_in_a_temporary_folder(tmp_path_factory: pytest.TempPathFactory):
    """Landing archives are unpacked beside the warehouse by default (settings.unpack_dir): in tests, into a
    temporary folder instead of the work tree. Set in the environment, so that worker processes see it too."""
    if "PERF_ETL_UNPACK_DIR" in os.environ:
        yield
        return
    os.environ["PERF_ETL_UNPACK_DIR"] = str(tmp_path_factory.mktemp("unpacked"))
    yield
    del os.environ["PERF_ETL_UNPACK_DIR"]
