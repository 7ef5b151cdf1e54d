"""Corrections (perf_etl/review/corrections.py): recorded in their store, applied by the real pipeline on the
sample reports, kept through re-runs, full refreshes and a new extractor version, listed when their report is
gone or reads differently now, and carried through a CSV file."""

from __future__ import annotations

import shutil
from dataclasses import astuple
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import dagster as dg
import duckdb
import pandas as pd
import pytest
from dagster._core.storage.tags import ASSET_PARTITION_RANGE_END_TAG, ASSET_PARTITION_RANGE_START_TAG

import perf_etl.extract
from perf_etl.cli import main
from perf_etl.defs.assets.common import FULL_REFRESH_TAG
from perf_etl.defs.definitions import build_definitions
from perf_etl.review import corrections
from perf_etl.review.corrections import Correction, CorrectionError
from perf_etl.settings import Settings
from perf_etl.stages import fingerprints
from perf_etl_tests.conftest import SAMPLES

# Two sample reports as text (the quickest to read): FY2020 (the one corrected) and FY2021.
SAMPLE_2020, SAMPLE_2021 = "001_0b37341ce517e90b.txt", "003_9525dc9db79afe20.txt"
YEARS = {ASSET_PARTITION_RANGE_START_TAG: "2020", ASSET_PARTITION_RANGE_END_TAG: "2021"}
AT = datetime(2025, 3, 1, 9, 30, 15, 123456, tzinfo=timezone(timedelta(hours=8)))


@pytest.fixture(autouse=True)
def _in_process(monkeypatch):
    # Extraction in this process, so that a monkeypatched extractor version is the one that runs.
    monkeypatch.setenv("PERF_ETL_WORKERS", "0")
    monkeypatch.delenv("PERF_ETL_CORRECTIONS", raising=False)


def run(root: Path, **tags: str) -> dict[str, list[int]]:
    """The real job over root/landing into root/warehouse.duckdb for 2020-2021; asset -> years computed."""
    job = build_definitions(str(root / "landing"), str(root / "warehouse.duckdb")).resolve_job_def("fiscal_year_job")
    with dg.DagsterInstance.ephemeral() as instance:
        result = job.execute_in_process(tags={**YEARS, **tags}, instance=instance)
    assert result.success
    return {event.materialization.asset_key.to_user_string(): event.materialization.metadata["computed_years"].value
            for event in result.get_asset_materialization_events()
            if "computed_years" in event.materialization.metadata}


@pytest.fixture(scope="module")
def pristine(tmp_path_factory) -> Path:
    """The two samples run once into a fresh warehouse (no corrections), kept aside."""
    root = tmp_path_factory.mktemp("corrections") / "pristine"
    (root / "landing").mkdir(parents=True)
    for name in (SAMPLE_2020, SAMPLE_2021):
        shutil.copy(SAMPLES / name, root / "landing" / name)
    mp = pytest.MonkeyPatch()
    mp.setenv("PERF_ETL_WORKERS", "0")
    try:
        run(root)
    finally:
        mp.undo()
    return root


@pytest.fixture
def work(pristine, tmp_path) -> Path:
    root = tmp_path / "work"
    shutil.copytree(pristine, root)
    return root


def query(root: Path, sql: str, *params: object) -> list[tuple]:
    with duckdb.connect(str(root / "warehouse.duckdb"), read_only=True) as conn:
        return conn.execute(sql, list(params)).fetchall()


def report_2020(root: Path) -> str:
    return query(root, "SELECT document_id FROM core.reports WHERE fiscal_year = 2020")[0][0]


def budget_correction(report_id: str, value: str | None = "17000", extracted: str | None = "16098.12") -> Correction:
    return Correction(report_id, "budget_wan", value, "第7页：实际下达预算资金应为17000万元", "张三", AT, extracted)


def store_of(root: Path) -> Path:
    return Settings.from_environment({}, warehouse=root / "warehouse.duckdb").corrections


def test_the_store_lies_beside_the_warehouse_unless_set(tmp_path):
    assert store_of(tmp_path) == tmp_path / "warehouse.corrections.duckdb"
    configured = Settings.from_environment({"PERF_ETL_CORRECTIONS": str(tmp_path / "team.duckdb")},
                                           warehouse=tmp_path / "w.duckdb")
    assert configured.corrections == tmp_path / "team.duckdb"


def test_a_correction_is_applied_and_kept_through_reruns_a_full_refresh_and_a_new_extractor(work, monkeypatch):
    report_id = report_2020(work)
    assert query(work, "SELECT budget_wan FROM core.reports WHERE document_id = ?", report_id) == [
        (Decimal("16098.12"),)]
    assert query(work, "SELECT count(*) FROM marts.data_quality WHERE check_failures > 0") == [(0,)]
    where_read = query(work, "SELECT page_number, char_start, char_end FROM core.field_evidence "
                       "WHERE document_id = ? AND field = 'budget_wan'", report_id)
    corrections.record_correction(store_of(work), budget_correction(report_id))

    computed = run(work)
    # The new correction re-computes core of its year only; the marts of that year and the next (whose
    # year-over-year columns read it).
    assert computed["core/reports"] == [2020] and computed["marts/department_year"] == [2020, 2021]
    expected_core = [(Decimal("17000.00"), Decimal("87.48"))]  # the computed rate follows the budget
    # Where the extracted value was read stays: the page highlights the words the correction replaces.
    expected_evidence = [("17000.00", "correction", "16098.12",
                          "corrected by 张三 at 2025-03-01 01:30 UTC: 第7页：实际下达预算资金应为17000万元",
                          *where_read[0])]

    def assert_corrected(extractor_version: str) -> None:
        assert query(work, "SELECT budget_wan, execution_rate_computed_pct FROM core.reports "
                     "WHERE document_id = ?", report_id) == expected_core
        assert query(work, "SELECT value, rule, extracted_value, raw_text, page_number, char_start, char_end "
                     "FROM core.field_evidence "
                     "WHERE document_id = ? AND field = 'budget_wan'", report_id) == expected_evidence
        assert query(work, "SELECT budget_wan, execution_rate_computed_pct FROM marts.department_year "
                     "WHERE document_id = ?", report_id) == expected_core
        assert query(work, "SELECT status, extracted_value_now, fiscal_year FROM review.corrections") == [
            ("applied", "16098.12", 2020)]
        assert query(work, "SELECT DISTINCT extractor_version FROM core.reports") == [(extractor_version,)]

    assert_corrected(perf_etl.extract.EXTRACTOR_VERSION)
    # The contract checks see the corrected values: the stated rate (92.38 %, not corrected) no longer agrees
    # with the one the corrected budget gives. (None failed before the correction.)
    assert query(work, "SELECT field, failed_checks FROM marts.data_quality WHERE fiscal_year = 2020 "
                 "AND check_failures > 0") == [("execution_rate_pct", "execution_rate_consistent")]

    assert run(work)["core/reports"] == []  # nothing changed: skipped, and the rows stay
    assert_corrected(perf_etl.extract.EXTRACTOR_VERSION)

    assert run(work, **{FULL_REFRESH_TAG: "1"})["core/reports"] == [2020, 2021]
    assert_corrected(perf_etl.extract.EXTRACTOR_VERSION)

    # A new extractor version: every report extracted again, the correction applied again.
    monkeypatch.setattr(perf_etl.extract, "EXTRACTOR_VERSION", "test-next")
    monkeypatch.setitem(fingerprints.STAGE_VERSIONS, "core", "test-next")
    assert run(work)["core/reports"] == [2020, 2021]
    assert_corrected("test-next")


def test_a_correction_can_clear_a_field(work):
    report_id = report_2020(work)
    corrections.record_correction(store_of(work), budget_correction(report_id, value=None))
    run(work)
    assert query(work, "SELECT budget_wan, execution_rate_computed_pct FROM core.reports WHERE document_id = ?",
                 report_id) == [(None, None)]
    assert query(work, "SELECT value, rule, extracted_value FROM core.field_evidence WHERE document_id = ? "
                 "AND field IN ('budget_wan', 'execution_rate_computed_pct')", report_id) == [
        (None, "correction", "16098.12")]
    assert query(work, "SELECT budget_wan FROM marts.department_year WHERE document_id = ?", report_id) == [(None,)]


def test_a_changed_source_file_leaves_the_correction_unapplied_and_listed(work):
    old_id = report_2020(work)
    corrections.record_correction(store_of(work), budget_correction(old_id))
    run(work)
    # The same path with other bytes: another report (its id is the file's sha256), extracted afresh.
    path = work / "landing" / SAMPLE_2020
    path.write_text(path.read_text(encoding="utf-8") + "\n（修订版）\n", encoding="utf-8")
    run(work)
    new_id = report_2020(work)
    assert new_id != old_id
    assert query(work, "SELECT budget_wan FROM core.reports WHERE document_id = ?", new_id) == [
        (Decimal("16098.12"),)]
    assert query(work, "SELECT count(*) FROM core.field_evidence WHERE rule = 'correction'") == [(0,)]
    assert query(work, "SELECT report_id, status, extracted_value_now, fiscal_year FROM review.corrections") == [
        (old_id, "report_missing", None, None)]
    assert corrections.load_corrections(store_of(work))[0].report_id == old_id  # kept, for a person to decide


def test_a_correction_made_against_another_extracted_value_is_not_applied(work):
    report_id = report_2020(work)
    # Made when the extractor read 15000.00; it reads 16098.12 now.
    corrections.record_correction(store_of(work), budget_correction(report_id, extracted="15000"))
    run(work)
    assert query(work, "SELECT budget_wan FROM core.reports WHERE document_id = ?", report_id) == [
        (Decimal("16098.12"),)]
    assert query(work, "SELECT rule FROM core.field_evidence WHERE document_id = ? AND field = 'budget_wan'",
                 report_id) == [("budget:实际下达预算资金",)]
    assert query(work, "SELECT status, extracted_value, extracted_value_now FROM review.corrections") == [
        ("source_changed", "15000.00", "16098.12")]


# ---------------------------------------------------------------- recording and CSV

REPORT = "a" * 64


def some_corrections() -> list[Correction]:
    return [
        Correction(REPORT, "budget_wan", "1,234.5", "第3页表格：合计", "王五", AT, "1234"),
        Correction(REPORT, "grade", None, "报告未写等级, \"良\" 是目录里的字", "王五", AT + timedelta(minutes=1), "良"),
        Correction("b" * 64, "department_name", "广州市海珠区投资促进局", "名称含换行\n第二行", "li.si@example.org",
                   datetime(2025, 1, 2, tzinfo=timezone.utc), None),
        Correction("b" * 64, "staff_actual", "12", "编制表", "赵六", AT, "21"),
    ]


def test_values_are_kept_as_evidence_renders_them(tmp_path):
    store = tmp_path / "c.duckdb"
    corrections.record_corrections(store, some_corrections())
    loaded = {(c.report_id, c.field): c for c in corrections.load_corrections(store)}
    assert loaded[(REPORT, "budget_wan")].value == "1234.50"
    assert loaded[(REPORT, "budget_wan")].extracted_value == "1234.00"
    assert loaded[(REPORT, "grade")].value is None
    assert loaded[(REPORT, "budget_wan")].corrected_at == AT  # the same instant, held in UTC
    assert loaded[(REPORT, "budget_wan")].corrected_at.utcoffset() == timedelta(0)
    # insert or replace by (report_id, field)
    corrections.record_correction(store, Correction(REPORT, "grade", "优", "复核", "王五", AT, "良"))
    assert [c.value for c in corrections.load_corrections(store) if c.field == "grade"] == ["优"]
    assert corrections.delete_correction(store, REPORT, "grade")
    assert len(corrections.load_corrections(store)) == 3


@pytest.mark.parametrize(("correction", "says"), [
    (Correction(REPORT, "budget", "1", "r", "p", AT, None), "unknown field 'budget'"),
    (Correction(REPORT, "fiscal_year", "2021", "r", "p", AT, None), "fiscal_year' cannot be corrected"),
    (Correction(REPORT, "budget_wan", "-1", "r", "p", AT, None), "budget_wan = -1.0 fails greater_than_or_equal_to(0)"),
    (Correction(REPORT, "budget_wan", "一千", "r", "p", AT, None), "'一千' is not a number"),
    (Correction(REPORT, "grade", "A", "r", "p", AT, None), "grade = 'A' fails isin(['优', '良', '中', '差'])"),
    (Correction(REPORT, "grade", " ", "r", "p", AT, None), "an empty value; to clear the field"),
    (Correction(REPORT, "grade", "优", " ", "p", AT, None), "needs a reason"),
    (Correction("report-1", "grade", "优", "r", "p", AT, None), "is not a report's id"),
    (Correction(REPORT, "grade", "优", "r", "p", datetime(2025, 1, 1), None), "has no time zone"),
])
def test_a_wrong_correction_is_refused_and_nothing_is_recorded(tmp_path, correction, says):
    store = tmp_path / "c.duckdb"
    good = Correction(REPORT, "self_score", "91", "r", "p", AT, None)
    with pytest.raises(CorrectionError, match=None) as raised:
        corrections.record_corrections(store, [good, correction])
    assert says in str(raised.value)
    assert corrections.load_corrections(store) == []


def test_export_then_import_into_an_empty_store_gives_the_same_corrections(tmp_path, capsys):
    warehouse = tmp_path / "w.duckdb"
    store = Settings.from_environment({}, warehouse=warehouse).corrections
    corrections.record_corrections(store, some_corrections())
    exported = tmp_path / "corrections.csv"
    assert main(["corrections", "export", str(exported), "--warehouse", str(warehouse)]) == 0
    raw = exported.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # Excel reads UTF-8 only with a BOM
    assert raw.decode("utf-8-sig").splitlines()[0] == ",".join(corrections.CSV_COLUMNS)
    other = tmp_path / "other.duckdb"
    assert main(["corrections", "import", str(exported), "--store", str(other)]) == 0
    assert "4 correction(s)" in capsys.readouterr().err
    assert corrections.load_corrections(other) == corrections.load_corrections(store)
    # and again: the file the second store exports is the same bytes
    again = tmp_path / "again.csv"
    assert main(["corrections", "export", str(again), "--store", str(other)]) == 0
    assert again.read_bytes() == raw
    assert main(["corrections", "list", "--store", str(other), "--warehouse", str(warehouse)]) == 0
    assert "not run yet" in capsys.readouterr().out


HEADER = "report_id,field,value,reason,corrected_by,corrected_at,extracted_value"
GOOD_ROW = f"{REPORT},self_score,91,复核,王五,2025-03-01T09:30:00+08:00,90"


@pytest.mark.parametrize(("content", "says"), [
    ("report_id,field,value,reason,corrected_by,corrected_at\n" + GOOD_ROW.rsplit(",", 1)[0],
     "missing column(s) extracted_value"),
    (f"{HEADER}\n{GOOD_ROW}\n{REPORT},budget,1,r,p,2025-03-01T09:30:00+08:00,", "line 3: unknown field 'budget'"),
    (f"{HEADER}\n{GOOD_ROW}\n{REPORT},grade,优,r,p,2025-13-01,", "line 3: corrected_at '2025-13-01' is not a date"),
    (f"{HEADER}\n{GOOD_ROW}\n{REPORT},grade,优,r,p", "line 3: 7 cells expected"),
    (f"{HEADER}\n{GOOD_ROW}\n{GOOD_ROW}", "two corrections of self_score"),
    (f"{HEADER},note\n{GOOD_ROW},x", "unknown column(s) 'note'"),
])
def test_a_malformed_csv_is_one_line_exit_code_2_and_nothing_imported(tmp_path, capsys, content, says):
    store = tmp_path / "c.duckdb"
    kept = Correction("c" * 64, "grade", "良", "r", "p", AT, None)
    corrections.record_correction(store, kept)
    bad = tmp_path / "bad.csv"
    bad.write_text(content, encoding="utf-8-sig")
    with pytest.raises(SystemExit) as exited:
        main(["corrections", "import", str(bad), "--store", str(store)])
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and says in err and "Traceback" not in err, err
    assert err.startswith("perf-etl corrections: ") and "nothing was imported" in err
    assert corrections.load_corrections(store) == [corrections.checked(kept)]


def test_a_csv_saved_in_another_encoding_is_refused(tmp_path, capsys):
    bad = tmp_path / "gbk.csv"
    bad.write_bytes(f"{HEADER}\n{GOOD_ROW}\n".encode("gbk"))
    with pytest.raises(SystemExit) as exited:
        main(["corrections", "import", str(bad), "--store", str(tmp_path / "c.duckdb")])
    assert exited.value.code == 2
    assert "not UTF-8 text" in capsys.readouterr().err


def test_derived_fields_follow_a_corrected_name_unless_corrected_themselves():
    from perf_etl.extract.departments import department_key
    from perf_etl.models import REPORT_COLUMNS, Evidence

    report = dict.fromkeys(REPORT_COLUMNS) | {"report_id": REPORT, "document_id": REPORT, "report_ordinal": 1,
                                              "fiscal_year": 2023, "extractor_version": "5",
                                              "department_name": "广州市番禺区投资促进中心", "self_score": 91.0,
                                              "grade_from_score": "优"}
    report["department_key"] = department_key(report["department_name"], None)
    evidence = [Evidence(REPORT, "department_name", "广州市番禺区投资促进中心", "番禺区投资促进中心", 1, 10, 20,
                         "name:title"),
                Evidence(REPORT, "department_key", report["department_key"], "番禺区投资促进中心", 1, 10, 20,
                         "derived:department_key"),
                Evidence(REPORT, "self_score", "91.00", "自评得分91分", 2, 30, 37, "score:自评得分"),
                Evidence(REPORT, "grade_from_score", "优", "自评得分91分", 2, 30, 37, "derived:grade_from_score")]
    frames = {"reports": pd.DataFrame([report], columns=list(REPORT_COLUMNS)),
              "field_evidence": pd.DataFrame([(REPORT, *astuple(e), 2023) for e in evidence],
                                             columns=["report_id", *Evidence.__dataclass_fields__, "fiscal_year"])}
    name = "广州市海珠区投资促进局"
    fixed = corrections.apply_corrections(frames, [
        corrections.checked(Correction(REPORT, "department_name", name, "封面", "p", AT, "广州市番禺区投资促进中心")),
        corrections.checked(Correction(REPORT, "self_score", "79", "附表", "p", AT, "91")),
        corrections.checked(Correction(REPORT, "grade_from_score", "良", "人工", "p", AT, "优"))])
    row = fixed["reports"].iloc[0]
    assert (row["department_name"], row["department_key"]) == (name, department_key(name, None))
    assert row["department_key"] != report["department_key"]
    assert (row["self_score"], row["grade_from_score"]) == (79.0, "良")  # not 中: corrected itself
    by_field = fixed["field_evidence"].set_index("field")
    assert by_field.loc["department_key", "rule"] == "derived:department_key"
    assert "computed again from the corrected department_name" in by_field.loc["department_key", "raw_text"]
    assert by_field.loc["grade_from_score", ["rule", "extracted_value"]].tolist() == ["correction", "优"]
    assert frames["reports"].iloc[0]["department_name"] == "广州市番禺区投资促进中心"  # the input is not changed
