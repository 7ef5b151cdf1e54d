"""How sure the way a value was found makes us: core.field_evidence.confidence.

Not a probability. A small ordered vocabulary, `high` > `medium` > `low`, decided only by how the value was
found, in two steps:

1. At extraction (`rule_confidence`, `with_conflicts`), from the evidence rule and the other candidates:

   ==========================================================  ===========
   how the value was found                                       confidence
   ==========================================================  ===========
   a labelled statement in prose ("全年执行数X万元", 自评得分,        high
   单位名称：…), a report title, a cell of a table (``table:…``)
   a department name read from the supervising body's label      medium
   (主管部门), the publisher line, the subject of a sentence or
   a full name found in the body: they name a body near the
   reporting one, not always it
   a weakly labelled figure (the label's strength is below        medium
   ``STRONG_LABEL``: 下达资金, 支出, 拨付 … also name parts)
   a value computed from others (``derived:…``), the initial      medium
   budget taken as the full-year budget ("only budget stated"),
   a fiscal year inferred from the report's dates
   (``inferred:…``) or from the year most mentioned
   a fiscal year the text does not state (``ingest:fiscal_year``)  low
   two department-level figures for the field that disagree       low
   (e.g. 全年执行数 1,200 万元 and 实际支出 1,150 万元 in one
   report), the other one named in ``confidence_note``
   ==========================================================  ===========

2. In the core stage (`finalize_confidence`, where the evidence rows get their page's OCR confidence):

   - a page read by OCR with a mean character confidence below ``LOW_OCR_CONFIDENCE`` → low;
   - a value read from a table flattened into the text (rule ``table:…`` with a span in the staging text;
     a cell of a ruled table has an empty span) → at most medium;
   - the prose and the 自评表 stating different figures for the field (the ``table_totals_agree`` check)
     → low.

`confidence_note` says, in words, every reason the level is below high (NULL for high). marts.review_queue
reads both.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import cache

import pandas as pd

from perf_etl.extract.items import ItemStatement
from perf_etl.extract.money import Candidate, find_candidates, is_department_figure
from perf_etl.extract.money_context import DocContext
from perf_etl.extract.money_labels import PROJECT_LABELS, TOTAL_FIELDS
from perf_etl.extract.money_table import report_tables, table_candidates
from perf_etl.models import Evidence

HIGH, MEDIUM, LOW = "high", "medium", "low"
LEVELS: tuple[str, ...] = (HIGH, MEDIUM, LOW)  # best first
# A page read by OCR with a lower mean character confidence than this is a low-confidence source.
LOW_OCR_CONFIDENCE = 0.85
# A money label at least this strong (money_labels.Label.strength) names the field by its words alone.
STRONG_LABEL = 5
# Department-name rules that read a nearby body's name rather than the reporting unit's own label.
INDIRECT_NAME_RULES = frozenset({
    "department_name:label:supervising", "department_name:publisher", "department_name:subject",
    "department_name:body_full_name",
})
# How far apart two candidate figures may be before they disagree (万元 for money, points for rates).
# The words of the notes that say two figures disagree (marts.review_queue looks for them).
CONFLICT_NOTE = "other candidates disagree"
TABLE_CONFLICT_NOTE = "the 自评表 states"
CONFLICT_TOLERANCE = {"budget_wan": 1.0, "expenditure_wan": 1.0, "budget_initial_wan": 1.0,
                      "execution_rate_pct": 0.5}


def weakest(levels: Iterable[str]) -> str:
    """The lowest of `levels` (high when there are none)."""
    return max(levels, key=LEVELS.index, default=HIGH)


def rule_confidence(field: str, rule: str, label_strength: int | None = None) -> tuple[str, str | None]:
    """(level, note) from the evidence rule alone; `label_strength` is that of a money label's candidate."""
    if rule == "ingest:fiscal_year":
        return LOW, "fiscal year not stated in the text (taken from the landing folder or file)"
    if rule.startswith("inferred:") or rule == "most_mentioned":
        return MEDIUM, f"fiscal year inferred ({rule})"
    if rule.startswith("derived:"):
        return MEDIUM, f"computed from other values ({rule.removeprefix('derived:')})"
    if rule in INDIRECT_NAME_RULES:
        return MEDIUM, f"name read indirectly ({rule.removeprefix('department_name:')})"
    if "(only budget stated)" in rule:
        return MEDIUM, "the initial budget taken as the full-year budget"
    if rule == "indicator:table-text":
        return MEDIUM, "read from a table flattened into the text"
    if label_strength is not None and label_strength < STRONG_LABEL and not rule.startswith("table:"):
        return MEDIUM, f"weak label ({rule})"
    return HIGH, None


def conflict_note(field: str, chosen: float, rivals: Sequence[tuple[str, float]]) -> str | None:
    """A note naming the department-level figures of `field` (rule, value) that differ from `chosen`."""
    tolerance = CONFLICT_TOLERANCE.get(field, 0.0)
    others = sorted({(rule, round(value, 2)) for rule, value in rivals if abs(value - chosen) > tolerance})
    if not others:
        return None
    listed = ", ".join(f"{rule} {value:.2f}" for rule, value in others[:3])
    return f"{CONFLICT_NOTE}: {listed}"


@cache
def _label_strengths() -> dict[str, int]:
    """Evidence rule of a money or rate label ("expenditure:全年执行") -> the label's strength."""
    strengths: dict[str, int] = {}
    for field, (prefix, labels, _) in TOTAL_FIELDS.items():
        for label in (*labels, *PROJECT_LABELS.get(field, ())):
            strengths.setdefault(f"{prefix}:{label.name}", label.strength)
    return strengths


def _rivals(ctx: DocContext, items: list[ItemStatement], field: str, tables: list[Candidate]
            ) -> list[tuple[str, float]]:
    """(rule, value) of every department-level figure of `field`: labelled figures in prose that context
    does not show to be a part, another year's or a project's, and the report's own table totals."""
    prose = [c for c in find_candidates(ctx, field) if is_department_figure(ctx, c, items)]
    return [(c.rule, c.value) for c in (*prose, *(c for c in tables if c.field == field))]


def assess(evidence: Sequence[Evidence], ctx: DocContext, items: list[ItemStatement]) -> None:
    """Set confidence and confidence_note of each evidence row of one document, from its rule and, for the
    department totals (TOTAL_FIELDS), from the other department-level figures the text states."""
    strengths = _label_strengths()
    totals = [found for found in evidence if found.field in TOTAL_FIELDS and found.value is not None]
    tables = table_candidates(report_tables(ctx)) if totals else []
    for found in evidence:
        base = found.rule.split("(", 1)[0]
        level, note = rule_confidence(found.field, found.rule, strengths.get(base))
        if found.field in TOTAL_FIELDS and found.value is not None:
            conflict = conflict_note(found.field, float(found.value), _rivals(ctx, items, found.field, tables))
            if conflict is not None:
                level, note = LOW, join_notes(note, conflict)
        found.confidence, found.confidence_note = level, note


def join_notes(*notes: str | None) -> str | None:
    kept = [note for note in dict.fromkeys(notes) if note]
    return "; ".join(kept) if kept else None


# --------------------------------------------------------------------- the core stage


def finalize_confidence(evidence: pd.DataFrame, table_disagreements: pd.DataFrame | None = None) -> pd.DataFrame:
    """`evidence` (core.field_evidence rows with ocr_confidence filled) with confidence and confidence_note
    lowered for OCR pages, flattened tables and prose/table disagreements (step 2 of the module docstring).
    `table_disagreements` are the failures of the table_totals_agree check (document_id, field, table_value)."""
    out = evidence.copy()
    if out.empty:
        return out
    level = out["confidence"].fillna(HIGH).astype(object)
    note = out["confidence_note"].astype(object).where(out["confidence_note"].notna(), None)
    ocr = pd.to_numeric(out["ocr_confidence"], errors="coerce")
    low_ocr = ocr.notna() & (ocr < LOW_OCR_CONFIDENCE)
    rule = out["rule"].astype(str)
    flattened = rule.str.startswith("table:") & (out["char_end"] > out["char_start"])
    disagree = pd.Series(False, index=out.index)
    table_text = pd.Series(None, index=out.index, dtype=object)
    if table_disagreements is not None and not table_disagreements.empty:
        keys = table_disagreements[["document_id", "field", "table_value"]].drop_duplicates(["document_id", "field"])
        merged = out[["document_id", "field"]].merge(keys, on=["document_id", "field"], how="left")
        merged.index = out.index
        disagree = merged["table_value"].notna()
        table_text = merged["table_value"]
    for index in out.index[low_ocr | flattened | disagree]:
        levels, notes = [level[index]], [note[index]]
        if low_ocr[index]:
            levels.append(LOW)
            notes.append(f"OCR page, mean confidence {ocr[index]:.2f}")
        if flattened[index]:
            levels.append(MEDIUM)
            notes.append("read from a table flattened into the text")
        if disagree[index]:
            levels.append(LOW)
            notes.append(f"{TABLE_CONFLICT_NOTE} {float(table_text[index]):.2f}")
        level[index], note[index] = weakest(levels), join_notes(*notes)
    out["confidence"], out["confidence_note"] = level, note
    return out
