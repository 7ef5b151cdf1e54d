"""Real servers on loopback for tests: PostgreSQL (publish and deploy tests) and Redis (deploy tests).

Both are Debian packages (.ci/run installs them when missing). PostgreSQL: initdb into a temporary folder,
pg_ctl start on a free port of 127.0.0.1 with the unix socket in that folder, trust authentication, no
fsync; it refuses to run as root, so as root (CI) it runs as the `postgres` user the package creates.
Redis: a foreground `redis-server` without persistence on a free port. Without the binaries a test is
skipped, except on CI (CI=true), where it fails.
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

SERVER_USER = "postgres"
START_SECONDS = 30


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(condition, what: str, timeout: float, interval: float = 0.5):
    """Poll `condition` until it returns something truthy (returned), or fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out waiting for {what}")


def skip_or_fail(message: str) -> None:
    """Missing server binaries skip a test on a workstation, but fail it on CI, where .ci/run installs them."""
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


# ---------------------------------------------------------------- PostgreSQL


def postgres_bin() -> Path | None:
    """The newest /usr/lib/postgresql/<version>/bin with initdb, else initdb on PATH."""
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parts[-3]))
    initdb = candidates[-1] if candidates else shutil.which("initdb")
    return Path(initdb).parent if initdb else None


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


def _server_folder() -> Path:
    # Not pytest's tmp_path: its folders are private to the test user, and the server may run as another.
    folder = Path(tempfile.mkdtemp(prefix="perf-etl-postgres-"))
    if os.geteuid() == 0:
        try:
            owner = pwd.getpwnam(SERVER_USER)
        except KeyError:
            pytest.fail(f"running as root, PostgreSQL needs the {SERVER_USER!r} user (Debian's postgresql creates it)")
        os.chown(folder, owner.pw_uid, owner.pw_gid)
    return folder


@contextlib.contextmanager
def running_postgres() -> Iterator[sa.URL]:
    """A PostgreSQL server for the duration; yields the URL of its `postgres` database (superuser postgres,
    trust authentication: any password is accepted)."""
    bin_dir = postgres_bin()
    if bin_dir is None:
        skip_or_fail("PostgreSQL server binaries not found (Debian: apt-get install postgresql)")
    folder = _server_folder()
    data, port = folder / "data", free_port()
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


def create_database(server: sa.URL, name: str) -> sa.URL:
    """A new, empty database on the server."""
    admin = sa.create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f"CREATE DATABASE {name}"))
    admin.dispose()
    return server.set(database=name)


def drop_database(server: sa.URL, name: str) -> None:
    admin = sa.create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f"DROP DATABASE {name} WITH (FORCE)"))
    admin.dispose()


# ---------------------------------------------------------------- Redis


@contextlib.contextmanager
def running_redis(log: Path) -> Iterator[str]:
    """A redis-server on a free loopback port, without persistence, for the duration; yields its URL."""
    binary = shutil.which("redis-server")
    if binary is None:
        skip_or_fail("redis-server not found (Debian: apt-get install redis-server)")
    port = free_port()
    command = [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
               "--daemonize", "no"]
    with log.open("w") as output:
        process = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        _wait_for_port(port, process, log)
        yield f"redis://127.0.0.1:{port}"
    finally:
        stop(process)


def _wait_for_port(port: int, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"redis-server exited with {process.returncode}:\n{log.read_text()}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
            return
        time.sleep(0.1)
    raise RuntimeError(f"redis-server did not listen on port {port} within {START_SECONDS} s")


def stop(process: subprocess.Popen, timeout: float = 30) -> None:
    """SIGTERM to the process's session (it was started with start_new_session), SIGKILL after `timeout`."""
    if process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, 15)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, 9)
        process.wait(timeout=10)
