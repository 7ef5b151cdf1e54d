"""The five real sample reports, rendered to PDF by scripts/render_sample_pdfs.py, read back."""

from __future__ import annotations

import importlib.util
import re
import shutil
import sys
from pathlib import Path
from types import ModuleType

import pytest

from perf_etl.ingest.fingerprint import text_fingerprint, without_page_numbers
from perf_etl.ingest.fiscal_year import detect_years
from perf_etl.ingest.readers import ReadResult, read_document

from .factory import REPO, SAMPLE_NAMES, SAMPLES, sample_text

# (fiscal year, title year) per sample: 003 is titled 2022 but evaluates 2021; 001 has no title year.
EXPECTED_YEARS = {
    "000_c00e73963f41166b": (2024, 2024),
    "001_0b37341ce517e90b": (2020, None),
    "002_fa04becc64be89b5": (2023, 2023),
    "003_9525dc9db79afe20": (2021, 2022),
    "004_3cc4b0b52db76508": (2023, 2023),
}


def cjk_and_digits(text: str) -> str:
    return re.sub(r"[^\u4e00-\u9fff0-9]", "", text)


def full_text(read: ReadResult) -> str:
    return "\n".join(page.text for page in read.pages)


@pytest.mark.parametrize("name", SAMPLE_NAMES)
def test_pdf_keeps_every_chinese_character_and_digit_of_the_source(
    sample_pdfs: dict[str, ReadResult], name: str
) -> None:
    pdf_text = without_page_numbers(full_text(sample_pdfs[name]))
    assert cjk_and_digits(pdf_text) == cjk_and_digits(sample_text(name))


@pytest.mark.parametrize("name", SAMPLE_NAMES)
def test_pdf_pages_carry_their_page_number_at_the_bottom(sample_pdfs: dict[str, ReadResult], name: str) -> None:
    read = sample_pdfs[name]
    assert read.source_format == "pdf"
    assert len(read.pages) > 1
    for page in read.pages:
        assert page.text.rstrip().splitlines()[-1] == f"- {page.page_number} -"


def test_pdf_text_engine_names_pypdfium2_and_its_version(sample_pdfs: dict[str, ReadResult]) -> None:
    read = sample_pdfs["004_3cc4b0b52db76508"]
    assert re.fullmatch(r"pypdfium2 \d+\.\d+\.\d+", read.text_engine)  # no table page, no scan
    assert {page.engine for page in read.pages} == {read.text_engine}
    assert all(page.ocr_confidence is None for page in read.pages)


def test_sample_004_pdf_has_the_full_year_budget(sample_pdfs: dict[str, ReadResult]) -> None:
    text = full_text(sample_pdfs["004_3cc4b0b52db76508"])
    assert "36,628.61" in text or "36628.61" in text
    assert "全年预算数" in text


def test_markdown_bold_survives_into_the_pdf_text(sample_pdfs: dict[str, ReadResult]) -> None:
    # The renderer keeps the seeds' ** as written: repairing it is the normalizer's job.
    assert any("**" in sample_text(name) for name in SAMPLE_NAMES)
    for name in SAMPLE_NAMES:
        assert full_text(sample_pdfs[name]).count("**") == sample_text(name).count("**")


@pytest.mark.parametrize("name", SAMPLE_NAMES)
def test_fiscal_and_title_years_of_the_samples(sample_pdfs: dict[str, ReadResult], name: str) -> None:
    for text in (full_text(sample_pdfs[name]), sample_text(name)):
        detection = detect_years(text, max_year=2025)
        assert (detection.fiscal_year, detection.title_year) == EXPECTED_YEARS[name]


def test_pdf_and_txt_of_a_sample_share_a_fingerprint_and_samples_differ(
    sample_pdfs: dict[str, ReadResult],
) -> None:
    pdf_prints = {name: text_fingerprint(sample_pdfs[name].pages) for name in SAMPLE_NAMES}
    for name in SAMPLE_NAMES:
        txt = read_document(SAMPLES / f"{name}.txt")
        assert text_fingerprint(txt.pages) == pdf_prints[name]
    assert len(set(pdf_prints.values())) == len(SAMPLE_NAMES)


# ---------------------------------------------------------------- the renderer


def _renderer() -> ModuleType:
    """scripts/ is not a package: load the script by path (registered first, as dataclasses need)."""
    name = "render_sample_pdfs"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, REPO / "scripts" / "render_sample_pdfs.py")
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


def test_renderer_is_deterministic_and_copies_the_text(tmp_path: Path) -> None:
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    shutil.copy(SAMPLES / "004_3cc4b0b52db76508.txt", seeds)
    renderer = _renderer()
    first, second = tmp_path / "first", tmp_path / "second"
    renderer.main(["--seeds", str(seeds), "--out", str(first)])
    renderer.main(["--seeds", str(seeds), "--out", str(second)])
    pdf_bytes = (first / "004_3cc4b0b52db76508.pdf").read_bytes()
    assert pdf_bytes == (second / "004_3cc4b0b52db76508.pdf").read_bytes()
    assert (first / "004_3cc4b0b52db76508.txt").read_bytes() == (seeds / "004_3cc4b0b52db76508.txt").read_bytes()


def test_renderer_fallback_cid_font_reads_back_completely(tmp_path: Path) -> None:
    # Without the TrueType font (a machine lacking fonts-wqy-zenhei) the built-in CID font is used;
    # its PDFs must still give back every character.
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    shutil.copy(SAMPLES / "002_fa04becc64be89b5.txt", seeds)
    _renderer().main(["--seeds", str(seeds), "--out", str(tmp_path), "--font", str(tmp_path / "no-such.ttf")])
    read = read_document(tmp_path / "002_fa04becc64be89b5.pdf")
    pdf_text = without_page_numbers(full_text(read))
    assert cjk_and_digits(pdf_text) == cjk_and_digits(sample_text("002_fa04becc64be89b5"))
    assert b"STSong-Light" in (tmp_path / "002_fa04becc64be89b5.pdf").read_bytes()
