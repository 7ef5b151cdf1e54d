"""The DuckDB warehouse: connection, schema, and idempotent fiscal-year partition writes.

A partition write deletes the rows of the given fiscal years (and, for tables one stage shares with
another, only that stage's slice) and inserts the new rows, all in one transaction: a run killed half-way
leaves the previous state, and running a partition twice gives identical tables. A stage that works
through its documents in batches (so that its memory does not grow with the number of documents) writes
them with `partition_writer`: the same one transaction, the rows inserted batch after batch.
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

from perf_etl.models import FIELD_KINDS, REPORT_FIELDS

SCHEMA_SQL = resources.files("perf_etl.warehouse").joinpath("schema.sql")
# How long a connection waits for another process to release the warehouse file (see `connect`). A
# partition run holds it for seconds at a time; ten minutes covers a whole queue of them.
# Columns that record when a run saw or wrote a row, not what the row says: a re-run changes only these.
RUN_TIME_COLUMNS = ("ingested_at", "detected_at", "recorded_at", "read_at", "record", "extracted_at",
                    "evaluated_at")
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
    _ensure_reports_table(conn)


def _ensure_reports_table(conn: duckdb.DuckDBPyConnection) -> None:
    """core.reports from its field declarations (perf_etl/models.py): the table, and in a warehouse made before
    a field was declared, its column (core is derived: the next run fills it)."""
    columns = ",\n".join(f"    {f.name} {FIELD_KINDS[f.kind][0]}{'' if f.nullable else ' NOT NULL'}"
                          for f in REPORT_FIELDS)
    conn.execute(f"CREATE TABLE IF NOT EXISTS core.reports (\n{columns}\n)")
    have = {name for (name,) in conn.execute(
        "SELECT column_name FROM duckdb_columns() WHERE schema_name = 'core' AND table_name = 'reports'").fetchall()}
    for declared in REPORT_FIELDS:
        if declared.name not in have:
            conn.execute(f"ALTER TABLE core.reports ADD COLUMN {declared.name} {FIELD_KINDS[declared.kind][0]}")


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


class PartitionWriter:
    """Inserts rows batch after batch into the tables of an open `partition_writer` transaction."""

    def __init__(self, conn: duckdb.DuckDBPyConnection, tables: Sequence[str]) -> None:
        self._conn = conn
        self._tables = set(tables)
        self._statements: list[Statement] = []

    def insert(self, table: str, frame: pd.DataFrame) -> None:
        """Append `frame`'s rows to `table` (one of the writer's tables), columns by name."""
        if table not in self._tables:
            raise ValueError(f"{table} is not one of the tables this write replaces: {sorted(self._tables)}")
        if frame.empty:
            return
        # Not a registered view: inside a transaction DuckDB keeps an unregistered view's converted strings
        # until the commit (the whole step's text, measured), while a replacement scan of this local frees
        # them with the statement. BY NAME: a column the table lacks is an error, one the frame lacks NULL.
        incoming_batch_rows = frame  # noqa: F841  (read by DuckDB by its name)
        self._conn.execute(f"INSERT INTO {table} BY NAME SELECT * FROM incoming_batch_rows")

    def record(self, statements: Sequence[Statement]) -> None:
        """Run `statements` just before the commit (fingerprints, which may depend on how the batches went)."""
        self._statements.extend(statements)

    def _finish(self) -> None:
        for sql, parameters in self._statements:
            self._conn.execute(sql, list(parameters))


# DuckDB's memory limit while a `partition_writer` transaction is open. DuckDB holds a transaction's new rows
# in memory up to its limit (by default 80 % of RAM) and only then spills them to its temporary directory,
# so without this a step writing a whole run's texts in one transaction grows with them after all.
WRITE_MEMORY_LIMIT = "256MB"


@contextlib.contextmanager
def partition_writer(
    conn: duckdb.DuckDBPyConnection, years: Sequence[int], writes: Sequence[TableWrite],
) -> Iterator[PartitionWriter]:
    """`write_partition_with`, with the rows given batch by batch: one transaction deletes the fiscal years'
    rows of every table in `writes` (and inserts their frames, usually empty), then takes the rows of
    `writer.insert` and the statements of `writer.record`, and commits when the block ends. An error
    anywhere in the block rolls everything back: the previous rows (and their fingerprints) stay. Reading
    other tables through `conn` inside the block is fine. DuckDB's memory limit is `WRITE_MEMORY_LIMIT`
    meanwhile, and its default after."""
    writer = PartitionWriter(conn, [write.table for write in writes])
    conn.execute(f"SET memory_limit = '{WRITE_MEMORY_LIMIT}'")
    try:
        with transaction(conn):
            for write in writes:
                predicate, params = _partition_predicate(write, years)
                conn.execute(f"DELETE FROM {write.table} WHERE {predicate}", params)
                writer.insert(write.table, write.frame)
            yield writer
            writer._finish()
    finally:
        # Back to DuckDB's default (nothing here sets another; the shown value is rounded, so not restorable).
        conn.execute("RESET memory_limit")


# Documents a batch-wise stage (tables, staging, core) holds at once: bounds its memory (about 10 pages of
# text a document) whatever the number of documents of a run, at the cost of one read of its inputs and a
# pause of its worker processes per batch.
DOCUMENTS_PER_BATCH = 500


def document_ids(conn: duckdb.DuckDBPyConnection, table: str, years: Sequence[int]) -> list[str]:
    """The distinct document_ids of `table` in the fiscal years, in order: the order stages write in."""
    predicate, params = _partition_predicate(TableWrite(table, pd.DataFrame()), years)
    rows = conn.execute(f"SELECT DISTINCT document_id FROM {table} WHERE {predicate} ORDER BY document_id",
                        params).fetchall()
    return [document_id for (document_id,) in rows]


def document_batches(ids: Sequence[str], size: int | None = None) -> Iterator[list[str]]:
    """Consecutive batches of `ids`, `DOCUMENTS_PER_BATCH` (read when called) or `size` at a time."""
    size = max(1, size or DOCUMENTS_PER_BATCH)
    for start in range(0, len(ids), size):
        yield list(ids[start:start + size])


def _documents_predicate(predicate: str, params: list[object],
                         ids: Sequence[str] | None) -> tuple[str, list[object]]:
    if ids is None:
        return predicate, params
    if not ids:
        return f"{predicate} AND false", params
    # The range lets DuckDB skip row groups by their min/max (batches are ranges of the sorted ids); the
    # IN list is a hash join, not a scan of the list per row.
    return (f"{predicate} AND document_id BETWEEN ? AND ? AND document_id IN (SELECT unnest(?::VARCHAR[]))",
            [*params, min(ids), max(ids), list(ids)])


def read_partition(
    conn: duckdb.DuckDBPyConnection,
    table: str,
    years: Sequence[int],
    *,
    include_null_year: bool = False,
    where: Mapping[str, str] | None = None,
    document_ids: Sequence[str] | None = None,
) -> pd.DataFrame:
    """The rows of the fiscal years (of `document_ids` only, when given), in a stable order."""
    write = TableWrite(table, pd.DataFrame(), dict(where or {}), include_null_year)
    predicate, params = _documents_predicate(*_partition_predicate(write, years), document_ids)
    return conn.execute(f"SELECT * FROM {table} WHERE {predicate} ORDER BY ALL", params).df()


def ocr_page_confidence(conn: duckdb.DuckDBPyConnection, years: Sequence[int], *,
                        document_ids: Sequence[str] | None = None) -> pd.DataFrame:
    """document_id, page_number, ocr_confidence of the fiscal years' raw.pages read by OCR (of
    `document_ids` only, when given)."""
    predicate, params = _documents_predicate(
        *_partition_predicate(TableWrite("raw.pages", pd.DataFrame()), years), document_ids)
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
