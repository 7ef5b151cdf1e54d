"""The deployment of docs/deploy.md, for real on loopback: a PostgreSQL-backed instance (deploy/dagster.yaml),
the queued run coordinator drained by dagster-daemon, and the distributed job's steps executed by two Celery
workers over a Redis broker. One fiscal year through it must give the same warehouse as `perf-etl run`.

Worker "warehouse" consumes the default queue and the warehouse queue (the step that writes raw.*);
worker "reader" only the default queue, as a reading machine without the warehouse would. Every server is
a subprocess of this module's fixture, stopped at its end. Bounded in time (DEADLINE_SECONDS).
"""

import json
import os
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import dagster as dg
import pandas as pd
import pytest

from perf_etl.warehouse import store
from perf_etl_tests import servers
from perf_etl_tests.conftest import REPO, SAMPLES
from perf_etl_tests.servers import create_database, running_postgres, running_redis, stop

pytestmark = [pytest.mark.deploy, pytest.mark.slow]

BIN = Path(sys.executable).parent
YEAR = "2023"
DEADLINE_SECONDS = 150
TERMINAL = {dg.DagsterRunStatus.SUCCESS, dg.DagsterRunStatus.FAILURE, dg.DagsterRunStatus.CANCELED}
# First-seen times differ between two runs by construction; everything else must be equal.
VOLATILE_COLUMNS = {"ingested_at", "detected_at"}
SCHEMAS = ("raw", "staging", "core", "marts")
WORKERS = {"warehouse": "dagster,warehouse", "reader": "dagster"}


def wait_for(condition, what: str, timeout: float = DEADLINE_SECONDS):
    return servers.wait_for(condition, what, timeout)


def deploy_environment(root: Path, postgres, broker: str) -> dict[str, str]:
    """What docs/deploy.md sets on every machine: the instance, its database, the broker, the data."""
    (root / "distributed").mkdir()
    return {
        **{key: value for key, value in os.environ.items() if key != "PERF_ETL_PUBLISH_URL"},
        "DAGSTER_HOME": str(root / "dagster_home"),
        "DAGSTER_PG_HOST": postgres.host, "DAGSTER_PG_PORT": str(postgres.port),
        "DAGSTER_PG_USER": postgres.username, "DAGSTER_PG_PASSWORD": "trust-ignores-it",
        "DAGSTER_PG_DB": postgres.database,
        "PERF_ETL_CELERY_BROKER": f"{broker}/0", "PERF_ETL_CELERY_BACKEND": f"{broker}/1",
        "PERF_ETL_LANDING": str(root / "landing"), "PERF_ETL_WAREHOUSE": str(root / "distributed" / "warehouse.duckdb"),
        # 10 sample files in batches of 3: several read_batch steps for two workers to share.
        "PERF_ETL_FILES_PER_BATCH": "3",
    }


def celery_worker(name: str, queues: str, env: dict[str, str], log: Path) -> subprocess.Popen:
    # The solo pool runs a step in the worker's own process, which may start the reader processes of the
    # batch (a prefork child is daemonic and may not); no prefetching, or a worker would hold a batch back
    # that an idle one could read (docs/deploy.md).
    command = [BIN / "celery", "-A", "dagster_celery.app", "-b", env["PERF_ETL_CELERY_BROKER"],
               "--result-backend", env["PERF_ETL_CELERY_BACKEND"], "worker", "-n", f"{name}@%h", "-Q", queues,
               "--pool", "solo", "--prefetch-multiplier", "1", "-O", "fair", "--loglevel", "INFO"]
    return subprocess.Popen([str(part) for part in command], cwd=REPO, env=env, start_new_session=True,
                            stdout=log.open("w"), stderr=subprocess.STDOUT)


def daemon(env: dict[str, str], log: Path) -> subprocess.Popen:
    command = [str(BIN / "dagster-daemon"), "run", "-w", str(REPO / "deploy" / "workspace.yaml")]
    return subprocess.Popen(command, cwd=REPO, env=env, start_new_session=True,
                            stdout=log.open("w"), stderr=subprocess.STDOUT)


@pytest.fixture(scope="module")
def deployment(tmp_path_factory) -> Iterator[dict]:
    root = tmp_path_factory.mktemp("deploy")
    logs, home = root / "logs", root / "dagster_home"
    for folder in (logs, home):
        folder.mkdir()
    shutil.copytree(SAMPLES, root / "landing")
    shutil.copy(REPO / "deploy" / "dagster.yaml", home / "dagster.yaml")
    with running_postgres() as server, running_redis(logs / "redis.log") as broker, \
            pytest.MonkeyPatch.context() as patch:
        env = deploy_environment(root, create_database(server, "dagster"), broker)
        for name in ("DAGSTER_HOME", *(key for key in env if key.startswith("DAGSTER_PG_"))):
            patch.setenv(name, env[name])
        # Created (and its schema migrated) before the services start, so that they do not race to do it.
        instance = dg.DagsterInstance.get()
        processes = [celery_worker(name, queues, env, logs / f"worker-{name}.log") for name, queues in WORKERS.items()]
        processes.append(daemon(env, logs / "daemon.log"))
        try:
            for name in WORKERS:
                wait_for(lambda name=name: "ready." in (logs / f"worker-{name}.log").read_text(),
                         f"Celery worker {name}", timeout=90)
            yield {"root": root, "env": env, "instance": instance, "logs": logs}
        finally:
            instance.dispose()
            for process in processes:
                stop(process)


def launch(env: dict[str, str], run_id: str) -> None:
    """`dagster job launch`: the run is queued, and the daemon starts it under the run coordinator."""
    command = [str(BIN / "dagster"), "job", "launch", "-w", str(REPO / "deploy" / "workspace.yaml"),
               "-j", "fiscal_year_distributed_job", "--run-id", run_id,
               "--tags", json.dumps({"dagster/partition": YEAR})]
    subprocess.run(command, cwd=REPO, env=env, check=True, capture_output=True, timeout=120)


def default_run(root: Path) -> Path:
    """The single-machine default: `perf-etl run` with a throwaway instance and the in-process executor."""
    # Its own folder: the marts are published beside the warehouse.
    warehouse = root / "default" / "warehouse.duckdb"
    warehouse.parent.mkdir()
    env = {key: value for key, value in os.environ.items() if key not in ("DAGSTER_HOME", "PERF_ETL_PUBLISH_URL")}
    subprocess.run([str(BIN / "perf-etl"), "run", "--years", YEAR, "--landing", str(root / "landing"),
                    "--warehouse", str(warehouse)], cwd=REPO, env=env, check=True, capture_output=True, timeout=180)
    return warehouse


def warehouse_tables(path: Path) -> dict[str, pd.DataFrame]:
    """Every table of the warehouse's schemas without volatile columns, rows in a canonical order."""
    with store.connect(path, read_only=True) as conn:
        names = [f"{schema}.{table}" for schema, table in conn.execute(
            "SELECT table_schema, table_name FROM information_schema.tables WHERE table_schema IN ? "
            "ORDER BY ALL", [list(SCHEMAS)]).fetchall()]
        tables = {}
        for name in names:
            frame = conn.execute(f"SELECT * FROM {name}").df()
            frame = frame.drop(columns=[c for c in frame.columns if c in VOLATILE_COLUMNS])
            tables[name] = frame.astype(str).sort_values(list(frame.columns)).reset_index(drop=True)
    return tables


def celery_hosts(instance: dg.DagsterInstance, run_id: str) -> dict[str, str]:
    """step key -> the Celery worker that executed it, from the run's engine events."""
    hosts = {}
    for record in instance.all_logs(run_id):
        event = record.dagster_event
        if event is None or event.event_type_value != "ENGINE_EVENT" or not event.step_key:
            continue
        worker = event.engine_event_data.metadata.get("Celery worker")
        if worker is not None:
            hosts[event.step_key] = worker.value
    return hosts


def report_costs(instance: dg.DagsterInstance, run_id: str, elapsed: float, hosts: dict[str, str]) -> None:
    """What docs/deploy.md quotes: time from launch to success, steps per worker, event-log rows per step."""
    records = instance.all_logs(run_id)
    batch_rows = [r for r in records if r.step_key and ".read_batch[" in r.step_key]
    per_worker = {host: sum(1 for h in hosts.values() if h == host) for host in sorted(set(hosts.values()))}
    print(f"\ndistributed run: {elapsed:.1f} s from launch, steps per worker {per_worker}, "
          f"{len(records)} event-log rows, {len(batch_rows) / 4:.0f} per read_batch step")


def test_one_year_through_postgres_and_celery_equals_the_default_run(deployment):
    instance, run_id = deployment["instance"], str(uuid.uuid4())
    started = time.monotonic()
    launch(deployment["env"], run_id)
    run = wait_for(lambda: (r := instance.get_run_by_id(run_id)) is not None and r.status in TERMINAL and r,
                   "the distributed run")
    elapsed = time.monotonic() - started
    assert run.status == dg.DagsterRunStatus.SUCCESS, f"run {run.status}; logs in {deployment['logs']}"
    assert run.tags["dagster/partition"] == YEAR

    hosts = celery_hosts(instance, run_id)
    batches = sorted(step for step in hosts if ".read_batch[" in step)
    assert len(batches) == 4, hosts  # 10 files, no byte copies among the samples, 3 per batch
    assert hosts["raw_documents_distributed.write_raw"].startswith("warehouse@")
    assert {"staging_documents", "core_tables", "marts_tables"} <= hosts.keys()
    report_costs(instance, run_id, elapsed, hosts)

    distributed = warehouse_tables(Path(deployment["env"]["PERF_ETL_WAREHOUSE"]))
    default = warehouse_tables(default_run(deployment["root"]))
    assert distributed.keys() == default.keys()
    assert len(distributed["raw.documents"]) == 2 and len(distributed["core.reports"]) == 2
    for name, frame in default.items():
        pd.testing.assert_frame_equal(distributed[name], frame, obj=name)
