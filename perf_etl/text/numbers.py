"""Number parsing shared by the extractors: amounts with their unit, percentages, Chinese numerals.

The extractors match regular expressions on a *scan copy* of the staging text (`scan_text`) that has
exactly the same length as the original, so every match offset is also an offset in `doc.text` and the
evidence slice `doc.text[start:end]` shows the words as written (unit and OCR damage included). The scan
copy only repairs characters whose meaning is unambiguous from their neighbours.
"""

from __future__ import annotations

import re

# An Arabic number as it appears after normalization ("15768.60") or in raw OCR/flattened tables
# ("36,628.61": only ASCII commas followed by exactly three digits are thousands separators, so a
# list like "25，100" is never merged into one number).
NUMBER = r"(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"

# Chinese numerals as reports spell small counts and scores ("八十九分", "九十三点五").
CN_NUMBER = r"[零〇一二两三四五六七八九十百千]+(?:点[零〇一二三四五六七八九]+)?"

# Money units, longest first so "万元" is not read as "元".
# A bare "万"/"亿" ("预算100万，执行95万") is money only when no other word follows it (万人次, 万㎡).
MONEY_UNIT = r"亿元|万元|千元|元|万(?![\u4e00-\u9fa5A-Za-z㎡²])|亿(?![\u4e00-\u9fa5A-Za-z㎡²])"

# How many 万元 one unit is worth: the warehouse stores every amount in 万元.
WAN_PER_UNIT: dict[str, float] = {"亿元": 10000.0, "亿": 10000.0, "万元": 1.0, "万": 1.0, "千元": 0.1, "元": 0.0001}

# A unit declared for a whole table or paragraph: "（万元）", "单位：元", "金额单位:万元".
DECLARED_UNIT_RE = re.compile(r"(?:[（(]\s*(亿元|万元|元)\s*[)）]|单位\s*[：:]\s*(亿元|万元|元))")

_FULL_WIDTH = str.maketrans("０１２３４５６７８９％．", "0123456789%.")
_FULL_WIDTH_CHAR_RE = re.compile("[０-９％．]")

# OCR letter/digit confusions, repaired only between digits (or a digit and a decimal point) where no
# word could be meant: "1O5.3O" -> "105.30", "2l55" -> "2155".
# A count's unit after the letter makes it a digit too ("1,58O亩").
_COUNT_UNIT = r"亩|个|人|户|件|宗|家|项|次|场|处|所|座|台|套|条|吨|公里|平方米|㎡|分"
_OCR_ZERO_RE = re.compile(
    r"(?<=[\d.])[Oo〇](?=[\d.Oo]|\s*(?:万|亿|元|%))|(?<=\d)[Oo](?=\d)"
    r"|(?<=\d)[Oo](?=\s*(?:" + _COUNT_UNIT + "|年|月|日))"
    # The first digit of a thousands group: "l,O23.45万元".
    r"|(?<=,)[Oo〇](?=[\dOo]{2}(?:[.,]|\s*(?:万|亿|元)))"
)
# Letter l/I for 1: between digits, before a thousands group ("l,286.40"), at the start of a number
# that runs on to a money unit or % ("l85.OO万元"), or right before a count/date unit ("2l条", "3l日").
_DIGITISH = r"[\dOo〇]"
_OCR_ONE_RE = re.compile(
    r"(?<=\d)[lI|](?=[\d.]|,\d{3})|(?<=\.)[lI|](?=\d)"
    r"|(?<![A-Za-z\d.])[lI](?=(?:,\d{3}|" + _DIGITISH + r")[\d,.Oo〇]*\s*(?:万|亿|元|%))"
    r"|(?<=\d)[lI](?=\s*(?:" + _COUNT_UNIT + r"|年|月|日))"
)
_MAX_OCR_PASSES = 4
# A text with this many "|" uses it to separate table cells (a flattened 自评表): there "62|387" is two cells,
# not an OCR'd 1.
PIPE_TABLE_MIN = 6
_OCR_ONE_NO_PIPE_RE = re.compile(_OCR_ONE_RE.pattern.replace("[lI|]", "[lI]"))
# The letters the two repairs above turn into digits: a text without any needs neither.
_OCR_LETTER_RE = re.compile("[Oo〇lI|]")
# "兀" is a frequent OCR misreading of "元"; after 万/亿 or a digit it cannot be anything else.
_OCR_YUAN_RE = re.compile(r"(?<=[万亿\d])兀")
# A full-width decimal point or a middle dot between digits is a decimal point ("。" is not: a
# sentence may end in a number and the next begin with one).
_OCR_POINT_RE = re.compile(r"(?<=\d)[·．](?=\d)")


def scan_text(text: str) -> str:
    """A same-length copy of `text` with full-width digits and unambiguous OCR confusions repaired."""
    # Each repair runs only when the text holds a character it replaces: most texts hold none, and
    # translating or scanning a whole text costs more than looking for a few characters.
    out = text.translate(_FULL_WIDTH) if _FULL_WIDTH_CHAR_RE.search(text) else text
    if "·" in out or "．" in out:
        out = _OCR_POINT_RE.sub(".", out)
    # Each repair looks at its neighbours, which may be misread letters themselves ("42O.OO万元",
    # "l,O23.45"): repeat until nothing changes (each pass only turns letters into digits).
    one = _OCR_ONE_NO_PIPE_RE if out.count("|") >= PIPE_TABLE_MIN else _OCR_ONE_RE
    for _ in range(_MAX_OCR_PASSES):
        if not _OCR_LETTER_RE.search(out):
            break
        repaired = one.sub("1", _OCR_ZERO_RE.sub("0", out))
        if repaired == out:
            break
        out = repaired
    if "兀" in out:
        out = _OCR_YUAN_RE.sub("元", out)
    assert len(out) == len(text)  # offsets must stay valid for the evidence slice
    return out


def parse_number(raw: str) -> float | None:
    """An Arabic or Chinese-numeral number as float; None when `raw` is not a number."""
    cleaned = re.sub(r"[\s,]", "", raw.translate(_FULL_WIDTH))
    if not cleaned:
        return None
    try:
        return float(cleaned)
    except ValueError:
        return parse_cn_number(cleaned)


def cn2an_number(raw: str, mode: str) -> float | int:
    """cn2an's reading of a Chinese numeral in `mode` ("smart", "normal"); raises as cn2an does on other text.
    cn2an is imported on first use: it takes 0.2–0.6 s to import, and most reports write figures in digits."""
    import cn2an

    return cn2an.cn2an(raw, mode)


def parse_cn_number(raw: str) -> float | None:
    """Chinese numerals ("八十九", "九十三点五") as float via cn2an; None when not a numeral."""
    if not re.fullmatch(CN_NUMBER, raw):
        return None
    try:
        return float(cn2an_number(raw, "smart"))
    except (ValueError, KeyError, TypeError):
        return None


def to_wan(value: float, unit: str) -> float:
    """An amount in `unit` (元, 千元, 万元, 亿元) converted to 万元, rounded to the contract's 2 decimals."""
    return round(value * WAN_PER_UNIT[unit], 2)


def declared_unit_before(text: str, pos: int, window: int = 400) -> str | None:
    """The money unit declared by the nearest "（万元）" / "单位：元" header before `pos`, if any.

    Flattened 自评表 rows carry bare numbers whose unit is only in the column header.
    """
    start = max(0, pos - window)
    found = None
    for m in DECLARED_UNIT_RE.finditer(text, start, pos):
        found = m.group(1) or m.group(2)
    return found


def is_percentage(value: float) -> bool:
    """A rate the contract can store: 0–200 (over-execution up to double is seen, beyond is noise)."""
    return 0.0 <= value <= 200.0
