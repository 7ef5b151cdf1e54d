"""The stages after raw work through their documents in bounded batches (store.DOCUMENTS_PER_BATCH): with
batches of two documents a run writes the same rows, in the same order, as with one batch, and a step that
fails in its second batch leaves the previous rows (docs/architecture.md, "Memory")."""

from __future__ import annotations

import shutil
from datetime import datetime, timezone
from pathlib import Path

import dagster as dg
import duckdb
import pandas as pd
import pytest
from dagster._core.storage.tags import ASSET_PARTITION_RANGE_END_TAG, ASSET_PARTITION_RANGE_START_TAG

from perf_etl.defs.assets.common import FULL_REFRESH_TAG
from perf_etl.defs.definitions import build_definitions
from perf_etl.parallel import Parallelism, WorkerPool
from perf_etl.stages import staging as staging_stage
from perf_etl.stages.core import Extracted, extract_documents, extracted_frames
from perf_etl.stages.core import extract as extract_stage
from perf_etl.stages.staging import normalize as normalize_stage
from perf_etl.warehouse import store
from perf_etl.warehouse.store import RUN_TIME_COLUMNS
from perf_etl_tests.conftest import SAMPLES, raw_frames_in_memory
from perf_etl_tests.fixtures.table_pdfs import FIXTURES, write_fixture

YEARS = {ASSET_PARTITION_RANGE_START_TAG: "2020", ASSET_PARTITION_RANGE_END_TAG: "2024"}
BATCHED_TABLES = ("raw.table_cells", "staging.documents", "staging.sections", "core.reports", "core.field_evidence",
                  "core.indicators", "core.expenditure_items", "core.score_components", "core.findings",
                  "raw.rejected_files", "meta.stage_inputs")
NOW = datetime(2025, 1, 1, tzinfo=timezone.utc)


@pytest.fixture(scope="module")
def sources(tmp_path_factory) -> Path:
    """The samples (no ruled tables) and the table fixtures (a 自评表 each), built once: a build's bytes
    carry its time."""
    folder = tmp_path_factory.mktemp("sources") / "landing"
    shutil.copytree(SAMPLES, folder)
    for name in FIXTURES:
        write_fixture(name, folder)
    return folder


def run(root: Path, *, raise_on_error: bool = True, **tags: str) -> dg.ExecuteInProcessResult:
    job = build_definitions(str(root / "landing"), str(root / "warehouse.duckdb")).resolve_job_def("fiscal_year_job")
    with dg.DagsterInstance.ephemeral() as instance:
        return job.execute_in_process(tags={**YEARS, **tags}, instance=instance, raise_on_error=raise_on_error)


def rows(database: Path, *, ordered: bool) -> dict[str, list[tuple]]:
    """Every table's rows without the run's times: in the order a scan gives them (the order they were
    inserted in) for the tables the batched stages write, sorted for all the tables when `ordered`."""
    with duckdb.connect(str(database), read_only=True) as conn:
        tables = [f"{schema}.{table}" for schema, table in conn.execute(
            "SELECT table_schema, table_name FROM information_schema.tables ORDER BY ALL").fetchall()]
        out = {}
        for table in tables if ordered else BATCHED_TABLES:
            schema, name = table.split(".")
            columns = ", ".join(f'"{c}"' for (c,) in conn.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_schema = ? AND table_name = ? "
                "ORDER BY ordinal_position", [schema, name]).fetchall() if c not in RUN_TIME_COLUMNS)
            order = " ORDER BY ALL" if ordered else ""
            out[table] = conn.execute(f"SELECT {columns} FROM {table}{order}").fetchall()
        return out


@pytest.fixture(scope="module")
def one_batch(tmp_path_factory, sources) -> Path:
    root = tmp_path_factory.mktemp("one_batch")
    shutil.copytree(sources, root / "landing")
    assert run(root).success
    return root


def test_batches_of_two_documents_write_the_rows_of_one_batch_in_the_same_order(one_batch, sources, tmp_path,
                                                                                 monkeypatch):
    shutil.copytree(sources, tmp_path / "landing")
    monkeypatch.setattr(store, "DOCUMENTS_PER_BATCH", 2)  # batches across years
    assert run(tmp_path).success
    batched, whole = tmp_path / "warehouse.duckdb", one_batch / "warehouse.duckdb"
    with duckdb.connect(str(whole), read_only=True) as conn:
        assert conn.execute("SELECT count(*) FROM staging.documents").fetchone()[0] > 5
        assert conn.execute("SELECT count(DISTINCT document_id) FROM raw.table_cells").fetchone()[0] > 2
    for ordered in (False, True):
        expected, got = rows(whole, ordered=ordered), rows(batched, ordered=ordered)
        assert got.keys() == expected.keys()
        for table, table_rows in expected.items():
            assert len(got[table]) == len(table_rows), table
            differing = [(a, b) for a, b in zip(got[table], table_rows, strict=True) if a != b]
            assert not differing, (table, ordered, differing[:2])


def test_a_step_that_fails_in_its_second_batch_leaves_the_previous_rows(one_batch, tmp_path, monkeypatch):
    shutil.copytree(one_batch, tmp_path / "run")
    root = tmp_path / "run"
    before = rows(root / "warehouse.duckdb", ordered=True)
    calls = []

    def fails_on_the_second_batch(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("killed half-way")
        return normalize_stage(*args, **kwargs)

    monkeypatch.setattr(store, "DOCUMENTS_PER_BATCH", 2)
    monkeypatch.setattr(staging_stage, "normalize", fails_on_the_second_batch)
    result = run(root, raise_on_error=False, **{FULL_REFRESH_TAG: "true"})
    assert not result.success and len(calls) == 2
    after = rows(root / "warehouse.duckdb", ordered=True)
    for table in ("staging.documents", "staging.sections", "meta.stage_inputs", "core.reports"):
        assert after[table] == before[table], table


@pytest.fixture(scope="module")
def raw(tmp_path_factory) -> tuple[Path, dict[str, pd.DataFrame]]:
    landing = tmp_path_factory.mktemp("batches") / "landing"
    shutil.copytree(SAMPLES, landing)
    return landing, raw_frames_in_memory(landing, NOW)


def test_stages_called_batch_by_batch_on_one_worker_pool_give_the_whole_result(raw):
    _, frames = raw
    documents, pages = frames["documents"].sort_values("document_id"), frames["pages"]
    whole = normalize_stage(documents, pages, parallel=Parallelism(workers=0))
    expected, expected_failures = extract_stage(whole, {}, now=NOW, parallel=Parallelism(workers=0))
    batches = [documents.iloc[start:start + 2] for start in range(0, len(documents), 2)]
    staged, gathered = [], Extracted()
    with WorkerPool(Parallelism(workers=2, batch_size=1, min_items=0)) as pool:
        for batch in batches:
            part = normalize_stage(batch, pages[pages["document_id"].isin(batch["document_id"])], pool=pool)
            extract_documents(part, {}, now=NOW, pool=pool, into=gathered)
            staged += part
    assert staged == whole
    extracted, failures = extracted_frames(gathered)
    assert failures == expected_failures == []
    for table, frame in expected.items():
        pd.testing.assert_frame_equal(extracted[table], frame, obj=table)


def test_partition_writer_rolls_back_every_batch_on_an_error(tmp_path):
    conn = store.connect(tmp_path / "w.duckdb")
    first = pd.DataFrame({"document_id": ["a", "b"], "fiscal_year": [2023, 2024], "text": ["x", "y"],
                          "char_count": [1, 1], "page_starts": [[0], [0]]})
    store.write_partition(conn, [2023, 2024], [store.TableWrite("staging.documents", first)])
    before = conn.execute("SELECT * FROM staging.documents ORDER BY ALL").fetchall()
    limit = conn.execute("SELECT current_setting('memory_limit')").fetchone()
    writes = [store.TableWrite("staging.documents", pd.DataFrame())]
    with pytest.raises(duckdb.ConstraintException), store.partition_writer(conn, [2023], writes) as writer:
        writer.insert("staging.documents", first.iloc[:1].assign(text=["new"]))
        writer.insert("staging.documents", first.iloc[:1].assign(text=[None]))  # NOT NULL
    assert conn.execute("SELECT * FROM staging.documents ORDER BY ALL").fetchall() == before
    assert conn.execute("SELECT current_setting('memory_limit')").fetchone() == limit
    with store.partition_writer(conn, [2023], [store.TableWrite("staging.documents", pd.DataFrame())]) as writer:
        writer.insert("staging.documents", first.iloc[:1].assign(text=["new"]))
        writer.insert("staging.documents", first.iloc[1:].assign(fiscal_year=[2023], document_id=["c"]))
    assert conn.execute("SELECT document_id, text FROM staging.documents").fetchall() == [
        ("b", "y"), ("a", "new"), ("c", "y")]
    conn.close()
