"""Traditional characters read as simplified, offset for offset.

Reports are reposted on traditional-character mirror sites (麗江市古城區 for 丽江市古城区, 項目支出績效自評表).
The rules are written in simplified characters, so they match a simplified copy of the text; the staging
text and the evidence keep the characters as written. OpenCC (BYVoid's converter, the reference for
Chinese script conversion) converts; the copy must keep every offset, so a conversion that changes the
length (a phrase mapped to a longer one) falls back to converting character by character.
"""

from __future__ import annotations

from functools import cache

import opencc


@cache
def _converter() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


@cache
def _simplified_char(char: str) -> str:
    converted = _converter().convert(char)
    return converted if len(converted) == 1 else char


def to_simplified(text: str) -> str:
    """`text` in simplified characters, with exactly the same length (offsets stay valid)."""
    if text.isascii():
        return text
    converted = _converter().convert(text)
    if len(converted) == len(text):
        return converted
    return "".join(map(_simplified_char, text))
