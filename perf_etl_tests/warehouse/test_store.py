from datetime import datetime

import pandas as pd
import pytest

from perf_etl.warehouse import store

T0 = datetime(2024, 1, 1, 8, 0)
T1 = datetime(2025, 6, 1, 8, 0)


def rejected(path: str, year: int | None, stage: str = "ingest", at: datetime = T0) -> dict:
    return {"source_path": path, "sha256": None, "fiscal_year": year, "stage": stage,
            "reason_code": "empty_file", "message": "empty", "detected_at": at}


@pytest.fixture
def conn(tmp_path):
    with store.connect(tmp_path / "w.duckdb") as connection:
        yield connection


def paths(conn) -> list[tuple]:
    return conn.execute("SELECT source_path, fiscal_year, stage FROM raw.rejected_files ORDER BY ALL").fetchall()


def test_write_replaces_only_the_partition_years(conn):
    frame = pd.DataFrame([rejected("a", 2020), rejected("b", 2021)])
    store.write_partition(conn, [2020, 2021], [store.TableWrite("raw.rejected_files", frame)])
    store.write_partition(conn, [2021], [store.TableWrite("raw.rejected_files", pd.DataFrame([rejected("c", 2021)]))])
    assert paths(conn) == [("a", 2020, "ingest"), ("c", 2021, "ingest")]


def test_rewriting_a_partition_is_idempotent(conn):
    frame = pd.DataFrame([rejected("a", 2020), rejected("b", 2020)])
    for _ in range(2):
        store.write_partition(conn, [2020], [store.TableWrite("raw.rejected_files", frame)])
    assert paths(conn) == [("a", 2020, "ingest"), ("b", 2020, "ingest")]


def test_slice_filter_leaves_other_stages_alone(conn):
    both = pd.DataFrame([rejected("a", 2020, "ingest"), rejected("b", 2020, "validate")])
    store.write_partition(conn, [2020], [store.TableWrite("raw.rejected_files", both)])
    store.write_partition(conn, [2020], [store.TableWrite("raw.rejected_files", pd.DataFrame(), {"stage": "validate"})])
    assert paths(conn) == [("a", 2020, "ingest")]


def test_null_year_rows_are_replaced_only_when_asked(conn):
    store.write_partition(conn, [2020], [store.TableWrite("raw.rejected_files", pd.DataFrame([rejected("x", None)]),
                                                          include_null_year=True)])
    store.write_partition(conn, [2020], [store.TableWrite("raw.rejected_files", pd.DataFrame())])
    assert paths(conn) == [("x", None, "ingest")]
    clear_unknown = store.TableWrite("raw.rejected_files", pd.DataFrame(), include_null_year=True)
    store.write_partition(conn, [2020], [clear_unknown])
    assert paths(conn) == []


def test_a_failing_write_leaves_the_previous_state(conn):
    store.write_partition(conn, [2020], [store.TableWrite("raw.rejected_files", pd.DataFrame([rejected("a", 2020)]))])
    broken = pd.DataFrame([{"document_id": "d", "fiscal_year": 2020, "no_such_column": 1}])
    with pytest.raises(Exception, match="no_such_column"):
        store.write_partition(conn, [2020], [
            store.TableWrite("raw.rejected_files", pd.DataFrame([rejected("c", 2020)])),
            store.TableWrite("raw.pages", broken),
        ])
    assert paths(conn) == [("a", 2020, "ingest")]


def test_carry_over_keeps_the_first_seen_time(conn):
    store.write_partition(conn, [2020], [store.TableWrite("raw.rejected_files", pd.DataFrame([rejected("a", 2020)]))])
    again = pd.DataFrame([rejected("a", 2020, at=T1), rejected("new", 2020, at=T1)])
    kept = store.carry_over_timestamps(conn, "raw.rejected_files", again,
                                       ["source_path", "sha256", "stage", "reason_code"], "detected_at")
    times = dict(zip(kept["source_path"], pd.to_datetime(kept["detected_at"]), strict=True))
    assert times == {"a": pd.Timestamp(T0), "new": pd.Timestamp(T1)}


def test_read_partition_filters_by_year_and_slice(conn):
    frame = pd.DataFrame([rejected("a", 2020), rejected("b", 2021), rejected("c", 2020, "validate")])
    store.write_partition(conn, [2020, 2021], [store.TableWrite("raw.rejected_files", frame)])
    rows = store.read_partition(conn, "raw.rejected_files", [2020], where={"stage": "ingest"})
    assert rows["source_path"].tolist() == ["a"]


def test_carried_over_and_new_times_stay_one_time_zone_aware_column(conn):
    # Raw assets stamp rows with an aware UTC "now"; a run that keeps some rows and adds others must still
    # hand DuckDB one timestamp column, and a re-run must write back exactly what it read.
    first = pd.DataFrame([rejected("kept", None, at=T0)])
    first["detected_at"] = pd.to_datetime(first["detected_at"]).dt.tz_localize("UTC")
    store.write_partition(conn, [2020], [store.TableWrite("raw.rejected_files", first, include_null_year=True)])
    again = pd.DataFrame([rejected("kept", None, at=T1), rejected("new", 2020, at=T1)])
    again["detected_at"] = pd.to_datetime(again["detected_at"]).dt.tz_localize("UTC")
    kept = store.carry_over_timestamps(conn, "raw.rejected_files", again,
                                       ["source_path", "sha256", "stage", "reason_code"], "detected_at")
    assert isinstance(kept["detected_at"].dtype, pd.DatetimeTZDtype) and str(kept["detected_at"].dt.tz) == "UTC"
    assert dict(zip(kept["source_path"], kept["detected_at"], strict=True)) == {
        "kept": pd.Timestamp(T0, tz="UTC"), "new": pd.Timestamp(T1, tz="UTC")}
    before = conn.execute("SELECT * FROM raw.rejected_files ORDER BY ALL").fetchall()
    store.write_partition(conn, [2020], [store.TableWrite("raw.rejected_files", kept.iloc[:1], include_null_year=True)])
    assert conn.execute("SELECT * FROM raw.rejected_files ORDER BY ALL").fetchall() == before
