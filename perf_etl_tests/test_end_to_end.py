"""The whole Dagster job on the bundled samples, into a temporary warehouse."""

import shutil

import dagster as dg
import duckdb
import pytest

from perf_etl.defs.definitions import build_definitions
from perf_etl_tests.conftest import LANDING_FISCAL_YEARS, SAMPLES

TABLES = ["raw.documents", "raw.pages", "raw.rejected_files", "staging.documents", "staging.sections",
          "core.reports", "core.field_evidence", "core.indicators", "core.expenditure_items",
          "core.score_components", "core.findings"]


def snapshot(warehouse) -> dict[str, list[tuple]]:
    with duckdb.connect(str(warehouse), read_only=True) as conn:
        return {table: conn.execute(f"SELECT * FROM {table} ORDER BY ALL").fetchall() for table in TABLES}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """Samples as PDF and text (the text copies are the same reports in another format)."""
    root = tmp_path_factory.mktemp("e2e")
    landing = root / "landing"
    shutil.copytree(SAMPLES, landing)
    warehouse = root / "warehouse.duckdb"
    job = build_definitions(str(landing), str(warehouse)).resolve_job_def("fiscal_year_job")
    results = {}
    with dg.DagsterInstance.ephemeral() as instance:
        for year in sorted(set(LANDING_FISCAL_YEARS.values())):
            results[year] = job.execute_in_process(partition_key=str(year), instance=instance)
        first = snapshot(warehouse)
        rerun = job.execute_in_process(partition_key="2023", instance=instance)
    return landing, warehouse, results, first, rerun


def test_every_year_succeeds(built):
    _, _, results, _, _ = built
    assert all(result.success for result in results.values())


def test_six_documents_in_their_fiscal_years(built):
    _, warehouse, _, _, _ = built
    with duckdb.connect(str(warehouse), read_only=True) as conn:
        rows = conn.execute("SELECT file_name, fiscal_year, source_format FROM raw.documents ORDER BY 1").fetchall()
        reports = conn.execute("SELECT count(*), count(DISTINCT fiscal_year) FROM core.reports").fetchone()
    assert [(name.split(".")[0], year) for name, year, _ in rows] == sorted(LANDING_FISCAL_YEARS.items())
    assert {fmt for _, _, fmt in rows} == {"pdf"}
    assert reports == (6, 5)


def test_every_landing_file_is_accounted_for_once(built):
    landing, warehouse, _, _, _ = built
    files = {p.relative_to(landing).as_posix() for p in landing.rglob("*") if p.is_file()}
    with duckdb.connect(str(warehouse), read_only=True) as conn:
        documents = [r[0] for r in conn.execute("SELECT source_path FROM raw.documents").fetchall()]
        rejected = conn.execute(
            "SELECT source_path, reason_code FROM raw.rejected_files WHERE stage = 'ingest'").fetchall()
    accounted = documents + [path for path, _ in rejected]
    assert sorted(accounted) == sorted(files)
    assert {reason for _, reason in rejected} == {"duplicate_content"}


def test_pages_sections_and_evidence_are_filled(built):
    _, warehouse, _, _, _ = built
    with duckdb.connect(str(warehouse), read_only=True) as conn:
        pages = conn.execute("SELECT count(DISTINCT document_id), min(page_number) FROM raw.pages").fetchone()
        sections = conn.execute("SELECT count(DISTINCT document_id) FROM staging.sections").fetchone()[0]
        evidence = conn.execute("SELECT count(DISTINCT document_id) FROM core.field_evidence").fetchone()[0]
    assert pages == (6, 1)
    assert sections == 6
    assert evidence == 6


def test_contract_checks_ran(built):
    _, _, results, _, _ = built
    evaluations = [e for result in results.values() for e in result.get_asset_check_evaluations()]
    assert {e.check_name for e in evaluations} >= {"unique_report_id", "evidence_for_every_field"}
    failed = {(e.check_name, e.asset_key.to_user_string()) for e in evaluations if not e.passed}
    assert ("evidence_for_every_field", "core/field_evidence") not in failed
    assert ("unique_report_id", "core/reports") not in failed


def test_rerunning_a_year_changes_nothing(built):
    _, warehouse, _, first, rerun = built
    assert rerun.success
    assert snapshot(warehouse) == first


def test_the_department_with_two_years_gets_its_year_over_year_change(built):
    # 005 is 003 one year on with its amounts times 0.8777 (scripts/derive_sample.py): -12.23 %.
    _, warehouse, _, _, _ = built
    with duckdb.connect(str(warehouse), read_only=True) as conn:
        rows = conn.execute("SELECT fiscal_year, previous_expenditure_wan, expenditure_wan, expenditure_change_pct "
                            "FROM marts.department_year WHERE previous_expenditure_wan IS NOT NULL").fetchall()
    assert [(year, float(before), float(now), float(change)) for year, before, now, change in rows] == [
        (2022, 9825.88, 8624.17, -12.23)]
