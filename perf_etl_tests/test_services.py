"""End to end through the services a user runs: dagster-webserver and dagster-daemon on loopback.

A partitioned run is launched through the GraphQL API, a report dropped into the landing folder makes the
sensor launch its fiscal year, and the schedule's next tick is read back. Bounded in time; the servers are
stopped by the fixture.
"""

import os
import shutil
import signal
import subprocess
import sys
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import dagster as dg
import pytest
import requests
from dagster._core.execution.backfill import BulkActionStatus
from dagster._core.storage.tags import ASSET_PARTITION_RANGE_END_TAG, ASSET_PARTITION_RANGE_START_TAG
from dagster_graphql import DagsterGraphQLClient

from perf_etl.instance import prepared_instance
from perf_etl.warehouse import store
from perf_etl_tests import servers
from perf_etl_tests.conftest import REPO, SAMPLES
from perf_etl_tests.fixtures.bad_landing import slow_pdf
from perf_etl_tests.servers import free_port

pytestmark = pytest.mark.slow

BIN = Path(sys.executable).parent
DEADLINE_SECONDS = 240
TERMINAL = {dg.DagsterRunStatus.SUCCESS, dg.DagsterRunStatus.FAILURE, dg.DagsterRunStatus.CANCELED}


def wait_for(condition, what: str, timeout: float = DEADLINE_SECONDS):
    return servers.wait_for(condition, what, timeout, interval=1)


@pytest.fixture(scope="module")
def services(tmp_path_factory):
    root = tmp_path_factory.mktemp("services")
    home, landing, logs = root / "dagster_home", root / "landing", root / "logs"
    for folder in (home, landing, logs):
        folder.mkdir()
    shutil.copy(REPO / "instance.yaml", home / "dagster.yaml")
    shutil.copy(SAMPLES / "004_3cc4b0b52db76508.pdf", landing)
    port = free_port()
    env = {**os.environ, "DAGSTER_HOME": str(home), "PERF_ETL_LANDING": str(landing),
           "PERF_ETL_WAREHOUSE": str(root / "warehouse.duckdb"), "PERF_ETL_SENSOR_INTERVAL_SECONDS": "5",
           "PERF_ETL_MAX_SECONDS_PER_FILE": "10"}
    commands = {
        "webserver": [BIN / "dagster-webserver", "-h", "127.0.0.1", "-p", str(port), "-w", REPO / "workspace.yaml"],
        "daemon": [BIN / "dagster-daemon", "run", "-w", REPO / "workspace.yaml"],
    }
    # The instance's storage is created here, before the servers start, so that three processes do not race
    # to migrate the same new SQLite files (perf_etl/instance.py).
    instance = prepared_instance(home)
    processes = [
        subprocess.Popen([str(c) for c in command], cwd=REPO, env=env, start_new_session=True,
                         stdout=(logs / f"{name}.log").open("w"), stderr=subprocess.STDOUT)
        for name, command in commands.items()
    ]
    try:
        wait_for(lambda: _answers(port), "the webserver", timeout=90)
        yield {"port": port, "landing": landing, "instance": instance, "warehouse": root / "warehouse.duckdb"}
    finally:
        instance.dispose()
        for process in processes:
            os.killpg(process.pid, signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)


def _answers(port: int) -> bool:
    try:
        return requests.get(f"http://127.0.0.1:{port}/server_info", timeout=2).ok
    except requests.RequestException:
        return False


def finished_run(instance: dg.DagsterInstance, **tags: str) -> dg.DagsterRun | None:
    runs = instance.get_runs(filters=dg.RunsFilter(tags=tags))
    return next((run for run in runs if run.status in TERMINAL), None)


def test_run_launched_through_graphql_succeeds(services):
    client = DagsterGraphQLClient("127.0.0.1", port_number=services["port"])
    run_id = client.submit_job_execution("fiscal_year_job", repository_location_name="perf_etl",
                                         tags={"dagster/partition": "2023"})
    wait_for(lambda: client.get_run_status(run_id) in TERMINAL, "the GraphQL run")
    assert client.get_run_status(run_id) == dg.DagsterRunStatus.SUCCESS
    # store.connect waits while a run the sensor launched meanwhile has the file open for writing.
    with store.connect(services["warehouse"], read_only=True) as conn:
        assert conn.execute("SELECT fiscal_year FROM core.reports").fetchall() == [(2023,)]


def test_dropped_report_makes_the_sensor_run_its_year(services):
    # A broken copy in the 2020/ folder too: the run records it with its reason instead of failing. And a PDF
    # that takes minutes to read: the sensor reads no file, the read job gives it its time budget (10 s
    # here), and the good report's run comes all the same.
    (services["landing"] / "a slow one.pdf").write_bytes(slow_pdf())
    (services["landing"] / "2020").mkdir()
    broken = (SAMPLES / "001_0b37341ce517e90b.pdf").read_bytes()
    (services["landing"] / "2020" / "truncated.pdf").write_bytes(broken[: len(broken) // 2])
    shutil.copy(SAMPLES / "001_0b37341ce517e90b.pdf", services["landing"] / "new report.pdf")
    run = wait_for(lambda: finished_run(services["instance"], **{"dagster/partition": "2020",
                                                                  "perf_etl/trigger": "landing_sensor"}),
                   "a sensor run for 2020")
    assert run.status == dg.DagsterRunStatus.SUCCESS
    with store.connect(services["warehouse"], read_only=True) as conn:
        assert conn.execute("SELECT source_path FROM raw.documents WHERE fiscal_year = 2020").fetchall() == [
            ("new report.pdf",)]
        assert conn.execute("SELECT source_path, reason_code FROM raw.rejected_files WHERE fiscal_year = 2020"
                            ).fetchall() == [("2020/truncated.pdf", "corrupt_pdf")]


SCHEDULE_QUERY = """
query ($selector: ScheduleSelector!) {
  scheduleOrError(scheduleSelector: $selector) {
    ... on Schedule { cronSchedule executionTimezone futureTicks(limit: 1) { results { timestamp } } }
  }
}
"""


def test_schedule_next_tick_is_the_first_of_july(services):
    selector = {"repositoryLocationName": "perf_etl", "repositoryName": "__repository__",
                "scheduleName": "yearly_reports_schedule"}
    response = requests.post(f"http://127.0.0.1:{services['port']}/graphql",
                             json={"query": SCHEDULE_QUERY, "variables": {"selector": selector}}, timeout=30)
    schedule = response.json()["data"]["scheduleOrError"]
    assert schedule["executionTimezone"] == "Asia/Shanghai"
    tick = datetime.fromtimestamp(schedule["futureTicks"]["results"][0]["timestamp"], ZoneInfo("Asia/Shanghai"))
    assert (tick.month, tick.day, tick.hour) == (7, 1, 9)
    assert tick > datetime.now(ZoneInfo("Asia/Shanghai"))


ASSET_KEYS_QUERY = "query { assetNodes { assetKey { path } } }"
BACKFILL_MUTATION = """
mutation ($params: LaunchBackfillParams!) {
  launchPartitionBackfill(backfillParams: $params) {
    __typename
    ... on LaunchBackfillSuccess { backfillId }
    ... on PythonError { message }
  }
}
"""
BACKFILL_DONE = {BulkActionStatus.COMPLETED_SUCCESS, BulkActionStatus.COMPLETED_FAILED, BulkActionStatus.FAILED,
                 BulkActionStatus.CANCELED}


def graphql(port: int, query: str, **variables: object) -> dict:
    response = requests.post(f"http://127.0.0.1:{port}/graphql", json={"query": query, "variables": variables},
                             timeout=60)
    assert response.ok, response.text[:500]
    return response.json()["data"]


def test_every_asset_of_two_years_backfills_from_the_asset_graph(services):
    """Lineage → Materialize all… → 2021 and 2023 → Launch backfill, as the UI sends it."""
    shutil.copy(SAMPLES / "003_9525dc9db79afe20.pdf", services["landing"] / "report of 2021.pdf")
    keys = [node["assetKey"] for node in graphql(services["port"], ASSET_KEYS_QUERY)["assetNodes"]]
    launched = graphql(services["port"], BACKFILL_MUTATION, params={
        "assetSelection": keys, "partitionNames": ["2021", "2023"]})["launchPartitionBackfill"]
    assert launched["__typename"] == "LaunchBackfillSuccess", launched
    instance = services["instance"]
    backfill_id = launched["backfillId"]
    backfill = wait_for(lambda: (b := instance.get_backfill(backfill_id)) and b.status in BACKFILL_DONE and b,
                        "the backfill", timeout=420)
    assert backfill.status == BulkActionStatus.COMPLETED_SUCCESS
    runs = instance.get_runs(filters=dg.RunsFilter(tags={"dagster/backfill": backfill_id}))
    assert runs and all(run.status == dg.DagsterRunStatus.SUCCESS for run in runs)
    ranges = {(run.tags[ASSET_PARTITION_RANGE_START_TAG], run.tags[ASSET_PARTITION_RANGE_END_TAG]) for run in runs
              if dg.AssetKey(["core", "reports"]) in (run.asset_selection or set())}
    assert ranges == {("2021", "2021"), ("2023", "2023")}  # one run per contiguous range, as the policy says
    # the marts of 2022 and 2024 read core of the year before (year-over-year columns): the backfill has them
    marts = [run for run in runs if dg.AssetKey(["marts", "department_year"]) in (run.asset_selection or set())]
    assert {year for run in marts for year in range(int(run.tags[ASSET_PARTITION_RANGE_START_TAG]),
                                                     int(run.tags[ASSET_PARTITION_RANGE_END_TAG]) + 1)} == \
        {2021, 2022, 2023, 2024}
    with store.connect(services["warehouse"], read_only=True) as conn:
        assert {(2021,), (2023,)} <= set(conn.execute("SELECT fiscal_year FROM marts.department_year").fetchall())
        assert conn.execute("SELECT count(*) FROM core.reports WHERE fiscal_year = 2021").fetchone() == (1,)
