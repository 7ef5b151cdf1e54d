"""Archives in the landing folder (perf_etl/ingest/archives.py), through ingest_landing: each member a document
or a rejected row of its own under `<archive>!/<member>`; an archive that must not be unpacked one rejected row
under its own name, with nothing of it written."""

from __future__ import annotations

import hashlib
import os
import shutil
from datetime import datetime, timezone
from pathlib import Path

import pytest

from perf_etl.ingest.ingest import LandingResult, file_stamp, plan_landing
from perf_etl.ingest.reasons import Reason
from perf_etl.settings import ArchiveLimits, IngestSettings
from perf_etl_tests.conftest import SAMPLE_FISCAL_YEARS
from perf_etl_tests.fixtures.archives import (
    gbk_named_zip,
    rar4_stored,
    seven_zip,
    with_zip_flag,
    zip_bomb,
    zip_bytes,
)
from perf_etl_tests.landing import ingest_landing

from .factory import SAMPLES

NOW = datetime(2025, 6, 1, 9, 30, tzinfo=timezone.utc)
S000, S001, S002, S004 = "000_c00e73963f41166b", "001_0b37341ce517e90b", "002_fa04becc64be89b5", "004_3cc4b0b52db76508"
# A PNG's signature and header: a member in a format no reader takes.
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(64)


def sample(name: str, suffix: str) -> bytes:
    return (SAMPLES / f"{name}{suffix}").read_bytes()


_UNPACK_DIR: list[Path] = []  # the running test's, set by the fixture


@pytest.fixture(autouse=True)
def unpack_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "unpacked"
    _UNPACK_DIR[:] = [folder]
    return folder


def reading(**fields: object) -> IngestSettings:
    """Ingest settings that unpack into the test's own folder (unless `fields` name another)."""
    fields.setdefault("unpack_dir", _UNPACK_DIR[0])
    return IngestSettings(**fields)  # type: ignore[arg-type]


def landing_with(tmp_path: Path, files: dict[str, bytes]) -> Path:
    landing = tmp_path / "landing"
    for name, data in files.items():
        (landing / name).parent.mkdir(parents=True, exist_ok=True)
        (landing / name).write_bytes(data)
    return landing


def ingest(landing: Path, limits: IngestSettings | None = None) -> LandingResult:
    return ingest_landing(landing, now=NOW, limits=limits or reading(workers=0))


def outcomes(result: LandingResult) -> dict[str, str]:
    found = {ingested.document.source_path: "document" for ingested in result.accepted}
    return found | {rejected.source_path: rejected.reason_code for rejected in result.rejected}


def test_a_zip_with_a_folder_gives_a_document_per_report_and_a_row_for_the_bad_member(tmp_path, unpack_dir) -> None:
    bundle = zip_bytes({"教育局/000 自评报告.pdf": sample(S000, ".pdf"),
                        "教育局/001 自评报告.txt": sample(S001, ".txt"),
                        "教育局/附图.png": PNG, "教育局/空文件夹/": b""})
    landing = landing_with(tmp_path, {"2023/bundle.zip": bundle})
    # Read in a worker process, as a run reads: the worker opens the unpacked file by its path.
    result = ingest(landing, reading(workers=1))
    assert outcomes(result) == {"2023/bundle.zip!/教育局/000 自评报告.pdf": "document",
                                "2023/bundle.zip!/教育局/001 自评报告.txt": "document",
                                "2023/bundle.zip!/教育局/附图.png": Reason.UNSUPPORTED_FORMAT}
    documents = {ingested.document.source_path: ingested.document for ingested in result.accepted}
    pdf = documents["2023/bundle.zip!/教育局/000 自评报告.pdf"]
    txt = documents["2023/bundle.zip!/教育局/001 自评报告.txt"]
    assert (pdf.fiscal_year, txt.fiscal_year) == (SAMPLE_FISCAL_YEARS[S000], SAMPLE_FISCAL_YEARS[S001])
    assert (pdf.source_format, txt.source_format) == ("pdf", "txt")
    assert pdf.folder_year == txt.folder_year == 2023  # the archive's folder is the members' folder hint
    assert pdf.file_name == "000 自评报告.pdf"
    # A member's bytes are the file's: the same report loose or zipped is the same document.
    assert pdf.document_id == hashlib.sha256(sample(S000, ".pdf")).hexdigest()
    assert pdf.file_size_bytes == len(sample(S000, ".pdf"))
    (png,) = result.rejected
    assert png.message.startswith("2023/bundle.zip!/教育局/附图.png is not a supported format")
    # Unpacked into the cache folder, nothing into the landing folder.
    assert sorted(p.name for p in landing.rglob("*")) == ["2023", "bundle.zip"]
    assert any(unpack_dir.rglob("000 自评报告.pdf"))


def test_a_run_again_gives_the_same_paths_ids_and_stamps_and_does_not_unpack_again(tmp_path, unpack_dir) -> None:
    landing = landing_with(tmp_path, {"bundle.zip": zip_bytes({"a/000.pdf": sample(S000, ".pdf"),
                                                              "b/002.txt": sample(S002, ".txt")})})
    limits = reading(workers=0)
    first = plan_landing(landing, now=NOW, limits=limits)
    folders = sorted(unpack_dir.iterdir())
    again = plan_landing(landing, now=NOW, limits=limits)
    assert sorted(unpack_dir.iterdir()) == folders
    assert [(t.found.source_path, t.sha256, t.stamp) for t in again.tasks] == \
           [(t.found.source_path, t.sha256, t.stamp) for t in first.tasks]
    # The cache folder gone (a cleaned machine): unpacked again, to the same files with the same stamps.
    shutil.rmtree(unpack_dir)
    fresh = plan_landing(landing, now=NOW, limits=limits)
    assert [(t.found.source_path, t.sha256, t.stamp) for t in fresh.tasks] == \
           [(t.found.source_path, t.sha256, t.stamp) for t in first.tasks]
    one, two = ingest(landing), ingest(landing)
    ids = [(d.document.source_path, d.document.document_id) for d in one.accepted]
    assert ids == [(d.document.source_path, d.document.document_id) for d in two.accepted]
    assert [path for path, _ in ids] == ["bundle.zip!/a/000.pdf", "bundle.zip!/b/002.txt"]


def test_gbk_member_names_from_chinese_windows_are_read_right(tmp_path) -> None:
    bundle = gbk_named_zip({"教育局/自评报告.txt": sample(S002, ".txt")})
    result = ingest(landing_with(tmp_path, {"2023年报告.zip": bundle}))
    assert outcomes(result) == {"2023年报告.zip!/教育局/自评报告.txt": "document"}
    assert result.accepted[0].document.fiscal_year == SAMPLE_FISCAL_YEARS[S002]


def test_a_7z_is_unpacked_and_an_encrypted_7z_is_rejected(tmp_path) -> None:
    landing = tmp_path / "landing"
    landing.mkdir()
    seven_zip(landing / "reports.7z", {"2021/004.pdf": sample(S004, ".pdf"), "002.txt": sample(S002, ".txt")})
    seven_zip(landing / "locked.7z", {"000.pdf": sample(S000, ".pdf")}, password="secret")
    seven_zip(landing / "locked names.7z", {"000.pdf": sample(S000, ".pdf")}, password="secret", encrypt_names=True)
    result = ingest(landing)
    assert outcomes(result) == {"reports.7z!/2021/004.pdf": "document", "reports.7z!/002.txt": "document",
                                "locked.7z": Reason.ENCRYPTED_ARCHIVE, "locked names.7z": Reason.ENCRYPTED_ARCHIVE}
    member = next(d.document for d in result.accepted if d.document.source_path == "reports.7z!/2021/004.pdf")
    assert member.folder_year == 2021 and member.fiscal_year == SAMPLE_FISCAL_YEARS[S004]
    locked = next(r for r in result.rejected if r.source_path == "locked.7z")
    assert "password-protected archive" in locked.message and locked.sha256 is None


def test_a_rar_with_gbk_names_is_unpacked_and_an_encrypted_rar_is_rejected(tmp_path) -> None:
    landing = landing_with(tmp_path, {
        "报告.rar": rar4_stored({"教育局/002.txt": sample(S002, ".txt")}, encoding="gbk"),
        "locked.rar": rar4_stored({"002.txt": sample(S002, ".txt")}, encrypted=True),
    })
    result = ingest(landing)
    assert outcomes(result) == {"报告.rar!/教育局/002.txt": "document", "locked.rar": Reason.ENCRYPTED_ARCHIVE}


def test_a_zip_bomb_is_rejected_without_being_unpacked(tmp_path, unpack_dir) -> None:
    bomb = zip_bomb(megabytes=5)
    assert len(bomb) < 20_000  # 5 MB of zeros in a few KB
    landing = landing_with(tmp_path, {"bomb.zip": bomb, "2023/002.txt": sample(S002, ".txt")})
    result = ingest(landing)
    assert outcomes(result) == {"bomb.zip": Reason.ARCHIVE_BOMB, "2023/002.txt": "document"}
    assert "inflates from" in result.rejected[0].message and "PERF_ETL_ARCHIVE_MAX_RATIO" in result.rejected[0].message
    assert not list(unpack_dir.rglob("zeros.txt"))
    # Over the size or member limits: too large, not unpacked.
    honest = zip_bytes({"000.pdf": sample(S000, ".pdf"), "002.txt": sample(S002, ".txt")})
    landing = landing_with(tmp_path / "second", {"reports.zip": honest})
    result = ingest(landing, reading(workers=0, archives=ArchiveLimits(max_members=1)))
    assert outcomes(result) == {"reports.zip": Reason.ARCHIVE_TOO_LARGE}
    assert "2 members, over the limit of 1" in result.rejected[0].message
    small = reading(workers=0, archives=ArchiveLimits(max_unpacked_bytes=100_000))
    assert outcomes(ingest(landing, small)) == {"reports.zip": Reason.ARCHIVE_TOO_LARGE}
    assert not list(unpack_dir.rglob("000.pdf"))


def test_a_member_inflating_past_its_declared_size_stops_the_unpacking(tmp_path, unpack_dir) -> None:
    data = zip_bytes({"002.txt": sample(S002, ".txt")})
    declared = len(sample(S002, ".txt")).to_bytes(4, "little")
    lying = data.replace(declared, (100).to_bytes(4, "little"))  # both headers declare 100 bytes
    result = ingest(landing_with(tmp_path, {"lying.zip": lying}))
    # zipfile stops at the declared size, and the CRC then fails: nothing of it is kept.
    assert outcomes(result) == {"lying.zip": Reason.CORRUPT_ARCHIVE}
    assert not [path for path in unpack_dir.rglob("*") if path.is_file() and "stamps" not in path.parts]


def test_an_encrypted_zip_is_rejected_as_encrypted(tmp_path) -> None:
    locked = with_zip_flag(zip_bytes({"000.pdf": sample(S000, ".pdf")}), 0x1)
    result = ingest(landing_with(tmp_path, {"2024/locked.zip": locked}))
    assert outcomes(result) == {"2024/locked.zip": Reason.ENCRYPTED_ARCHIVE}
    assert result.rejected[0].fiscal_year == 2024  # its folder's year: it is counted in that year's run


def test_corrupt_and_empty_archives_are_rejected(tmp_path) -> None:
    whole = zip_bytes({"000.pdf": sample(S000, ".pdf")})
    rar = rar4_stored({"002.txt": sample(S002, ".txt")})
    landing = landing_with(tmp_path, {"truncated.zip": whole[: len(whole) // 2], "noise.7z": os.urandom(3000),
                                      "truncated.rar": rar[: len(rar) // 2], "empty.zip": zip_bytes({}),
                                      "folders only.zip": zip_bytes({"a/": b""})})
    assert outcomes(ingest(landing)) == {"truncated.zip": Reason.CORRUPT_ARCHIVE, "noise.7z": Reason.CORRUPT_ARCHIVE,
                                         "truncated.rar": Reason.CORRUPT_ARCHIVE, "empty.zip": Reason.EMPTY_ARCHIVE,
                                         "folders only.zip": Reason.EMPTY_ARCHIVE}


def test_nested_archives_are_unpacked_to_the_depth_limit(tmp_path) -> None:
    inner = zip_bytes({"002.txt": sample(S002, ".txt")})
    middle = zip_bytes({"inner.zip": inner, "004.txt": sample(S004, ".txt")})
    outer = zip_bytes({"middle.zip": middle})
    landing = landing_with(tmp_path, {"middle.zip": middle, "outer.zip": outer})
    result = ingest(landing)
    found = outcomes(result)
    assert found["middle.zip!/inner.zip!/002.txt"] == "document"
    assert found["middle.zip!/004.txt"] == "document"
    # Three levels down: over max_depth (2), one row for the archive that was not unpacked.
    assert found["outer.zip!/middle.zip!/inner.zip"] == Reason.ARCHIVE_TOO_LARGE
    assert found["outer.zip!/middle.zip!/004.txt"] == Reason.DUPLICATE_CONTENT  # same bytes as middle.zip's


def test_member_names_never_write_outside_the_cache_folder(tmp_path, unpack_dir) -> None:
    evil = zip_bytes({"../../escaped.txt": sample(S002, ".txt"), "/etc/escaped.txt": b"x", "C:/escaped.txt": b"x",
                      "ok/../../escaped.txt": b"x", "ok/002.txt": sample(S002, ".txt")})
    result = ingest(landing_with(tmp_path, {"evil.zip": evil}))
    assert outcomes(result) == {"evil.zip!/../../escaped.txt": Reason.UNREADABLE_FILE,
                                "evil.zip!//etc/escaped.txt": Reason.UNREADABLE_FILE,
                                "evil.zip!/C:/escaped.txt": Reason.UNREADABLE_FILE,
                                "evil.zip!/ok/../../escaped.txt": Reason.UNREADABLE_FILE,
                                "evil.zip!/ok/002.txt": "document"}
    assert "leads outside the archive" in result.rejected[0].message
    assert not [path for path in tmp_path.rglob("escaped.txt")]
    assert not Path("/etc/escaped.txt").exists()


def test_the_cache_folder_inside_the_landing_folder_is_not_read_as_landing(tmp_path) -> None:
    landing = landing_with(tmp_path, {"bundle.zip": zip_bytes({"002.txt": sample(S002, ".txt")})})
    inside = reading(workers=0, unpack_dir=landing / ".unpacked")
    assert outcomes(ingest(landing, inside)) == outcomes(ingest(landing, inside)) == {"bundle.zip!/002.txt": "document"}
    assert inside.unpack_dir.is_dir()


def test_stamps_of_members_are_the_archives(tmp_path) -> None:
    landing = landing_with(tmp_path, {"bundle.zip": zip_bytes({"002.txt": sample(S002, ".txt")})})
    os.utime(landing / "bundle.zip", ns=(1_700_000_000 * 10**9, 1_700_000_000 * 10**9))
    (task,) = plan_landing(landing, now=NOW, limits=reading(workers=0)).tasks
    assert file_stamp(task.found) == (len(sample(S002, ".txt")), 1_700_000_000 * 10**9)
