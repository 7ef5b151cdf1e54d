"""scripts/snapshot_outputs.py: the same code on the same inputs compares equal; a changed row, a missing
table or a changed column is reported with the table's name."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import duckdb
import pytest

REPO = Path(__file__).resolve().parents[2]


def _script():
    spec = importlib.util.spec_from_file_location("snapshot_outputs", REPO / "scripts" / "snapshot_outputs.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def saved(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("snapshot")
    assert _script().main(["save", str(folder), "--sets", "samples"]) == 0
    return folder


def test_the_same_code_makes_the_same_outputs(saved, capsys):
    assert _script().main(["compare", str(saved)]) == 0
    assert "samples: the same outputs" in capsys.readouterr().out


def test_a_changed_table_is_named(saved, tmp_path):
    script = _script()
    made = tmp_path / "made"
    made.mkdir()
    tables = saved / "tables" / "samples"
    with duckdb.connect() as conn:
        for path in tables.glob("*.parquet"):
            if path.stem == "core.reports":
                conn.execute(f"COPY (SELECT * REPLACE (self_score + 1 AS self_score) FROM '{path}') "
                             f"TO '{made / path.name}' (FORMAT parquet)")
            elif path.stem == "marts.data_quality":
                conn.execute(f"COPY (SELECT * EXCLUDE (coverage_pct) FROM '{path}') TO '{made / path.name}' "
                             "(FORMAT parquet)")
            elif path.stem != "core.findings":
                conn.execute(f"COPY (FROM '{path}') TO '{made / path.name}' (FORMAT parquet)")
    found = script.differences(tables, made)
    assert [line.split(":")[0] for line in found] == ["core.findings", "core.reports", "marts.data_quality"]
    assert "only in the saved outputs" in found[0]
    assert "saved row(s) not made" in found[1] and "columns" in found[2]
