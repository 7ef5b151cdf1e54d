"""Traditional-character reports: matched in simplified characters, reported as written.

The extraction rules are written in simplified characters. A report in traditional characters is read
through its simplified twin (same length, so every offset is the same, perf_etl.text.simplified);
afterwards the evidence words and the names are taken back from the text as written: 麗江市古城區自然資源局
stays so in `department_name` and its evidence, while `department_key` (derived from the twin's name) is
simplified, so both spellings join.
"""

from __future__ import annotations

from dataclasses import replace

from perf_etl.extract.hits import Hit
from perf_etl.models import Indicator, StagedDocument
from perf_etl.text.simplified import to_simplified

# Fields whose value is words of the text, kept in the characters they are written in.
AS_WRITTEN_FIELDS = frozenset({"department_name", "report_title", "filler_name"})
# How far before its first figure a prose indicator's name may start.
NAME_REACH = 120


def simplified_twin(doc: StagedDocument) -> StagedDocument:
    """`doc` in simplified characters (the same object when it has no traditional characters)."""
    text = to_simplified(doc.text)
    if text == doc.text:
        return doc
    sections = [replace(s, heading=to_simplified(s.heading), text=to_simplified(s.text)) for s in doc.sections]
    return replace(doc, text=text, sections=sections)


def as_written(hit: Hit, written: str, twin: str) -> Hit:
    """`hit` (read from the twin text) with its words, and a words value, from the text as written."""
    if written is twin or hit.char_end <= hit.char_start:
        return hit
    value = hit.value
    if hit.field in AS_WRITTEN_FIELDS and isinstance(value, str):
        value = _written_value(value, written, twin, hit.char_start, hit.char_end)
    return replace(hit, value=value, raw_text=written[hit.char_start : hit.char_end])


def indicator_as_written(indicator: Indicator, hits: list[Hit], written: str, twin: str) -> Indicator:
    """A prose indicator (read from the twin text) with its name and texts as written: 當年人才驛站組織活動數量,
    not its simplified twin, so it reads as the report does."""
    if written is twin or not hits:
        return indicator
    start = max(0, min(h.char_start for h in hits) - NAME_REACH)
    end = max(h.char_end for h in hits)

    def words(value: str | None) -> str | None:
        return _written_value(value, written, twin, start, end) if value else value

    return replace(indicator, indicator_name=words(indicator.indicator_name) or "",
                   target_text=words(indicator.target_text), actual_text=words(indicator.actual_text))


def _written_value(value: str, written: str, twin: str, start: int, end: int) -> str:
    """The characters as written of `value`, found in twin[start:end] in order (a cleaned value may have
    lost whitespace or a seal note between its characters); `value` itself when it is not found so."""
    pos = twin.find(value, start, end)
    if pos >= 0:
        return written[pos : pos + len(value)]
    out: list[str] = []
    cursor = start
    for char in value:
        found = twin.find(char, cursor, end)
        if found < 0:
            return value
        out.append(written[found])
        cursor = found + 1
    return "".join(out)
