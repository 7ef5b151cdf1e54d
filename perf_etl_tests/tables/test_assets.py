"""raw/table_cells and the core step through the Dagster job, and the samples left as they were."""

from __future__ import annotations

import shutil

import dagster as dg
import duckdb

from perf_etl.defs.definitions import build_definitions
from perf_etl.ingest.readers import read_document
from perf_etl_tests.conftest import SAMPLE_IDS, SAMPLES


def test_the_job_stores_cells_table_indicators_and_the_failed_cross_check(table_files, tmp_path):
    landing = tmp_path / "landing"
    landing.mkdir()
    shutil.copy(table_files["disagreement"], landing)
    warehouse = tmp_path / "warehouse.duckdb"
    job = build_definitions(str(landing), str(warehouse)).resolve_job_def("fiscal_year_job")
    with dg.DagsterInstance.ephemeral() as instance:
        result = job.execute_in_process(partition_key="2023", instance=instance)
    assert result.success
    with duckdb.connect(str(warehouse), read_only=True) as conn:
        cells = conn.execute("SELECT count(*), count(DISTINCT table_index), min(page_number) FROM raw.table_cells")
        assert cells.fetchone() == (90, 1, 2)
        indicators = conn.execute("SELECT indicator_name, weight, score FROM core.indicators WHERE source = "
                                  "'table' ORDER BY ALL").fetchall()
        assert {name for name, _, _ in indicators} == {"按时完成率", "招商项目数", "新增学位数", "群众满意度"}
        assert conn.execute("SELECT self_score::DOUBLE FROM core.reports").fetchone()[0] == 97.59
    checks = {e.check_name: e for e in result.get_asset_check_evaluations()}
    assert checks["table_totals_agree"].passed is False


def test_the_samples_have_no_ruled_tables_so_their_results_cannot_change():
    for sample in SAMPLE_IDS:
        path = SAMPLES / f"{sample}.pdf"
        assert read_document(path).tables == [], sample
