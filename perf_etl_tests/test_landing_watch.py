import shutil
import time

from perf_etl.ingest.ingest import IngestLimits
from perf_etl.landing_watch import scan_landing
from perf_etl_tests.conftest import SAMPLES
from perf_etl_tests.fixtures.bad_landing import slow_pdf


def test_first_scan_marks_each_year_and_a_second_scan_nothing(pdf_landing):
    first = scan_landing(pdf_landing, {})
    assert sorted(first.years) == [2020, 2021, 2023, 2024]
    assert len(first.years[2023]) == 2
    again = scan_landing(pdf_landing, first.state)
    assert again.years == {} and again.state == first.state


def test_new_changed_and_deleted_files_mark_their_year(pdf_landing):
    state = scan_landing(pdf_landing, {}).state
    (pdf_landing / "000_c00e73963f41166b.pdf").unlink()
    added = pdf_landing / "more"
    added.mkdir()
    shutil.copy(SAMPLES / "003_9525dc9db79afe20.txt", added / "003 copy.txt")
    changes = scan_landing(pdf_landing, state)
    assert sorted(changes.years) == [2021, 2024]  # 2024 lost a file, 2021 gained one
    assert "000_c00e73963f41166b.pdf" not in changes.state


def test_reads_per_scan_are_bounded_and_resume(pdf_landing):
    partial = scan_landing(pdf_landing, {}, max_reads=2)
    assert partial.pending == 3 and len(partial.state) == 2
    rest = scan_landing(pdf_landing, partial.state, max_reads=10)
    assert rest.pending == 0 and len(rest.state) == 5


def test_a_file_over_the_time_budget_costs_the_scan_one_budget(pdf_landing):
    (pdf_landing / "a slow one.pdf").write_bytes(slow_pdf())
    started = time.monotonic()
    changes = scan_landing(pdf_landing, {}, limits=IngestLimits(max_seconds_per_file=2))
    assert time.monotonic() - started < 60  # reading the slow PDF to its end takes minutes
    assert sorted(changes.years) == [2020, 2021, 2023, 2024]
    assert changes.state["a slow one.pdf"][1] is None  # too_large, no year: the run records the rejection
    assert len(changes.unknown_year) == 1
