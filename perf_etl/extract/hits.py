"""A value found in the staging text, with where it was found: the unit of evidence."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from perf_etl.models import Evidence, StagedDocument


@dataclass(frozen=True)
class Hit:
    """One field value read from `StagedDocument.text[char_start:char_end]` by `rule`."""

    field: str
    value: Any
    raw_text: str
    char_start: int
    char_end: int
    rule: str

    def to_evidence(self, doc: StagedDocument) -> Evidence:
        return Evidence(
            document_id=doc.document_id,
            field=self.field,
            value=render_value(self.value),
            raw_text=self.raw_text,
            page_number=doc.page_at(self.char_start),
            char_start=self.char_start,
            char_end=self.char_end,
            rule=self.rule,
        )


def render_value(value: Any) -> str:
    """The stored value as text: numbers without float noise (15768.6 -> '15768.60' for money is the
    caller's business; here 2 decimals for floats, plain str otherwise)."""
    if isinstance(value, float):
        return f"{value:.2f}"
    return str(value)
