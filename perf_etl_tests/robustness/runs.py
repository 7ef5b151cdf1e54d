"""`perf-etl run` as a user runs it (a separate process), and what it leaves in the warehouse."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb

from perf_etl_tests.conftest import SAMPLES

PERF_ETL = Path(sys.executable).parent / "perf-etl"
# The time-stamps of the first sighting (equal within one warehouse: carried over by re-runs), of the
# recording of a stage's input fingerprint and of the reading of a file (meta.file_reads.read_at, and its
# `record`, the raw.documents / raw.rejected_files row with its time-stamp, compared in those tables), and
# of the checks' evaluation (meta.check_results): different between two warehouses built at different times.
FIRST_SEEN_COLUMNS = ("ingested_at", "detected_at", "recorded_at", "read_at", "record", "evaluated_at")
# A full run of the samples takes about 15 s on 2 cores; anything near this is a hang.
RUN_TIMEOUT_SECONDS = 300
# Two sample years that are not neighbours: two separate partition runs however the CLI groups years.
YEARS = ("2020", "2023")

Snapshot = dict[str, list[tuple]]


def cli_env() -> dict[str, str]:
    """The environment of a user's shell, without a Dagster home: each run uses a throwaway instance, as
    two `perf-etl run` started by hand would (the Dagster pool `duckdb` then does not serialize them)."""
    return {key: value for key, value in os.environ.items() if not key.startswith(("DAGSTER_", "PERF_ETL_"))}


def cli_command(landing: Path, warehouse: Path, *args: str) -> list[str]:
    return [str(PERF_ETL), "run", "--landing", str(landing), "--warehouse", str(warehouse), *args]


def run_cli(landing: Path, warehouse: Path, *args: str, env: dict[str, str] | None = None
            ) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cli_command(landing, warehouse, *args), env=env or cli_env(), capture_output=True,
                          text=True, timeout=RUN_TIMEOUT_SECONDS, check=False)


def copy_samples(target: Path) -> Path:
    shutil.copytree(SAMPLES, target)
    return target


# The asset pages' chart images as last drawn (perf_etl/stages/marts.py): which run drew last decides what it
# holds, as with the UI's own history. No data, and nothing a later run reads but its own cache.
UI_CACHES = ("meta.mart_charts",)


def snapshot(database: Path, *, drop: tuple[str, ...] = ()) -> Snapshot:
    """Every row of every table of a DuckDB file but the UI's caches, in a stable order, without the columns in
    `drop`."""
    with duckdb.connect(str(database), read_only=True) as conn:
        tables = conn.execute(
            "SELECT table_schema, table_name FROM information_schema.tables ORDER BY ALL").fetchall()
        return {f"{schema}.{table}": _rows(conn, schema, table, drop) for schema, table in tables
                if f"{schema}.{table}" not in UI_CACHES}


def _rows(conn: duckdb.DuckDBPyConnection, schema: str, table: str, drop: tuple[str, ...]) -> list[tuple]:
    columns = [name for (name,) in conn.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_schema = ? AND table_name = ? "
        "ORDER BY ordinal_position", [schema, table]).fetchall() if name not in drop]
    selected = ", ".join(f'"{name}"' for name in columns)
    return conn.execute(f'SELECT {selected} FROM "{schema}"."{table}" ORDER BY ALL').fetchall()


def published(warehouse: Path) -> Path:
    """The DuckDB file the marts are published to, beside the warehouse (perf_etl/publish/locations.py)."""
    return warehouse.parent / "marts.duckdb"
