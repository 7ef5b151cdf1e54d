"""Character-level repairs of one line of extracted text.

PDF and Word exports of the reports damage text in a few recurring ways: full-width digits and letters,
stray spaces between CJK characters and numbers ("15768.60 万元", "2024 年"), thousands separators
("36,628.61"), markdown bold left by converters ("**一是**"). Each repair here is a small function over
a single line so that offsets stay local; joining lines is paragraphs.py's business.
"""

from __future__ import annotations

import re

# Full-width forms that NFKC would fold and that we want folded: digits, ASCII letters, percent and
# spaces. NFKC is NOT applied wholesale because it would also turn （，：；） into ASCII, and the
# contract keeps Chinese punctuation as written.
_WIDTH_MAP: dict[int, str] = {
    **{0xFF10 + i: str(i) for i in range(10)},
    **{0xFF21 + i: chr(0x41 + i) for i in range(26)},
    **{0xFF41 + i: chr(0x61 + i) for i in range(26)},
    0xFF05: "%",  # ％
    0x3000: " ",  # ideographic space
    0x00A0: " ",  # no-break space
    0x2002: " ",
    0x2003: " ",
    0x2009: " ",
    0x200B: "",  # zero-width space: invisible damage
    0xFEFF: "",  # BOM in the middle of a text
}
# Any character _WIDTH_MAP changes.
_FOLDED_CHAR = re.compile("[" + "".join(re.escape(chr(code)) for code in _WIDTH_MAP) + "]")

# Characters that count as "wide": CJK ideographs and the punctuation used with them (including the
# curly quotes and dashes of the general-punctuation block and full-width forms). A space next to one
# of these is layout damage, never meaning.
WIDE = (
    r"\u2010-\u206f\u2e80-\u2fff\u3000-\u303f\u3040-\u33ff\u3400-\u4dbf\u4e00-\u9fff"
    r"\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef"
)
_SPACE_NEXT_TO_WIDE = re.compile(rf"[ ]+(?=[{WIDE}])|(?<=[{WIDE}])[ ]+")
_MULTI_SPACE = re.compile(r"[ ]{2,}")
# Tabs separate table cells (the docx reader joins cells with tabs): kept, without spaces around them.
_SPACE_AROUND_TAB = re.compile(r"[ ]*\t[ ]*")
_MARKDOWN_BOLD = re.compile(r"\*\*|__")
# 36,628.61 -> 36628.61. Only groups of exactly three digits after the first comma, so lists such as
# "1,2,3" or "15,20" are left alone.
_THOUSANDS = re.compile(r"(?<![\d,.])\d{1,3}(?:,\d{3})+(?![\d,])")
# A full-width dot between digits is a decimal point (１５．６).
_WIDE_DECIMAL = re.compile(r"(?<=\d)．(?=\d)")
# "1 5768.60万元": a number split by a stray space. Only repaired when a money unit or % follows, the
# first part is a short digit group without its own decimals, and nothing numeric precedes it —
# otherwise "第 2 100万元" style lists would be merged. Nor when a number cell comes right before:
# in a flattened table row "91206.27 10 97.95%" the "10" is the 分值 cell, not the rate's first digits.
_SPLIT_NUMBER = re.compile(r"(?<![\d.,\-])(?<![\d%] )(\d{1,3}) (\d+(?:\.\d+)?)(?=\s*(?:万元|亿元|元|%))")
# Letter-spaced years on cover pages: "2 0 2 3 年" -> "2023年". Only four single digits before 年,
# so a table row of small numbers ("1 2 3 4") is left alone.
_SPACED_YEAR = re.compile(r"(?<![\d.])(\d) (\d) (\d) (\d)(?= ?年)")


# Traditional-character mirror sites gloss characters with their pinyin: "項(xiàng)目", "執(zhí)行數(shù)".
# A gloss is a lowercase syllable with a tone mark in brackets right after a CJK character.
_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ"
_PINYIN_GLOSS = re.compile(rf"(?<=[\u3400-\u9fff\uf900-\ufaff])[(（][a-zü]{{0,5}}[{_TONED}][a-zü]{{0,5}}[)）]")
_TONED_CHAR = re.compile(f"[{_TONED}]")


# Each repair below first looks for a character it needs: most lines need none of them, and a cheap look
# is much faster than a translation or a substitution over every line of every page.


def drop_pinyin_glosses(line: str) -> str:
    return _PINYIN_GLOSS.sub("", line) if _TONED_CHAR.search(line) else line


def fold_width(line: str) -> str:
    """Full-width digits/letters/％/spaces to ASCII; Chinese punctuation untouched."""
    if _FOLDED_CHAR.search(line):
        line = line.translate(_WIDTH_MAP)
    return _WIDE_DECIMAL.sub(".", line) if "．" in line else line


def strip_markdown(line: str) -> str:
    return _MARKDOWN_BOLD.sub("", line) if "**" in line or "__" in line else line


def remove_thousands_separators(line: str) -> str:
    return _THOUSANDS.sub(lambda m: m.group(0).replace(",", ""), line) if "," in line else line


def collapse_spaces(line: str) -> str:
    """Drop spaces next to CJK characters or punctuation; keep one space between Latin tokens."""
    if " " not in line and "\t" not in line:
        return line
    line = _SPACE_NEXT_TO_WIDE.sub("", line)
    line = _SPACE_AROUND_TAB.sub("\t", line)
    return _MULTI_SPACE.sub(" ", line).strip(" \t")


def repair_split_numbers(line: str) -> str:
    return _SPLIT_NUMBER.sub(r"\1\2", line) if " " in line else line


def repair_line(line: str) -> str:
    """All line-local repairs, in the order that makes each one see clean input."""
    line = strip_markdown(fold_width(drop_pinyin_glosses(line)))
    line = collapse_spaces(line)
    line = remove_thousands_separators(line)
    if " " in line:
        line = _SPACED_YEAR.sub(r"\1\2\3\4", line)
    # Spaces after a removed separator or unit ("36628.61 万元") are gone by now only if the
    # neighbour was wide; run once more for the digit-space-digit case.
    return repair_split_numbers(line)


def repair_text(text: str) -> str:
    """`repair_line` of every line: what ingestion judges a text by before it is normalized."""
    return "\n".join(map(repair_line, text.splitlines()))
