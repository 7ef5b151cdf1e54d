"""The review page's copy (`perf-etl review`, perf_etl/review/page.py): a DuckDB file of its own beside the
published marts, never the working warehouse, so that the page never holds a lock a run needs.

The published marts hold neither the reports' text nor the evidence, and the page needs both to show each
value at its words; a BI tool needs neither. So this copy holds, per fiscal year:

- `review_queue`: marts.review_queue;
- `documents`: staging.documents (text and page starts, which the evidence offsets point into) with the file
  name, report title and department name;
- `evidence`: core.field_evidence.

Publishing some years copies the file aside, replaces those years' rows there and renames the copy into place,
so that a page reading the file sees the old years or the new ones, never a half-written file.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Sequence
from pathlib import Path

import duckdb

# table of the copy -> the query of the warehouse that fills it (for `years`).
COPY_TABLES: dict[str, str] = {
    "review_queue": "SELECT * FROM marts.review_queue WHERE list_contains($years, fiscal_year)",
    # One row per report (a file of several has a row for each, with the file's whole text: evidence offsets
    # are the file's); a document core holds no report of has its own row, report_id = document_id.
    "documents": """
        SELECT coalesce(reports.report_id, staging.document_id) AS report_id, staging.document_id,
            reports.report_ordinal, staging.fiscal_year, staging.text, staging.char_count, staging.page_starts,
            raw.file_name, raw.source_path, reports.report_title, reports.department_name, reports.project_name
        FROM staging.documents AS staging
        LEFT JOIN raw.documents AS raw USING (document_id)
        LEFT JOIN core.reports AS reports USING (document_id)
        WHERE list_contains($years, staging.fiscal_year)""",
    "evidence": "SELECT * FROM core.field_evidence WHERE list_contains($years, fiscal_year)",
}
_ALIAS = "review_copy"


def publish_review_copy(conn: duckdb.DuckDBPyConnection, years: Sequence[int], path: Path) -> dict[str, int]:
    """Replace the years' rows of every table of the copy at `path` (created when missing). Returns the rows
    written per table."""
    path.parent.mkdir(parents=True, exist_ok=True)
    aside = path.with_name(f".{path.name}.publishing")
    aside.unlink(missing_ok=True)
    if path.exists():
        shutil.copyfile(path, aside)
    years = [int(year) for year in years]
    counts: dict[str, int] = {}
    conn.execute(f"ATTACH '{_quoted(aside)}' AS {_ALIAS}")
    try:
        for table, query in COPY_TABLES.items():
            conn.execute(f"CREATE TABLE IF NOT EXISTS {_ALIAS}.{table} AS SELECT * FROM ({query}) LIMIT 0",
                         {"years": years})
            _add_missing_columns(conn, table, query)
            conn.execute(f"DELETE FROM {_ALIAS}.{table} WHERE list_contains($years, fiscal_year)", {"years": years})
            conn.execute(f"INSERT INTO {_ALIAS}.{table} BY NAME {query}", {"years": years})
            (counts[table],) = conn.execute(f"SELECT count(*) FROM {_ALIAS}.{table} WHERE list_contains($years, "
                                            "fiscal_year)", {"years": years}).fetchone()
    except BaseException:
        conn.execute(f"DETACH {_ALIAS}")
        aside.unlink(missing_ok=True)
        raise
    conn.execute(f"DETACH {_ALIAS}")
    os.replace(aside, path)
    return counts


def _add_missing_columns(conn: duckdb.DuckDBPyConnection, table: str, query: str) -> None:
    """A column the warehouse gained since the copy's table was made (the copy keeps its other years)."""
    wanted = conn.execute(f"DESCRIBE ({query})", {"years": []}).fetchall()
    have = {name for name, *_ in conn.execute(f"DESCRIBE {_ALIAS}.{table}").fetchall()}
    for name, column_type, *_ in wanted:
        if name not in have:
            conn.execute(f'ALTER TABLE {_ALIAS}.{table} ADD COLUMN "{name}" {column_type}')


def _quoted(path: Path) -> str:
    return str(path).replace("'", "''")
