from decimal import Decimal

import pandas as pd
import pytest

from perf_etl.marts import build
from perf_etl.validate.checks import run_contract_checks
from perf_etl.warehouse import store
from perf_etl_tests.marts.rows import indicator, rejected, report, rows, write_core


@pytest.fixture
def conn(tmp_path):
    with store.connect(tmp_path / "warehouse.duckdb") as connection:
        yield connection


def department_year(conn, year: int) -> dict[str, dict]:
    found = rows(conn, "SELECT * FROM marts.department_year WHERE fiscal_year = ?", year)
    return {row["department_key"]: row for row in found}


def test_year_over_year_change_comes_from_the_previous_year(conn):
    write_core(conn, [2020], [report("a20", 2020, "finance", expenditure_wan=80.0, execution_rate_pct=80.0,
                                     execution_rate_computed_pct=80.0, self_score=85.0)])
    write_core(conn, [2021], [report("a21", 2021, "finance", expenditure_wan=100.0, execution_rate_pct=None,
                                     execution_rate_computed_pct=95.5, self_score=91.5),
                              report("b21", 2021, "parks")])
    build.build_marts(conn, [2021])
    finance, parks = department_year(conn, 2021)["finance"], department_year(conn, 2021)["parks"]
    assert finance["previous_expenditure_wan"] == Decimal("80.00")
    assert finance["expenditure_change_wan"] == Decimal("20.00")
    assert finance["expenditure_change_pct"] == Decimal("25.00")
    assert finance["execution_rate_change_pts"] == Decimal("15.50")  # computed rate when none is stated
    assert finance["self_score_change"] == Decimal("6.50")
    assert [parks[c] for c in ("previous_expenditure_wan", "expenditure_change_wan", "self_score_change")] == [
        None, None, None]


def test_a_missing_previous_year_gives_nulls(conn):
    write_core(conn, [2023], [report("a23", 2023, "finance")])
    build.build_marts(conn, [2023])  # 2022 has no rows at all
    finance = department_year(conn, 2023)["finance"]
    assert finance["expenditure_wan"] == Decimal("90.00")
    assert finance["expenditure_change_wan"] is None and finance["execution_rate_change_pts"] is None


def test_one_row_per_department_with_the_department_wide_report_standing_for_it(conn):
    write_core(conn, [2021], [
        report("project", 2021, "finance", report_type="project", expenditure_wan=5.0),
        report("overall", 2021, "finance", expenditure_wan=300.0),
        report("parks-project", 2021, "parks", report_type="project"),
        report("parks-unknown", 2021, "parks", report_type=None),
        report("roads-first", 2021, "roads", fill_date="2022-03-01"),
        report("roads-reissued", 2021, "roads", fill_date="2022-05-20"),
        report("nokey1", 2021, None),
        report("nokey2", 2021, None),
    ])
    build.build_marts(conn, [2021])
    found = rows(conn, "SELECT department_key, document_id FROM marts.department_year ORDER BY ALL")
    assert [(r["department_key"], r["document_id"]) for r in found] == [
        ("finance", "overall"), ("parks", "parks-unknown"), ("roads", "roads-reissued"),
        (None, "nokey1"), (None, "nokey2")]
    summary = rows(conn, "SELECT reports, departments, total_expenditure_wan FROM marts.fiscal_year_summary")
    assert summary == [{"reports": 8, "departments": 5, "total_expenditure_wan": Decimal("660.00")}]


def test_indicator_completion_counts_the_table_rows_of_a_report_that_has_them(conn):
    write_core(conn, [2021], [report("a", 2021, "a"), report("b", 2021, "b")], indicators=[
        indicator("a", 2021, "prose, also in the table", target=10, actual=12),
        indicator("a", 2021, "table row", target=10, actual=12, source="table", weight=20, score=20),
        indicator("a", 2021, "words, full marks", unit=None, source="table", weight=10, score=10),
        indicator("a", 2021, "words, marks lost", unit=None, source="table", weight=10, score=8),
        indicator("b", 2021, "prose only", target=10, actual=8),
    ])
    build.build_marts(conn, [2021])
    found = {r["department_key"]: r for r in rows(conn, "SELECT * FROM marts.indicator_completion")}
    assert [found["a"][k] for k in ("indicators", "indicators_assessed", "indicators_met")] == [3, 3, 2]
    assert [found["b"][k] for k in ("indicators", "indicators_assessed", "indicators_met")] == [1, 1, 0]


def test_indicator_completion_counts_words_and_numbers_met_not_met_and_undecided(conn):
    write_core(conn, [2021], [report("a", 2021, "a")], indicators=[
        indicator("a", 2021, "预算编制科学性", unit=None, source="table", comparison="qualitative", met=None,
                  weight=10, score=8),
        indicator("a", 2021, "项目成本控制", unit=None, source="table", comparison="qualitative", met=True),
        indicator("a", 2021, "孕产妇死亡率", target=10, actual=6.8, unit="/10万", source="table", comparison="<=",
                  met=True),  # below a ≤ target: met, which actual ≥ target alone would deny
        indicator("a", 2021, "演出覆盖乡镇", target=12, actual=11, unit="个", source="table", comparison=">=",
                  met=False),
    ])
    build.build_marts(conn, [2021])
    (found,) = rows(conn, "SELECT * FROM marts.indicator_completion")
    assert {k: found[k] for k in ("indicators", "indicators_quantitative", "indicators_qualitative",
                                  "indicators_assessed", "indicators_met", "indicators_not_met",
                                  "indicators_undecided")} == {
        "indicators": 4, "indicators_quantitative": 2, "indicators_qualitative": 2, "indicators_assessed": 3,
        "indicators_met": 2, "indicators_not_met": 1, "indicators_undecided": 1}
    assert found["mean_completion_pct"] == Decimal("79.83")  # (68 + 91.67) / 2: the numbers only


def test_fiscal_year_summary(conn):
    write_core(conn, [2021], [
        report("a", 2021, "a", budget_wan=100.0, expenditure_wan=100.0, execution_rate_pct=100.0, self_score=95.0),
        report("b", 2021, "b", budget_wan=400.0, expenditure_wan=300.0, execution_rate_pct=75.0, self_score=85.0,
               grade="良", grade_from_score="良"),
        report("c", 2021, "c", expenditure_wan=None, execution_rate_pct=None, execution_rate_computed_pct=None,
               self_score=70.0, grade=None, grade_from_score="中"),
        report("d", 2021, "d", self_score=None, grade=None, grade_from_score=None),
        # A project table filed in the same file as department d's overall report: a report, not a department.
        report("d:2", 2021, "d", report_type="project", report_ordinal=2, budget_wan=5.0, expenditure_wan=5.0,
               self_score=100.0),
    ], rejected_files=[rejected("x.pdf", 2021), rejected("x.pdf", 2021, "validate"), rejected("y.pdf", 2021),
                       rejected("z.pdf", 2020), rejected("unknown.pdf", None)])
    build.build_marts(conn, [2021, 2022])  # 2022 has no reports: no summary row
    (summary,) = rows(conn, "SELECT * FROM marts.fiscal_year_summary")
    assert summary == {
        "fiscal_year": 2021, "reports": 5, "reports_department_overall": 4, "reports_project": 1, "departments": 4,
        "total_budget_wan": Decimal("700.00"), "total_expenditure_wan": Decimal("490.00"),
        # (100·100 + 75·300 + 90·90) / (100 + 300 + 90)
        "execution_rate_weighted_pct": Decimal("82.86"),
        "mean_score": Decimal("83.33"), "median_score": Decimal("85.00"),
        "grade_excellent": 1, "grade_good": 1, "grade_fair": 1, "grade_poor": 0, "grade_missing": 1,
        "rejected_files": 2,
    }


def test_indicator_completion_rules(conn):
    write_core(conn, [2021], [report("a", 2021, "a"), report("b", 2021, "b")], indicators=[
        indicator("a", 2021, "stated rate decides", target=10, actual=5, rate=100.0),
        indicator("a", 2021, "actual reaches target", target=160, actual=174),
        indicator("a", 2021, "actual below target", target=100, actual=50),
        indicator("a", 2021, "units differ", target=2, actual=15000, unit="亿元", actual_unit="万元"),
        indicator("a", 2021, "no result", target=3),
    ])
    build.build_marts(conn, [2021])
    found = {r["department_key"]: r for r in rows(conn, "SELECT * FROM marts.indicator_completion")}
    assert {k: found["a"][k] for k in ("indicators", "indicators_assessed", "indicators_met", "indicators_met_pct")} \
        == {"indicators": 5, "indicators_assessed": 3, "indicators_met": 2, "indicators_met_pct": Decimal("66.67")}
    assert found["a"]["mean_completion_pct"] == Decimal("86.25")  # (100 + 108.75 + 50) / 3
    assert (found["b"]["indicators"], found["b"]["mean_completion_pct"]) == (0, None)
    a = department_year(conn, 2021)["a"]
    assert (a["indicators"], a["indicators_met"]) == (5, 2)


def test_data_quality_coverage_and_failures_per_field(conn):
    write_core(conn, [2021], [
        report("a", 2021, "a", region="广州市", grade="良", basic_expenditure_wan=10.0, project_expenditure_wan=20.0),
        report("b", 2021, "b", execution_rate_pct=95.0),
    ], missing_evidence=[("b", "self_score")])
    build.build_marts(conn, [2021])
    quality = {r["field"]: r for r in rows(conn, "SELECT * FROM marts.data_quality WHERE fiscal_year = 2021")}
    assert (quality["region"]["reports_with_value"], quality["region"]["coverage_pct"]) == (1, Decimal("50.00"))
    assert quality["budget_wan"]["coverage_pct"] == Decimal("100.00")
    assert quality["staff_actual"]["coverage_pct"] == Decimal("0.00")
    failures = {field: (r["check_failures"], r["failed_checks"]) for field, r in quality.items() if r["check_failures"]}
    assert failures == {
        "grade": (1, "grade_agrees_with_score"),
        "execution_rate_pct": (1, "execution_rate_consistent"),
        "expenditure_wan": (1, "spending_split_adds_up"),
        "self_score": (1, "evidence_for_every_field"),
    }
    assert "extractor_version" not in quality and "document_id" not in quality


def test_data_quality_counts_what_the_python_checks_find(conn):
    reports = [
        report("a", 2021, "a", budget_wan=-1.0, grade="良", execution_rate_pct=250.0, self_score=101.0),
        report("b", 2021, "b", grade="甲", basic_expenditure_wan=1.0, project_expenditure_wan=1.0),
    ]
    write_core(conn, [2021], reports, missing_evidence=[("a", "region"), ("b", "budget_wan"), ("b", "grade")])
    build.build_marts(conn, [2021])
    in_sql = conn.execute("SELECT sum(check_failures) FROM marts.data_quality").fetchone()[0]
    frames = {"reports": store.read_partition(conn, "core.reports", [2021]),
              "field_evidence": store.read_partition(conn, "core.field_evidence", [2021])}
    per_report_checks = {"unique_report_id", "fiscal_year_in_partition"}  # not about a field
    in_python = sum(len(o.failures) for o in run_contract_checks(frames, [2021]) if o.name not in per_report_checks)
    assert in_python > 6
    assert in_sql == in_python


def test_rebuilding_a_year_replaces_that_year_only(conn):
    write_core(conn, [2020], [report("a20", 2020, "finance")])
    write_core(conn, [2021], [report("a21", 2021, "finance")])
    build.build_marts(conn, [2020, 2021])
    write_core(conn, [2021], [report("a21", 2021, "finance"), report("b21", 2021, "parks")])
    build.build_marts(conn, [2021])
    build.build_marts(conn, [2021])
    counts = conn.execute("SELECT fiscal_year, count(*) FROM marts.department_year GROUP BY ALL ORDER BY 1").fetchall()
    assert counts == [(2020, 1), (2021, 2)]
    assert conn.execute("SELECT fiscal_year, departments FROM marts.fiscal_year_summary ORDER BY 1").fetchall() == [
        (2020, 1), (2021, 2)]


def test_mart_types_are_fixed_by_the_sql(conn):
    build.ensure_mart_tables(conn)
    types = dict(conn.execute("SELECT column_name, data_type FROM information_schema.columns "
                              "WHERE table_schema = 'marts' AND table_name = 'department_year'").fetchall())
    assert types["fiscal_year"] == "INTEGER"
    assert types["budget_wan"] == types["expenditure_change_wan"] == "DECIMAL(18,2)"
    assert types["indicators_met"] == "INTEGER"
    assert types["department_name"] == "VARCHAR"


def test_a_mart_table_from_an_older_version_gains_new_columns_and_keeps_its_rows(conn):
    conn.execute("CREATE TABLE marts.department_year (fiscal_year INTEGER, department_key VARCHAR, budget_wan DOUBLE)")
    conn.execute("INSERT INTO marts.department_year VALUES (2019, 'old', 1.5)")
    write_core(conn, [2021], [report("a", 2021, "a")])
    build.build_marts(conn, [2021])
    assert rows(conn, "SELECT fiscal_year, budget_wan, self_score FROM marts.department_year ORDER BY 1") == [
        {"fiscal_year": 2019, "budget_wan": Decimal("1.50"), "self_score": None},
        {"fiscal_year": 2021, "budget_wan": Decimal("100.00"), "self_score": Decimal("92.00")}]


@pytest.mark.parametrize("table", build.MART_TABLES)
def test_every_output_column_is_documented_in_the_sql_header(conn, table):
    build.install_macros(conn)
    produced = [name for name, _ in build.output_columns(conn, table)]
    assert list(build.column_descriptions(table)) == produced
    assert build.mart_description(table)


def test_built_frames_are_the_rows_written(conn):
    write_core(conn, [2021], [report("a", 2021, "a")])
    frames = build.build_marts(conn, [2021])
    assert set(frames) == set(build.MART_TABLES)
    stored = conn.execute("SELECT * FROM marts.fiscal_year_summary").df()
    pd.testing.assert_frame_equal(frames["fiscal_year_summary"], stored, check_dtype=False)


def test_each_mart_declares_the_warehouse_tables_it_reads(conn):
    tables = {f"{schema}.{name}" for schema, name in conn.execute(
        "SELECT schema_name, table_name FROM duckdb_tables()").fetchall()}
    for mart in build.MART_TABLES:
        reads = build.mart_reads(mart)
        assert {read.table for read in reads} <= tables, mart
        # Every mart is built with its year's reports and the year before's (the year-over-year columns).
        assert build.MartRead("core.reports", year_before=True) in reads, mart


def test_a_mart_without_a_reads_line_is_named_in_the_error(monkeypatch):
    monkeypatch.setattr(build, "mart_sql", lambda table: "-- marts.new_mart: something\n--\nSELECT 1")
    with pytest.raises(ValueError, match=r"new_mart\.sql: its header has no '-- Reads: <tables>' line"):
        build.mart_reads("new_mart")
    monkeypatch.setattr(build, "mart_sql", lambda table: "-- marts.new_mart: x\n-- Reads: core.reports, marts.other\n")
    with pytest.raises(ValueError, match=r"marts\.other"):
        build.mart_reads("new_mart")
