"""The marts as Parquet files, Hive-partitioned: <root>/<table>/fiscal_year=YYYY/data.parquet.

The fiscal year is in the folder name, not in the file (what Hive partitioning readers expect: DuckDB's
read_parquet(…, hive_partitioning = true), pyarrow, Spark). Each year's folder is written aside and then
renamed into place, so a reader sees the old year or the new one, never a file being written.
"""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from pathlib import Path

import duckdb

_STAGING = ".publishing"


def _sql_literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def year_dir(root: Path, table: str, year: int) -> Path:
    return root / table / f"fiscal_year={year}"


def write_parquet(conn: duckdb.DuckDBPyConnection, table: str, years: Sequence[int], root: Path) -> None:
    """Replace the years' folders of marts.`table`; a year without rows has no folder."""
    for year in years:
        _replace_year(conn, table, int(year), root)
    shutil.rmtree(root / _STAGING, ignore_errors=True)  # only emptied folders are left there


def _replace_year(conn: duckdb.DuckDBPyConnection, table: str, year: int, root: Path) -> None:
    target = year_dir(root, table, year)
    staged = year_dir(root / _STAGING, table, year)
    shutil.rmtree(staged, ignore_errors=True)
    ((rows,),) = conn.execute(f"SELECT count(*) FROM marts.{table} WHERE fiscal_year = ?", [year]).fetchall()
    if not rows:
        shutil.rmtree(target, ignore_errors=True)
        return
    staged.mkdir(parents=True)
    # COPY takes no parameters: `year` is an int and the path a quoted literal.
    conn.execute(f"COPY (SELECT * EXCLUDE (fiscal_year) FROM marts.{table} WHERE fiscal_year = {year} "
                 f"ORDER BY ALL) TO {_sql_literal(str(staged / 'data.parquet'))} (FORMAT parquet)")
    retired = staged.with_name(f"{staged.name}.old")
    if target.exists():
        target.rename(retired)
    target.parent.mkdir(parents=True, exist_ok=True)
    staged.rename(target)
    shutil.rmtree(retired, ignore_errors=True)
