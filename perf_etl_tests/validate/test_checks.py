import pytest

from perf_etl.validate.checks import CONTRACT_CHECKS, run_contract_checks
from perf_etl_tests.validate.frames import DOC_A, DOC_B, report, tables


def failing(frames, years=(2023,)) -> dict[str, int]:
    return {o.name: len(o.failures) for o in run_contract_checks(frames, list(years)) if not o.passed}


def test_consistent_reports_pass_every_check():
    frames = tables(report(DOC_A, self_score=91.0, grade="优", grade_from_score="优", basic_expenditure_wan=9.0,
                           project_expenditure_wan=90.0))
    assert failing(frames) == {}


@pytest.mark.parametrize(("values", "check"), [
    ({"budget_wan": -1.0}, "money_non_negative"),
    ({"execution_rate_pct": 201.0, "execution_rate_computed_pct": 201.0}, "rates_in_range"),
    ({"self_score": 100.5}, "score_in_range"),
    ({"grade": "好"}, "grade_in_values"),
    ({"self_score": 85.0, "grade": "优", "grade_from_score": "良"}, "grade_agrees_with_score"),
    ({"execution_rate_pct": 99.0, "execution_rate_computed_pct": 98.4}, "execution_rate_consistent"),
    ({"basic_expenditure_wan": 10.0, "project_expenditure_wan": 87.9}, "spending_split_adds_up"),
    ({"fiscal_year": 2022}, "fiscal_year_in_partition"),
])
def test_each_check_catches_its_violation(values, check):
    assert failing(tables(report(DOC_A, **values))) == {check: 1}


def test_tolerances_are_inclusive():
    frames = tables(report(DOC_A, execution_rate_pct=99.0, execution_rate_computed_pct=98.5,
                           basic_expenditure_wan=10.0, project_expenditure_wan=88.0))
    assert failing(frames) == {}


def test_duplicate_document_is_caught():
    assert failing(tables(report(DOC_A), report(DOC_A))) == {"unique_report_id": 1}


def test_missing_evidence_names_the_field():
    frames = tables(report(DOC_A), report(DOC_B), with_evidence=False)
    [outcome] = [o for o in run_contract_checks(frames, [2023]) if o.name == "evidence_for_every_field"]
    assert set(outcome.failures["field"]) >= {"budget_wan", "fiscal_year"}
    assert "extractor_version" not in set(outcome.failures["field"])


def test_every_contract_rule_has_a_check():
    # The contract's ten, and table_totals_agree (the 自评表 against the prose).
    assert len({c.name for c in CONTRACT_CHECKS}) == 11
