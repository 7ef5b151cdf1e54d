"""A real PostgreSQL server on loopback for the publish tests, and a warehouse with marts to publish.

The server comes from perf_etl_tests/servers.py (Debian's postgresql, which .ci/run installs when missing;
run as the `postgres` user when the tests run as root). Without the binaries the tests are skipped, except
on CI (CI=true), where they fail.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
import sqlalchemy as sa

from perf_etl.marts.build import build_marts
from perf_etl.publish.locations import default_publish_url
from perf_etl.warehouse import store
from perf_etl_tests.marts.rows import report, write_core
from perf_etl_tests.servers import create_database, drop_database, running_postgres


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[sa.URL]:
    """The URL of the server's `postgres` database (superuser postgres, no password)."""
    with running_postgres() as url:
        yield url


@pytest.fixture
def postgres_url(postgres_server: sa.URL) -> Iterator[str]:
    """A new, empty database on the server for one test."""
    name = f"test_{uuid.uuid4().hex[:12]}"
    yield create_database(postgres_server, name).render_as_string(hide_password=False)
    drop_database(postgres_server, name)


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
