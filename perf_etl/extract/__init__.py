"""Extraction: one staged document -> one report row, its evidence and its child rows.

`extract_document` combines the identity hits (identity.py), the finance hits (finance.py), the
derived fields and the child lists. An exception in any extractor propagates: the caller records the
document as rejected at stage extract rather than storing a row with silently missing fields.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from perf_etl.extract.confidence import assess
from perf_etl.extract.departments import department_key
from perf_etl.extract.finance import finance_hits
from perf_etl.extract.findings import extract_findings
from perf_etl.extract.hits import Hit
from perf_etl.extract.identity import extract_identity_hits
from perf_etl.extract.indicators import common_run, indicator_readings, joined_targets
from perf_etl.extract.items import expenditure_items, find_item_statements
from perf_etl.extract.money_context import DocContext
from perf_etl.extract.scores import score_components
from perf_etl.extract.version import EXTRACTOR_VERSION
from perf_etl.extract.written import as_written, indicator_as_written, simplified_twin
from perf_etl.models import (
    NO_EVIDENCE_COLUMNS,
    REPORT_COLUMNS,
    ROUNDED_COLUMNS,
    Evidence,
    Extraction,
    Indicator,
    ScoreComponent,
    StagedDocument,
)

if TYPE_CHECKING:  # perf_etl.tables imports perf_etl.text.numbers: no import cycle at run time
    from perf_etl.extract.table_rows import TableReading

__all__ = ["EXTRACTOR_VERSION", "derived_hits", "extract_document", "grade_for_score"]

# Lower bounds of each grade (优 ≥ 90, 良 80–89.99, 中 60–79.99, 差 < 60), highest first.
GRADE_BOUNDS: tuple[tuple[float, str], ...] = ((90.0, "优"), (80.0, "良"), (60.0, "中"), (float("-inf"), "差"))


def grade_for_score(score: float) -> str:
    return next(grade for bound, grade in GRADE_BOUNDS if score >= bound)


def _derived(field: str, value: Any, inputs: list[Hit], how: str) -> Hit:
    """A derived field's hit: spans its inputs, raw text is theirs joined with " | "."""
    return Hit(
        field=field,
        value=value,
        raw_text=" | ".join(h.raw_text for h in inputs),
        char_start=min(h.char_start for h in inputs),
        char_end=max(h.char_end for h in inputs),
        rule=f"derived:{how}",
    )


def derived_hits(by_field: dict[str, Hit]) -> list[Hit]:
    """execution_rate_computed_pct, grade_from_score and department_key from the read fields."""
    out: list[Hit] = []
    budget, spent = by_field.get("budget_wan"), by_field.get("expenditure_wan")
    if budget is not None and spent is not None and budget.value:
        rate = round(float(spent.value) / float(budget.value) * 100, 2)
        out.append(_derived("execution_rate_computed_pct", rate, [spent, budget], "expenditure_wan/budget_wan*100"))
    score = by_field.get("self_score")
    if score is not None:
        out.append(_derived("grade_from_score", grade_for_score(float(score.value)), [score], "grade_from_score"))
    name = by_field.get("department_name")
    if name is not None:
        region = by_field.get("region")
        # A region read from running text is a vote, not a fact about the name: keep it out of the key
        # so that the key does not change when another year's text mentions other places.
        context = region.value if region is not None and region.rule != "region:cpca_text_majority" else None
        key = department_key(str(name.value), context)
        if key is not None:
            out.append(_derived("department_key", key, [name], "department_key"))
    return out


def _report_value(field: str, value: Any) -> Any:
    if field in ROUNDED_COLUMNS and value is not None:
        return round(float(value), 2)
    return value


def extract_document(doc: StagedDocument, tables: TableReading | None = None,
                     other_rows: Sequence[Indicator] = ()) -> Extraction:
    """Everything read from one staged document (see the module docstring).

    `tables` is what the document's 自评表 states (perf_etl.tables): its totals fill the fields the prose
    left null, with evidence rule "table:<column>", the table's page and an empty span at offset 0 (the
    cell is not in the staging text); its rows replace the indicators read from the flattened table text.
    `other_rows` are the 自评表 rows of the other reports of the same file: a department report's prose that
    restates its project's table row is that row, kept once, in the project's report.
    """
    written = doc
    doc = simplified_twin(doc)  # the rules read simplified characters (written.py)
    # The compact view and its scan copy are the costly part of every finance extractor: built once here.
    ctx = DocContext(doc)
    statements = find_item_statements(ctx)
    by_field: dict[str, Hit] = {}
    for hit in [*extract_identity_hits(doc), *finance_hits(ctx, statements)]:
        by_field.setdefault(hit.field, hit)
    table_pages = _fill_from_table(by_field, tables)
    for hit in derived_hits(by_field):
        by_field[hit.field] = hit
    by_field = {field: as_written(hit, written.text, doc.text) for field, hit in by_field.items()}
    report: dict[str, Any] = dict.fromkeys(REPORT_COLUMNS)
    report["document_id"] = report["report_id"] = doc.document_id  # a file of several: extract/reports.py
    report["report_ordinal"] = 1
    report["extractor_version"] = EXTRACTOR_VERSION
    evidence: list[Evidence] = []
    for field in REPORT_COLUMNS:
        hit = by_field.get(field)
        if hit is None or field in NO_EVIDENCE_COLUMNS or hit.value is None:
            continue
        report[field] = _report_value(field, hit.value)
        rounded = Hit(hit.field, report[field], hit.raw_text, hit.char_start, hit.char_end, hit.rule)
        found = rounded.to_evidence(doc)
        found.page_number = table_pages.get(field, found.page_number)
        evidence.append(found)
    readings = [(indicator_as_written(indicator, hits, written.text, doc.text), hits)
                for indicator, hits in indicator_readings(ctx)]
    indicators, indicator_hits, target_rows = _merged_indicators(ctx, readings, tables, other_rows)
    evidence += [as_written(hit, written.text, doc.text).to_evidence(doc) for hit in indicator_hits]
    table_rows = tables.indicators if tables is not None else []
    evidence += [found for indicator in table_rows for found in _cell_evidence(indicator)]
    # A table of targets alone: its target cell; the result, if any, is the prose's evidence above.
    evidence += [found for row in target_rows for found in _cell_evidence(row) if found.field == "indicator_target"]
    assess(evidence, ctx, statements)  # how sure the way each value was found makes us (confidence.py)
    return Extraction(
        report=report,
        evidence=evidence,
        indicators=indicators,
        expenditure_items=expenditure_items(doc.document_id, statements),
        score_components=_merged_components(score_components(ctx), tables),
        findings=extract_findings(doc),
    )


def _fill_from_table(by_field: dict[str, Hit], tables: TableReading | None) -> dict[str, int]:
    """Add the table's totals for fields the prose did not give; returns field -> table page of those."""
    pages: dict[str, int] = {}
    for total in tables.totals if tables is not None else []:
        if total.field not in by_field:
            by_field[total.field] = Hit(total.field, total.value, total.raw_text, 0, 0, f"table:{total.column}")
            pages[total.field] = total.page_number
    return pages


def _merged_indicators(ctx: DocContext, readings: list[tuple[Indicator, list[Hit]]], tables: TableReading | None,
                       other_rows: Sequence[Indicator]) -> tuple[list[Indicator], list[Hit], list[Indicator]]:
    """The indicators, the evidence of those read from the text, and the rows of a table of targets alone that
    are kept (joined to their results in the prose). Where the document's tables were read, their rows replace
    those read from the flattened table text (source "table" too: the same rows, read less well); prose that
    restates a row of this report's or another report's of the file (`other_rows`) is that row."""
    if tables is not None and tables.indicators:
        readings = [(i, hits) for i, hits in readings if i.source != "table"]
    extra = tables.indicators if tables is not None else []
    targets = _joined_target_rows(ctx, tables, readings, [*extra, *other_rows])
    # An indicator the prose states as a 自评表 row does (same name, and the target and result it states) is that
    # row: the row's cells paired as prose across the parts of the report, its target restated in the targets,
    # or its result restated in the account of the results ("疑似预防接种异常反应报告及时率99.1%").
    rows: dict[str, list[Indicator]] = {}
    for row in (*extra, *(i for i, _ in readings if i.source == "table"), *other_rows, *(i for i, _ in targets)):
        rows.setdefault(_name_key(row), []).append(row)
    all_rows = [row for named in rows.values() for row in named]
    readings = [(i, hits) for i, hits in readings
                if not (i.source == "prose" and (any(_restates(i, row) for row in rows.get(_name_key(i), []))
                                                 or any(_restates_in_other_words(i, row) for row in all_rows)))]
    readings += targets
    return [i for i, _ in readings] + extra, [hit for _, hits in readings for hit in hits], [i for i, _ in targets]


def _joined_target_rows(ctx: DocContext, tables: TableReading | None, readings: list[tuple[Indicator, list[Hit]]],
                        full_rows: Sequence[Indicator]) -> list[tuple[Indicator, list[Hit]]]:
    """The rows of a table of targets alone joined to their results in the prose, but for an indicator a 自评表 of
    the file has a row for (the 目标表 states its target twice) or the prose pairs itself."""
    stated = {_name_key(i) for i in full_rows} | {_name_key(i) for i, _ in readings if i.target_text and i.actual_text}
    rows = [row for row in (tables.targets if tables is not None else []) if _name_key(row) not in stated]
    return joined_targets(ctx, rows) if rows else []


def _name_key(indicator: Indicator) -> str:
    return "".join(indicator.indicator_name.split())


def _restates(prose: Indicator, row: Indicator) -> bool:
    """Whether each side the prose states (target, result) is the row's: the same figure, in a unit written the
    same or more fully ("26台" for the row's 26 台（套）)."""
    target = prose.target_text is None or _same_figure(prose.target_value, prose.target_unit, row.target_value,
                                                        row.target_unit)
    result = prose.actual_text is None or _same_figure(prose.actual_value, prose.actual_unit, row.actual_value,
                                                       row.actual_unit)
    return target and result


def _restates_in_other_words(prose: Indicator, row: Indicator) -> bool:
    """A prose target and result that are a row's two figures, under a name with a word of the row's: "举办档案展览
    2场" … "3场展览" is the row 档案展览举办场次 | 2场 | 3场, named as the prose goes."""
    return (prose.target_text is not None and prose.actual_text is not None and _restates(prose, row)
            and row.target_value is not None and common_run(prose.indicator_name, row.indicator_name) >= 2)


def _same_figure(value: float | None, unit: str | None, row_value: float | None, row_unit: str | None) -> bool:
    if value != row_value:
        return False
    return unit == row_unit or not row_unit or bool(unit and (row_unit.startswith(unit) or unit.startswith(row_unit)))


def _cell_evidence(indicator: Indicator) -> list[Evidence]:
    """A 自评表 row's target and result cells, on the row's page; a cell is not in the staging text, so its
    span is empty at offset 0 (as for the table's totals)."""
    return [
        Evidence(indicator.document_id, field, f"{indicator.indicator_name}: {text}", text,
                 indicator.page_number or 1, 0, 0, "table:indicator")
        for field, text in (("indicator_target", indicator.target_text), ("indicator_actual", indicator.actual_text))
        if text
    ]


def _merged_components(prose: list[ScoreComponent], tables: TableReading | None) -> list[ScoreComponent]:
    return prose if prose or tables is None else tables.score_components
