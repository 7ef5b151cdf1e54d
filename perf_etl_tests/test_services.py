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
