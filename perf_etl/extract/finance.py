"""The finance and score figures of a report.

`finance_hits` gives at most one Hit per field; a field the text does not state has no Hit
(the report row stores null). The work sits in the modules behind it:

- `numbers`: number and unit parsing, OCR repairs, the same-length scan copy of the text;
- `money_labels`: the label tables (data); `money_context`: sentence/section/period judgement;
- `money`: department totals; `money_table`: the 自评表's 年度资金总额 row; `money_split`: basic/project
  spending; `items`: named project funds;
- `scores`: total score, grade and score components; `indicators`: prose targets and results.
"""

from __future__ import annotations

from perf_etl.extract.hits import Hit
from perf_etl.extract.items import ItemStatement
from perf_etl.extract.money import total_hits
from perf_etl.extract.money_context import DocContext
from perf_etl.extract.money_split import spending_split_hits
from perf_etl.extract.money_table import report_tables, table_candidates
from perf_etl.extract.scores import grade_hit, self_score_hit

__all__ = ["FINANCE_FIELDS", "finance_hits"]

# The report columns this module fills, in contract order.
FINANCE_FIELDS: tuple[str, ...] = (
    "budget_initial_wan",
    "budget_wan",
    "expenditure_wan",
    "execution_rate_pct",
    "basic_expenditure_wan",
    "project_expenditure_wan",
    "self_score",
    "grade",
)


def finance_hits(ctx: DocContext, items: list[ItemStatement]) -> list[Hit]:
    """At most one Hit per field of FINANCE_FIELDS, in that order (money in 万元, rates in percent), from a
    document's context and its named-fund statements (`find_item_statements`), which the caller builds once
    for all extractors."""
    tables = report_tables(ctx)
    hits = total_hits(ctx, items, table_candidates(tables))
    hits.update(spending_split_hits(ctx, items, hits.get("expenditure_wan"), tables))
    for hit in (self_score_hit(ctx), grade_hit(ctx)):
        if hit:
            hits[hit.field] = hit
    return [hits[f] for f in FINANCE_FIELDS if f in hits]
