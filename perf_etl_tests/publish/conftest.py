"""A real PostgreSQL server on loopback for the publish tests, and a warehouse with marts to publish.

The server is Debian's postgresql (.ci/run installs it when missing): initdb into a temporary folder,
pg_ctl start on a free port of 127.0.0.1 with the unix socket in that folder, trust authentication, no
fsync. PostgreSQL refuses to run as root, so as root (CI) the server runs as the `postgres` user the
package creates. Without the binaries the tests are skipped, except on CI (CI=true), where they fail.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from perf_etl.marts.build import build_marts
from perf_etl.publish.locations import default_publish_url
from perf_etl.warehouse import store
from perf_etl_tests.marts.rows import report, write_core

SERVER_USER = "postgres"


def _postgres_bin() -> Path | None:
    """The newest /usr/lib/postgresql/<version>/bin with initdb, else initdb on PATH."""
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parts[-3]))
    initdb = candidates[-1] if candidates else shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _server_command(command: list[str]) -> list[str]:
    if os.geteuid() != 0:
        return command
    return ["runuser", "-u", SERVER_USER, "--", *command]


def _run(command: list[str], folder: Path) -> None:
    result = subprocess.run(_server_command(command), cwd=folder, capture_output=True, text=True, timeout=60)
    if result.returncode != 0:
        log = folder / "server.log"
        raise RuntimeError(f"{' '.join(command)} failed:\n{result.stdout}{result.stderr}"
                           f"{log.read_text() if log.exists() else ''}")


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[sa.URL]:
    """The URL of the server's `postgres` database (superuser postgres, no password)."""
    bin_dir = _postgres_bin()
    if bin_dir is None:
        message = "PostgreSQL server binaries not found (Debian: apt-get install postgresql)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    # Not pytest's tmp_path: its folders are private to the test user, and the server may run as another.
    folder = Path(tempfile.mkdtemp(prefix="perf-etl-postgres-"))
    if os.geteuid() == 0:
        try:
            owner = pwd.getpwnam(SERVER_USER)
        except KeyError:
            pytest.fail(f"running as root, PostgreSQL needs the {SERVER_USER!r} user (Debian's postgresql creates it)")
        os.chown(folder, owner.pw_uid, owner.pw_gid)
    data, port = folder / "data", _free_port()
    try:
        _run([str(bin_dir / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust", "--encoding=UTF8",
              "--locale=C.UTF-8", "--no-sync"], folder)
        _run([str(bin_dir / "pg_ctl"), "-D", str(data), "-l", str(folder / "server.log"), "-w", "-t", "30",
              "-o", f"-h 127.0.0.1 -p {port} -k {folder} -F", "start"], folder)
        yield sa.URL.create("postgresql+psycopg2", username="postgres", host="127.0.0.1", port=port,
                            database="postgres")
    finally:
        if (data / "postmaster.pid").exists():
            _run([str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"], folder)
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def postgres_url(postgres_server: sa.URL) -> Iterator[str]:
    """A new, empty database on the server for one test."""
    name = f"test_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(postgres_server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f"CREATE DATABASE {name}"))
    yield postgres_server.set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(sa.text(f"DROP DATABASE {name} WITH (FORCE)"))
    admin.dispose()


@pytest.fixture(params=["duckdb", "postgresql"])
def target_url(request, tmp_path) -> str:
    """A publish target: the default DuckDB file beside a temporary warehouse, or a PostgreSQL database."""
    if request.param == "duckdb":
        return default_publish_url(tmp_path / "warehouse.duckdb")
    return request.getfixturevalue("postgres_url")


@pytest.fixture
def warehouse(tmp_path):
    """A warehouse whose marts hold 2020 (one department) and 2021 (two, one with a year before)."""
    with store.connect(tmp_path / "warehouse.duckdb") as conn:
        write_core(conn, [2020], [report("a20", 2020, "finance", department_name="某市财政局", expenditure_wan=80.0)])
        write_core(conn, [2021], [report("a21", 2021, "finance", department_name="某市财政局", budget_wan=1234.56),
                                  report("b21", 2021, "parks", department_name="某市园林局")])
        build_marts(conn, [2020, 2021])
        yield conn
