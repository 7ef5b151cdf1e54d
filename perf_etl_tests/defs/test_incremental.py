"""Incremental runs: a stage skips the fiscal years whose inputs did not change, and the tables stay as a
full recompute would leave them (docs/architecture.md, "Incremental runs")."""

from __future__ import annotations

import shutil
from pathlib import Path

import dagster as dg
import duckdb
import pytest
from dagster._core.storage.tags import ASSET_PARTITION_RANGE_END_TAG, ASSET_PARTITION_RANGE_START_TAG

from perf_etl.defs.assets.common import FULL_REFRESH_TAG
from perf_etl.defs.definitions import build_definitions
from perf_etl.stages import fingerprints
from perf_etl.validate.checks import CONTRACT_CHECKS
from perf_etl_tests.conftest import SAMPLES

YEARS = {ASSET_PARTITION_RANGE_START_TAG: "2020", ASSET_PARTITION_RANGE_END_TAG: "2024"}
# Every asset downstream of raw.documents / raw.pages / raw.rejected_files.
DOWNSTREAM = ["raw/table_cells", "staging/documents", "staging/sections", "core/reports", "core/field_evidence",
              "core/indicators", "core/expenditure_items", "core/score_components", "core/findings",
              "marts/department_year", "marts/fiscal_year_summary", "marts/indicator_completion",
              "marts/data_quality", "marts/review_queue", "published_marts"]
# The sample documents of 2023 (conftest.SAMPLE_FISCAL_YEARS): 002 and 004.
SAMPLE_OF_2023 = "002_fa04becc64be89b5"


def snapshot(database: Path) -> dict[str, list[tuple]]:
    """Every row of every table (meta.stage_inputs included), in a stable order."""
    with duckdb.connect(str(database), read_only=True) as conn:
        tables = conn.execute("SELECT table_schema, table_name FROM information_schema.tables ORDER BY ALL").fetchall()
        return {f"{schema}.{table}": conn.execute(f'SELECT * FROM "{schema}"."{table}" ORDER BY ALL').fetchall()
                for schema, table in tables}


LOGS: dict[str, list[str]] = {}  # run id -> the messages its steps logged


def run(root: Path, **tags: str) -> dg.ExecuteInProcessResult:
    job = build_definitions(str(root / "landing"), str(root / "warehouse.duckdb")).resolve_job_def("fiscal_year_job")
    with dg.DagsterInstance.ephemeral() as instance:
        result = job.execute_in_process(tags={**YEARS, **tags}, instance=instance)
        LOGS[result.run_id] = [entry.user_message for entry in instance.all_logs(result.run_id)]
    assert result.success
    return result


def computed_years(result: dg.ExecuteInProcessResult) -> dict[str, list[int]]:
    """asset -> the fiscal years its step computed (the others it skipped), from the materializations."""
    years: dict[str, list[int]] = {}
    for event in result.get_asset_materialization_events():
        materialization = event.materialization
        metadata = materialization.metadata
        key = materialization.asset_key.to_user_string()
        if key in DOWNSTREAM:
            assert metadata["skipped"].value == (not metadata["computed_years"].value), key
            years[key] = metadata["computed_years"].value
    assert sorted(years) == sorted(DOWNSTREAM)
    return years


@pytest.fixture(scope="module")
def first_run(tmp_path_factory) -> tuple[Path, dg.ExecuteInProcessResult]:
    """The samples (PDF and text copies) run once for 2020-2024 into a fresh warehouse, kept aside as
    `pristine/`. Tests work in `work/`, restored from it: the same path, so the publish target (Parquet
    folder and DuckDB file beside the warehouse) is the same place, as in a real re-run."""
    base = tmp_path_factory.mktemp("incremental")
    shutil.copytree(SAMPLES, base / "work" / "landing")
    result = run(base / "work")
    shutil.copytree(base / "work", base / "pristine")
    return base, result


def restored(base: Path) -> Path:
    shutil.rmtree(base / "work")
    shutil.copytree(base / "pristine", base / "work")
    return base / "work"


@pytest.fixture
def warehouse_copy(first_run) -> Path:
    """The first run's landing folder, warehouse and published marts, to change."""
    base, _ = first_run
    return restored(base)


@pytest.fixture(scope="module")
def second_run(first_run) -> tuple[tuple, dg.ExecuteInProcessResult, tuple]:
    root = restored(first_run[0])
    before = snapshot(root / "warehouse.duckdb"), snapshot(root / "marts.duckdb")
    result = run(root)
    return before, result, (snapshot(root / "warehouse.duckdb"), snapshot(root / "marts.duckdb"))


def test_a_first_run_computes_every_year(first_run):
    _, result = first_run
    assert set(map(tuple, computed_years(result).values())) == {(2020, 2021, 2022, 2023, 2024)}
    assert result.get_asset_check_evaluations()


def test_a_rerun_with_nothing_new_skips_every_stage_after_raw(second_run):
    _, result, _ = second_run
    assert computed_years(result) == {key: [] for key in DOWNSTREAM}
    skipped = [m for m in LOGS[result.run_id] if m.startswith("inputs unchanged since") and m.endswith("; skipped")]
    assert len(skipped) == 5  # tables, staging, core, marts, published


def test_a_rerun_with_nothing_new_reports_every_check_as_last_evaluated(first_run, second_run):
    contract = {check.name for check in CONTRACT_CHECKS}  # the review queue's check is the marts step's own
    first = {e.check_name: e for e in first_run[1].get_asset_check_evaluations() if e.check_name in contract}
    again = {e.check_name: e for e in second_run[1].get_asset_check_evaluations() if e.check_name in contract}
    assert sorted(again) == sorted(first) and len(first) == len(CONTRACT_CHECKS)
    for name, evaluation in again.items():
        assert evaluation.passed == first[name].passed, name
        assert evaluation.metadata["failing_rows"] == first[name].metadata["failing_rows"], name
        assert "as last evaluated (2020: " in evaluation.metadata["kept_from_last_evaluation"].value


def test_a_rerun_with_nothing_new_writes_no_raw_row(second_run):
    _, result, _ = second_run
    logged = [m for m in LOGS[result.run_id] if m.startswith("fiscal years [2020, 2021, 2022, 2023, 2024]:")]
    assert logged and logged[0].endswith("(unchanged, nothing written)")


def test_a_rerun_with_nothing_new_leaves_every_table_as_it_was(second_run):
    before, _, after = second_run
    assert after == before
    warehouse, published = after
    assert warehouse["core.reports"] and warehouse["marts.department_year"] and published


def test_a_replaced_file_recomputes_its_year_and_the_marts_of_the_year_after(warehouse_copy):
    # Without the PDF, its text copy (the same report) is kept: another document_id in 2023.
    (warehouse_copy / "landing" / f"{SAMPLE_OF_2023}.pdf").unlink()
    result = run(warehouse_copy)
    years = computed_years(result)
    for key in ["raw/table_cells", "staging/documents", "core/reports", "core/findings"]:
        assert years[key] == [2023], key
    # Year-over-year columns of 2024 read core of 2023.
    for key in ["marts/department_year", "marts/data_quality", "published_marts"]:
        assert years[key] == [2023, 2024], key
    assert {e.check_name for e in result.get_asset_check_evaluations()} >= {"unique_report_id"}
    with duckdb.connect(str(warehouse_copy / "warehouse.duckdb"), read_only=True) as conn:
        formats = conn.execute("SELECT d.source_format FROM core.reports r JOIN raw.documents d USING (document_id) "
                               "WHERE d.file_name LIKE ?", [f"{SAMPLE_OF_2023}%"]).fetchall()
    assert formats == [("txt",)]
    raw_logs = [m for m in LOGS[result.run_id] if m.startswith("fiscal years [2020, 2021, 2022, 2023, 2024]:")]
    assert raw_logs[0].endswith("(written)")


def test_a_new_stage_version_recomputes_that_stage_and_what_depends_on_it(warehouse_copy, monkeypatch):
    before = snapshot(warehouse_copy / "warehouse.duckdb")
    monkeypatch.setitem(fingerprints.STAGE_VERSIONS, "core", "test")
    result = run(warehouse_copy)
    years = computed_years(result)
    assert years["staging/documents"] == years["raw/table_cells"] == []
    for key in ["core/reports", "core/field_evidence", "marts/department_year", "published_marts"]:
        assert years[key] == [2020, 2021, 2022, 2023, 2024], key
    after = snapshot(warehouse_copy / "warehouse.duckdb")
    # Same rows (the code did not really change); only the core fingerprints and times were recorded anew,
    # and the checks evaluated anew.
    recorded_anew = ("meta.stage_inputs", "meta.check_results")
    assert {table: rows for table, rows in after.items() if table not in recorded_anew} == \
        {table: rows for table, rows in before.items() if table not in recorded_anew}
    assert [row[:4] for row in after["meta.check_results"]] == [row[:4] for row in before["meta.check_results"]]
    changed = {row[0] for row in set(after["meta.stage_inputs"]) - set(before["meta.stage_inputs"])}
    assert changed == {key for key in DOWNSTREAM if not key.startswith(("staging/", "raw/"))}


def test_a_year_whose_record_does_not_match_is_computed_again_and_only_it(warehouse_copy):
    """Rows lost outside a run, with their record: the stage computes the year again. What depends on it
    is skipped, rightly: the rows come back the same, from the same inputs."""
    warehouse = warehouse_copy / "warehouse.duckdb"
    before = snapshot(warehouse)
    with duckdb.connect(str(warehouse)) as conn:
        conn.execute("DELETE FROM staging.sections WHERE fiscal_year = 2021")
        conn.execute("UPDATE meta.stage_inputs SET fingerprint = 'lost' WHERE asset = 'staging/sections' "
                     "AND fiscal_year = 2021")
    years = computed_years(run(warehouse_copy))
    assert years["staging/sections"] == years["staging/documents"] == [2021]
    assert years["raw/table_cells"] == years["core/reports"] == years["marts/department_year"] == []
    after = snapshot(warehouse)
    assert any(row[1] == 2021 for row in after["staging.sections"])
    assert {t: rows for t, rows in after.items() if t != "meta.stage_inputs"} == \
        {t: rows for t, rows in before.items() if t != "meta.stage_inputs"}


@pytest.mark.parametrize("how", ["tag", "environment"])
def test_a_full_refresh_recomputes_everything_and_changes_nothing(warehouse_copy, monkeypatch, how):
    before = snapshot(warehouse_copy / "warehouse.duckdb")
    if how == "environment":
        monkeypatch.setenv("PERF_ETL_FULL_REFRESH", "1")
        result = run(warehouse_copy)
    else:
        result = run(warehouse_copy, **{FULL_REFRESH_TAG: "true"})
    assert set(map(tuple, computed_years(result).values())) == {(2020, 2021, 2022, 2023, 2024)}
    assert result.get_asset_check_evaluations()
    after = snapshot(warehouse_copy / "warehouse.duckdb")
    assert {t: rows for t, rows in after.items() if not t.startswith("meta.")} == \
        {t: rows for t, rows in before.items() if not t.startswith("meta.")}
    assert [row[:3] for row in after["meta.stage_inputs"]] == [row[:3] for row in before["meta.stage_inputs"]]
    # Every file was read again (new read times), with the same outcome and pages.
    assert [row[:4] for row in after["meta.file_reads"]] == [row[:4] for row in before["meta.file_reads"]]
    assert after["meta.file_read_pages"] == before["meta.file_read_pages"]


def test_missing_parquet_files_are_published_again(warehouse_copy):
    shutil.rmtree(warehouse_copy / "marts" / "department_year" / "fiscal_year=2023")
    years = computed_years(run(warehouse_copy))
    assert years["published_marts"] == [2023]
    assert years["marts/department_year"] == []
    assert (warehouse_copy / "marts" / "department_year" / "fiscal_year=2023").is_dir()


def test_rows_missing_from_the_published_database_are_published_again(warehouse_copy):
    published = warehouse_copy / "marts.duckdb"
    before = snapshot(published)
    with duckdb.connect(str(published)) as conn:
        conn.execute("DELETE FROM fiscal_year_summary WHERE fiscal_year = 2021")
    assert computed_years(run(warehouse_copy))["published_marts"] == [2021]
    assert snapshot(published) == before
