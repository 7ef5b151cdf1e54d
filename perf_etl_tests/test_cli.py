import json
import os
import shutil
from pathlib import Path

import duckdb
import pytest

from perf_etl import settings
from perf_etl.cli import main, parse_years
from perf_etl.commands import contiguous_ranges, run_ranges
from perf_etl_tests.conftest import SAMPLES


@pytest.mark.parametrize(("text", "years"), [
    ("2020-2024", [2020, 2021, 2022, 2023, 2024]),
    ("2020,2023", [2020, 2023]),
    ("2021", [2021]),
    ("2023,2020-2021", [2020, 2021, 2023]),
])
def test_parse_years(text, years):
    assert parse_years(text) == years


@pytest.mark.parametrize(("years", "ranges"), [
    ([2020, 2021, 2023, 2024], [(2020, 2021), (2023, 2024)]),
    ([2023], [(2023, 2023)]),
    ([2024, 2020, 2022], [(2020, 2020), (2022, 2022), (2024, 2024)]),
    ([], []),
])
def test_contiguous_ranges(years, ranges):
    assert contiguous_ranges(years) == ranges


@pytest.mark.parametrize(("years", "as_asked", "ranges"), [
    ([2020, 2021, 2023], True, [(2020, 2021), (2023, 2023)]),  # --years: only the years asked for
    ([2023, 2020, 2021], False, [(2020, 2023)]),  # the landing folder's years: one run, 2022 recorded empty
    ([2024], False, [(2024, 2024)]),
    ([], False, []),
])
def test_run_ranges(years, as_asked, ranges):
    assert run_ranges(years, as_asked=as_asked) == ranges


def test_extract_prints_one_json_line_per_file(tmp_path, capsys):
    empty = tmp_path / "empty.pdf"
    empty.write_bytes(b"")
    main(["extract", str(SAMPLES / "004_3cc4b0b52db76508.pdf"), str(empty)])
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert len(lines) == 2
    report, rejected = lines
    assert report["rejected"] is None
    assert report["report"]["fiscal_year"] == 2023
    assert report["report"]["budget_wan"] == pytest.approx(36628.61)
    assert {e["field"] for e in report["evidence"]} >= {"budget_wan", "fiscal_year", "department_name"}
    assert rejected["report"] is None
    assert rejected["rejected"]["reason_code"] == "empty_file"


def test_run_reads_new_files_once_and_says_so_in_whole_lines_without_a_terminal(pdf_landing, tmp_path, capsys):
    warehouse = tmp_path / "w.duckdb"
    assert main(["run", "--landing", str(pdf_landing), "--warehouse", str(warehouse)]) == 0
    first = capsys.readouterr().err
    assert main(["run", "--landing", str(pdf_landing), "--warehouse", str(warehouse)]) == 0
    second = capsys.readouterr().err
    # the five sample PDFs, before the run; then all found in the read cache. No bar redraws (\r) in a log.
    assert "read 5 new or changed landing file(s)" in first.splitlines()[0]
    assert "no landing file is new or changed" in second.splitlines()[0]
    assert "\r" not in first + second


def test_run_goes_on_with_file_names_that_are_not_utf8(tmp_path, capsys):
    # What unzipping a Windows archive gives: GBK bytes in a name; and bytes no encoding reads.
    landing = tmp_path / "landing"
    landing.mkdir()
    gbk_name = "2023年度部门整体支出绩效自评报告.pdf".encode("gbk")
    shutil.copy(SAMPLES / "004_3cc4b0b52db76508.pdf", os.fsdecode(os.fsencode(landing) + b"/" + gbk_name))
    Path(os.fsdecode(os.fsencode(landing) + b"/\xff\xfe.txt")).write_bytes(b"")
    warehouse = tmp_path / "w.duckdb"
    assert main(["run", "--landing", str(landing), "--warehouse", str(warehouse)]) == 0
    capsys.readouterr()
    with duckdb.connect(str(warehouse), read_only=True) as conn:
        documents = conn.execute("SELECT source_path, file_name FROM raw.documents").fetchall()
        rejected = conn.execute("SELECT source_path, reason_code FROM raw.rejected_files").fetchall()
    assert documents == [("2023年度部门整体支出绩效自评报告.pdf", "2023年度部门整体支出绩效自评报告.pdf")]
    assert rejected == [("\\xff\\xfe.txt", "empty_file")]


def test_a_year_whose_files_are_removed_leaves_the_warehouse(pdf_landing, tmp_path, capsys):
    warehouse = tmp_path / "w.duckdb"
    assert main(["run", "--landing", str(pdf_landing), "--warehouse", str(warehouse)]) == 0
    (pdf_landing / "001_0b37341ce517e90b.pdf").unlink()  # the only FY2020 report
    capsys.readouterr()
    assert main(["run", "--landing", str(pdf_landing), "--warehouse", str(warehouse)]) == 0
    assert "fiscal year(s) 2020: no file of theirs is left" in capsys.readouterr().err
    with duckdb.connect(str(warehouse), read_only=True) as conn:
        held = {table: conn.execute(f"SELECT count(*) FROM {table} WHERE fiscal_year = 2020").fetchone()[0]
                for table in ("raw.documents", "core.reports", "marts.fiscal_year_summary")}
        others = conn.execute("SELECT count(*) FROM core.reports").fetchone()[0]
    assert held == {"raw.documents": 0, "core.reports": 0, "marts.fiscal_year_summary": 0}
    assert others == 4
    with duckdb.connect(str(warehouse.with_name("marts.duckdb")), read_only=True) as published:
        years = [year for (year,) in published.execute("SELECT fiscal_year FROM fiscal_year_summary").fetchall()]
    assert 2020 not in years and len(years) == 3


def test_a_year_run_after_the_year_after_brings_its_change_columns_up_to_date(tmp_path, capsys):
    # The same department in 2023 and 2024; 2024 is run first, when 2023 has no reports yet.
    landing = tmp_path / "landing"
    landing.mkdir()
    shutil.copy(SAMPLES / "000_c00e73963f41166b.txt", landing / "2024.txt")
    year_before = (SAMPLES / "000_c00e73963f41166b.txt").read_text(encoding="utf-8").replace("2024", "2023")
    (landing / "2023.txt").write_text(year_before, encoding="utf-8")
    warehouse = tmp_path / "w.duckdb"
    assert main(["run", "--landing", str(landing), "--warehouse", str(warehouse), "--years", "2024"]) == 0
    assert main(["run", "--landing", str(landing), "--warehouse", str(warehouse), "--years", "2023"]) == 0
    capsys.readouterr()
    with duckdb.connect(str(warehouse), read_only=True) as conn:
        (previous,) = conn.execute(
            "SELECT previous_expenditure_wan FROM marts.department_year WHERE fiscal_year = 2024").fetchone()
        (spent_2023,) = conn.execute(
            "SELECT expenditure_wan FROM marts.department_year WHERE fiscal_year = 2023").fetchone()
    assert previous is not None and previous == spent_2023
    with duckdb.connect(str(warehouse.with_name("marts.duckdb")), read_only=True) as published:
        (copied,) = published.execute("SELECT previous_expenditure_wan FROM department_year WHERE fiscal_year = 2024"
                                      ).fetchone()
    assert copied == previous


@pytest.mark.parametrize(("argv", "says"), [
    (["run", "--landing", "/no/such/folder"], "--landing /no/such/folder: no such folder"),
    (["run", "--years", "1999"], "--years: 1999 outside the fiscal years 2010–"),
    (["run", "--years", "2999"], "--years: 2999 outside the fiscal years"),
    (["run", "--years", "twenty"], "'twenty' is not a year list"),
    (["run", "--years", "2024-2020"], "the range ends before it starts"),
    (["extract", "/no/such/report.pdf"], "not a file: /no/such/report.pdf"),
    (["extract", str(SAMPLES)], f"not a file: {SAMPLES}"),
    (["nonsense"], "invalid choice"),
])
def test_a_wrong_argument_is_one_line_and_exit_code_2(argv, says, tmp_path, capsys):
    if argv[0] == "run" and "--landing" not in argv:
        argv = [*argv, "--landing", str(tmp_path), "--warehouse", str(tmp_path / "w.duckdb")]
    with pytest.raises(SystemExit) as stopped:
        main(argv)
    err = capsys.readouterr().err
    assert stopped.value.code == 2
    assert says in err and len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_extract_exits_1_when_a_file_is_rejected(tmp_path, capsys):
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.7 not really")
    assert main(["extract", str(SAMPLES / "004_3cc4b0b52db76508.pdf"), str(broken)]) == 1
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [line["rejected"] is None for line in lines] == [True, False]


def test_a_folder_of_unusable_files_is_accounted_for(tmp_path, capsys):
    landing = tmp_path / "landing"
    landing.mkdir()
    (landing / "table.xlsx").write_bytes(b"PK\x03\x04 not a report")
    (landing / "empty.pdf").write_bytes(b"")
    warehouse = tmp_path / "w.duckdb"
    assert main(["run", "--landing", str(landing), "--warehouse", str(warehouse)]) == 0
    out = capsys.readouterr()
    assert "Empty DataFrame" not in out.out and "2 file(s) of unknown year recorded" in out.err
    with duckdb.connect(str(warehouse), read_only=True) as conn:
        rows = conn.execute("SELECT source_path, reason_code FROM raw.rejected_files ORDER BY 1").fetchall()
    assert rows == [("empty.pdf", "empty_file"), ("table.xlsx", "corrupt_spreadsheet")]


def test_files_of_a_year_without_a_partition_are_recorded_and_the_run_goes_on(tmp_path, capsys):
    current = settings.last_closed_fiscal_year() + 1  # its partition starts when the year ends
    landing = tmp_path / "landing"
    landing.mkdir()
    shutil.copy(SAMPLES / "004_3cc4b0b52db76508.pdf", landing)  # FY2023
    report = (SAMPLES / "000_c00e73963f41166b.txt").read_text(encoding="utf-8")  # FY2024
    (landing / "this_year.txt").write_text(report.replace("2024", str(current)), encoding="utf-8")
    minutes = ("2009年度第三次局务会议纪要\n2009年3月12日上午，局长主持召开局务会议，研究办公楼维修、车辆管理和"
               "春季安全生产检查等事项。会议指出，各科室要按照年初工作安排，认真落实各项工作任务，确保按时完成。"
               "会议决定，由办公室牵头制定维修方案，报局党组研究后实施。参加会议的有局领导班子成员和各科室负责人。\n")
    (landing / "old_minutes.txt").write_text(minutes * 3, encoding="utf-8")
    warehouse = tmp_path / "w.duckdb"
    assert main(["run", "--landing", str(landing), "--warehouse", str(warehouse)]) == 0
    capsys.readouterr()
    with duckdb.connect(str(warehouse), read_only=True) as conn:
        documents = conn.execute("SELECT source_path, fiscal_year FROM raw.documents").fetchall()
        rejected = conn.execute("SELECT source_path, fiscal_year, reason_code, message FROM raw.rejected_files "
                                "ORDER BY 1").fetchall()
    assert documents == [("004_3cc4b0b52db76508.pdf", 2023)]
    assert [row[:3] for row in rejected] == [("old_minutes.txt", None, "not_a_self_evaluation_report"),
                                             ("this_year.txt", None, "fiscal_year_out_of_range")]
    assert f"fiscal year {current}" in rejected[1][3]


def test_help_describes_every_argument_and_its_default(capsys):
    with pytest.raises(SystemExit):
        main(["run", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "default: data/samples" in text and "default: data/warehouse.duckdb" in text
    assert "e.g. 2020-2024" in text and "exit codes: 0 done" in text
