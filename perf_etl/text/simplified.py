"""Traditional characters read as simplified, offset for offset.

Reports are reposted on traditional-character mirror sites (麗江市古城區 for 丽江市古城区, 項目支出績效自評表).
The rules are written in simplified characters, so they match a simplified copy of the text; the staging
text and the evidence keep the characters as written. OpenCC (BYVoid's converter, the reference for
Chinese script conversion) supplies the mapping. The copy must keep every offset, so it is converted
character by character: OpenCC's table for each character that maps to one character, applied with
`str.translate` (every line of every report is judged in simplified characters, and a phrase-level
conversion per call was half the normalization time).
"""

from __future__ import annotations

import re
from functools import cache

import opencc

# The blocks where traditional characters are: CJK Unified Ideographs, Extension A, compatibility ideographs.
_CJK_BLOCKS = ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF))


@cache
def _table() -> dict[int, str]:
    """Code point -> its simplified character, for each character OpenCC's t2s maps to another single one."""
    chars = [chr(code) for low, high in _CJK_BLOCKS for code in range(low, high + 1)]
    # One character per line: no phrase spans a line break, so each is converted on its own.
    converted = opencc.OpenCC("t2s").convert("\n".join(chars)).split("\n")
    return {ord(c): s for c, s in zip(chars, converted, strict=True) if len(s) == 1 and s != c}


@cache
def _traditional() -> re.Pattern[str]:
    return re.compile("[" + "".join(map(chr, _table())) + "]")


def to_simplified(text: str) -> str:
    """`text` in simplified characters, with exactly the same length (offsets stay valid)."""
    # Most text has no traditional character: finding none is much faster than translating.
    if text.isascii() or _traditional().search(text) is None:
        return text
    return text.translate(_table())
