"""One family of fields read from a whole document, as the tests look at them. The pipeline reads them all at
once (perf_etl/extract/__init__.py, on one DocContext); these read one family, each on a context of its own."""

from perf_etl.extract.finance import finance_hits
from perf_etl.extract.hits import Hit
from perf_etl.extract.indicators import prose_indicators
from perf_etl.extract.items import expenditure_items, find_item_statements
from perf_etl.extract.money_context import DocContext
from perf_etl.extract.scores import score_components
from perf_etl.models import ExpenditureItem, Indicator, ScoreComponent, StagedDocument


def extract_finance_hits(doc: StagedDocument) -> list[Hit]:
    """At most one Hit per field of FINANCE_FIELDS, in that order; money in 万元, rates in percent."""
    ctx = DocContext(doc)
    return finance_hits(ctx, find_item_statements(ctx))


def extract_prose_indicators(doc: StagedDocument) -> list[Indicator]:
    """Targets paired with results from the prose of `doc`."""
    return prose_indicators(DocContext(doc))


def extract_score_components(doc: StagedDocument) -> list[ScoreComponent]:
    """Sub-scores with their maximum, from prose and from flattened table rows; one per component."""
    return score_components(DocContext(doc))


def extract_expenditure_items(doc: StagedDocument) -> list[ExpenditureItem]:
    """Named project funds of `doc` with their budget, actual spending (万元) and execution rate."""
    return expenditure_items(doc.document_id, find_item_statements(DocContext(doc)))
