"""The DuckDB warehouse: connection, schema, and idempotent fiscal-year partition writes.

A partition write deletes the rows of the given fiscal years (and, for tables one stage shares with
another, only that stage's slice) and inserts the new rows, all in one transaction: a run killed half-way
leaves the previous state, and running a partition twice gives identical tables.
"""

from __future__ import annotations

import contextlib
import random
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import duckdb
import pandas as pd

SCHEMA_SQL = resources.files("perf_etl.warehouse").joinpath("schema.sql")
# How long a connection waits for another process to release the warehouse file (see `connect`). A
# partition run holds it for seconds at a time; ten minutes covers a whole queue of them.
DEFAULT_LOCK_TIMEOUT_SECONDS = 600.0
_FIRST_LOCK_PAUSE_SECONDS = 0.05
_MAX_LOCK_PAUSE_SECONDS = 1.0


@dataclass(frozen=True)
class TableWrite:
    """Rows to put in `table` for the partition's fiscal years.

    `slice_filter` narrows what is replaced to rows with these column values (raw.rejected_files is
    shared by stages: the validate stage replaces only its own rows). `include_null_year` also replaces
    rows whose fiscal_year is null (files whose year is unknown are recorded by every ingest run).
    """

    table: str
    frame: pd.DataFrame
    slice_filter: Mapping[str, str] = field(default_factory=dict)
    include_null_year: bool = False


def connect(
    path: str | Path, *, read_only: bool = False, lock_timeout_seconds: float = DEFAULT_LOCK_TIMEOUT_SECONDS
) -> duckdb.DuckDBPyConnection:
    """Open the warehouse file, creating it and its schema when writable.

    While another process has the file open for writing, DuckDB refuses every other process, readers
    included. Two runs started together (two `perf-etl run`, which the Dagster pool does not see) then
    take turns: this waits for the lock, with growing pauses, up to `lock_timeout_seconds`, and raises
    DuckDB's own error after that.
    """
    if not read_only:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    conn = _connect_when_unlocked(str(path), read_only, lock_timeout_seconds)
    if not read_only:
        ensure_schema(conn)
    return conn


def _connect_when_unlocked(path: str, read_only: bool, timeout_seconds: float) -> duckdb.DuckDBPyConnection:
    deadline = time.monotonic() + timeout_seconds
    pause = _FIRST_LOCK_PAUSE_SECONDS
    while True:
        try:
            return duckdb.connect(path, read_only=read_only)
        except duckdb.IOException as error:
            remaining = deadline - time.monotonic()
            if not _is_lock_conflict(error) or remaining <= 0:
                raise
            # Jitter: two waiting processes must not retry in lockstep and starve each other.
            time.sleep(min(remaining, pause * random.uniform(0.5, 1.0)))
            pause = min(pause * 2, _MAX_LOCK_PAUSE_SECONDS)


def _is_lock_conflict(error: duckdb.IOException) -> bool:
    return "Could not set lock on file" in str(error)


def ensure_schema(conn: duckdb.DuckDBPyConnection) -> None:
    conn.execute(SCHEMA_SQL.read_text(encoding="utf-8"))


@contextlib.contextmanager
def transaction(conn: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    conn.execute("BEGIN TRANSACTION")
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def _partition_predicate(write: TableWrite, years: Sequence[int]) -> tuple[str, list[object]]:
    placeholders = ", ".join("?" for _ in years) or "NULL"
    year_clause = f"fiscal_year IN ({placeholders})"
    if write.include_null_year:
        year_clause = f"({year_clause} OR fiscal_year IS NULL)"
    clauses = [year_clause] + [f"{column} = ?" for column in write.slice_filter]
    return " AND ".join(clauses), [*years, *write.slice_filter.values()]


def write_partition(conn: duckdb.DuckDBPyConnection, years: Sequence[int], writes: Sequence[TableWrite]) -> None:
    """Replace the fiscal years' rows of every table in `writes`, atomically."""
    write_partition_with(conn, years, writes, ())


Statement = tuple[str, Sequence[object]]  # SQL and its parameters


def write_partition_with(
    conn: duckdb.DuckDBPyConnection, years: Sequence[int], writes: Sequence[TableWrite], statements: Sequence[Statement]
) -> None:
    """`write_partition`, then `statements` in the same transaction: what must be true exactly when the
    rows are (the inputs they were computed from, perf_etl/warehouse/fingerprints.py)."""
    views = [f"incoming_rows_{i}" for i in range(len(writes))]
    # Registered outside the transaction: unregistering inside an aborted one would hide the real error.
    for view, write in zip(views, writes, strict=True):
        if not write.frame.empty:
            conn.register(view, write.frame)
    try:
        with transaction(conn):
            for view, write in zip(views, writes, strict=True):
                predicate, params = _partition_predicate(write, years)
                conn.execute(f"DELETE FROM {write.table} WHERE {predicate}", params)
                if not write.frame.empty:
                    # BY NAME: a column the table lacks is an error, a column the frame lacks is NULL.
                    conn.execute(f"INSERT INTO {write.table} BY NAME SELECT * FROM {view}")
            for sql, parameters in statements:
                conn.execute(sql, list(parameters))
    finally:
        for view, write in zip(views, writes, strict=True):
            if not write.frame.empty:
                conn.unregister(view)


def read_partition(
    conn: duckdb.DuckDBPyConnection,
    table: str,
    years: Sequence[int],
    *,
    include_null_year: bool = False,
    where: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """The rows of the fiscal years, in a stable order."""
    write = TableWrite(table, pd.DataFrame(), dict(where or {}), include_null_year)
    predicate, params = _partition_predicate(write, years)
    return conn.execute(f"SELECT * FROM {table} WHERE {predicate} ORDER BY ALL", params).df()


def ocr_page_confidence(conn: duckdb.DuckDBPyConnection, years: Sequence[int]) -> pd.DataFrame:
    """document_id, page_number, ocr_confidence of the fiscal years' raw.pages read by OCR."""
    predicate, params = _partition_predicate(TableWrite("raw.pages", pd.DataFrame()), years)
    return conn.execute("SELECT document_id, page_number, ocr_confidence FROM raw.pages "
                        f"WHERE {predicate} AND ocr_confidence IS NOT NULL ORDER BY ALL", params).df()


def read_partition_count(conn: duckdb.DuckDBPyConnection, table: str, years: Sequence[int]) -> int:
    """How many rows `table` holds for the fiscal years."""
    predicate, params = _partition_predicate(TableWrite(table, pd.DataFrame()), years)
    return conn.execute(f"SELECT count(*) FROM {table} WHERE {predicate}", params).fetchone()[0]


def carry_over_timestamps(
    conn: duckdb.DuckDBPyConnection, table: str, frame: pd.DataFrame, keys: Sequence[str], column: str
) -> pd.DataFrame:
    """Keep the first-seen time of rows already stored, so that a re-run writes identical rows."""
    if frame.empty:
        return frame
    key_list = ", ".join(keys)
    # Stored times come back as the frame holds them: time-zone aware (in the frame's zone) when the frame's
    # are, else naive. A mix of the two in one column is not a timestamp column any more and cannot be
    # inserted; it happens whenever some rows are carried over and others are new.
    zone = getattr(frame[column].dtype, "tz", None)
    as_aware = "::TIMESTAMPTZ" if zone is not None else ""
    stored = conn.execute(
        f"SELECT {key_list}, min({column}){as_aware} AS stored_at FROM {table} GROUP BY {key_list}"
    ).df()
    if stored.empty:
        return frame
    if zone is not None:
        stored["stored_at"] = stored["stored_at"].dt.tz_convert(zone)
    merged = frame.merge(stored, on=list(keys), how="left")
    merged[column] = merged["stored_at"].where(merged["stored_at"].notna(), merged[column])
    return merged.drop(columns="stored_at")
