"""The marts copied into a database through SQLAlchemy (PostgreSQL, a DuckDB file, …), for BI tools.

Each mart becomes a table of the same name in the target's default schema, with portable column types
taken from the warehouse table (DECIMAL -> NUMERIC, INTEGER -> INTEGER, VARCHAR -> TEXT). Publishing
some years deletes and inserts those years' rows of every table in one transaction.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
from collections.abc import Iterator, Sequence
from pathlib import Path

import duckdb
import sqlalchemy as sa

_DECIMAL = re.compile(r"DECIMAL\((\d+),\s*(\d+)\)")
_TYPES: dict[str, type[sa.types.TypeEngine]] = {
    "INTEGER": sa.Integer,
    "BIGINT": sa.BigInteger,
    "DOUBLE": sa.Double,
    "VARCHAR": sa.Text,
    "BOOLEAN": sa.Boolean,
    "DATE": sa.Date,
    "TIMESTAMP": sa.DateTime,
}


def sqlalchemy_type(duckdb_type: str) -> sa.types.TypeEngine:
    decimal = _DECIMAL.fullmatch(duckdb_type)
    if decimal:
        return sa.Numeric(int(decimal.group(1)), int(decimal.group(2)))
    if duckdb_type not in _TYPES:
        raise ValueError(f"no SQLAlchemy type for DuckDB type {duckdb_type}; add one to perf_etl/publish/database.py")
    return _TYPES[duckdb_type]()


def published_table(conn: duckdb.DuckDBPyConnection, table: str) -> sa.Table:
    """The target table of marts.`table`, with the warehouse table's columns."""
    columns = conn.execute(
        "SELECT column_name, data_type FROM information_schema.columns "
        "WHERE table_schema = 'marts' AND table_name = ? ORDER BY ordinal_position", [table]).fetchall()
    if not columns:
        raise ValueError(f"marts.{table} does not exist in the warehouse; build the marts first")
    return sa.Table(table, sa.MetaData(), *(sa.Column(name, sqlalchemy_type(kind)) for name, kind in columns))


def publish_to_database(conn: duckdb.DuckDBPyConnection, tables: Sequence[str], years: Sequence[int],
                        url: str) -> None:
    """Replace the years' rows of each marts table in the database at `url`, all in one transaction."""
    years = [int(year) for year in years]
    with _writable(sa.make_url(url)) as target_url:
        staged = _stage_rows(conn, tables, years, target_url)
        engine = sa.create_engine(target_url)
        try:
            with engine.begin() as target:
                for table in tables:
                    _replace_years(conn, target, published_table(conn, table), years, staged)
        finally:
            engine.dispose()  # closes the connections: a DuckDB file is only complete once closed


def _rows_query(table: str, names: Sequence[str]) -> str:
    selected = ", ".join(f'"{name}"' for name in names)
    return f"SELECT {selected} FROM marts.{table} WHERE list_contains(?, fiscal_year) ORDER BY ALL"


def _staged_name(table: str) -> str:
    return f"_publishing_{table}"


def _stage_rows(conn: duckdb.DuckDBPyConnection, tables: Sequence[str], years: list[int], url: sa.URL) -> bool:
    """For a DuckDB file, copy the years' rows into tables of their own in it, DuckDB to DuckDB: through the
    driver, row by row, a mart of 5,000 rows takes a second. The transaction then moves them from there.
    Returns whether the rows were staged (not for other databases)."""
    path = _duckdb_file(url)
    if path is None:
        return False
    conn.execute(f"ATTACH '{_quoted(path)}' AS publishing")
    try:
        for table in tables:
            names = [column.name for column in published_table(conn, table).columns]
            conn.execute(f'CREATE OR REPLACE TABLE publishing."{_staged_name(table)}" AS {_rows_query(table, names)}',
                         [years])
    finally:
        conn.execute("DETACH publishing")
    return True


def _replace_years(conn: duckdb.DuckDBPyConnection, target: sa.Connection, table: sa.Table,
                   years: list[int], staged: bool) -> None:
    table.create(target, checkfirst=True)
    _add_missing_columns(target, table)
    target.execute(table.delete().where(table.c.fiscal_year.in_(years)))
    names = [column.name for column in table.columns]
    if staged:
        quote = target.dialect.identifier_preparer.quote
        selected = ", ".join(quote(name) for name in names)
        staged_table = quote(_staged_name(table.name))
        target.execute(sa.text(f"INSERT INTO {quote(table.name)} ({selected}) SELECT {selected} FROM {staged_table}"))
        target.execute(sa.text(f"DROP TABLE {staged_table}"))
        return
    # fetchall gives Python values (Decimal, int, str, None) that every driver takes as they are.
    rows = conn.execute(_rows_query(table.name, names), [years]).fetchall()
    if rows:
        target.execute(table.insert(), [dict(zip(names, row, strict=True)) for row in rows])


def _add_missing_columns(target: sa.Connection, table: sa.Table) -> None:
    """A column a mart gained since the target table was created (marts may add columns, see the contract)."""
    # The columns of an empty result, not the Inspector: duckdb-engine's reflection queries fail on DuckDB.
    existing = set(target.execute(sa.select(sa.text("*")).select_from(sa.table(table.name)).limit(0)).keys())
    quote = target.dialect.identifier_preparer.quote
    for column in table.columns:
        if column.name not in existing:
            column_type = column.type.compile(dialect=target.dialect)
            target.execute(sa.text(f"ALTER TABLE {quote(table.name)} ADD COLUMN {quote(column.name)} {column_type}"))


def _duckdb_file(url: sa.URL) -> Path | None:
    database = url.database or ""
    if url.get_backend_name() != "duckdb" or database in ("", ":memory:") or database.startswith("md:"):
        return None
    return Path(database)


def _wal(path: Path) -> Path:
    return path.with_name(f"{path.name}.wal")


@contextlib.contextmanager
def _writable(url: sa.URL) -> Iterator[sa.URL]:
    """The URL to write to. For a DuckDB file, a copy that replaces the file once written: a BI tool that
    holds the file open, even read-only, keeps DuckDB's file lock and would make the write fail, and a
    reader that opens the file mid-publish would see a half-replaced year. Readers that hold the old file
    keep seeing it until they reconnect."""
    path = _duckdb_file(url)
    if path is None:
        yield url
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    copy = path.with_name(f".{path.name}.publishing")
    _remove(copy)
    if path.exists() and _readable_by_duckdb_1(path):
        shutil.copyfile(path, copy)
        if _wal(path).exists():  # changes not yet checkpointed belong to the file
            shutil.copyfile(_wal(path), _wal(copy))
    else:
        _new_duckdb_file(copy, path if path.exists() else None)
    try:
        yield url.set(database=str(copy))
        os.replace(copy, path)
        _wal(path).unlink(missing_ok=True)  # its changes are in the copy now
    finally:
        _remove(copy)


# The storage format of the published DuckDB file: one DuckDB 1.1 and later open. BI tools bundle their own
# DuckDB (Evidence's driver, Metabase's and Superset's builds), often a 1.x that cannot read DuckDB 2.0's
# format ("version number 999"). Writes into a file keep the format it was created with.
PUBLISHED_STORAGE_VERSION = "v1.1.0"


def _readable_by_duckdb_1(path: Path) -> bool:
    with duckdb.connect() as probe:
        probe.execute(f"ATTACH '{_quoted(path)}' AS published (READ_ONLY)")
        (tags,) = probe.execute("SELECT tags FROM duckdb_databases() WHERE database_name = 'published'").fetchone()
    return not str(tags.get("storage_version", "")).startswith("v2")


def _new_duckdb_file(path: Path, contents: Path | None) -> None:
    """A DuckDB file in PUBLISHED_STORAGE_VERSION, holding the tables of `contents` (a file published in a
    format 1.x readers cannot open) if given."""
    with duckdb.connect() as conn:
        conn.execute(f"ATTACH '{_quoted(path)}' AS target (STORAGE_VERSION '{PUBLISHED_STORAGE_VERSION}')")
        if contents is not None:
            conn.execute(f"ATTACH '{_quoted(contents)}' AS source (READ_ONLY)")
            conn.execute("COPY FROM DATABASE source TO target")


def _quoted(path: Path) -> str:
    return str(path).replace("'", "''")


def _remove(path: Path) -> None:
    path.unlink(missing_ok=True)
    _wal(path).unlink(missing_ok=True)
