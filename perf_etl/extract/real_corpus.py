"""The real corpus (perf_etl_tests/fixtures/real/): published report texts labelled by reading, against what
the pipeline makes of them.

Each text is written to a .txt file and run through the path a landing file takes (ingest_file ->
normalize_document -> extract_reports), so the gate (is it a report? which fiscal year?) is measured with
the fields: a positive rejected at ingest scores every stated value of it as wrong. Shared by
perf_etl_tests/extract/test_real_corpus.py and scripts/accuracy_report.py.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from perf_etl.extract.accuracy import same_value
from perf_etl.extract.reports import extract_reports
from perf_etl.ingest.ingest import ingest_file
from perf_etl.models import Extraction, Indicator, IngestedFile, RejectedFile
from perf_etl.normalize import normalize_document

# The labelled columns of core.reports (the real-dev README's seven).
LABELLED_FIELDS: tuple[str, ...] = (
    "department_name",
    "fiscal_year",
    "budget_wan",
    "expenditure_wan",
    "execution_rate_pct",
    "self_score",
    "grade",
)
# When the texts were run: a fixed instant keeps the result independent of the day (the gate caps years at
# `now.year`), late enough for FY2025 reports.
RUN_AT = datetime(2026, 12, 1, tzinfo=timezone.utc)
# The first score of each batch, recorded before any rule changed for it (record_blind).
BLIND_SCORES = "blind_scores.json"


@dataclass(frozen=True)
class RealText:
    """One record of a batch file (fields as perf_etl_tests/fixtures/real/README.md describes them)."""

    batch: str
    id: str
    url: str | None
    province: str | None
    is_report: bool
    text: str
    report_type: str | None = None
    labels: dict[str, Any] = field(default_factory=dict)
    label_details: dict[str, Any] = field(default_factory=dict)
    negative_kind: str | None = None

    def accepts(self, field_name: str, actual: Any) -> bool:
        """Whether `actual` is right for a labelled field: a traditional-character name may come back in
        either script."""
        expected = self.labels.get(field_name)
        if field_name == "department_name" and actual is not None:
            simplified = self.label_details.get("department_name_simplified")
            return actual in {expected, simplified}
        return same_value(expected, actual)


@dataclass(frozen=True)
class RealOutcome:
    """What the pipeline made of one text: the extraction, or the ingest rejection."""

    text: RealText
    extraction: Extraction | None  # the file's first report, which the field labels label
    rejection: RejectedFile | None
    # Every report's indicators, in order: indicator labels cover all the reports a file holds.
    indicators: list[Indicator] = field(default_factory=list)

    def value(self, field_name: str) -> Any:
        return None if self.extraction is None else self.extraction.report.get(field_name)

    def judged(self) -> list[FieldResult]:
        return [
            FieldResult(self.text, f, self.text.labels.get(f), self.value(f), self.text.accepts(f, self.value(f)))
            for f in LABELLED_FIELDS
        ]


@dataclass(frozen=True)
class FieldResult:
    text: RealText
    field: str
    expected: Any
    actual: Any
    ok: bool

    @property
    def stated(self) -> bool:
        """The text states this value (the label is not null)."""
        return self.expected is not None


def load_batch(path: Path) -> list[RealText]:
    batch = path.stem
    texts: list[RealText] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        record = json.loads(line)
        texts.append(
            RealText(
                batch=batch,
                id=record["id"],
                url=record.get("url"),
                province=record.get("province"),
                is_report=bool(record.get("is_report", True)),
                text=record["text"],
                report_type=record.get("report_type"),
                labels=record.get("labels") or {},
                label_details=record.get("label_details") or {},
                negative_kind=record.get("negative_kind"),
            )
        )
    return texts


def load_corpus(folder: Path) -> list[RealText]:
    """Every batch_*.jsonl of `folder`, in batch order."""
    return [text for path in sorted(folder.glob("batch_*.jsonl")) for text in load_batch(path)]


def run_texts(texts: Iterable[RealText]) -> list[RealOutcome]:
    """Each text as its own .txt landing file through ingest, normalization and extraction."""
    outcomes: list[RealOutcome] = []
    with tempfile.TemporaryDirectory(prefix="perf-etl-real-") as tmp:
        root = Path(tmp)
        for text in texts:
            path = root / f"{text.id}.txt"
            path.write_text(text.text, encoding="utf-8")
            outcomes.append(_run_one(text, path, root))
            path.unlink()
    return outcomes


def _run_one(text: RealText, path: Path, root: Path) -> RealOutcome:
    outcome = ingest_file(path, root, RUN_AT)
    if not isinstance(outcome, IngestedFile):
        return RealOutcome(text, None, outcome)
    doc = outcome.document
    staged = normalize_document(doc.document_id, doc.fiscal_year, outcome.pages)
    # A text's labels are those of its first report (a text holding several names it in its notes).
    extractions = [extraction for extraction, _ in extract_reports(staged, outcome.tables)]
    return RealOutcome(text, extractions[0], None, [i for extraction in extractions for i in extraction.indicators])


@dataclass
class Tally:
    """Right / labelled, over all labelled fields and over the stated ones (labels that are not null)."""

    labelled_ok: int = 0
    labelled: int = 0
    stated_ok: int = 0
    stated: int = 0

    def add(self, result: FieldResult) -> None:
        self.labelled += 1
        self.labelled_ok += result.ok
        if result.stated:
            self.stated += 1
            self.stated_ok += result.ok


def tallies(outcomes: Iterable[RealOutcome], key: Callable[[FieldResult], str]) -> dict[str, Tally]:
    """The positives' labelled fields, tallied per `key` (field, report type, province, batch…)."""
    out: dict[str, Tally] = {}
    for outcome in outcomes:
        if outcome.text.is_report:
            for result in outcome.judged():
                out.setdefault(key(result), Tally()).add(result)
    return out


def gate_matrix(outcomes: Iterable[RealOutcome]) -> dict[tuple[str, str], int]:
    """(truth, verdict) -> texts: truth "report" or the negative's kind, verdict "accepted" or the
    rejection's reason code."""
    matrix: dict[tuple[str, str], int] = {}
    for outcome in outcomes:
        truth = "report" if outcome.text.is_report else f"not a report: {outcome.text.negative_kind}"
        verdict = "accepted" if outcome.rejection is None else outcome.rejection.reason_code
        matrix[(truth, verdict)] = matrix.get((truth, verdict), 0) + 1
    return matrix


def score(outcomes: Iterable[RealOutcome]) -> dict[str, Any]:
    """The figures of a set of outcomes: labelled fields right (nulls included), stated values right (the
    labels that are not null), and the gate's confusion counts."""
    outcomes = list(outcomes)
    total = tallies(outcomes, lambda _: "all").get("all", Tally())
    positives = [o for o in outcomes if o.text.is_report]
    negatives = [o for o in outcomes if not o.text.is_report]
    return {
        "labelled": [total.labelled_ok, total.labelled],
        "stated": [total.stated_ok, total.stated],
        "positives_rejected": sum(o.rejection is not None for o in positives),
        "positives": len(positives),
        "negatives_accepted": sum(o.rejection is None for o in negatives),
        "negatives": len(negatives),
    }


def record_blind(folder: Path, commit: str, extractor_version: str, day: str) -> list[str]:
    """Score every batch of `folder` not yet in its blind_scores.json and record it there: the first score
    of a batch, taken before any rule changes for it. Returns the batches recorded."""
    path = folder / BLIND_SCORES
    scores = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    recorded: list[str] = []
    for batch in sorted(folder.glob("batch_*.jsonl")):
        if batch.stem in scores:
            continue
        figures = score(run_texts(load_batch(batch)))
        scores[batch.stem] = {**figures, "extractor_version": extractor_version, "commit": commit, "date": day}
        recorded.append(batch.stem)
    path.write_text(json.dumps(scores, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return recorded
