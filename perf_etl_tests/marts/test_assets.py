import base64

import dagster as dg
import duckdb

from perf_etl.defs.assets.marts import (
    CORE_REPORTS,
    MART_KEYS,
    PUBLISHED_MARTS,
    MartsPublisher,
    marts_tables,
    published_marts,
)
from perf_etl.defs.resources import Warehouse
from perf_etl.publish.locations import default_publish_url, parquet_dir
from perf_etl.warehouse import store
from perf_etl_tests.marts.rows import report, write_core


def test_year_over_year_marts_declare_the_year_before_on_core_reports():
    department_year = next(spec for spec in marts_tables.specs if spec.key == MART_KEYS["department_year"])
    mapping = next(dep.partition_mapping for dep in department_year.deps if dep.asset_key == CORE_REPORTS)
    assert isinstance(mapping, dg.TimeWindowPartitionMapping)
    assert (mapping.start_offset, mapping.end_offset) == (-1, 0)


def test_materializing_a_year_builds_charts_and_publishes(tmp_path):
    warehouse_file = tmp_path / "warehouse.duckdb"
    with store.connect(warehouse_file) as conn:
        write_core(conn, [2020], [report("a20", 2020, "finance", expenditure_wan=60.0)])
        write_core(conn, [2021], [report("a21", 2021, "finance"), report("b21", 2021, "parks")])
    result = dg.materialize(
        [marts_tables, published_marts], partition_key="2021",
        resources={"warehouse": Warehouse(database=str(warehouse_file)),
                   "marts_publisher": MartsPublisher(parquet_dir=str(parquet_dir(warehouse_file)),
                                                     url=default_publish_url(warehouse_file))})
    assert result.success
    materialized = {event.materialization.asset_key: event.materialization.metadata
                    for event in result.get_asset_materialization_events()}
    department_year = materialized[MART_KEYS["department_year"]]
    assert department_year["dagster/row_count"].value == 2
    assert "parks" in department_year["preview"].value
    chart = department_year["chart"].value
    assert chart.startswith("![marts.department_year](data:image/png;base64,")
    assert base64.b64decode(chart.split(",", 1)[1].rstrip(")")).startswith(b"\x89PNG")
    assert {c.name for c in department_year["dagster/column_schema"].schema.columns} >= {"expenditure_change_wan"}
    assert materialized[PUBLISHED_MARTS]["rows_published"].value["department_year"] == 2
    with duckdb.connect(str(tmp_path / "marts.duckdb"), read_only=True) as reader:
        assert reader.execute("SELECT department_key, expenditure_change_wan FROM department_year ORDER BY 1")\
            .fetchall() == [("finance", 30), ("parks", None)]
    assert (tmp_path / "marts" / "department_year" / "fiscal_year=2021" / "data.parquet").is_file()
