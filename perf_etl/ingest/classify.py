"""Is a text layer usable at all, and the compact forms of a text that ingestion matches words in.

These run on the raw extracted text, before normalization, so they tolerate line breaks inside words by
looking at the text with whitespace removed. Whether a text is a self-evaluation report is genre.py's.
"""

from __future__ import annotations

import re

from perf_etl.models import PageText
from perf_etl.text.compact import squeeze
from perf_etl.text.repairs import drop_pinyin_glosses

# Garbage text layers. A real Chinese report is mostly CJK: fewer than half of its letters being CJK
# means mojibake, a Latin-only font map, or another language. Below this many CJK characters there is
# too little text to be a report (a scan with an OCR'd header, a cover page only).
_MIN_CJK_SHARE_OF_LETTERS = 0.5
_MIN_CJK_CHARS = 100
# (cid:123) runs come from fonts without a Unicode map; control, private-use and replacement characters
# from broken ones. A few are tolerable (a symbol font for bullets); more than this share of glyphs is not.
_MAX_BROKEN_GLYPH_SHARE = 0.05
# A page with fewer letters than this is judged by its broken glyphs only (a short table page, a page of
# figures): its share of Chinese letters says nothing.
_MIN_PAGE_LETTERS = 10
_CID = re.compile(r"\(cid:\d+\)")
# Broken characters: control (Cc, except the line and page breaks \t \n \v \f \r), surrogate (Cs),
# private-use (Co) and the replacement character. _BROKEN_VISIBLE_CHAR leaves out the Cc characters that
# are whitespace (\x1c-\x1f, \x85), for counts among visible characters.
_BROKEN_CHAR = re.compile(
    "[\x00-\x08\x0e-\x1f\x7f-\x9f\ud800-\udfff\ue000-\uf8ff\ufffd\U000f0000-\U000ffffd\U00100000-\U0010fffd]"
)
_BROKEN_VISIBLE_CHAR = re.compile(
    "[\x00-\x08\x0e-\x1b\x7f-\x84\x86-\x9f\ud800-\udfff\ue000-\uf8ff\ufffd\U000f0000-\U000ffffd"
    "\U00100000-\U0010fffd]"
)
# CJK unified ideographs: the basic block, extension A, compatibility ideographs (as is_cjk).
CJK_RANGES = "\u4e00-\u9fff\u3400-\u4dbf\uf900-\ufaff"
_CJK_RUN = re.compile(f"[{CJK_RANGES}]+")
# The ideographs that are letters in every Unicode version Python 3.10 on knows (the tests check each).
_LETTER_IDEOGRAPH_RUN = re.compile("[\u4e00-\u9ffc\u3400-\u4dbf\uf900-\ufa6d\ufa70-\ufad9]+")
# What compact text leaves out; `\s` matches exactly the characters str.isspace() accepts.
_SQUEEZED = re.compile(r"[\s*]+")
_WHITESPACE_RUN = re.compile(r"\s+")


def compact(text: str) -> str:
    """The text without whitespace and markdown `*`, so words broken over lines match."""
    return _SQUEEZED.sub("", text)


def compact_with_offsets(text: str) -> tuple[str, list[int]]:
    """`compact(text)`, and for each of its characters the offset in `text`."""
    return squeeze(text, ((run.start(), run.end(), "", 0) for run in _SQUEEZED.finditer(text)))


def compact_window(text: str, start: int, count: int) -> tuple[str, list[int]]:
    """The first `count` characters of `compact(text[start:])` and their offsets in `text`, compacting only as
    much of the text as they take (a window widened until it holds them): most callers want a few words."""
    width = 2 * count
    while True:
        end = min(len(text), start + width)
        kept, offsets = compact_with_offsets(text[start:end])
        if len(kept) >= count or end == len(text):
            return kept[:count], [start + offset for offset in offsets[:count]]
        width *= 4


def garbage_text_reason(pages: list[PageText]) -> str | None:
    """Why the text layer is unusable (a phrase for the rejection message), or None when it is fine."""
    text = "\n".join(page.text for page in pages)
    if not text.strip():
        return f"no text on any of {len(pages)} page(s), in the text layer or by OCR"
    # A traditional mirror's pinyin glosses (項(xiàng)目) are Latin letters beside the Chinese, not garbage.
    return _broken_glyph_reason(text) or _cjk_reason(drop_pinyin_glosses(text))


# Words of a language written in Latin letters (English minutes, a Pinyin page): runs of ASCII letters
# between spaces. A font mapped to Latin-1 codes gives runs of accented letters and symbols instead.
_ASCII_WORD = re.compile(r"\b[A-Za-z]{2,}\b")
_MIN_FOREIGN_WORDS = 50
_MIN_WORD_SHARE_OF_LETTERS = 0.8


def foreign_text_reason(pages: list[PageText]) -> str | None:
    """Why a readable text layer is not a Chinese report (a phrase for the rejection message): it is words
    in Latin letters with hardly any Chinese. None otherwise (including a garbled layer: see
    garbage_text_reason)."""
    text = "\n".join(page.text for page in pages)
    letters, cjk = _letters_and_cjk(text)
    if cjk >= _MIN_CJK_CHARS or not letters:
        return None
    words = _ASCII_WORD.findall(text)
    if len(words) < _MIN_FOREIGN_WORDS or _share_in_ascii_words(text, letters) < _MIN_WORD_SHARE_OF_LETTERS:
        return None
    return f"the text is {len(words)} words in Latin letters and {cjk} Chinese characters: not a Chinese report"


def needs_ocr(text: str) -> bool:
    """Whether a page's text layer is unusable, so the page should be read by OCR instead.

    Empty (a scan), mostly (cid:N) codes or control/private-use characters (fonts without ToUnicode), or
    letters that are mostly not Chinese (a font mapped to Latin-1 codes). A page with a few Chinese
    characters or only numbers is fine: page-level thresholds must not send short table pages to OCR.
    """
    visible = _visible_count(text)
    if not visible:
        return True
    if cid_share(text) > _MAX_BROKEN_GLYPH_SHARE:
        return True
    if len(_BROKEN_VISIBLE_CHAR.findall(text)) / visible > _MAX_BROKEN_GLYPH_SHARE:
        return True
    letters, cjk = _letters_and_cjk(text)
    if letters < _MIN_PAGE_LETTERS or cjk / letters >= _MIN_CJK_SHARE_OF_LETTERS:
        return False
    # Words in Latin letters are a real text layer (not a report, see foreign_text_reason), not a scan.
    return _share_in_ascii_words(text, letters) < _MIN_WORD_SHARE_OF_LETTERS


def _share_in_ascii_words(text: str, letters: int) -> float:
    return sum(map(len, _ASCII_WORD.findall(text))) / letters if letters else 0.0


def cid_share(text: str) -> float:
    """Share of the glyphs of `text` that are (cid:N) codes (each run counts as one glyph)."""
    cid_runs = len(_CID.findall(text))
    if not cid_runs:
        return 0.0
    return cid_runs / (cid_runs + _visible_count(_CID.sub("", text)))


# These run on every page of every file: counting with regexes and C-level map() instead of a Python loop
# per character made them ~10x faster; counting what a substitution leaves is faster still than summing a
# map or collecting every match.


def _visible_count(text: str) -> int:
    return len(_WHITESPACE_RUN.sub("", text))


def _letters_and_cjk(text: str) -> tuple[int, int]:
    """(characters in a Unicode letter category (L*) as str.isalpha defines them, cjk_count). The ideographs,
    most of a report and both, are counted by how much shorter the text is without them; the rest one by one."""
    rest = _LETTER_IDEOGRAPH_RUN.sub("", text)
    ideographs = len(text) - len(rest)
    return ideographs + sum(map(str.isalpha, rest)), ideographs + cjk_count(rest)


def _broken_glyph_reason(text: str) -> str | None:
    share = cid_share(text)
    if share > _MAX_BROKEN_GLYPH_SHARE:
        return f"{share:.0%} of the glyphs are (cid:N) codes: the fonts carry no Unicode map"
    rest = _CID.sub("", text)
    broken = len(_BROKEN_CHAR.findall(rest)) / max(1, _visible_count(rest))
    if broken > _MAX_BROKEN_GLYPH_SHARE:
        return (
            f"{broken:.0%} of the characters are control, private-use or replacement characters: "
            "the fonts carry no usable Unicode map"
        )
    return None


def _cjk_reason(text: str) -> str | None:
    letters, cjk = _letters_and_cjk(text)
    if cjk < _MIN_CJK_CHARS:
        return f"only {cjk} Chinese characters: too little text for a report"
    share = cjk / letters
    if share < _MIN_CJK_SHARE_OF_LETTERS:
        return f"only {share:.0%} of the letters are Chinese: the text layer is garbled or not Chinese"
    return None


def cjk_count(text: str) -> int:
    return len(text) - len(_CJK_RUN.sub("", text))


def is_cjk(char: str) -> bool:
    """A CJK unified ideograph (basic block, extension A, or compatibility ideographs)."""
    code = ord(char)
    return 0x4E00 <= code <= 0x9FFF or 0x3400 <= code <= 0x4DBF or 0xF900 <= code <= 0xFAFF
