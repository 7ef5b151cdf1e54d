"""core.reports is declared once (perf_etl/models.py, REPORT_FIELDS): the warehouse's table, the pandera model and
the lists the stages use all follow from it."""

import duckdb

from perf_etl.models import (
    FIELD_KINDS,
    MONEY_COLUMNS,
    NO_EVIDENCE_COLUMNS,
    REPORT_COLUMNS,
    REPORT_FIELDS,
    ROUNDED_COLUMNS,
)
from perf_etl.validate.schemas import ReportsModel
from perf_etl.warehouse import store


def _ddl_columns() -> list[tuple[str, str, bool]]:
    conn = duckdb.connect()
    store.ensure_schema(conn)
    return conn.execute("SELECT column_name, data_type, is_nullable FROM duckdb_columns() "
                        "WHERE schema_name = 'core' AND table_name = 'reports' ORDER BY column_index").fetchall()


def test_the_warehouse_table_has_every_declared_field_with_its_kinds_type_in_order():
    declared = [(f.name, FIELD_KINDS[f.kind][0].replace(" ", "")) for f in REPORT_FIELDS]
    assert [(name, data_type.replace(" ", "")) for name, data_type, _ in _ddl_columns()] == declared


def test_a_column_the_warehouse_requires_is_declared_not_nullable():
    required = {name for name, _, nullable in _ddl_columns() if not nullable}
    assert required <= {f.name for f in REPORT_FIELDS if not f.nullable}


def test_the_pandera_model_checks_every_declared_field_and_no_other():
    schema = ReportsModel.to_schema()
    assert set(schema.columns) == set(REPORT_COLUMNS)
    for field in REPORT_FIELDS:
        assert schema.columns[field.name].nullable == field.nullable, field.name


def test_the_lists_follow_the_declarations():
    assert {"report_id", "document_id", "report_ordinal", "extractor_version"} == NO_EVIDENCE_COLUMNS
    assert set(MONEY_COLUMNS) < ROUNDED_COLUMNS
    assert {"execution_rate_pct", "self_score"} < ROUNDED_COLUMNS
    assert "execution_rate_computed_pct" not in ROUNDED_COLUMNS  # computed, kept as computed


def test_a_warehouse_made_before_a_field_was_declared_gains_its_column():
    conn = duckdb.connect()
    conn.execute("CREATE SCHEMA core")
    conn.execute("CREATE TABLE core.reports (document_id VARCHAR NOT NULL, fiscal_year INTEGER NOT NULL, "
                 "budget_wan DECIMAL(18, 2), extractor_version VARCHAR NOT NULL)")
    conn.execute("INSERT INTO core.reports VALUES ('d', 2021, 12.5, '7')")
    store.ensure_schema(conn)
    columns = {name for (name,) in conn.execute(
        "SELECT column_name FROM duckdb_columns() WHERE schema_name = 'core' AND table_name = 'reports'").fetchall()}
    assert columns == set(REPORT_COLUMNS)
    assert conn.execute("SELECT budget_wan, project_name FROM core.reports").fetchall() == [(12.5, None)]
