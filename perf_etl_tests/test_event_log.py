"""instance.yaml's event log (perf_etl/event_log.py): Dagster's SQLite files with open connections. A webserver
in another process must still follow a run live, and see every event of it."""

import shutil
import threading
import time
from pathlib import Path

import dagster as dg
from dagster._core.utils import make_new_run_id

from perf_etl.event_log import CHECKPOINT_SECONDS, PooledSqliteEventLogStorage
from perf_etl.instance import prepared_instance

REPO = Path(__file__).resolve().parents[1]
STEP_SECONDS = 4.0


@dg.op
def slow_step(context: dg.OpExecutionContext) -> None:
    context.log.info("started the slow part")
    time.sleep(STEP_SECONDS)


@dg.job
def slow_job() -> None:
    slow_step()


def test_a_watcher_in_another_instance_sees_events_while_the_run_goes_on(tmp_path):
    shutil.copy(REPO / "instance.yaml", tmp_path / "dagster.yaml")
    with prepared_instance(tmp_path) as writer, prepared_instance(tmp_path) as reader:
        assert isinstance(writer.event_log_storage, PooledSqliteEventLogStorage)
        run_id = make_new_run_id()
        seen = []
        started = time.monotonic()
        run = threading.Thread(target=slow_job.execute_in_process, kwargs={"instance": writer, "run_id": run_id})
        run.start()
        while not (tmp_path / "history" / "runs" / f"{run_id}.db").exists():
            time.sleep(0.05)
        # What the webserver does to show a run's log as it grows: watch the run's database file.
        reader.event_log_storage.watch(run_id, None, lambda event, _cursor: seen.append(
            (time.monotonic() - started, event.user_message)))
        run.join()
        time.sleep(CHECKPOINT_SECONDS * 2)
        reader.event_log_storage.end_watch(run_id, lambda *_: None)
        logged_at = [at for at, message in seen if message == "started the slow part"]
        assert logged_at and logged_at[0] < STEP_SECONDS / 2, "the log line reached the watcher only when the run ended"
        # Every event the run stored, read back by the other instance.
        assert [e.user_message for e in reader.all_logs(run_id)] == [e.user_message for e in writer.all_logs(run_id)]
        assert reader.get_run_by_id(run_id).status == dg.DagsterRunStatus.SUCCESS
    assert not list((tmp_path / "history" / "runs").glob("*-wal")), "a database was left unchecked-pointed"
