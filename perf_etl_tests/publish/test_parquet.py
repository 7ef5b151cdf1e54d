from pathlib import Path

import duckdb

from perf_etl.marts.build import build_marts
from perf_etl.publish.parquet import write_parquet, year_dir
from perf_etl_tests.marts.rows import report, write_core


def read_table(root: Path, table: str) -> list[tuple]:
    with duckdb.connect() as reader:
        return reader.execute("SELECT fiscal_year, department_key, budget_wan "
                              "FROM read_parquet(?, hive_partitioning = true) ORDER BY ALL",
                              [str(root / table / "*" / "*.parquet")]).fetchall()


def test_each_year_is_a_hive_partition_folder(warehouse, tmp_path):
    root = tmp_path / "marts"
    write_parquet(warehouse, "department_year", [2020, 2021], root)
    assert (year_dir(root, "department_year", 2020) / "data.parquet").is_file()
    assert [(year, key) for year, key, _ in read_table(root, "department_year")] == [
        (2020, "finance"), (2021, "finance"), (2021, "parks")]
    with duckdb.connect() as reader:
        in_file = reader.execute("DESCRIBE SELECT * FROM read_parquet(?, hive_partitioning = false)",
                                 [str(year_dir(root, "department_year", 2021) / "data.parquet")]).fetchall()
    types = {name: kind for name, kind, *_ in in_file}
    assert "fiscal_year" not in types  # it is the folder name
    assert types["budget_wan"] == "DECIMAL(18,2)"


def test_republishing_a_year_replaces_that_year_only(warehouse, tmp_path):
    root = tmp_path / "marts"
    write_parquet(warehouse, "department_year", [2020, 2021], root)
    untouched = (year_dir(root, "department_year", 2020) / "data.parquet").read_bytes()
    write_core(warehouse, [2021], [report("c21", 2021, "roads", budget_wan=7.0)])
    build_marts(warehouse, [2021])
    write_parquet(warehouse, "department_year", [2021], root)
    assert read_table(root, "department_year")[-1] == (2021, "roads", 7)
    assert [row[:2] for row in read_table(root, "department_year")] == [(2020, "finance"), (2021, "roads")]
    assert (year_dir(root, "department_year", 2020) / "data.parquet").read_bytes() == untouched
    assert sorted(path.name for path in root.iterdir()) == ["department_year"]  # nothing left aside


def test_a_year_without_rows_has_no_folder(warehouse, tmp_path):
    root = tmp_path / "marts"
    write_parquet(warehouse, "department_year", [2020, 2021], root)
    write_core(warehouse, [2021], [])
    build_marts(warehouse, [2021, 2022])
    write_parquet(warehouse, "department_year", [2021, 2022], root)
    assert year_dir(root, "department_year", 2020).is_dir()
    assert not year_dir(root, "department_year", 2021).exists()
    assert not year_dir(root, "department_year", 2022).exists()
