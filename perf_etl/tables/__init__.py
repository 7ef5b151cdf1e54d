"""The self-evaluation tables (自评表) of a document, read as tables rather than as flattened text.

A stage of its own, between ingest and core: `document_cells` re-opens an accepted file (only the pages
whose text shows a table header, and the page after each), reads its ruled tables, and returns the
raw.table_cells rows; `perf_etl.tables.rows` turns those into indicators, score components and totals.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from perf_etl.ingest.pool import CallFailed, OverBudget
from perf_etl.models import PageText
from perf_etl.parallel import Parallelism, Progress, WorkerPool, map_batches
from perf_etl.tables.docx import read_docx_tables
from perf_etl.tables.find import candidate_pages
from perf_etl.tables.grid import TABLE_CELL_COLUMNS, TableGrid, cells_frame
from perf_etl.tables.pdf import read_pdf_tables

log = logging.getLogger(__name__)


def read_tables(data: bytes, source_format: str, pages: Sequence[PageText]) -> list[TableGrid]:
    """The tables of a file's bytes; a text file has none."""
    if source_format == "pdf":
        wanted = candidate_pages(pages)
        return read_pdf_tables(data, wanted) if wanted else []
    if source_format == "docx":
        return read_docx_tables(data)
    return []


def document_cells(path: Path, document_id: str, fiscal_year: int | None, source_format: str,
                   pages: Sequence[PageText]) -> pd.DataFrame:
    """raw.table_cells rows of one file. A file that changed since ingestion (other bytes than the
    document_id's) or that the table reader fails on has no rows: the report is then read from its prose
    alone, which is what it had before tables were read, so a table problem never loses a report."""
    try:
        data = path.read_bytes()
        if hashlib.sha256(data).hexdigest() != document_id:
            log.warning("%s changed since it was ingested; its tables are not read until the next ingest", path)
            return empty_cells()
        return cells_frame(document_id, fiscal_year, read_tables(data, source_format, pages))
    except Exception:  # a table reader bug must not take the partition down
        log.exception("reading the tables of %s failed; the report is read from its text alone", path)
        return empty_cells()


def table_cells_stage(landing: Path, documents: pd.DataFrame, pages: pd.DataFrame, *,
                      parallel: Parallelism | None = None, progress: Progress | None = None,
                      failed: list[str] | None = None, pool: WorkerPool | None = None) -> pd.DataFrame:
    """raw.table_cells rows of every raw document of the frames (raw.documents, raw.pages rows), read in
    worker processes (`parallel`, default from PERF_ETL_WORKERS, or `pool`'s, kept between calls) with the
    same rows in the same order as in one process; for a batch of documents, that batch's part of the
    whole. A document whose worker process died has no rows (as when its reader raises); its id is
    appended to `failed`, so that the caller can tell "no tables" from "not read"."""
    texts = {
        document_id: [PageText(int(p.page_number), str(p.text)) for p in group.itertuples()]
        for document_id, group in pages.groupby("document_id")
    }
    work = [
        (landing / str(row.source_path), str(row.document_id),
         None if pd.isna(row.fiscal_year) else int(row.fiscal_year), str(row.source_format),
         texts.get(row.document_id, []))
        for row in documents.sort_values("document_id").itertuples()
    ]
    frames = []
    results = map_batches(_cells_batch, work, parallel=parallel, progress=progress, pool=pool)
    for item, result in zip(work, results, strict=True):
        if isinstance(result, CallFailed | OverBudget):
            log.error("reading the tables of %s failed (%s); the report is read from its text alone", item[0],
                      result)
            if failed is not None:
                failed.append(item[1])
        elif not result.empty:
            frames.append(result)
    return pd.concat(frames, ignore_index=True) if frames else empty_cells()


def _cells_batch(batch: list[tuple[Path, str, int | None, str, list[PageText]]]) -> list[pd.DataFrame]:
    return [document_cells(*item) for item in batch]


def empty_cells() -> pd.DataFrame:
    return pd.DataFrame(columns=TABLE_CELL_COLUMNS)
