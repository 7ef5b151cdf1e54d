import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import sqlalchemy as sa

from perf_etl.marts.build import MART_TABLES, build_marts
from perf_etl.models import NO_EVIDENCE_COLUMNS, REPORT_COLUMNS
from perf_etl.publish import publish_marts
from perf_etl.publish.database import publish_to_database
from perf_etl.publish.locations import default_publish_url, parquet_dir, publish_url
from perf_etl.settings import Settings
from perf_etl_tests.marts.rows import report, write_core

DEPARTMENT_ROWS = "SELECT fiscal_year, department_key, department_name, budget_wan FROM department_year ORDER BY 1, 2"


def published(url: str, sql: str, **engine_options) -> list[tuple]:
    engine = sa.create_engine(url, **engine_options)
    try:
        with engine.connect() as conn:
            return [tuple(row) for row in conn.execute(sa.text(sql))]
    finally:
        engine.dispose()


def test_publish_then_republish_one_year(warehouse, target_url):
    publish_to_database(warehouse, MART_TABLES, [2020, 2021], target_url)
    assert published(target_url, DEPARTMENT_ROWS) == [
        (2020, "finance", "某市财政局", Decimal("100.00")),
        (2021, "finance", "某市财政局", Decimal("1234.56")),
        (2021, "parks", "某市园林局", Decimal("100.00")),
    ]
    write_core(warehouse, [2021], [report("c21", 2021, "roads", department_name="某市公路局", budget_wan=7.5)])
    build_marts(warehouse, [2021])
    publish_to_database(warehouse, MART_TABLES, [2021], target_url)
    assert published(target_url, DEPARTMENT_ROWS) == [
        (2020, "finance", "某市财政局", Decimal("100.00")),
        (2021, "roads", "某市公路局", Decimal("7.50")),
    ]
    assert published(target_url, "SELECT fiscal_year, departments FROM fiscal_year_summary ORDER BY 1") == [
        (2020, 1), (2021, 1)]


def test_postgres_column_types(warehouse, postgres_url):
    publish_to_database(warehouse, MART_TABLES, [2021], postgres_url)
    columns = published(postgres_url, """
        SELECT column_name, data_type, numeric_precision, numeric_scale FROM information_schema.columns
        WHERE table_schema = 'public' AND table_name = 'department_year'""")
    types = {name: (kind, precision, scale) for name, kind, precision, scale in columns}
    assert types["budget_wan"] == ("numeric", 18, 2)
    assert types["expenditure_change_wan"] == ("numeric", 18, 2)
    assert types["fiscal_year"][0] == "integer"
    assert types["indicators_met"][0] == "integer"
    assert types["department_name"][0] == "text"
    tables = published(postgres_url, "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'")
    assert sorted(name for (name,) in tables) == sorted(MART_TABLES)


def test_duckdb_target_opens_read_only_with_the_warehouse_rows(warehouse, tmp_path):
    url = default_publish_url(tmp_path / "warehouse.duckdb")
    publish_to_database(warehouse, MART_TABLES, [2020, 2021], url)
    for table in MART_TABLES:
        expected = warehouse.execute(f"SELECT * FROM marts.{table} ORDER BY ALL").fetchall()
        assert published(url, f"SELECT * FROM {table} ORDER BY ALL", connect_args={"read_only": True}) == expected


def test_publishing_while_a_reader_holds_the_duckdb_file(warehouse, tmp_path):
    url = default_publish_url(tmp_path / "warehouse.duckdb")
    publish_to_database(warehouse, MART_TABLES, [2020], url)
    # Another process (a BI tool) keeps the file open read-only, which holds DuckDB's file lock.
    reader = subprocess.Popen(
        [sys.executable, "-c", "import duckdb, sys; c = duckdb.connect(sys.argv[1], read_only=True); "
                               "print('open', flush=True); sys.stdin.read()", str(tmp_path / "marts.duckdb")],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert reader.stdout.readline().strip() == "open"
        publish_to_database(warehouse, MART_TABLES, [2021], url)
    finally:
        reader.communicate("", timeout=30)
    assert published(url, "SELECT DISTINCT fiscal_year FROM department_year ORDER BY 1") == [(2020,), (2021,)]
    assert not list(tmp_path.glob(".marts.duckdb.publishing*"))


def test_a_target_table_from_an_older_version_gains_new_columns(warehouse, tmp_path):
    url = default_publish_url(tmp_path / "warehouse.duckdb")
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text("CREATE TABLE department_year (fiscal_year INTEGER, department_key TEXT)"))
        conn.execute(sa.text("INSERT INTO department_year VALUES (2019, 'old')"))
    engine.dispose()
    publish_to_database(warehouse, MART_TABLES, [2021], url)
    assert published(url, "SELECT fiscal_year, department_key, budget_wan FROM department_year ORDER BY 1, 2") == [
        (2019, "old", None), (2021, "finance", Decimal("1234.56")), (2021, "parks", Decimal("100.00"))]


def test_publish_marts_writes_parquet_and_database(warehouse, tmp_path):
    url = default_publish_url(tmp_path / "warehouse.duckdb")
    rows = publish_marts(warehouse, [2021], parquet_dir(tmp_path / "warehouse.duckdb"), url)
    fields = len(set(REPORT_COLUMNS) - NO_EVIDENCE_COLUMNS)  # those read from the text
    assert rows.pop("review_queue") > 0  # every value read is listed (priority 4: nothing found against it)
    assert rows == {"department_year": 2, "fiscal_year_summary": 1, "indicator_completion": 2, "data_quality": fields}
    assert (tmp_path / "marts" / "data_quality" / "fiscal_year=2021" / "data.parquet").is_file()
    assert published(url, "SELECT count(*) FROM data_quality") == [(fields,)]


def test_publish_url_defaults_beside_the_warehouse():
    assert publish_url(Settings.from_environment({})) == "duckdb:///data/marts.duckdb"
    assert publish_url(Settings.from_environment({}, warehouse="/srv/perf/warehouse.duckdb")) == \
        "duckdb:////srv/perf/marts.duckdb"
    assert parquet_dir(Path("data/warehouse.duckdb")) == Path("data/marts")
    configured = Settings.from_environment({"PERF_ETL_PUBLISH_URL": "postgresql+psycopg2://bi@db/perf"})
    assert publish_url(configured) == "postgresql+psycopg2://bi@db/perf"


OLDEST_READER = "duckdb==1.1.3"  # what BI tools bundle is often a 1.x (Evidence's driver, Metabase, Superset)


def _duckdb_1x(folder: Path) -> Path:
    """DuckDB 1.1 installed into `folder` from the package registry, to read with it in a child process."""
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(folder),
                    OLDEST_READER], check=True, capture_output=True)
    return folder


def test_a_duckdb_1x_reader_opens_the_published_file(warehouse, tmp_path):
    url = default_publish_url(tmp_path / "warehouse.duckdb")
    publish_to_database(warehouse, MART_TABLES, [2020], url)
    publish_to_database(warehouse, MART_TABLES, [2021], url)  # a second publish keeps the format
    target = sa.make_url(url).database
    reader = (f"import duckdb; conn = duckdb.connect({target!r}, read_only=True); "
              "print(duckdb.__version__, conn.execute('SELECT fiscal_year, departments FROM fiscal_year_summary "
              "ORDER BY 1').fetchall())")
    env = {"PYTHONPATH": str(_duckdb_1x(tmp_path / "duckdb1")), "PATH": "/usr/bin:/bin"}
    result = subprocess.run([sys.executable, "-c", reader], env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "1.1.3 [(2020, 1), (2021, 2)]"


def test_a_file_published_in_duckdb_2s_format_is_converted(warehouse, tmp_path):
    import duckdb

    path = tmp_path / "marts.duckdb"
    with duckdb.connect(str(path)) as old:  # what an earlier version of this tool published
        old.execute("CREATE TABLE fiscal_year_summary AS SELECT 2019 AS fiscal_year, 3 AS departments")
    publish_to_database(warehouse, MART_TABLES, [2020], f"duckdb:///{path}")
    with duckdb.connect() as probe:
        probe.execute(f"ATTACH '{path}' AS published (READ_ONLY)")
        (tags,) = probe.execute("SELECT tags FROM duckdb_databases() WHERE database_name = 'published'").fetchone()
        years = probe.execute("SELECT fiscal_year FROM published.fiscal_year_summary ORDER BY 1").fetchall()
    assert tags["storage_version"].startswith("v1.")
    assert years == [(2019,), (2020,)]
