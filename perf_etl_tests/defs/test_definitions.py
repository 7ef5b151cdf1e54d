from datetime import datetime, timedelta, timezone

import dagster as dg

from perf_etl import settings
from perf_etl.defs.definitions import build_definitions, defs
from perf_etl.defs.partitions import fiscal_year_partitions
from perf_etl.defs.schedules import closed_year_request
from perf_etl.validate.checks import CONTRACT_CHECKS


def test_definitions_load_and_validate():
    dg.Definitions.validate_loadable(defs)


def test_asset_graph_covers_every_contract_table(tmp_path):
    graph = build_definitions(str(tmp_path), str(tmp_path / "w.duckdb")).resolve_asset_graph()
    keys = {"/".join(key.path) for key in graph.get_all_asset_keys()}
    expected = {"raw/documents", "raw/pages", "raw/rejected_files", "staging/documents", "staging/sections",
                "core/reports", "core/field_evidence", "core/indicators", "core/expenditure_items",
                "core/score_components", "core/findings"}
    assert expected <= keys
    for key in graph.get_all_asset_keys():
        assert graph.get(key).partitions_def is not None, key


def test_every_contract_check_is_an_asset_check():
    graph = defs.resolve_asset_graph()
    names = {check_key.name for check_key in graph.asset_check_keys}
    assert {check.name for check in CONTRACT_CHECKS} <= names


def test_schedule_runs_the_year_just_closed():
    context = dg.build_schedule_context(scheduled_execution_time=datetime(2025, 7, 1, 9))
    request = closed_year_request(context)
    assert request.partition_key == "2024"


def test_the_cli_checks_years_against_the_partitions():
    keys = fiscal_year_partitions.get_partition_keys()
    assert (int(keys[0]), int(keys[-1])) == (settings.FIRST_FISCAL_YEAR, settings.last_closed_fiscal_year())


def test_the_last_closed_fiscal_year_is_beijing_time():
    new_year_in_beijing = datetime(2025, 12, 31, 16, 30, tzinfo=timezone.utc)  # 00:30 on 1 January 2026 there
    assert settings.last_closed_fiscal_year(new_year_in_beijing) == 2025
    assert settings.last_closed_fiscal_year(new_year_in_beijing - timedelta(hours=1)) == 2024
