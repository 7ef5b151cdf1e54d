from datetime import datetime

from perf_etl.validate.rows import validate_core
from perf_etl_tests.validate.frames import DOC_A, DOC_B, report, tables

NOW = datetime(2025, 1, 1)


def test_valid_tables_pass_whole():
    accepted, rejected = validate_core(tables(report()), {DOC_A: "a.pdf"}, NOW)
    assert rejected == []
    assert accepted["reports"]["document_id"].tolist() == [DOC_A]
    assert len(accepted["field_evidence"]) > 0


def test_a_bad_report_row_withholds_the_document_and_says_why():
    frames = tables(report(DOC_A, execution_rate_pct=250.0), report(DOC_B))
    accepted, rejected = validate_core(frames, {DOC_A: "dir/a.pdf", DOC_B: "b.pdf"}, NOW)
    assert accepted["reports"]["document_id"].tolist() == [DOC_B]
    assert set(accepted["field_evidence"]["document_id"]) == {DOC_B}  # no orphan evidence
    [rejection] = rejected
    assert (rejection.source_path, rejection.stage, rejection.reason_code) == ("dir/a.pdf", "validate",
                                                                               "schema_violation")
    assert "core.reports.execution_rate_pct = 250.0" in rejection.message
    assert "kept out of core" in rejection.message


def test_a_bad_child_row_is_dropped_alone():
    finding_ok = {"document_id": DOC_A, "fiscal_year": 2023, "kind": "problem", "ordinal": 1, "text": "问题"}
    finding_bad = {**finding_ok, "kind": "praise", "ordinal": 2}
    accepted, rejected = validate_core(tables(report(), findings=[finding_ok, finding_bad]), {DOC_A: "a.pdf"}, NOW)
    assert accepted["reports"]["document_id"].tolist() == [DOC_A]
    assert accepted["findings"]["kind"].tolist() == ["problem"]
    assert "core.findings.kind = 'praise'" in rejected[0].message
    assert "the report is in core" in rejected[0].message


def test_grades_and_scores_are_bounded():
    frames = tables(report(DOC_A, grade="好"), report(DOC_B, self_score=101.0))
    accepted, rejected = validate_core(frames, {}, NOW)
    assert accepted["reports"].empty
    assert {r.sha256 for r in rejected} == {DOC_A, DOC_B}
