import base64
from datetime import datetime, timezone

import dagster as dg
import duckdb

from perf_etl.defs.assets.marts import (
    MART_KEYS,
    PUBLISHED_MARTS,
    marts_tables,
    published_marts,
)
from perf_etl.defs.resources import build_resources
from perf_etl.settings import Settings
from perf_etl.stages import fingerprints
from perf_etl.stages import marts as marts_stage
from perf_etl.warehouse import store
from perf_etl_tests.marts.rows import report, write_core


def test_year_over_year_marts_declare_the_year_before_on_core_reports():
    department_year = next(spec for spec in marts_tables.specs if spec.key == MART_KEYS["department_year"])
    core_reports = dg.AssetKey(["core", "reports"])
    mapping = next(dep.partition_mapping for dep in department_year.deps if dep.asset_key == core_reports)
    assert isinstance(mapping, dg.TimeWindowPartitionMapping)
    assert (mapping.start_offset, mapping.end_offset) == (-1, 0)


def materialize_2021(warehouse_file) -> dict[dg.AssetKey, dict]:
    result = dg.materialize(
        [marts_tables, published_marts], partition_key="2021",
        resources=build_resources(Settings.from_environment({}, warehouse=warehouse_file)))
    assert result.success
    return {event.materialization.asset_key: event.materialization.metadata
            for event in result.get_asset_materialization_events()}


def records(table: dg.TableMetadataValue) -> list[dict]:
    return [record.data for record in table.records]


def test_materializing_a_year_builds_charts_and_publishes(tmp_path):
    warehouse_file = tmp_path / "warehouse.duckdb"
    with store.connect(warehouse_file) as conn:
        write_core(conn, [2020], [report("a20", 2020, "finance", expenditure_wan=60.0)])
        write_core(conn, [2021], [report("a21", 2021, "finance"), report("b21", 2021, "parks")])
    materialized = materialize_2021(warehouse_file)
    department_year = materialized[MART_KEYS["department_year"]]
    assert department_year["dagster/row_count"].value == 2
    assert {row["department_key"] for row in records(department_year["preview"])} == {"finance", "parks"}
    assert [row["year"] for row in records(department_year["chart"])] == [2021, 2021]
    chart = department_year["chart_image"].value
    assert chart.startswith("![marts.department_year](data:image/png;base64,")
    assert base64.b64decode(chart.split(",", 1)[1].rstrip(")")).startswith(b"\x89PNG")
    assert {c.name for c in department_year["dagster/column_schema"].schema.columns} >= {"expenditure_change_wan"}
    assert materialized[PUBLISHED_MARTS]["rows_published"].value["department_year"] == 2
    with duckdb.connect(str(tmp_path / "marts.duckdb"), read_only=True) as reader:
        assert reader.execute("SELECT department_key, expenditure_change_wan FROM department_year ORDER BY 1")\
            .fetchall() == [("finance", 30), ("parks", None)]
    assert (tmp_path / "marts" / "department_year" / "fiscal_year=2021" / "data.parquet").is_file()


def test_a_materialization_that_skips_its_years_shows_the_same_preview_and_chart(tmp_path):
    warehouse_file = tmp_path / "warehouse.duckdb"
    with store.connect(warehouse_file) as conn:
        write_core(conn, [2021], [report("a21", 2021, "finance"), report("b21", 2021, "parks")])
        # as the core step records them, so that the marts' inputs are vouched for and can be skipped
        fingerprints.record(conn, fingerprints.CORE_ASSETS, {2020: "core of 2020", 2021: "core of 2021"},
                            datetime.now(timezone.utc))
    first = materialize_2021(warehouse_file)
    again = materialize_2021(warehouse_file)
    for key in MART_KEYS.values():
        assert again[key]["skipped"].value and not first[key]["skipped"].value, key
        assert records(again[key]["preview"]) == records(first[key]["preview"]) != [], key
        assert records(again[key]["chart"]) == records(first[key]["chart"]) != [], key
        assert again[key]["chart_image"].value.startswith(f"![marts.{key.path[-1]}](data:image/png"), key


def test_a_chart_is_drawn_again_only_when_the_rows_it_draws_change(tmp_path, monkeypatch):
    warehouse_file = tmp_path / "warehouse.duckdb"
    with store.connect(warehouse_file) as conn:
        write_core(conn, [2021], [report("a21", 2021, "finance"), report("b21", 2021, "parks")])
    first = materialize_2021(warehouse_file)
    drawn: list[str] = []
    real = marts_stage.map_batches

    def counting(function, items, **kwargs):
        drawn.extend(table for table, _ in items)
        return real(function, items, **kwargs)

    monkeypatch.setattr(marts_stage, "map_batches", counting)
    again = materialize_2021(warehouse_file)  # the same rows: every image as kept
    assert drawn == []
    assert {key: again[key]["chart_image"].value for key in MART_KEYS.values()} == \
           {key: first[key]["chart_image"].value for key in MART_KEYS.values()}
    with store.connect(warehouse_file) as conn:
        write_core(conn, [2021], [report("a21", 2021, "finance", expenditure_wan=99.0)])
    changed = materialize_2021(warehouse_file)
    assert "department_year" in drawn
    assert changed[MART_KEYS["department_year"]]["chart_image"].value != \
           first[MART_KEYS["department_year"]]["chart_image"].value
