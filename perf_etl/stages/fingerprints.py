"""What a stage's rows of a fiscal year were computed from, so that a re-run can skip the years whose inputs
did not change (docs/architecture.md, "Incremental runs").

A stage's fingerprint for a year is an md5 over
- its code: the bytes of the source files its output depends on, the versions of the libraries that read
  or compute it, and a manual `STAGE_VERSIONS` entry (for a change no listed file shows);
- its inputs for the year: for a stage that reads raw.* (tables, staging), a digest of the rows it reads
  (count and sum of DuckDB's 64-bit row hashes: one scan, no sort); for a later stage, the fingerprints
  recorded for the upstream stages' rows (core reads staging and raw.table_cells; the marts of Y read core
  of Y and Y-1), plus the raw rows it reads directly.

`meta.stage_inputs` holds, per asset and year, the fingerprint of the inputs its stored rows were computed
from, written in the same transaction as those rows (`record_statements` with
`store.write_partition_with`). So a recorded fingerprint always describes the rows beside it, and a stage
can chain on its upstream's recorded fingerprints instead of hashing the upstream rows again. A year whose
inputs cannot be vouched for (an upstream year written without a recorded fingerprint) gets the
fingerprint None: it is computed, and its old record is deleted, never matched.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.metadata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import duckdb
import pandas as pd

from perf_etl.core_tables import CORE_TABLES
from perf_etl.marts import MART_TABLES
from perf_etl.warehouse.store import Statement

_PACKAGE = Path(__file__).resolve().parents[1]  # perf_etl/

# Bump a stage's entry when its output changes for a reason its listed files and libraries do not show.
STAGE_VERSIONS: dict[str, str] = {"tables": "1", "staging": "1", "core": "1", "marts": "1", "published_marts": "1"}

# stage -> (files and folders under perf_etl/ its rows depend on, distributions whose version matters).
# Folders are hashed whole (every file but caches), so a rule edit anywhere in extract/ re-extracts. The
# stage's own module is listed too: it decides what is read and written.
STAGE_CODE: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    # The cells are read with the text; the raw fingerprint covers the reader (read_cache.reader_version).
    "tables": (("stages/tables.py", "warehouse/read_cache.py"), ()),
    "staging": (("text", "normalize", "models.py", "stages/staging.py"), ("opencc",)),
    "core": (("text", "extract", "tables", "grid.py", "validate", "core_tables.py", "models.py", "normalize/packed.py",
              "stages/core.py", "stages/staging.py", "review/corrections.py"), ("pandera", "pandas", "opencc")),
    "marts": (("marts", "validate/checks.py", "validate/schemas.py", "stages/marts.py"), ("duckdb",)),
    "published_marts": (("publish", "stages/publish.py"), ("duckdb", "sqlalchemy", "pyarrow")),
}

RAW_DOCUMENTS_ASSET = "raw/documents"  # its fingerprint is recorded with every write of raw.*
STAGING_ASSETS = ("staging/documents", "staging/sections")
TABLES_ASSETS = ("raw/table_cells",)
CORE_ASSETS = tuple(f"core/{table}" for table in CORE_TABLES)
MARTS_ASSETS = tuple(f"marts/{table}" for table in MART_TABLES)


@dataclass(frozen=True)
class YearPlan:
    """Which of a run's years a stage must compute, and the fingerprints to record for them."""

    fingerprints: dict[int, str | None]  # None: inputs not vouched for; computed, never skipped
    unchanged: dict[int, datetime]  # year -> when its recorded fingerprint (equal to the current) was written

    @property
    def changed(self) -> list[int]:
        return sorted(year for year in self.fingerprints if year not in self.unchanged)

    @property
    def skipped(self) -> list[int]:
        return sorted(self.unchanged)

    def recompute(self, years: set[int]) -> YearPlan:
        """The same plan with `years` computed even though their inputs did not change."""
        return YearPlan(self.fingerprints, {year: at for year, at in self.unchanged.items() if year not in years})

    def unvouched(self, years: set[int]) -> YearPlan:
        """The same plan with no fingerprint for `years` (computed, but not to be skipped next time)."""
        return YearPlan({year: None if year in years else fingerprint
                         for year, fingerprint in self.fingerprints.items()}, self.unchanged)

    @property
    def to_record(self) -> dict[int, str | None]:
        """The fingerprints of the years computed, to record with their rows."""
        return {year: self.fingerprints[year] for year in self.changed}


def plan(
    conn: duckdb.DuckDBPyConnection, stage: str, assets: Sequence[str], years: Sequence[int], *, extra: str = "",
    full_refresh: bool = False, extra_by_year: Mapping[int, str] | None = None,
) -> YearPlan:
    """Compare the inputs of `stage` for `years` with what `assets` recorded. A year is unchanged when every
    asset of the stage recorded the current fingerprint; with `full_refresh` none is."""
    current = input_fingerprints(conn, stage, years, extra=extra, extra_by_year=extra_by_year)
    stored = recorded(conn, assets, years)
    unchanged: dict[int, datetime] = {}
    for year, fingerprint in current.items():
        records = [stored.get((asset, year)) for asset in assets]
        if full_refresh or fingerprint is None or any(r is None or r[0] != fingerprint for r in records):
            continue
        unchanged[year] = max(r[1] for r in records if r is not None)
    return YearPlan(current, unchanged)


def input_fingerprints(
    conn: duckdb.DuckDBPyConnection, stage: str, years: Sequence[int], *, extra: str = "",
    extra_by_year: Mapping[int, str] | None = None,
) -> dict[int, str | None]:
    """The fingerprint of `stage`'s inputs and code for each year (None when an input is not vouched for).
    `extra` is anything else the output depends on; `extra_by_year`, anything else a year's output depends
    on (core: the corrections of the year's reports, perf_etl/review/corrections.py)."""
    years = sorted({int(year) for year in years})
    inputs = _STAGE_INPUTS[stage](conn, years)
    code = code_fingerprint(stage)
    by_year = extra_by_year or {}

    def parts(year: int) -> list[str]:
        # A year with nothing of its own keeps the fingerprint it had before `extra_by_year` existed.
        own = by_year.get(year, "")
        return [stage, code, extra, inputs[year] or "", *([own] if own else [])]

    return {year: None if inputs[year] is None else _md5("\n".join(parts(year))) for year in years}


def raw_fingerprints(documents: pd.DataFrame, rejected: pd.DataFrame, years: Sequence[int],
                     reader: str) -> dict[int, str]:
    """Per year, an md5 of the raw rows a run would write for it (first-seen times left out, as they are
    carried over) and of the reader version (which decides the pages copied from the read cache).
    Rejections of unknown year are written by every run, so they count in every year."""
    def rows(frame: pd.DataFrame, year: int | None, moment: str) -> str:
        selected = frame[frame["fiscal_year"].isna()] if year is None else frame[frame["fiscal_year"] == year]
        return selected.drop(columns=moment).astype(str).sort_values(list(selected.columns.drop(moment))).to_csv(
            index=False)

    unknown_year = rows(rejected, None, "detected_at")
    return {int(year): _md5("\n".join([reader, rows(documents, year, "ingested_at"),
                                        rows(rejected, year, "detected_at"), unknown_year]))
            for year in years}


def code_fingerprint(stage: str) -> str:
    return _md5(f"{STAGE_VERSIONS[stage]}\n{_code_digest(stage)}")


@functools.cache
def _code_digest(stage: str) -> str:
    paths, distributions = STAGE_CODE[stage]
    digest = hashlib.md5()
    for relative in paths:
        root = _PACKAGE / relative
        files = sorted(p for p in root.rglob("*") if p.is_file()) if root.is_dir() else [root]
        for file in files:
            if "__pycache__" in file.parts or file.suffix == ".pyc":
                continue
            digest.update(file.relative_to(_PACKAGE).as_posix().encode())
            digest.update(hashlib.md5(file.read_bytes()).digest())
    for distribution in distributions:
        digest.update(f"{distribution}=={_version(distribution)}".encode())
    return digest.hexdigest()


def _version(distribution: str) -> str:
    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return "absent"


# ---------------------------------------------------------------- recorded fingerprints


def recorded(
    conn: duckdb.DuckDBPyConnection, assets: Sequence[str], years: Sequence[int]
) -> dict[tuple[str, int], tuple[str, datetime]]:
    """(asset, year) -> (fingerprint, recorded_at) of what is stored."""
    rows = conn.execute(
        "SELECT asset, fiscal_year, fingerprint, recorded_at FROM meta.stage_inputs "
        "WHERE list_contains(?, asset) AND list_contains(?, fiscal_year)",
        [list(assets), [int(year) for year in years]]).fetchall()
    return {(asset, year): (fingerprint, recorded_at) for asset, year, fingerprint, recorded_at in rows}


def record_statements(assets: Sequence[str], fingerprints: Mapping[int, str | None], now: datetime) -> list[Statement]:
    """SQL that replaces the records of `assets` for the fingerprints' years; a None fingerprint leaves the
    year with no record (it will be computed next time). Run them in the transaction that writes the rows."""
    years = [int(year) for year in fingerprints]
    statements: list[Statement] = [(
        "DELETE FROM meta.stage_inputs WHERE list_contains(?, asset) AND list_contains(?, fiscal_year)",
        [list(assets), years])]
    recorded_at = _naive_utc(now)
    for asset in assets:
        for year, fingerprint in sorted(fingerprints.items()):
            if fingerprint is not None:
                statements.append(("INSERT INTO meta.stage_inputs VALUES (?, ?, ?, ?)",
                                   [asset, int(year), fingerprint, recorded_at]))
    return statements


def record(conn: duckdb.DuckDBPyConnection, assets: Sequence[str], fingerprints: Mapping[int, str | None],
           now: datetime) -> None:
    """`record_statements` in a transaction of their own (for rows written elsewhere: the published marts)."""
    conn.execute("BEGIN TRANSACTION")
    try:
        for sql, parameters in record_statements(assets, fingerprints, now):
            conn.execute(sql, list(parameters))
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def _naive_utc(moment: datetime) -> datetime:
    """TIMESTAMP columns hold UTC without a zone (as ingested_at does)."""
    return moment if moment.tzinfo is None else moment.astimezone(timezone.utc).replace(tzinfo=None)


# ---------------------------------------------------------------- inputs per stage


def _row_digests(conn: duckdb.DuckDBPyConnection, table: str, columns: str, years: Sequence[int]) -> dict[int, str]:
    """Per year: the row count and the sum of the rows' 64-bit hashes (order-free; a sum, unlike an xor,
    does not cancel two equal rows)."""
    rows = conn.execute(
        f"SELECT fiscal_year, count(*), sum(hash({columns}))::VARCHAR FROM {table} "
        "WHERE list_contains(?, fiscal_year) GROUP BY fiscal_year", [list(years)]).fetchall()
    found = {year: f"{count}:{total}" for year, count, total in rows}
    return {year: f"{table}({columns})={found.get(year, '0:0')}" for year in years}


def _chained(conn: duckdb.DuckDBPyConnection, assets: Sequence[str], years: Sequence[int], *,
             missing: str | None = None) -> dict[int, str | None]:
    """The recorded fingerprints of `assets` per year; a year lacking one gives `missing` (None: the
    year's inputs are not vouched for)."""
    stored = recorded(conn, assets, years)
    result: dict[int, str | None] = {}
    for year in years:
        fingerprints = [stored.get((asset, year)) for asset in assets]
        if any(f is None for f in fingerprints):
            result[year] = missing
        else:
            result[year] = ",".join(f"{asset}={f[0]}" for asset, f in zip(assets, fingerprints, strict=True) if f)
    return result


def _join(*parts: Mapping[int, str | None]) -> dict[int, str | None]:
    years = parts[0].keys()
    return {year: None if any(p[year] is None for p in parts) else "\n".join(str(p[year]) for p in parts)
            for year in years}


def _tables_inputs(conn: duckdb.DuckDBPyConnection, years: Sequence[int]) -> dict[int, str | None]:
    # The cells are copied from the read cache for the documents of raw.documents, whose fingerprint covers
    # those documents and the reader version that read them.
    return _chained(conn, (RAW_DOCUMENTS_ASSET,), years)


def _staging_inputs(conn: duckdb.DuckDBPyConnection, years: Sequence[int]) -> dict[int, str | None]:
    return _join(_row_digests(conn, "raw.documents", "document_id", years),
                 _row_digests(conn, "raw.pages", "document_id, page_number, text", years))


def _core_inputs(conn: duckdb.DuckDBPyConnection, years: Sequence[int]) -> dict[int, str | None]:
    # raw.documents' source_path goes into the rejection rows core writes.
    return _join(_chained(conn, STAGING_ASSETS + TABLES_ASSETS, years),
                 _row_digests(conn, "raw.documents", "document_id, source_path", years))


def _marts_inputs(conn: duckdb.DuckDBPyConnection, years: Sequence[int]) -> dict[int, str | None]:
    # Year-over-year columns read core of the year before, which may never have been run ("none"): a
    # later run of it records a fingerprint, which changes this one.
    before = _chained(conn, CORE_ASSETS, [year - 1 for year in years], missing="none")
    return _join(_chained(conn, CORE_ASSETS, years),
                 {year: f"year before: {before[year - 1]}" for year in years},
                 _row_digests(conn, "raw.rejected_files", "source_path, sha256, stage, reason_code", years))


def _published_inputs(conn: duckdb.DuckDBPyConnection, years: Sequence[int]) -> dict[int, str | None]:
    return _chained(conn, MARTS_ASSETS, years)


def _md5(text: str) -> str:
    return hashlib.md5(text.encode()).hexdigest()


_STAGE_INPUTS: dict[str, Callable[[duckdb.DuckDBPyConnection, Sequence[int]], dict[int, str | None]]] = {
    "tables": _tables_inputs,
    "staging": _staging_inputs,
    "core": _core_inputs,
    "marts": _marts_inputs,
    "published_marts": _published_inputs,
}
