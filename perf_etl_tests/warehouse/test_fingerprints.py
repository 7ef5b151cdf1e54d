"""Input fingerprints: what makes a stage's year count as changed."""

from __future__ import annotations

from datetime import datetime, timezone

import pandas as pd
import pytest

from perf_etl.stages import fingerprints
from perf_etl.warehouse import store

NOW = datetime(2025, 1, 1, tzinfo=timezone.utc)
STAGING = list(fingerprints.STAGING_ASSETS)


@pytest.fixture
def conn(tmp_path):
    with store.connect(tmp_path / "w.duckdb") as conn:
        pages = pd.DataFrame({"document_id": ["a", "a", "b"], "fiscal_year": [2022, 2022, 2023],
                              "page_number": [1, 2, 1], "text": ["一", "二", "三"], "char_count": [1, 1, 1]})
        conn.register("pages_frame", pages)
        conn.execute("INSERT INTO raw.pages BY NAME SELECT * FROM pages_frame")
        conn.execute("INSERT INTO raw.documents (document_id, fiscal_year, source_path, file_name, file_size_bytes, "
                     "source_format, page_count, text_engine, ingested_at) VALUES "
                     "('a', 2022, 'a.pdf', 'a.pdf', 1, 'pdf', 2, 'e', now()), "
                     "('b', 2023, 'b.pdf', 'b.pdf', 1, 'pdf', 1, 'e', now())")
        yield conn


def record(conn, stage: str, assets: list[str], years: list[int]) -> None:
    plan = fingerprints.plan(conn, stage, assets, years)
    store.write_partition_with(conn, years, [], fingerprints.record_statements(assets, plan.to_record, NOW))


def test_recorded_inputs_are_unchanged_until_a_row_changes(conn):
    assert fingerprints.plan(conn, "staging", STAGING, [2022, 2023]).changed == [2022, 2023]
    record(conn, "staging", STAGING, [2022, 2023])
    plan = fingerprints.plan(conn, "staging", STAGING, [2022, 2023])
    assert plan.changed == [] and plan.unchanged == {2022: NOW.replace(tzinfo=None), 2023: NOW.replace(tzinfo=None)}
    conn.execute("UPDATE raw.pages SET text = '二二' WHERE document_id = 'a' AND page_number = 2")
    assert fingerprints.plan(conn, "staging", STAGING, [2022, 2023]).changed == [2022]
    assert fingerprints.plan(conn, "staging", STAGING, [2023], full_refresh=True).changed == [2023]


def test_a_duplicated_row_is_a_change(conn):
    record(conn, "staging", STAGING, [2023])
    conn.execute("INSERT INTO raw.pages SELECT * FROM raw.pages WHERE document_id = 'b'")
    assert fingerprints.plan(conn, "staging", STAGING, [2023]).changed == [2023]


def test_code_versions_are_part_of_the_fingerprint(conn, monkeypatch):
    record(conn, "staging", STAGING, [2022])
    monkeypatch.setitem(fingerprints.STAGE_VERSIONS, "staging", "next")
    assert fingerprints.plan(conn, "staging", STAGING, [2022]).changed == [2022]


def test_a_stage_after_an_unrecorded_one_is_never_skipped(conn):
    """core chains on the recorded fingerprints of staging and raw.table_cells: without them it cannot
    vouch for its inputs, and records nothing (so a stale record cannot match later)."""
    core = list(fingerprints.CORE_ASSETS)
    record(conn, "staging", STAGING, [2022])
    plan = fingerprints.plan(conn, "core", core, [2022])
    assert plan.fingerprints == {2022: None} and plan.changed == [2022]
    _record_raw(conn, {2022: "read by reader 3"})
    record(conn, "tables", list(fingerprints.TABLES_ASSETS), [2022])
    assert fingerprints.plan(conn, "core", core, [2022]).fingerprints[2022] is not None


def _record_raw(conn, fingerprint_by_year: dict[int, str]) -> None:
    statements = fingerprints.record_statements([fingerprints.RAW_DOCUMENTS_ASSET], fingerprint_by_year, NOW)
    store.write_partition_with(conn, list(fingerprint_by_year), [], statements)


def test_table_cells_follow_the_raw_write_they_were_read_with(conn):
    """The cells are copied from the read cache: a year's cells are due again when its raw rows were
    written again (other documents, another reader version), and not vouched for without a raw record."""
    tables = list(fingerprints.TABLES_ASSETS)
    assert fingerprints.plan(conn, "tables", tables, [2022]).fingerprints == {2022: None}
    _record_raw(conn, {2022: "read by reader 3", 2023: "read by reader 3"})
    record(conn, "tables", tables, [2022, 2023])
    assert fingerprints.plan(conn, "tables", tables, [2022, 2023]).changed == []
    _record_raw(conn, {2022: "read by reader 4"})
    assert fingerprints.plan(conn, "tables", tables, [2022, 2023]).changed == [2022]


def test_recording_none_deletes_the_old_record(conn):
    record(conn, "staging", STAGING, [2022])
    store.write_partition_with(conn, [2022], [], fingerprints.record_statements(STAGING, {2022: None}, NOW))
    assert fingerprints.recorded(conn, STAGING, [2022]) == {}


def test_marts_of_a_year_depend_on_core_of_the_year_before(conn):
    core = list(fingerprints.CORE_ASSETS)
    store.write_partition_with(conn, [2022, 2023], [], fingerprints.record_statements(
        core, {2022: "core-2022", 2023: "core-2023"}, NOW))
    before = fingerprints.input_fingerprints(conn, "marts", [2023, 2024])
    store.write_partition_with(conn, [2022], [], fingerprints.record_statements(core, {2022: "new"}, NOW))
    after = fingerprints.input_fingerprints(conn, "marts", [2023, 2024])
    assert after[2023] != before[2023]
    assert after[2024] is None  # no core of 2024 recorded: not vouched for
