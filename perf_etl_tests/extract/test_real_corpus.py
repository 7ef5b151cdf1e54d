"""The real corpus (fixtures/real/): published report texts labelled by reading, through the path a landing
file takes. Like test_heldout.py, not one test per value: the rules are not tuned to pass each value, so the
tests hold floors at what the extractor reaches (rounded down), the gate's promises, and precision."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest

from perf_etl.extract.real_corpus import RUN_AT, RealOutcome, load_batch, load_corpus, run_texts, score
from perf_etl.ingest.ingest import ingest_file
from perf_etl.ingest.reasons import Reason
from perf_etl.models import IngestedFile

REAL = Path(__file__).resolve().parent.parent / "fixtures" / "real"
# What the extractor reaches today, rounded down (docs/accuracy.md has the figures and the blind ones).
REAL_DEV_LABELLED_FLOOR = 0.95  # the issue's bar for the 23 texts of shared/real-dev
# The issue's bar (90 %) was met on the batches it was set on; batch_14_blind4, added blind, is not tuned to.
CORPUS_STATED_FLOOR = 0.88
# Batches whose fields no rule has been fitted to yet: their blind score is in docs/accuracy.md, and they join
# the tuned floor once their failures have been worked on.
UNTUNED_BATCHES = {"batch_11_blind", "batch_12_blind2", "batch_13_blind3"}
# Real reports still turned away, each with why (docs/accuracy.md lists them).
KNOWN_TURNED_AWAY = {
    "b12-003": "an excerpt of 87 Chinese characters, under the 100 a document must hold (no_text_layer)",
    "b12-014": "a document site glues its page number to the title (1、12018年度…): the year is not read",
}
NEGATIVES_ACCEPTED_CEILING = 0.05


@cache
def _corpus() -> tuple[RealOutcome, ...]:
    return tuple(run_texts(load_corpus(REAL)))


def _fraction(pair: list[int]) -> float:
    return pair[0] / pair[1]


def test_the_corpus_is_what_the_issue_asks_for() -> None:
    texts = [o.text for o in _corpus()]
    positives = [t for t in texts if t.is_report]
    assert len(positives) >= 150
    assert len(texts) - len(positives) >= 40
    assert len({t.province for t in positives if t.province}) >= 20
    assert {"department_overall", "project"} <= {t.report_type for t in positives}
    assert len({t.id for t in texts}) == len(texts)
    assert len({t.text for t in texts}) == len(texts)


def test_real_dev_labelled_fields() -> None:
    figures = score(run_texts(load_batch(REAL / "batch_01_realdev.jsonl")))
    assert _fraction(figures["labelled"]) >= REAL_DEV_LABELLED_FLOOR, figures


def test_corpus_stated_values() -> None:
    figures = score(o for o in _corpus() if o.text.batch not in UNTUNED_BATCHES)
    assert _fraction(figures["stated"]) >= CORPUS_STATED_FLOOR, figures


def test_no_real_report_is_turned_away() -> None:
    # A report that names no year at all (a template with its years blanked) can only be unknown_fiscal_year.
    turned_away = [
        (o.text.id, o.rejection.reason_code)
        for o in _corpus()
        if o.text.is_report and o.rejection is not None
        and not (o.rejection.reason_code == Reason.UNKNOWN_FISCAL_YEAR and o.text.labels.get("fiscal_year") is None)
    ]
    assert {i for i, _ in turned_away} == set(KNOWN_TURNED_AWAY), turned_away


def test_a_report_that_states_no_year_is_placed_by_its_folder(tmp_path: Path) -> None:
    yearless = [o.text for o in _corpus() if o.text.is_report and o.rejection is not None
                and o.rejection.reason_code == Reason.UNKNOWN_FISCAL_YEAR]
    assert yearless, "the corpus holds reports that state no year (an unfilled template, years masked as 20xx)"
    for text in yearless:
        path = tmp_path / "2023" / f"{text.id}.txt"
        path.parent.mkdir(exist_ok=True)
        path.write_text(text.text, encoding="utf-8")
        outcome = ingest_file(path, tmp_path, RUN_AT)
        assert isinstance(outcome, IngestedFile) and outcome.document.fiscal_year == 2023, text.id


def test_few_other_pages_get_in() -> None:
    negatives = [o for o in _corpus() if not o.text.is_report]
    let_in = [o.text.id for o in negatives if o.rejection is None]
    assert len(let_in) <= NEGATIVES_ACCEPTED_CEILING * len(negatives), let_in


@pytest.mark.parametrize("field", ["budget_wan", "expenditure_wan", "execution_rate_pct", "self_score", "grade"])
def test_few_values_are_made_up(field: str) -> None:
    # A figure where the text states none is worse than no figure: at most one in ten null labels gets one.
    nulls = [o for o in _corpus() if o.text.is_report and o.extraction and o.text.labels.get(field) is None]
    guessed = [o.text.id for o in nulls if o.extraction.report.get(field) is not None]
    assert len(guessed) <= 0.1 * len(nulls), guessed
