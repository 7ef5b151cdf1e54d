"""Repairs of OCR confusions in numbers and money units, where the neighbours leave one reading.

OCR of a scanned report confuses a few shapes that matter for the values read from it: 元 with 兀 or 无,
the digit 0 with the letter O, 1 with l or I, and a decimal point with a comma or a middle dot (and a few
words, see _WORD_MISREADS). Each repair fires only where no word could be meant: between digits, after
a number, before a unit.
Everything else (a Latin word, a list "25，100", a Chinese 〇 in 二〇二三) is left as it is.

Every repair but one swaps one character for one character; the exception is "m²" -> "㎡", which shortens
the text, so the function belongs before normalization (page text in, page text out), where offsets are
not yet taken. Full-width digits and ％ are folded by normalization (text.py), so they are not handled here.
"""

from __future__ import annotations

import re

# A unit that follows an amount or a rate. A bare 万/亿 counts only before 元 or a misread of it.
_UNIT_AHEAD = r"\s?(?:万元|亿元|元|万[兀无]|亿[兀无]|%|％)"

# 万兀, 亿兀: 兀 after 万/亿 is always a misread 元; after a digit too ("300兀").
_YUAN_WU = re.compile(r"(?<=[万亿\d])兀")
# 万无: "无" after 万/亿 is a word in "万无一失", so only when a number precedes ("15.6万无" -> "15.6万元").
_YUAN_WU2 = re.compile(r"(?<=\d[万亿])无|(?<=\d\s[万亿])无")
# A run of digits, decimal points and the letters OCR reads for 0 and 1. Only runs that hold a real digit
# and touch no Latin letter are numbers: "1O5.3O", "2l.5", "l0" are, "ISO9001", "PM2.5", "Olympic" are not.
# "|" is not among them: between two numbers it is usually a table rule, and "100|98.5" is two values.
# A thousands comma (three digits follow) belongs to the run: "l,215家" is 1,215.
_RUN_CHAR = r"(?:[\dOolI〇.]|,(?=\d{3}(?!\d)))"
_DIGIT_RUN = re.compile(rf"(?<![A-Za-z]){_RUN_CHAR}*\d{_RUN_CHAR}*(?![A-Za-z])")
_LOOKALIKE_LETTERS = frozenset("OolI")
_LOOKALIKES = str.maketrans({"O": "0", "o": "0", "〇": "0", "l": "1", "I": "1"})
# A decimal point read as "," or "·" or "．": one or two digits after it and then a money unit or %.
# A thousands separator always has three digits after it, so "15768,60万元" can only be 15768.60.
# "，" and "。" are left alone: "分别为95，98%" is a list, "增加100。60万元" ends a sentence.
_DECIMAL_POINT = re.compile(rf"(?<=\d)[,·．](?=\d{{1,2}}{_UNIT_AHEAD})")
# Words the recogniser misreads that no report means as read. 竣 (竣工, completion of a building project:
# an indicator in most investment-promotion reports) came out as 峻 in most scans of the samples, and
# 峻工 is not a word. Only pairs where the misread is never a word belong here: 项自 (for 项目) is left,
# since 各项自评 is good Chinese.
_WORD_MISREADS = {"峻工": "竣工"}
_WORD_MISREAD = re.compile("|".join(map(re.escape, _WORD_MISREADS)))
# The one-glyph unit ㎡ comes out of OCR as two characters, "m²", or as "㎡²". After a number (or 万) they
# can only be square metres; written as ㎡, the unit the extractors know.
_SQUARE_METRE = re.compile(r"(?<=[\d万])\s?(?:m²|㎡²|m2(?!\d))")


def repair_ocr_text(text: str) -> str:
    """`text` with unambiguous OCR number/unit confusions repaired (only the ㎡ repair changes its length)."""
    out = _DIGIT_RUN.sub(_digits_only, text)
    # Digits first: "1O,5O万元" needs its 0s back before the comma can be seen as a decimal point.
    out = _DECIMAL_POINT.sub(".", out)
    out = _YUAN_WU.sub("元", out)
    out = _YUAN_WU2.sub("元", out)
    out = _WORD_MISREAD.sub(lambda m: _WORD_MISREADS[m.group(0)], out)
    return _SQUARE_METRE.sub("㎡", out)


def _digits_only(match: re.Match[str]) -> str:
    run = match.group(0)
    start, end = match.span()
    # The run may have been cut short by the lookarounds: a letter right next to it means it is part of a
    # word or a code ("ISO9001" gives "9001" after "O"), and then nothing in it is repaired.
    text = match.string
    if (start and text[start - 1] in _LOOKALIKE_LETTERS) or (end < len(text) and text[end] in _LOOKALIKE_LETTERS):
        return run
    return run.translate(_LOOKALIKES)
