"""The Dagster instance's event log: Dagster's own SQLite event log, with its connections kept open.

Dagster's `SqliteEventLogStorage` creates an engine and opens and closes a connection for each event it
stores, and an asset event is written twice (the run's database and the cross-run index). Closing the last
connection of a WAL database checkpoints it, and each commit syncs the disk (`synchronous=FULL`): about
8 ms an event on this project's machines. A run of 20 reports over eight fiscal years stores ~350 events
(a materialization, and a planned one, per asset and year), so a small run spent more time recording itself
than working. Here each database keeps one open connection and commits with `synchronous=NORMAL` (WAL: a
commit survives the process crashing; only a power loss can lose the last events, never corrupt the file):
about 1.5 ms an event. The files, their schema and everything the webserver and daemon read are Dagster's.

The webserver follows a live run by watching its database *file* (not the WAL beside it), so a run's
database is checkpointed CHECKPOINT_SECONDS after a write (one checkpoint for all the events meanwhile),
and at once when the run starts or ends: the UI sees new events within that half second.

instance.yaml selects it (`event_log_storage`); without `base_dir` it uses Dagster's default place,
`$DAGSTER_HOME/history/runs`.
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import sqlalchemy as db
from dagster import _check as check
from dagster._config import Field, StringSource, UserConfigSchema
from dagster._core.events import EVENT_TYPE_TO_PIPELINE_RUN_STATUS
from dagster._core.events.log import EventLogEntry
from dagster._core.storage.event_log.sqlite.sqlite_event_log import (
    INDEX_SHARD_NAME,
    SQLITE_BUSY_TIMEOUT_SECONDS,
    SqliteEventLogStorage,
)
from dagster._serdes import ConfigurableClassData
from sqlalchemy.engine import Connection, Engine

# A run's database is checkpointed (its file changes, and a watching webserver reads the new events) this
# long after a write.
CHECKPOINT_SECONDS = 0.5
# Open databases per process: the index and the runs being written or read. A webserver reads many runs;
# the least recently used beyond this are closed.
OPEN_DATABASES = 8


class PooledSqliteEventLogStorage(SqliteEventLogStorage):
    """Dagster's SQLite event log with one open connection per database (see the module docstring)."""

    def __init__(self, base_dir: str, inst_data: ConfigurableClassData | None = None) -> None:
        self._engines: OrderedDict[str, Engine] = OrderedDict()
        self._checkpoints: dict[str, threading.Timer] = {}  # run database -> its checkpoint to come
        super().__init__(base_dir, inst_data)

    @classmethod
    def config_type(cls) -> UserConfigSchema:
        return {"base_dir": Field(StringSource, is_required=False)}

    @classmethod
    def from_config_value(  # ty: ignore[invalid-method-override]
        cls, inst_data: ConfigurableClassData | None, config_value: Mapping[str, Any]
    ) -> PooledSqliteEventLogStorage:
        base_dir = config_value.get("base_dir")
        if not base_dir:
            home = os.environ.get("DAGSTER_HOME")
            if not home:
                raise check.CheckError("PooledSqliteEventLogStorage: set DAGSTER_HOME or the storage's base_dir")
            base_dir = os.path.join(home, "history", "runs")
        return cls(base_dir, inst_data=inst_data)

    @contextmanager
    def _connect(self, shard: str) -> Iterator[Connection]:
        with self._db_lock:
            check.str_param(shard, "shard")
            engine = self._engine(shard)
            if shard not in self._initialized_dbs:
                self._initdb(engine)
                self._initialized_dbs.add(shard)
            with engine.connect() as conn, conn.begin():
                changes = conn.connection.dbapi_connection.total_changes
                yield conn
                wrote = conn.connection.dbapi_connection.total_changes != changes
            if wrote and shard != INDEX_SHARD_NAME and shard not in self._checkpoints:
                timer = threading.Timer(CHECKPOINT_SECONDS, self._checkpoint_later, args=(shard,))
                timer.daemon = True
                self._checkpoints[shard] = timer
                timer.start()

    def store_event(self, event: EventLogEntry) -> None:
        super().store_event(event)
        if event.is_dagster_event and event.dagster_event_type in EVENT_TYPE_TO_PIPELINE_RUN_STATUS:
            with self._db_lock:  # the run started, ended or failed: show it now
                self._cancel_checkpoint(event.run_id)
                self._checkpoint(event.run_id)

    def dispose(self) -> None:
        with self._db_lock:
            for shard in list(self._checkpoints):
                self._cancel_checkpoint(shard)
            while self._engines:
                self._engines.popitem(last=False)[1].dispose()  # closing a database checkpoints it
        super().dispose()

    def _engine(self, shard: str) -> Engine:
        if shard in self._engines:
            self._engines.move_to_end(shard)
            return self._engines[shard]
        engine = db.create_engine(self.conn_string_for_shard(shard), poolclass=db.pool.QueuePool, pool_size=1,
                                  connect_args={"timeout": SQLITE_BUSY_TIMEOUT_SECONDS, "check_same_thread": False})
        db.event.listen(engine, "connect", _synchronous_normal)
        self._engines[shard] = engine
        while len(self._engines) > OPEN_DATABASES:
            self._engines.popitem(last=False)[1].dispose()  # closing checkpoints it
        return engine

    def _checkpoint_later(self, shard: str) -> None:
        with self._db_lock:
            if self._checkpoints.pop(shard, None) is not None:
                self._checkpoint(shard)

    def _cancel_checkpoint(self, shard: str) -> None:
        timer = self._checkpoints.pop(shard, None)
        if timer is not None:
            timer.cancel()

    def _checkpoint(self, shard: str) -> None:
        if shard in self._engines:
            with self._engines[shard].connect() as conn:
                conn.exec_driver_sql("PRAGMA wal_checkpoint(PASSIVE)")


def _synchronous_normal(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.execute("PRAGMA synchronous=NORMAL")
