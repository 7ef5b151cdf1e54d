"""Everything a run can be configured with, in one `Settings` object.

`Settings.from_environment()` is the only reader of the environment (PERF_ETL_*, docs/operations.md): the edges
(the command line, the Dagster code locations) build it once and pass it down, so that no stage, reader or
worker process looks at the environment itself, and a test states the settings it runs with.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from perf_etl.pool import default_workers

DEFAULT_LANDING = "data/samples"
DEFAULT_WAREHOUSE = "data/warehouse.duckdb"
# Reports for a fiscal year are published in the first half of the next year: 1 July, 09:00 Beijing time.
DEFAULT_SCHEDULE_CRON = "0 9 1 7 *"
TIMEZONE = "Asia/Shanghai"
FIRST_FISCAL_YEAR = 2010
# With the distributed code location (perf_etl/defs/distributed.py), the files one Celery step reads. A step
# costs a Celery task, a process that rebuilds the job, a dozen events in the Postgres event log and a pickle
# through the shared IO manager (~1-2 s and ~15 rows, docs/deploy.md); reading a report costs ~0.1-1 s. 200
# files make that overhead a few per cent, and a 10,000-file year 50 steps: enough to keep dozens of workers
# busy, few enough for the run page and the event log.
DEFAULT_FILES_PER_BATCH = 200

FULL_REFRESH_VARIABLE = "PERF_ETL_FULL_REFRESH"
# Links in the landing folder are followed only to files and folders inside it, unless this is set.
LINKS_VARIABLE = "PERF_ETL_FOLLOW_LINKS_OUTSIDE"
PUBLISH_URL_VARIABLE = "PERF_ETL_PUBLISH_URL"
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "off", "no"}


def last_closed_fiscal_year(now: datetime | None = None) -> int:
    """The last fiscal year that has ended (a calendar year, in Beijing time): the last fiscal-year partition."""
    return (now or datetime.now(ZoneInfo(TIMEZONE))).astimezone(ZoneInfo(TIMEZONE)).year - 1


def is_true(value: str | None) -> bool:
    return (value or "").strip().lower() in _TRUE


def beside(warehouse: Path, suffix: str) -> Path:
    """data/warehouse.duckdb -> data/warehouse<suffix> (the files that belong to one warehouse)."""
    return warehouse.with_name(f"{warehouse.stem}{suffix}")


@dataclass(frozen=True)
class ArchiveLimits:
    """What one archive may unpack to. Over a limit it is rejected whole and nothing of it is written.

    max_unpacked_bytes counts every member's declared size (and, while extracting, the bytes really
    written); max_ratio is a member's (and the whole archive's) unpacked size over its packed size;
    max_depth counts the landing's archive as 1, an archive inside it as 2."""

    max_members: int = 2000
    max_unpacked_bytes: int = 2 * 1024**3
    max_ratio: float = 200.0
    max_depth: int = 2


@dataclass(frozen=True)
class IngestSettings:
    """How the landing folder is read: what ingestion may spend on one file, on how many files at once, and
    what it may do (OCR, follow links, where archives unpack).

    A file over max_file_bytes or max_pages is rejected as too_large before its text is extracted; one
    whose reading takes longer than max_seconds_per_file is rejected as too_large when the budget runs
    out. `workers` files are read at once, each in its own process: None means min(2, CPUs), 0 reads in
    this process, without the time budget (for debugging a reader).
    """

    max_file_bytes: int = 200 * 1024 * 1024
    max_pages: int = 500
    max_seconds_per_file: float = 120.0
    workers: int | None = None
    # A reading worker's address space; a file that needs more is too_large (see perf_etl/pool.py). A worker with
    # the OCR engine loaded uses ~1.2 GB of it.
    max_worker_memory_bytes: int = 3 * 1024**3
    # What a landing archive may unpack to (perf_etl/ingest/archives.py).
    archives: ArchiveLimits = field(default_factory=ArchiveLimits)
    # Off: pages that need OCR fail the text-layer check instead (docs/ocr.md).
    ocr: bool = True
    # ONNX Runtime threads per OCR engine; None: the CPUs shared out between the reading workers.
    ocr_threads: int | None = None
    follow_links_outside: bool = False
    # Where landing archives are unpacked, one folder per archive's sha256, kept between runs so that members
    # keep their stamps; on several machines a folder every worker reaches, as the landing is. Beside the
    # warehouse when built `from_environment`; without a warehouse, under the system's temporary folder.
    unpack_dir: Path = field(default_factory=lambda: Path(tempfile.gettempdir()) / "perf-etl-unpacked")

    def worker_count(self) -> int:
        return default_workers() if self.workers is None else self.workers


@dataclass(frozen=True)
class Settings:
    """A run's configuration. Build it with `from_environment` (the paths' companions follow the warehouse)."""

    landing: Path = Path(DEFAULT_LANDING)
    warehouse: Path = Path(DEFAULT_WAREHOUSE)
    ingest: IngestSettings = field(default_factory=IngestSettings)
    # Processes that normalize and extract documents (None: min(2, CPUs); 0: in the step's process).
    workers: int | None = None
    # Every stage recomputes its years even when its inputs did not change (docs/operations.md).
    full_refresh: bool = False
    # The corrections store (perf_etl/review/corrections.py), its own file beside the warehouse by default.
    corrections: Path = Path("data/warehouse.corrections.duckdb")
    # Where the marts are published (any SQLAlchemy URL); None: data/marts.duckdb beside the warehouse.
    publish_url: str | None = None
    sensor_interval_seconds: int = 30
    schedule_cron: str = DEFAULT_SCHEDULE_CRON
    files_per_batch: int = DEFAULT_FILES_PER_BATCH
    # The distributed location's step outputs: a folder every worker reaches (None: $DAGSTER_HOME/storage).
    step_storage: str | None = None

    def worker_count(self) -> int:
        return default_workers() if self.workers is None else self.workers

    @classmethod
    def from_environment(
        cls, environ: Mapping[str, str] | None = None, *, landing: Path | str | None = None,
        warehouse: Path | str | None = None,
    ) -> Settings:
        """The defaults, overridden by the PERF_ETL_* variables set in `environ` (default: this process's), and
        by `landing` / `warehouse` when given (the command line's arguments)."""
        env = _Environment(os.environ if environ is None else environ)
        warehouse_path = Path(warehouse or env.text("PERF_ETL_WAREHOUSE") or DEFAULT_WAREHOUSE)
        return cls(
            landing=Path(landing or env.text("PERF_ETL_LANDING") or DEFAULT_LANDING),
            warehouse=warehouse_path,
            ingest=_ingest_settings(env, warehouse_path),
            workers=env.integer("PERF_ETL_WORKERS"),
            full_refresh=is_true(env.text(FULL_REFRESH_VARIABLE)),
            corrections=Path(env.text("PERF_ETL_CORRECTIONS") or beside(warehouse_path, ".corrections.duckdb")),
            publish_url=env.text(PUBLISH_URL_VARIABLE),
            sensor_interval_seconds=env.integer("PERF_ETL_SENSOR_INTERVAL_SECONDS") or 30,
            schedule_cron=env.text("PERF_ETL_SCHEDULE_CRON") or DEFAULT_SCHEDULE_CRON,
            files_per_batch=max(1, env.integer("PERF_ETL_FILES_PER_BATCH") or DEFAULT_FILES_PER_BATCH),
            step_storage=env.text("PERF_ETL_STEP_STORAGE"),
        )


def _ingest_settings(env: _Environment, warehouse: Path) -> IngestSettings:
    defaults, archive_defaults = IngestSettings(), ArchiveLimits()
    unpacked_mb = env.integer("PERF_ETL_ARCHIVE_MAX_UNPACKED_MB")
    memory_mb = env.integer("PERF_ETL_MAX_WORKER_MEMORY_MB")
    archives = ArchiveLimits(
        max_members=env.integer("PERF_ETL_ARCHIVE_MAX_MEMBERS") or archive_defaults.max_members,
        max_unpacked_bytes=unpacked_mb * 1024**2 if unpacked_mb else archive_defaults.max_unpacked_bytes,
        max_ratio=env.number("PERF_ETL_ARCHIVE_MAX_RATIO") or archive_defaults.max_ratio,
        max_depth=env.integer("PERF_ETL_ARCHIVE_MAX_DEPTH") or archive_defaults.max_depth,
    )
    return IngestSettings(
        max_file_bytes=env.integer("PERF_ETL_MAX_FILE_BYTES") or defaults.max_file_bytes,
        max_pages=env.integer("PERF_ETL_MAX_PAGES") or defaults.max_pages,
        max_seconds_per_file=env.number("PERF_ETL_MAX_SECONDS_PER_FILE") or defaults.max_seconds_per_file,
        workers=env.integer("PERF_ETL_INGEST_WORKERS"),
        max_worker_memory_bytes=memory_mb * 1024**2 if memory_mb else defaults.max_worker_memory_bytes,
        archives=archives,
        ocr=(env.text("PERF_ETL_OCR") or "1").lower() not in _FALSE,
        ocr_threads=env.integer("PERF_ETL_OCR_THREADS"),
        follow_links_outside=is_true(env.text(LINKS_VARIABLE)),
        unpack_dir=Path(env.text("PERF_ETL_UNPACK_DIR") or f"{warehouse}.unpacked"),
    )


class SettingsError(ValueError):
    """A PERF_ETL_* variable that does not parse: said in one line by the command line."""


@dataclass(frozen=True)
class _Environment:
    values: Mapping[str, str]

    def text(self, name: str) -> str | None:
        return (self.values.get(name) or "").strip() or None

    def integer(self, name: str) -> int | None:
        return self._parsed(name, int)

    def number(self, name: str) -> float | None:
        return self._parsed(name, float)

    def _parsed(self, name: str, kind: type[int] | type[float]) -> int | float | None:
        value = self.text(name)
        if value is None:
            return None
        try:
            return kind(value)
        except ValueError:
            raise SettingsError(f"{name}={value!r}: not a{'n integer' if kind is int else ' number'}") from None
