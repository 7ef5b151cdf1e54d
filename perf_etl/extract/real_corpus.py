"""The real corpus (perf_etl_tests/fixtures/real/): published report texts labelled by reading, against what
the pipeline makes of them.

Each text is written to a .txt file and run through the path a landing file takes (ingest_file ->
normalize_document -> extract_document), so the gate (is it a report? which fiscal year?) is measured with
the fields: a positive rejected at ingest scores every stated value of it as wrong. Shared by
perf_etl_tests/extract/test_real_corpus.py and scripts/accuracy_report.py.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from perf_etl.extract import extract_document
from perf_etl.extract.accuracy import same_value
from perf_etl.ingest.ingest import ingest_file
from perf_etl.models import Extraction, IngestedFile, RejectedFile
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
    extraction: Extraction | None
    rejection: RejectedFile | None

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
    return RealOutcome(text, extract_document(staged), None)


def score(outcomes: Iterable[RealOutcome]) -> dict[str, Any]:
    """The figures of a set of outcomes: labelled fields right (nulls included), stated values right (the
    labels that are not null), and the gate's confusion counts."""
    outcomes = list(outcomes)
    positives = [o for o in outcomes if o.text.is_report]
    negatives = [o for o in outcomes if not o.text.is_report]
    judged = [r for o in positives for r in o.judged()]
    stated = [r for r in judged if r.stated]
    return {
        "labelled": [sum(r.ok for r in judged), len(judged)],
        "stated": [sum(r.ok for r in stated), len(stated)],
        "positives_rejected": sum(o.rejection is not None for o in positives),
        "positives": len(positives),
        "negatives_accepted": sum(o.rejection is None for o in negatives),
        "negatives": len(negatives),
    }
