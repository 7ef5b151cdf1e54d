"""docs/bi.md stays true: its data dictionary is current and its example queries run on both targets."""

import re
from pathlib import Path

import sqlalchemy as sa

from perf_etl.marts.build import MART_TABLES
from perf_etl.publish.database import publish_to_database
from perf_etl.publish.dictionary import dictionary_markdown, with_dictionary

BI_DOC = Path(__file__).resolve().parents[2] / "docs" / "bi.md"


def example_queries() -> list[str]:
    section = BI_DOC.read_text(encoding="utf-8").split("## Example queries", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```sql\n(.*?)```", section, flags=re.DOTALL)


def test_the_data_dictionary_is_current():
    document = BI_DOC.read_text(encoding="utf-8")
    assert with_dictionary(document, dictionary_markdown()) == document, \
        "docs/bi.md is out of date: run .venv/bin/python scripts/data_dictionary.py"


def test_every_mart_column_is_in_the_dictionary():
    dictionary = dictionary_markdown()
    assert all(f"### marts.{table}" in dictionary for table in MART_TABLES)
    assert "| `expenditure_change_wan` | DECIMAL(18,2) | NUMERIC(18, 2) |" in dictionary
    assert "#### core.reports" in dictionary


def test_example_queries_run_on_the_published_marts(warehouse, target_url):
    queries = example_queries()
    assert len(queries) >= 4
    publish_to_database(warehouse, MART_TABLES, [2020, 2021], target_url)
    engine = sa.create_engine(target_url)
    try:
        with engine.connect() as conn:
            answered = [conn.execute(sa.text(query.strip().rstrip(";"))).fetchall() for query in queries]
    finally:
        engine.dispose()
    assert answered[0]  # fiscal_year_summary has the two years
