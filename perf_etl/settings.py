"""Where things are, from the environment with defaults that work in a fresh clone."""

from __future__ import annotations

import os
from pathlib import Path

DEFAULT_LANDING = "data/samples"
DEFAULT_WAREHOUSE = "data/warehouse.duckdb"
# Reports for a fiscal year are published in the first half of the next year: 1 July, 09:00 Beijing time.
DEFAULT_SCHEDULE_CRON = "0 9 1 7 *"
TIMEZONE = "Asia/Shanghai"
FIRST_FISCAL_YEAR = 2010


def landing_dir() -> Path:
    return Path(os.environ.get("PERF_ETL_LANDING", DEFAULT_LANDING))


def warehouse_path() -> Path:
    return Path(os.environ.get("PERF_ETL_WAREHOUSE", DEFAULT_WAREHOUSE))


def sensor_interval_seconds() -> int:
    return int(os.environ.get("PERF_ETL_SENSOR_INTERVAL_SECONDS", "30"))


def schedule_cron() -> str:
    return os.environ.get("PERF_ETL_SCHEDULE_CRON", DEFAULT_SCHEDULE_CRON)
