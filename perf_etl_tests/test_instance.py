"""A fresh DAGSTER_HOME started on by several processes at once gets one storage, not two alembic heads."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path


def test_processes_starting_on_a_fresh_home_at_once_leave_one_schema_version(tmp_path: Path) -> None:
    home = tmp_path / "dagster_home"
    env = {**os.environ, "DAGSTER_HOME": str(home)}
    # Without the lock, 6 processes creating the storage at once left two versions in 2 tries of 3.
    starting = [subprocess.Popen([sys.executable, "-m", "perf_etl.instance"], env=env, stderr=subprocess.PIPE)
                for _ in range(6)]
    errors = [process.communicate(timeout=120)[1].decode() for process in starting]
    assert [process.returncode for process in starting] == [0] * 6, errors
    databases = sorted(home.rglob("*.db"))
    assert {path.name for path in databases} >= {"runs.db", "schedules.db", "index.db"}
    for path in databases:
        with sqlite3.connect(path) as conn:
            assert conn.execute("SELECT count(*) FROM alembic_version").fetchone() == (1,), path.name


def test_the_module_says_what_is_missing() -> None:
    env = {key: value for key, value in os.environ.items() if key != "DAGSTER_HOME"}
    result = subprocess.run([sys.executable, "-m", "perf_etl.instance"], env=env, capture_output=True, text=True)
    assert result.returncode == 2 and "DAGSTER_HOME is not set" in result.stderr
