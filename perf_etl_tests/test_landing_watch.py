"""The landing sensor's logic: which years a change touches, from cheap signals only (it reads no file)."""

import shutil
import time
from pathlib import Path

import pytest

from perf_etl import landing_watch
from perf_etl.ingest.ingest import IngestSettings
from perf_etl.landing_watch import scan_landing
from perf_etl.settings import Settings
from perf_etl.stages.raw import read_landing
from perf_etl.warehouse import read_cache, store
from perf_etl_tests.conftest import SAMPLES
from perf_etl_tests.fixtures.bad_landing import slow_pdf

IN_PROCESS = IngestSettings(workers=0)


class Cache:
    """The warehouse's read cache, filled the way read_landing_job fills it."""

    def __init__(self, warehouse: Path) -> None:
        self.warehouse = warehouse

    def read(self, landing: Path, limits: IngestSettings = IN_PROCESS) -> None:
        read_landing(Settings(landing=landing, warehouse=self.warehouse, ingest=limits))

    def years_of(self, keys):
        with store.connect(self.warehouse) as conn:
            return read_cache.cached_years(conn, keys, read_cache.reader_version())


@pytest.fixture
def cache(tmp_path: Path) -> Cache:
    return Cache(tmp_path / "w.duckdb")


def test_unread_files_are_asked_for_then_their_years_marked_once(pdf_landing, cache):
    first = scan_landing(pdf_landing, {}, cache.years_of)
    assert first.years == {} and len(first.unread) == 5  # nothing read yet: the sensor asks for a read
    cache.read(pdf_landing)
    second = scan_landing(pdf_landing, first.state, cache.years_of)
    assert sorted(second.years) == [2020, 2021, 2023, 2024] and len(second.years[2023]) == 2
    assert second.unread == []
    third = scan_landing(pdf_landing, second.state, cache.years_of)
    assert third.years == {} and third.unread == [] and third.state == second.state


def test_new_changed_and_deleted_files_mark_their_year(pdf_landing, cache):
    cache.read(pdf_landing)
    state = scan_landing(pdf_landing, {}, cache.years_of).state
    (pdf_landing / "000_c00e73963f41166b.pdf").unlink()
    added = pdf_landing / "more"
    added.mkdir()
    shutil.copy(SAMPLES / "003_9525dc9db79afe20.txt", added / "003 copy.txt")
    cache.read(pdf_landing)
    changes = scan_landing(pdf_landing, state, cache.years_of)
    assert sorted(changes.years) == [2021, 2024]  # 2024 lost a file, 2021 gained one
    assert "000_c00e73963f41166b.pdf" not in changes.state


def test_a_file_touched_but_not_changed_marks_nothing(pdf_landing, cache):
    cache.read(pdf_landing)
    state = scan_landing(pdf_landing, {}, cache.years_of).state
    (pdf_landing / "001_0b37341ce517e90b.pdf").touch()
    changes = scan_landing(pdf_landing, state, cache.years_of)
    assert changes.years == {} and changes.unread == []


def test_hashing_per_scan_is_bounded_and_resumes(pdf_landing, cache):
    cache.read(pdf_landing)
    partial = scan_landing(pdf_landing, {}, cache.years_of, hash_bytes=1)
    assert partial.pending == 4 and len(partial.state) == 1
    rest = scan_landing(pdf_landing, partial.state, cache.years_of)
    assert rest.pending == 0 and len(rest.state) == 5


def test_a_slow_file_costs_the_scan_nothing(pdf_landing, cache):
    (pdf_landing / "a slow one.pdf").write_bytes(slow_pdf())
    started = time.monotonic()
    changes = scan_landing(pdf_landing, {}, cache.years_of)
    assert time.monotonic() - started < 5  # reading the slow PDF to its end takes minutes; the scan reads nothing
    assert len(changes.unread) == 6
    cache.read(pdf_landing, IngestSettings(workers=1, max_seconds_per_file=2))  # what read_landing_job does
    after = scan_landing(pdf_landing, changes.state, cache.years_of)
    assert sorted(after.years) == [2020, 2021, 2023, 2024] and after.unread == []
    assert after.state["a slow one.pdf"][1] is None and len(after.unknown_year) == 1  # too_large, no year


def test_a_file_that_cannot_be_hashed_does_not_stop_the_scan(pdf_landing, cache, monkeypatch):
    real = landing_watch.sha256_file

    def denied(path: Path) -> str:
        if path.name == "001_0b37341ce517e90b.pdf":
            raise PermissionError(13, "Permission denied", str(path))
        return real(path)

    monkeypatch.setattr(landing_watch, "sha256_file", denied)
    changes = scan_landing(pdf_landing, {}, cache.years_of)
    assert changes.state["001_0b37341ce517e90b.pdf"][0] == "unreadable:PermissionError"
    assert len(changes.unread) == 4 and len(changes.unknown_year) == 1
