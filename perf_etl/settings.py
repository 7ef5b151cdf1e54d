"""Where things are, from the environment with defaults that work in a fresh clone."""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

DEFAULT_LANDING = "data/samples"
DEFAULT_WAREHOUSE = "data/warehouse.duckdb"
# Reports for a fiscal year are published in the first half of the next year: 1 July, 09:00 Beijing time.
DEFAULT_SCHEDULE_CRON = "0 9 1 7 *"
TIMEZONE = "Asia/Shanghai"
FIRST_FISCAL_YEAR = 2010


def last_closed_fiscal_year(now: datetime | None = None) -> int:
    """The last fiscal year that has ended (a calendar year, in Beijing time): the last fiscal-year partition."""
    return (now or datetime.now(ZoneInfo(TIMEZONE))).astimezone(ZoneInfo(TIMEZONE)).year - 1


def landing_dir() -> Path:
    return Path(os.environ.get("PERF_ETL_LANDING", DEFAULT_LANDING))


def warehouse_path() -> Path:
    return Path(os.environ.get("PERF_ETL_WAREHOUSE", DEFAULT_WAREHOUSE))


def unpack_dir() -> Path:
    """Where landing archives are unpacked, one folder per archive's sha256 (perf_etl/ingest/archives.py):
    PERF_ETL_UNPACK_DIR, else beside the warehouse. Kept between runs, so that members keep their stamps; on
    several machines (perf_etl/defs/distributed.py) it must be a folder every worker reaches, as the landing is."""
    configured = os.environ.get("PERF_ETL_UNPACK_DIR")
    return Path(configured) if configured else Path(f"{warehouse_path()}.unpacked")


def sensor_interval_seconds() -> int:
    return int(os.environ.get("PERF_ETL_SENSOR_INTERVAL_SECONDS", "30"))


def schedule_cron() -> str:
    return os.environ.get("PERF_ETL_SCHEDULE_CRON", DEFAULT_SCHEDULE_CRON)


FULL_REFRESH_VARIABLE = "PERF_ETL_FULL_REFRESH"
_TRUE = {"1", "true", "yes", "on"}


def is_true(value: str | None) -> bool:
    return (value or "").strip().lower() in _TRUE


# Links in the landing folder are followed only to files and folders inside it, unless this is set.
LINKS_VARIABLE = "PERF_ETL_FOLLOW_LINKS_OUTSIDE"


def follow_links_outside() -> bool:
    return is_true(os.environ.get(LINKS_VARIABLE))


def full_refresh() -> bool:
    """PERF_ETL_FULL_REFRESH=1: every stage recomputes its years even when its inputs did not change
    (docs/operations.md, "Incremental runs")."""
    return is_true(os.environ.get(FULL_REFRESH_VARIABLE))


def ocr_enabled() -> bool:
    """PERF_ETL_OCR: OCR is on unless set to 0/false/off/no (pages that need it then fail the text-layer
    check, docs/ocr.md)."""
    return os.environ.get("PERF_ETL_OCR", "1").strip().lower() not in {"0", "false", "off", "no"}


CORRECTIONS_VARIABLE = "PERF_ETL_CORRECTIONS"


def corrections_store_path(warehouse: Path | None = None) -> Path:
    """The corrections store (perf_etl/review/corrections.py): PERF_ETL_CORRECTIONS, else beside the warehouse
    (data/warehouse.duckdb -> data/warehouse.corrections.duckdb). Its own file, never the working warehouse:
    recording a correction never waits for a run, and a run applies what the store holds when it starts."""
    configured = os.environ.get(CORRECTIONS_VARIABLE)
    if configured:
        return Path(configured)
    warehouse = Path(warehouse) if warehouse is not None else warehouse_path()
    return warehouse.with_name(f"{warehouse.stem}.corrections.duckdb")
