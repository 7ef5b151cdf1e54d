"""raw.table_cells: the cells of the self-evaluation tables (自评表) of the fiscal years' documents.

Ingestion reads a document's tables with its text (perf_etl/ingest/readers.py), so no file is opened here: the
cells are copied from the read cache, for the years whose raw rows changed since their cells were written.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import duckdb
import pandas as pd

from perf_etl.grid import empty_cells
from perf_etl.settings import Settings
from perf_etl.stages.common import SILENT, StageLog, plan_years, record_statements
from perf_etl.stages.fingerprints import TABLES_ASSETS, YearPlan
from perf_etl.warehouse import read_cache, store

ASSETS = TABLES_ASSETS
PREVIEW_ROWS = 20


@dataclass(frozen=True)
class TablesResult:
    """What raw.table_cells holds for the years computed: counts, and its first rows."""

    plan: YearPlan
    rows: int
    tables: int
    documents: int
    preview: pd.DataFrame


def run(settings: Settings, years: Sequence[int], log: StageLog = SILENT) -> TablesResult:
    with store.connect(settings.warehouse) as conn:
        plan = plan_years(conn, "tables", ASSETS, years, settings, log)
        if plan.changed:
            store.write_partition_with(conn, plan.changed, [store.TableWrite("raw.table_cells", empty_cells())],
                                       [read_cache.cells_insert(plan.changed), *record_statements(plan, ASSETS)])
        result = _written(conn, plan)
    if plan.changed:
        log.info(f"fiscal years {plan.changed}: {result.tables} tables in {result.documents} documents")
    return result


def _written(conn: duckdb.DuckDBPyConnection, plan: YearPlan) -> TablesResult:
    years = plan.changed
    placeholders = ", ".join("?" for _ in years) or "NULL"
    where = f"FROM raw.table_cells WHERE fiscal_year IN ({placeholders})"
    rows, tables, documents = conn.execute(
        f"SELECT count(*), count(DISTINCT (document_id, table_index)), count(DISTINCT document_id) {where}", years
    ).fetchone()
    preview = conn.execute(f"SELECT document_id, page_number, table_index, row_index, column_index, text {where} "
                           f"ORDER BY document_id, table_index, row_index, column_index LIMIT {PREVIEW_ROWS}",
                           years).df()
    return TablesResult(plan, rows, tables, documents, preview)
