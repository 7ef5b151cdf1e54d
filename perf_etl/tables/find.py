"""Which pages hold a 自评表, from the page texts ingestion already extracted (raw.pages).

Opening a PDF page for table finding costs far more than reading its text, so only pages whose text
carries the table's header words are opened, and the page after each (a table continued over a page
break need not repeat its header).
"""

from __future__ import annotations

from collections.abc import Iterable

from perf_etl.models import PageText

# Words of a 自评表 header. Prose rarely uses two of them on one page; a table header always has them.
HEADER_WORDS = ("年度指标值", "实际完成值", "一级指标", "二级指标", "三级指标", "全年执行数", "年初预算数",
                "全年预算数", "调整后预算数", "偏差原因", "指标值", "实际值", "目标值")
MIN_HEADER_WORDS = 2


def is_table_page(text: str) -> bool:
    # Letter-spaced pages come out as "年 度 指 标 值": compare without whitespace.
    compact = "".join(text.split())
    return sum(word in compact for word in HEADER_WORDS) >= MIN_HEADER_WORDS


def candidate_pages(pages: Iterable[PageText]) -> list[int]:
    """Pages with table header words, and the page after each; in order, within the document."""
    pages = list(pages)
    last = max((p.page_number for p in pages), default=0)
    found = {p.page_number for p in pages if is_table_page(p.text)}
    return sorted(n for n in found | {n + 1 for n in found} if n <= last)
