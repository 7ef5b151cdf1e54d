"""Which pages may hold a 自评表, from their text.

Table finding costs more than reading a page's text, so only pages whose text carries the table's header
words are searched, and the page after each (a table continued over a page break need not repeat its
header).
"""

from __future__ import annotations

from collections.abc import Sequence

# Words of a 自评表 header. Prose rarely uses two of them on one page; a table header always has them.
HEADER_WORDS = ("年度指标值", "实际完成值", "一级指标", "二级指标", "三级指标", "全年执行数", "年初预算数",
                "全年预算数", "调整后预算数", "偏差原因", "指标值", "实际值", "目标值")
MIN_HEADER_WORDS = 2


def is_table_page(text: str) -> bool:
    # Letter-spaced pages come out as "年 度 指 标 值": compare without whitespace.
    compact = "".join(text.split())
    return sum(word in compact for word in HEADER_WORDS) >= MIN_HEADER_WORDS


def is_candidate(texts: Sequence[str], index: int) -> bool:
    """Whether page `index` (0-based) of a document whose page texts are `texts` is searched for tables:
    it has table header words, or the page before it has."""
    return is_table_page(texts[index]) or (index > 0 and is_table_page(texts[index - 1]))


def candidate_pages(texts: Sequence[str]) -> list[int]:
    """The 0-based indexes of the pages searched for tables, in order."""
    return [index for index in range(len(texts)) if is_candidate(texts, index)]
