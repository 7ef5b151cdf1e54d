"""Build the marts (marts.*) of some fiscal years from core and raw, one SQL file per table.

Each table is the output of perf_etl/marts/<table>.sql, run with `$years` bound to the fiscal years being
built; the queries share the macros of macros.sql. The marts tables take their columns from the queries'
output, so the SQL file is the one place a mart's shape is defined, and its header comment documents
the columns (read by `mart_description` / `column_descriptions` for the data dictionary and the UI).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib import resources

import duckdb
import pandas as pd

from perf_etl.extract import confidence
from perf_etl.marts import MART_TABLES
from perf_etl.models import GRADES, MONEY_COLUMNS
from perf_etl.validate import checks
from perf_etl.validate.schemas import MAX_RATE_PCT
from perf_etl.warehouse import store

_SQL_DIR = resources.files("perf_etl.marts")
# "-- Reads: core.reports (and the year before), core.indicators": the tables a mart's rows come from.
_READS = re.compile(r"^--\s+Reads:\s*(?P<reads>.+)$")
_READ_ITEM = re.compile(r"^(?P<table>(?:raw|staging|core)\.\w+)(?P<year_before>\s*\(and the year before\))?$")
_PARAMETER = re.compile(r"\$(\w+)")
_COLUMN_DOC = re.compile(r"^--\s+(\w+)\s{2,}(\S.*)$")

# Thresholds the data_quality query shares with the Python checks, so that the two cannot drift apart.
CHECK_PARAMETERS: Mapping[str, object] = {
    "money_columns": list(MONEY_COLUMNS),
    "max_rate_pct": MAX_RATE_PCT,
    "grades": list(GRADES),
    "rate_tolerance_pct": checks.RATE_TOLERANCE_PCT,
    "split_tolerance_wan": checks.SPLIT_TOLERANCE_WAN,
}
# What the review_queue query shares with perf_etl/extract/confidence.py: the notes it writes and its thresholds.
REVIEW_PARAMETERS: Mapping[str, object] = {
    "conflict_pattern": f"{confidence.CONFLICT_NOTE}|{confidence.TABLE_CONFLICT_NOTE}",
    "low_ocr_confidence": confidence.LOW_OCR_CONFIDENCE,
    "indirect_name_rules": sorted(confidence.INDIRECT_NAME_RULES),
}


@dataclass(frozen=True)
class MartColumn:
    name: str
    type: str  # DuckDB type, e.g. DECIMAL(18,2)
    description: str


@dataclass(frozen=True)
class MartRead:
    """A table a mart reads, for the fiscal year it builds and, with `year_before`, the year before too."""

    table: str  # e.g. core.reports
    year_before: bool


def mart_sql(table: str) -> str:
    return _SQL_DIR.joinpath(f"{table}.sql").read_text(encoding="utf-8")


def mart_reads(table: str) -> tuple[MartRead, ...]:
    """What the "-- Reads:" line of the SQL file's header declares (the asset graph's dependencies)."""
    for line in mart_sql(table).splitlines():
        if not line.startswith("--"):
            break
        if found := _READS.match(line):
            items = [_READ_ITEM.match(item.strip()) for item in found.group("reads").split(",")]
            if not all(items):
                raise ValueError(f"perf_etl/marts/{table}.sql: a table of its Reads line is not raw.*, staging.* "
                                 f"or core.* with an optional '(and the year before)': {found.group('reads')}")
            return tuple(MartRead(m.group("table"), bool(m.group("year_before"))) for m in items if m)
    raise ValueError(f"perf_etl/marts/{table}.sql: its header has no '-- Reads: <tables>' line")


def install_macros(conn: duckdb.DuckDBPyConnection) -> None:
    """The shared macros, as temporary objects of this connection."""
    conn.execute(_SQL_DIR.joinpath("macros.sql").read_text(encoding="utf-8"))


def _run_parameters(sql: str, years: Sequence[int]) -> dict[str, object]:
    # DuckDB refuses parameters a query does not use, so each query gets only those it names.
    available = {"years": [int(year) for year in years], **CHECK_PARAMETERS, **REVIEW_PARAMETERS}
    return {name: available[name] for name in dict.fromkeys(_PARAMETER.findall(sql))}


def query_mart(conn: duckdb.DuckDBPyConnection, table: str, years: Sequence[int]) -> pd.DataFrame:
    """The rows of marts.`table` for `years`, computed from core and raw (macros installed)."""
    sql = mart_sql(table)
    return conn.execute(sql, _run_parameters(sql, years)).df()


def output_columns(conn: duckdb.DuckDBPyConnection, table: str) -> list[tuple[str, str]]:
    """(name, DuckDB type) of the query's output columns (macros installed)."""
    sql = mart_sql(table)
    described = conn.execute(f"DESCRIBE {sql}", _run_parameters(sql, [])).fetchall()
    return [(name, column_type) for name, column_type, *_ in described]


def mart_description(table: str) -> str:
    """The first line of the SQL file's header, after "marts.<table>:"."""
    first_line = mart_sql(table).splitlines()[0]
    return first_line.removeprefix("--").strip().removeprefix(f"marts.{table}:").strip()


def column_descriptions(table: str) -> dict[str, str]:
    """Column name -> description, from the "Columns:" block of the SQL file's header."""
    descriptions = {}
    for line in mart_sql(table).splitlines():
        if not line.startswith("--"):
            break
        match = _COLUMN_DOC.match(line)
        if match:
            descriptions[match.group(1)] = match.group(2)
    return descriptions


def mart_columns(conn: duckdb.DuckDBPyConnection, table: str) -> list[MartColumn]:
    """The columns of a mart with their types and documented descriptions (macros installed)."""
    descriptions = column_descriptions(table)
    return [MartColumn(name, column_type, descriptions.get(name, "")) for name, column_type in
            output_columns(conn, table)]


def ensure_mart_tables(conn: duckdb.DuckDBPyConnection) -> None:
    """Create the marts tables with their query's columns; a column the query gained is added, and one
    whose type changed is altered, so a table built by an older version keeps its other years' rows."""
    install_macros(conn)
    for table in MART_TABLES:
        wanted = output_columns(conn, table)
        existing = dict(conn.execute(
            "SELECT column_name, data_type FROM information_schema.columns "
            "WHERE table_schema = 'marts' AND table_name = ? ORDER BY ordinal_position", [table]).fetchall())
        if not existing:
            columns = ", ".join(f'"{name}" {column_type}' for name, column_type in wanted)
            conn.execute(f"CREATE TABLE marts.{table} ({columns})")
            continue
        for name, column_type in wanted:
            if name not in existing:
                conn.execute(f'ALTER TABLE marts.{table} ADD COLUMN "{name}" {column_type}')
            elif existing[name] != column_type:
                conn.execute(f'ALTER TABLE marts.{table} ALTER COLUMN "{name}" SET DATA TYPE {column_type}')


def build_marts(conn: duckdb.DuckDBPyConnection, years: Sequence[int],
                statements: Sequence[store.Statement] = ()) -> dict[str, pd.DataFrame]:
    """Recompute every mart for `years` and replace those years' rows, in one transaction with `statements`
    (the stage's fingerprints, perf_etl/stages/marts.py).

    Year-over-year columns read the year before each of `years` from core; a missing year gives NULLs.
    Returns the rows written, per table.
    """
    ensure_mart_tables(conn)
    frames = {table: query_mart(conn, table, years) for table in MART_TABLES}
    store.write_partition_with(conn, years, [store.TableWrite(f"marts.{table}", frame)
                                             for table, frame in frames.items()], statements)
    return frames
