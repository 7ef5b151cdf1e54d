"""The benchmark corpus (perf_etl_tests/fixtures/corpus.py): deterministic, its font kinds are what they say,
and its truth is what is printed."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

import pypdfium2
import pytest
from fontTools.ttLib import TTFont
from pdfminer.pdfdocument import PDFDocument
from pdfminer.pdfpage import PDFPage
from pdfminer.pdfparser import PDFParser
from pdfminer.pdftypes import resolve1

from perf_etl_tests.fixtures.corpus import (
    FONT_KINDS,
    MAX_PAGES,
    MIN_PAGES,
    ReportPlan,
    ReportTruth,
    generate,
    plan_report,
    read_truth,
    register_fonts,
    render,
)
from perf_etl_tests.fixtures.pdf_render import CORPUS_TTF

REPO = Path(__file__).resolve().parents[2]
SEED = 7
DETERMINISM_REPORTS = 5  # the first reports of SEED: all three font kinds
# Enough plans to find every variant in; planning is cheap next to rendering.
PLANS_SEARCHED = 60


def _pdf_text(path: Path) -> tuple[int, str]:
    """(page count, all text with whitespace removed) through pypdfium2."""
    document = pypdfium2.PdfDocument(path)
    try:
        texts = [document[index].get_textpage().get_text_range() for index in range(len(document))]
    finally:
        document.close()
    return len(texts), "".join("".join(texts).split())


@pytest.fixture(scope="module")
def variants() -> dict[str, ReportPlan]:
    """One plan of each kind the generator must produce, by a short name."""
    register_fonts()
    plans = [plan_report(SEED, index) for index in range(PLANS_SEARCHED)]
    wanted = {f"{kind} font with a table": lambda t, kind=kind: t.font == kind and t.has_table for kind in FONT_KINDS}
    wanted |= {
        "amounts in yuan": lambda t: t.amount_unit == "元",
        "title year after fiscal year": lambda t: t.title_year == t.fiscal_year + 1,
    }
    found = {name: next((p for p in plans if test(p.truth)), None) for name, test in wanted.items()}
    missing = [name for name, plan in found.items() if plan is None]
    assert not missing, f"no {missing} among the first {PLANS_SEARCHED} reports of seed {SEED}"
    return {name: plan for name, plan in found.items() if plan is not None}


def test_same_seed_same_bytes(tmp_path: Path) -> None:
    first = generate(tmp_path / "a", DETERMINISM_REPORTS, SEED, workers=1)
    second = generate(tmp_path / "b", DETERMINISM_REPORTS, SEED, workers=1)
    assert first == second
    assert {row.font for row in first} == set(FONT_KINDS)  # every kind's bytes compared
    for row in first:
        assert (tmp_path / "a" / row.file_name).read_bytes() == (tmp_path / "b" / row.file_name).read_bytes()
    assert (tmp_path / "a" / "truth.jsonl").read_bytes() == (tmp_path / "b" / "truth.jsonl").read_bytes()
    assert read_truth(tmp_path / "a") == first
    # Report i is seeded by (seed, i) alone: a bigger corpus starts with the smaller one, whoever renders it.
    assert [plan_report(SEED, index).truth for index in range(DETERMINISM_REPORTS)] == first


def test_other_seed_other_reports() -> None:
    assert plan_report(SEED, 0).truth != plan_report(SEED + 1, 0).truth


def test_truth_is_printed(tmp_path: Path, variants: dict[str, ReportPlan]) -> None:
    for name, plan in variants.items():
        path = tmp_path / plan.truth.file_name
        pages = render(plan, path)
        page_count, text = _pdf_text(path)
        truth: ReportTruth = plan.truth
        assert page_count == pages == truth.page_count, name
        assert MIN_PAGES <= page_count <= MAX_PAGES, name
        for field, printed in truth.printed.items():
            assert "".join(printed.split()) in text, (name, field, printed)
        assert truth.department_name in text, name
        assert f"{truth.fiscal_year}年" in text, name
        assert truth.grade in text, name
        if truth.amount_unit == "万元":
            assert f"{truth.budget_wan:.2f}" in text.replace(",", ""), name
        else:
            assert f"{round(truth.budget_wan * 10000)}.00" in text.replace(",", ""), name
        if truth.has_table:
            assert "部门整体支出绩效自评表" in text and "全年执行数" in text, name


def test_page_counts_within_bounds() -> None:
    counts = [plan_report(SEED, index).truth.page_count for index in range(PLANS_SEARCHED)]
    assert min(counts) >= MIN_PAGES and max(counts) <= MAX_PAGES
    assert max(counts) - min(counts) >= 10  # the lengths really vary


def test_fiscal_years_and_figures_are_consistent() -> None:
    for index in range(PLANS_SEARCHED):
        truth = plan_report(SEED, index).truth
        assert 2018 <= truth.fiscal_year <= 2025
        assert truth.title_year in (truth.fiscal_year, truth.fiscal_year + 1)
        assert truth.expenditure_wan <= truth.budget_wan
        assert truth.execution_rate_pct == pytest.approx(truth.expenditure_wan * 100 / truth.budget_wan, abs=0.01)
        floor = {"优秀": 90, "良好": 80, "合格": 60}[truth.grade]
        assert truth.self_score >= floor


def _fonts(path: Path) -> dict[str, dict[str, Any]]:
    """Every font of the PDF's pages by BaseFont: Subtype, Encoding, descendant Subtypes, FontFile keys, ToUnicode."""
    fonts: dict[str, dict[str, Any]] = {}
    with path.open("rb") as file:
        for page in PDFPage.create_pages(PDFDocument(PDFParser(file))):
            for reference in resolve1(resolve1(page.resources).get("Font", {})).values():
                font = resolve1(reference)
                descendants = [resolve1(item) for item in resolve1(font.get("DescendantFonts", []))]
                descriptor = resolve1((descendants[0] if descendants else font).get("FontDescriptor")) or {}
                encoding = font.get("Encoding")
                fonts[font["BaseFont"].name] = {
                    "subtype": font["Subtype"].name, "encoding": getattr(encoding, "name", None),
                    "descendants": [item["Subtype"].name for item in descendants],
                    "files": sorted(key for key in descriptor if key.startswith("FontFile")),
                    "to_unicode": "ToUnicode" in font,
                }
    return fonts


def _cjk_fonts(path: Path) -> dict[str, dict[str, Any]]:
    """The fonts but reportlab's initial Helvetica, which draws nothing."""
    return {name: font for name, font in _fonts(path).items() if name != "Helvetica"}


def test_font_kinds_are_what_they_say(tmp_path: Path, variants: dict[str, ReportPlan]) -> None:
    for kind in FONT_KINDS:
        path = tmp_path / f"{kind}.pdf"
        render(variants[f"{kind} font with a table"], path)
        fonts = _cjk_fonts(path)
        assert fonts, kind
        for name, font in fonts.items():
            if kind == "truetype":  # reportlab's subsets of the project's font, simple TrueType fonts
                assert font["subtype"] == "TrueType" and font["files"] == ["FontFile2"], (kind, name, font)
                assert font["to_unicode"] and name.split("+")[1] == "NotoSansSCCorpus-Regular", (kind, name)
            elif kind == "cid_subset":  # as Word exports: Type0, Identity-H, CIDFontType2 over a FontFile2 subset
                assert font == {"subtype": "Type0", "encoding": "Identity-H", "descendants": ["CIDFontType2"],
                                "files": ["FontFile2"], "to_unicode": True}, (kind, name)
                assert len(name.split("+")[0]) == 6 and name.endswith("+NotoSansSCCorpus"), (kind, name)
            else:  # referenced by name only, for the reader to substitute
                assert name == "STSong-Light" and font["subtype"] == "Type0" and not font["files"], (kind, font)
                assert font["descendants"] == ["CIDFontType0"], (kind, font)


def test_the_font_covers_the_generator() -> None:
    """Every character the generator's source can draw is in the bundled font (else: scripts/build_corpus_font.py)."""
    spec = importlib.util.spec_from_file_location("build_corpus_font", REPO / "scripts" / "build_corpus_font.py")
    assert spec and spec.loader
    builder = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(builder)
    covered = {chr(code) for code in TTFont(CORPUS_TTF)["cmap"].getBestCmap()}
    missing = sorted(builder.corpus_characters() - covered)
    assert not missing, f"not in {CORPUS_TTF.name}: {''.join(missing)}; run scripts/build_corpus_font.py"
    assert CORPUS_TTF.stat().st_size < 3_000_000
    assert (CORPUS_TTF.parent / "OFL.txt").read_text(encoding="utf-8").count("SIL OPEN FONT LICENSE Version 1.1")
