"""ingest_landing / ingest_file / discover: every landing file ends in exactly one list, for the right reason."""

from __future__ import annotations

import hashlib
import os
import shutil
from datetime import datetime
from pathlib import Path

import pytest
from reportlab.lib.pdfencrypt import StandardEncryption

from perf_etl.ingest import ingest as ingest_module
from perf_etl.ingest.discover import discover, folder_year
from perf_etl.ingest.ingest import IngestSettings, LandingResult, ingest_file
from perf_etl.ingest.reasons import REASON_CODES, Reason
from perf_etl.models import IngestedFile, RejectedFile, Stage
from perf_etl_tests.landing import ingest_landing

from .factory import (
    NOTICE,
    SAMPLES,
    make_docx,
    make_image_only_pdf,
    make_pdf,
    random_bytes,
    sample_text,
)

S000, S001, S002, S004 = (
    "000_c00e73963f41166b",
    "001_0b37341ce517e90b",
    "002_fa04becc64be89b5",
    "004_3cc4b0b52db76508",
)
# A report with no year anywhere in its text.
NO_YEAR_REPORT = (
    "部门整体支出绩效自评报告\n一、基本情况\n"
    + "本部门认真履行招商引资职责，加强预算管理，提高资金使用效益，按时完成各项工作任务。" * 5
)


def copy_sample(name: str, suffix: str, target: Path) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(SAMPLES / f"{name}{suffix}", target)
    return target


def write(target: Path, data: bytes | str) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        target.write_text(data, encoding="utf-8")
    else:
        target.write_bytes(data)
    return target


def outcome_by_path(result: LandingResult) -> dict[str, IngestedFile | RejectedFile]:
    outcomes: dict[str, IngestedFile | RejectedFile] = {}
    for ingested in result.accepted:
        outcomes[ingested.document.source_path] = ingested
    for rejected in result.rejected:
        assert rejected.source_path not in outcomes, f"{rejected.source_path} is in both lists"
        outcomes[rejected.source_path] = rejected
    assert len(outcomes) == len(result.accepted) + len(result.rejected), "a path appears twice"
    return outcomes


def reason(result: LandingResult, source_path: str) -> str:
    outcome = outcome_by_path(result)[source_path]
    return "accepted" if isinstance(outcome, IngestedFile) else outcome.reason_code


@pytest.fixture
def landing(tmp_path: Path) -> Path:
    """A landing folder with one file of every kind, good and bad."""
    root = tmp_path / "landing"
    copy_sample(S004, ".pdf", root / "a_reports" / "004.pdf")
    copy_sample(S004, ".txt", root / "a_reports" / "004.txt")  # same text, other format
    copy_sample(S004, ".pdf", root / "z_copies" / "004-again.pdf")  # same bytes, later path
    copy_sample(S001, ".txt", root / "2023" / "001.txt")  # text says 2020
    make_docx(root / "b_word" / "002.docx", sample_text(S002).splitlines())
    copy_sample(S002, ".txt", root / "b_word" / "002.txt")  # docx preferred over txt
    write(root / "no_year.txt", NO_YEAR_REPORT)
    write(root / "2022" / "no_year_in_folder.txt", NO_YEAR_REPORT.replace("招商引资", "商务"))
    make_pdf(root / "encrypted.pdf", sample_text(S004).splitlines()[:30], encrypt=StandardEncryption("pw"))
    data = (SAMPLES / f"{S000}.pdf").read_bytes()
    write(root / "2024" / "truncated.pdf", data[: len(data) // 2])
    write(root / "noise.pdf", random_bytes(4000))
    write(root / "empty.txt", b"")
    write(root / "empty-too.pdf", b"")
    write(root / "photo.png", b"\x89PNG\r\n\x1a\n" + random_bytes(500))
    write(root / "binary.txt", b"\x00\x01\x02\x03" * 300)
    write(root / ".DS_Store", random_bytes(64))
    make_pdf(root / "notice.pdf", NOTICE.splitlines())
    make_image_only_pdf(root / "scan.pdf")
    return root


EXPECTED_REASONS = {
    "a_reports/004.pdf": "accepted",
    "a_reports/004.txt": Reason.DUPLICATE_CONTENT,
    "z_copies/004-again.pdf": Reason.DUPLICATE_CONTENT,
    "2023/001.txt": "accepted",
    "b_word/002.docx": "accepted",
    "b_word/002.txt": Reason.DUPLICATE_CONTENT,
    "no_year.txt": Reason.UNKNOWN_FISCAL_YEAR,
    "2022/no_year_in_folder.txt": "accepted",
    "encrypted.pdf": Reason.ENCRYPTED_PDF,
    "2024/truncated.pdf": Reason.CORRUPT_PDF,
    "noise.pdf": Reason.CORRUPT_PDF,
    "empty.txt": Reason.EMPTY_FILE,
    "empty-too.pdf": Reason.EMPTY_FILE,
    "photo.png": Reason.UNSUPPORTED_FORMAT,
    "binary.txt": Reason.UNDECODABLE_TEXT,
    ".DS_Store": Reason.UNSUPPORTED_FORMAT,
    "notice.pdf": Reason.NOT_A_SELF_EVALUATION_REPORT,
    "scan.pdf": Reason.NO_TEXT_LAYER,
}


def test_every_file_ends_in_exactly_one_list_with_the_right_reason(landing: Path, now: datetime) -> None:
    result = ingest_landing(landing, now=now)
    assert {path: reason(result, path) for path in outcome_by_path(result)} == EXPECTED_REASONS
    for rejected in result.rejected:
        assert rejected.stage == Stage.INGEST
        assert rejected.reason_code in REASON_CODES
        assert rejected.detected_at == now
        assert rejected.source_path in rejected.message


def test_lists_are_sorted_and_a_rerun_gives_the_same_result(landing: Path, now: datetime) -> None:
    first = ingest_landing(landing, now=now)
    assert [ingested.document.source_path for ingested in first.accepted] == sorted(
        ingested.document.source_path for ingested in first.accepted
    )
    assert [rejected.source_path for rejected in first.rejected] == sorted(r.source_path for r in first.rejected)
    assert ingest_landing(landing, now=now) == first


def test_accepted_documents_carry_the_raw_columns(landing: Path, now: datetime) -> None:
    outcome = outcome_by_path(ingest_landing(landing, now=now))["a_reports/004.pdf"]
    assert isinstance(outcome, IngestedFile)
    document = outcome.document
    data = (landing / "a_reports" / "004.pdf").read_bytes()
    assert document.document_id == hashlib.sha256(data).hexdigest()
    assert document.file_name == "004.pdf"
    assert document.file_size_bytes == len(data)
    assert document.source_format == "pdf"
    assert document.page_count == len(outcome.pages) > 1
    assert [page.page_number for page in outcome.pages] == list(range(1, document.page_count + 1))
    assert document.text_engine.startswith("pypdfium2 ")
    assert document.ingested_at == now
    assert (document.fiscal_year, document.fiscal_year_source, document.folder_year) == (2023, "content", None)
    assert document.fiscal_year_note is None


def test_content_year_wins_over_the_folder_and_says_so(landing: Path, now: datetime) -> None:
    outcome = outcome_by_path(ingest_landing(landing, now=now))["2023/001.txt"]
    assert isinstance(outcome, IngestedFile)
    document = outcome.document
    assert (document.fiscal_year, document.fiscal_year_source, document.folder_year) == (2020, "content", 2023)
    assert document.fiscal_year_note is not None
    assert "2020" in document.fiscal_year_note and "2023/" in document.fiscal_year_note


def test_folder_year_is_used_when_the_text_has_none(landing: Path, now: datetime) -> None:
    result = ingest_landing(landing, now=now)
    accepted = outcome_by_path(result)["2022/no_year_in_folder.txt"]
    assert isinstance(accepted, IngestedFile)
    assert (accepted.document.fiscal_year, accepted.document.fiscal_year_source) == (2022, "folder")
    rejected = outcome_by_path(result)["no_year.txt"]
    assert isinstance(rejected, RejectedFile) and rejected.fiscal_year is None
    assert "<year>/ subfolder" in rejected.message


def test_duplicates_name_the_kept_file_and_inherit_its_year(landing: Path, now: datetime) -> None:
    outcomes = outcome_by_path(ingest_landing(landing, now=now))
    same_bytes = outcomes["z_copies/004-again.pdf"]
    other_format = outcomes["a_reports/004.txt"]
    docx_kept = outcomes["b_word/002.txt"]
    assert isinstance(same_bytes, RejectedFile) and isinstance(other_format, RejectedFile)
    assert isinstance(docx_kept, RejectedFile)
    assert "same bytes as a_reports/004.pdf" in same_bytes.message
    assert "same text as a_reports/004.pdf in another format" in other_format.message
    assert "same text as b_word/002.docx in another format" in docx_kept.message
    assert (same_bytes.fiscal_year, other_format.fiscal_year, docx_kept.fiscal_year) == (2023, 2023, 2023)
    assert same_bytes.sha256 == hashlib.sha256((landing / "z_copies/004-again.pdf").read_bytes()).hexdigest()


def test_rejections_carry_the_folder_year_when_the_file_cannot_be_read(landing: Path, now: datetime) -> None:
    outcomes = outcome_by_path(ingest_landing(landing, now=now))
    truncated, encrypted = outcomes["2024/truncated.pdf"], outcomes["encrypted.pdf"]
    assert isinstance(truncated, RejectedFile) and truncated.fiscal_year == 2024
    assert isinstance(encrypted, RejectedFile) and encrypted.fiscal_year is None
    assert "ask the publisher for an unlocked copy" in encrypted.message


def test_a_copy_of_a_rejected_file_says_which_file_to_fix(tmp_path: Path, now: datetime) -> None:
    write(tmp_path / "a.pdf", random_bytes(900))
    write(tmp_path / "b.pdf", random_bytes(900))
    outcomes = outcome_by_path(ingest_landing(tmp_path, now=now))
    copy = outcomes["b.pdf"]
    assert isinstance(copy, RejectedFile) and copy.reason_code == Reason.DUPLICATE_CONTENT
    assert "a.pdf" in copy.message and "corrupt_pdf" in copy.message


def test_an_unexpected_error_becomes_a_rejection(tmp_path: Path, now: datetime, monkeypatch) -> None:
    copy_sample(S004, ".txt", tmp_path / "report.txt")

    def explode(*args: object, **kwargs: object) -> None:
        raise RuntimeError("reader exploded")

    monkeypatch.setattr(ingest_module, "read_document", explode)
    # In this process (workers=0): the patch does not reach a spawned worker.
    result = ingest_landing(tmp_path, now=now, limits=IngestSettings(workers=0))
    assert result.accepted == []
    [rejected] = result.rejected
    assert rejected.reason_code == Reason.UNEXPECTED_ERROR
    assert "RuntimeError" in rejected.message and "reader exploded" in rejected.message
    assert rejected.sha256 is not None


def test_size_and_page_limits(tmp_path: Path, now: datetime) -> None:
    copy_sample(S004, ".pdf", tmp_path / "report.pdf")
    by_size = ingest_landing(tmp_path, now=now, limits=IngestSettings(max_file_bytes=10_000))
    by_pages = ingest_landing(tmp_path, now=now, limits=IngestSettings(max_pages=2))
    assert [r.reason_code for r in by_size.rejected] == [Reason.TOO_LARGE]
    assert "over the limit of 10,000 (max_file_bytes, PERF_ETL_MAX_FILE_BYTES)" in by_size.rejected[0].message
    assert [r.reason_code for r in by_pages.rejected] == [Reason.TOO_LARGE]
    assert "pages, over the limit of 2 (max_pages, PERF_ETL_MAX_PAGES)" in by_pages.rejected[0].message


def test_ingest_file_one_at_a_time(tmp_path: Path, now: datetime) -> None:
    report = copy_sample(S004, ".pdf", tmp_path / "2023" / "report.pdf")
    accepted = ingest_file(report, tmp_path, now)
    assert isinstance(accepted, IngestedFile)
    assert accepted.document.source_path == "2023/report.pdf"
    assert accepted.document.folder_year == 2023
    empty = ingest_file(write(tmp_path / "empty.docx", b""), tmp_path, now)
    assert isinstance(empty, RejectedFile) and empty.reason_code == Reason.EMPTY_FILE
    folder = ingest_file(tmp_path / "2023", tmp_path, now)
    assert isinstance(folder, RejectedFile) and folder.reason_code == Reason.UNREADABLE_FILE


def test_missing_landing_folder_raises(tmp_path: Path, now: datetime) -> None:
    with pytest.raises(NotADirectoryError):
        ingest_landing(tmp_path / "nowhere", now=now)


# ---------------------------------------------------------------- discover


def test_discover_is_recursive_sorted_posix_and_keeps_hidden_files(tmp_path: Path) -> None:
    for name in ["b/2.txt", "a.pdf", "a/1.txt", ".hidden/.x", "a/b/c/deep.docx"]:
        write(tmp_path / name, b"x")
    found = discover(tmp_path)
    assert [item.source_path for item in found] == [".hidden/.x", "a.pdf", "a/1.txt", "a/b/c/deep.docx", "b/2.txt"]
    assert all(item.path.is_absolute() and item.problem is None for item in found)


def test_folder_year_hint() -> None:
    assert folder_year("2023/report.pdf") == 2023
    assert folder_year("reports/2021/march/report.pdf") == 2021
    assert folder_year("2020/2022/report.pdf") == 2022  # the innermost folder
    assert folder_year("2023") is None  # a file name is not a folder
    assert folder_year("20230/report.pdf") is None
    assert folder_year("1999/report.pdf") is None
    assert folder_year("2023年/report.pdf") is None


def test_symlinks_are_followed_without_looping(tmp_path: Path, now: datetime) -> None:
    copy_sample(S004, ".txt", tmp_path / "real" / "report.txt")
    os.symlink(tmp_path / "real" / "report.txt", tmp_path / "link-to-file.txt")
    os.symlink(tmp_path / "real", tmp_path / "real" / "loop")
    os.symlink(tmp_path / "missing.pdf", tmp_path / "broken.pdf")
    result = ingest_landing(tmp_path, now=now)
    assert {path: reason(result, path) for path in outcome_by_path(result)} == {
        "broken.pdf": Reason.UNREADABLE_FILE,
        "link-to-file.txt": Reason.DUPLICATE_CONTENT,  # sorts first, but the file itself wins over a link
        "real/loop": Reason.SYMLINK_LOOP,
        "real/report.txt": "accepted",
    }


def test_links_out_of_the_landing_folder_are_not_followed(tmp_path: Path, now: datetime,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    landing, elsewhere = tmp_path / "landing", tmp_path / "elsewhere"
    copy_sample(S004, ".txt", elsewhere / "report.txt")
    landing.mkdir()
    os.symlink(elsewhere / "report.txt", landing / "report.txt")
    os.symlink(elsewhere, landing / "folder")
    os.symlink("/etc/passwd", landing / "passwd.txt")
    result = ingest_landing(landing, now=now)
    assert {path: reason(result, path) for path in outcome_by_path(result)} == {
        "folder": Reason.UNREADABLE_FILE,
        "passwd.txt": Reason.UNREADABLE_FILE,
        "report.txt": Reason.UNREADABLE_FILE,
    }
    assert all("outside the landing folder" in rejected.message for rejected in result.rejected)
    followed = ingest_landing(landing, now=now, limits=IngestSettings(follow_links_outside=True))
    assert (reason(followed, "folder/report.txt"), reason(followed, "report.txt")) == (
        "accepted", Reason.DUPLICATE_CONTENT)


def test_fifo_is_reported_not_read(tmp_path: Path, now: datetime) -> None:
    os.mkfifo(tmp_path / "pipe.txt")
    [rejected] = ingest_landing(tmp_path, now=now).rejected
    assert rejected.reason_code == Reason.UNREADABLE_FILE and "not a regular file" in rejected.message
