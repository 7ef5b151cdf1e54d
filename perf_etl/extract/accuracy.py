"""Hand labels (perf_etl_tests/fixtures/labels.json) against what the pipeline extracts.

Shared by perf_etl_tests/extract/test_labels.py (one test per labelled value) and
scripts/accuracy_report.py (docs/accuracy.md). Cases are built from the labels alone, so tests can be
parametrized before anything runs; each case is then judged against an Extraction.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from perf_etl.extract.reports import extract_reports
from perf_etl.ingest.ingest import ingest_file
from perf_etl.models import Extraction, IngestedFile
from perf_etl.normalize import normalize_document

TOLERANCE = 0.01  # money, rates and scores
FORMATS = ("txt", "pdf")


@dataclass(frozen=True)
class LabelCase:
    """One labelled value of one sample: `kind` says how to judge it."""

    sample: str  # e.g. "004_3cc4b0b52db76508"
    # report | title_contains | findings_min | findings_exact | score_components | expenditure_items
    # | indicator
    kind: str
    field: str  # report column, finding kind, or a row name
    expected: Any

    def case_id(self, fmt: str) -> str:
        return f"{self.sample[:3]}-{fmt}-{self.field}"


@dataclass(frozen=True)
class CaseResult:
    ok: bool
    actual: Any
    message: str


def load_labels(path: Path) -> dict[str, Any]:
    return {k: v for k, v in json.loads(path.read_text(encoding="utf-8")).items() if not k.startswith("_")}


def label_cases(labels: dict[str, Any]) -> list[LabelCase]:
    cases: list[LabelCase] = []
    for sample, spec in labels.items():
        cases += [LabelCase(sample, "report", f, v) for f, v in spec.get("report", {}).items()]
        if "title_contains" in spec:
            cases.append(LabelCase(sample, "title_contains", "title_contains", spec["title_contains"]))
        for kind, n in spec.get("findings_count", {}).items():
            cases.append(LabelCase(sample, "findings_min", f"findings_min_{kind}", (kind, n)))
        for kind, n in spec.get("findings_exact", {}).items():
            cases.append(LabelCase(sample, "findings_exact", f"findings_exact_{kind}", (kind, n)))
        for key in ("score_components", "expenditure_items"):
            if key in spec:
                cases.append(LabelCase(sample, key, key, spec[key]))
        for i, row in enumerate(spec.get("indicators", [])):
            cases.append(LabelCase(sample, "indicator", f"indicator_{i}_{row['name_contains']}", row))
    return cases


def run_pipeline(path: Path, root: Path) -> Extraction:
    """ingest_file -> normalize_document -> extract_reports, the file's first report (the samples hold one
    each). Without the file's 自评表 cells: these labels were written for what the text states, and a table's
    一级 sums are not stated components (test_real_corpus measures with the tables, as the pipeline runs)."""
    outcome = ingest_file(path, root, datetime.now(timezone.utc))
    if not isinstance(outcome, IngestedFile):
        raise RuntimeError(f"{path.name} rejected at ingest: {outcome.reason_code}: {outcome.message}")
    doc = outcome.document
    staged = normalize_document(doc.document_id, doc.fiscal_year, outcome.pages)
    return extract_reports(staged, [])[0][0]


def same_value(expected: Any, actual: Any) -> bool:
    if expected is None or actual is None:
        return expected is None and actual is None
    if isinstance(expected, (int, float)) and not isinstance(expected, bool):
        try:
            return abs(float(actual) - float(expected)) <= TOLERANCE
        except (TypeError, ValueError):
            return False
    return expected == actual


def _rows_match(expected: dict[str, Any], actual: Any, name_attr: str, fields: dict[str, str]) -> bool:
    name = getattr(actual, name_attr) or ""
    wanted = expected.get("name_contains") or expected.get("component")
    if wanted not in name:
        return False
    return all(
        same_value(expected[label], getattr(actual, attr)) for label, attr in fields.items() if label in expected
    )


def _judge_rows(
    expected_rows: list[dict[str, Any]], actual_rows: list[Any], name_attr: str, fields: dict[str, str], exact: bool
) -> CaseResult:
    missing = [row for row in expected_rows if not any(_rows_match(row, a, name_attr, fields) for a in actual_rows)]
    summary = [{name_attr: getattr(a, name_attr), **{k: getattr(a, v) for k, v in fields.items()}} for a in actual_rows]
    if missing:
        return CaseResult(False, summary, f"missing rows: {missing}")
    if exact and len(actual_rows) != len(expected_rows):
        return CaseResult(False, summary, f"expected {len(expected_rows)} rows, got {len(actual_rows)}")
    return CaseResult(True, summary, "")


COMPONENT_FIELDS = {"max_score": "max_score", "score": "score"}
ITEM_FIELDS = {"budget_wan": "budget_wan", "actual_wan": "actual_wan", "execution_rate_pct": "execution_rate_pct"}
INDICATOR_FIELDS = {
    "target_value": "target_value",
    "actual_value": "actual_value",
    "completion_rate_pct": "completion_rate_pct",
}


def judge(case: LabelCase, extraction: Extraction) -> CaseResult:
    """Whether `extraction` agrees with the label of `case`."""
    if case.kind == "report":
        actual = extraction.report.get(case.field)
        ok = same_value(case.expected, actual)
        return CaseResult(ok, actual, "" if ok else f"expected {case.expected!r}, got {actual!r}")
    if case.kind == "title_contains":
        title = extraction.report.get("report_title") or ""
        ok = case.expected in title
        return CaseResult(ok, title, "" if ok else f"title {title!r} lacks {case.expected!r}")
    if case.kind in ("findings_min", "findings_exact"):
        kind, n = case.expected
        texts = [f.text for f in extraction.findings if f.kind == kind]
        ok = len(texts) == n if case.kind == "findings_exact" else len(texts) >= n
        relation = "==" if case.kind == "findings_exact" else ">="
        return CaseResult(ok, len(texts), "" if ok else f"{kind}: {len(texts)} rows, expected {relation} {n}: {texts}")
    if case.kind == "score_components":
        return _judge_rows(case.expected, extraction.score_components, "component", COMPONENT_FIELDS, exact=True)
    if case.kind == "expenditure_items":
        return _judge_rows(case.expected, extraction.expenditure_items, "item_name", ITEM_FIELDS, exact=True)
    if case.kind == "indicator":
        return _judge_rows([case.expected], extraction.indicators, "indicator_name", INDICATOR_FIELDS, exact=False)
    raise ValueError(f"unknown label kind {case.kind}")


def judge_directory(root: Path, labels_path: Path) -> list[tuple[LabelCase, CaseResult]]:
    """Every label of `labels_path` judged against the .txt of its sample in `root` (the held-out
    set is text only), each sample run once."""
    cases = label_cases(load_labels(labels_path))
    extractions = {sample: run_pipeline(root / f"{sample}.txt", root) for sample in {c.sample for c in cases}}
    return [(case, judge(case, extractions[case.sample])) for case in cases]
