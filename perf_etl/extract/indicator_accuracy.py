"""Indicators labelled by reading (perf_etl_tests/fixtures/real/indicators/, its README's last section) against
the indicators the pipeline extracts: found, target right, result right, met right.

A labelled indicator is found when an extracted indicator of the same text has the same name, compared
without spaces, punctuation and full-width forms, or else a name that ends with the other's (four characters
or more: "举办残疾人文化体育活动" for "残疾人文化体育活动"); one extracted row answers one label. Its target is right
when the number is the labelled number, or, for a target in words, the words are the labelled words; a
label without a target is right only when none was extracted (no invented values). The same for the result.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from perf_etl.extract.real_corpus import RealText, load_batch, run_texts
from perf_etl.models import Indicator

LABELS_FOLDER = "indicators"
BLIND_SCORES = "blind_scores.json"
SAMPLES_LABELS = "samples"  # indicators/samples.jsonl labels the bundled samples (data/samples/<id>.txt)


@dataclass(frozen=True)
class IndicatorResult:
    text_id: str
    label: dict[str, Any]
    found: bool
    target_ok: bool
    actual_ok: bool
    met_ok: bool


def load_labels(path: Path) -> dict[str, list[dict[str, Any]]]:
    """text id -> its labelled indicators, from one indicators/<file>.jsonl."""
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return {record["id"]: record["indicators"] for record in records}


def labelled_texts(labels_file: Path, real_folder: Path, samples_folder: Path) -> list[RealText]:
    """The texts a labels file labels: a batch's own texts, or the bundled samples."""
    ids = load_labels(labels_file)
    if labels_file.stem == SAMPLES_LABELS:
        return [RealText(batch=SAMPLES_LABELS, id=i, url=None, province=None, is_report=True,
                         text=(samples_folder / f"{i}.txt").read_text(encoding="utf-8")) for i in ids]
    return [text for text in load_batch(real_folder / f"{labels_file.stem}.jsonl") if text.id in ids]


def _name(text: str | None) -> str:
    folded = unicodedata.normalize("NFKC", text or "")
    return "".join(c for c in folded if not (c.isspace() or unicodedata.category(c).startswith("P")))


# A name that ends with the other, this long at least, names the same indicator: prose has no canonical name,
# and one reader writes the verb or the place before it where another does not ("举办残疾人文化体育活动" and
# "残疾人文化体育活动", "辖区群众满意度" and "群众满意度").
SAME_ENDING_CHARS = 4


def _same_ending(a: str, b: str) -> bool:
    shorter, longer = sorted((a, b), key=len)
    return len(shorter) >= SAME_ENDING_CHARS and longer.endswith(shorter)


def _close(a: float | None, b: float) -> bool:
    return a is not None and abs(float(a) - float(b)) <= 1e-6 * max(1.0, abs(float(b)))


def _side_ok(label: dict[str, Any], found: Indicator | None, side: str) -> bool:
    if found is None:
        return False
    value, words = getattr(found, f"{side}_value", None), getattr(found, f"{side}_text", None)
    if label[f"{side}_value"] is not None:
        return _close(value, label[f"{side}_value"])
    if label[f"{side}_text"] is not None:
        return words is not None and _name(words) == _name(label[f"{side}_text"])
    return value is None and words is None


def judge(text_id: str, labels: Sequence[dict[str, Any]], extracted: Iterable[Indicator]) -> list[IndicatorResult]:
    """Each label against the first extracted indicator of the same name not yet taken by another label."""
    left = list(extracted)
    results = []
    for label in labels:
        wanted = _name(label["indicator_name"])
        match = next((ind for ind in left if _name(ind.indicator_name) == wanted), None)
        if match is None:
            match = next((ind for ind in left if _same_ending(_name(ind.indicator_name), wanted)), None)
        if match is not None:
            left.remove(match)
        met = getattr(match, "met", None) if match is not None else None
        results.append(IndicatorResult(text_id, label, match is not None, _side_ok(label, match, "target"),
                                       _side_ok(label, match, "actual"), match is not None and met == label["met"]))
    return results


def score(results: Sequence[IndicatorResult]) -> dict[str, int]:
    return {
        "indicators": len(results),
        "found": sum(r.found for r in results),
        "target_right": sum(r.target_ok for r in results),
        "actual_right": sum(r.actual_ok for r in results),
        "target_and_actual_right": sum(r.target_ok and r.actual_ok for r in results),
        "met_right": sum(r.met_ok for r in results),
        "qualitative": sum(r.label["comparison"] == "qualitative" for r in results),
    }


def evaluate(labels_file: Path, real_folder: Path, samples_folder: Path) -> list[IndicatorResult]:
    """Run the labelled texts through the pipeline (as real_corpus does) and judge their indicators."""
    labels = load_labels(labels_file)
    results: list[IndicatorResult] = []
    for outcome in run_texts(labelled_texts(labels_file, real_folder, samples_folder)):
        results += judge(outcome.text.id, labels[outcome.text.id], outcome.indicators)
    return results


def record_blind(real_folder: Path, samples_folder: Path, commit: str, extractor_version: str, day: str) -> list[str]:
    """Score every labels file not yet in indicators/blind_scores.json and record it: its first score,
    taken before any rule changes for it. Returns the files recorded."""
    folder = real_folder / LABELS_FOLDER
    path = folder / BLIND_SCORES
    scores = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    recorded = []
    for labels_file in sorted(folder.glob("*.jsonl")):
        if labels_file.stem not in scores:
            figures = score(evaluate(labels_file, real_folder, samples_folder))
            scores[labels_file.stem] = {**figures, "extractor_version": extractor_version, "commit": commit,
                                        "date": day}
            recorded.append(labels_file.stem)
    path.write_text(json.dumps(scores, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return recorded
