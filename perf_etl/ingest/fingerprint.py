"""A fingerprint of a report's words, to spot the same report saved in two formats (pdf and txt/docx).

Bytes differ between formats, and so do line breaks, spaces, punctuation width and page furniture. The
Chinese characters and digits in order do not, once page-number lines ("- 3 -", "第 3 页", "3 / 12")
that only a paginated format has are dropped. Nor does the body: what comes before the report's first
outline heading (一、) is where formats differ most (a web page's title line above the text, a PDF's cover),
so where the text has such a heading the fingerprint starts there.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

from perf_etl.ingest.classify import CJK_RANGES
from perf_etl.models import PageText

_PAGE_NUMBER_LINE = re.compile(
    r"^\s*(?:"
    r"[-—–－]\s*\d+\s*[-—–－]"  # - 3 -
    r"|第\s*\d+\s*页(?:\s*[,，/]?\s*共\s*\d+\s*页)?"  # 第 3 页, 第 3 页 共 12 页
    r"|共\s*\d+\s*页\s*[,，]?\s*第\s*\d+\s*页"  # 共 12 页 第 3 页
    r"|\d+\s*/\s*\d+"  # 3 / 12
    r")\s*$",
    re.MULTILINE,
)
_FIRST_HEADING = re.compile(r"^[ \t\u3000]*一[、．.]", re.MULTILINE)
_NOT_FINGERPRINTED = re.compile(f"[^{CJK_RANGES}0-9]+")
# Characters whose NFKC form holds no CJK ideograph or digit: ASCII but digits, whitespace, and the CJK and
# full-width punctuation of the reports (the ingest tests check every one). The fingerprint keeps the same
# characters whether they are dropped before NFKC or after: the kept characters are starters that NFKC never
# composes with a neighbour, so each comes from one character of the text alone. Dropping them first leaves
# NFKC little to do; normalizing the whole text was most of the fingerprint's cost.
_NFKC_INERT = re.compile(r"[\x00-/:-\x7f\s\u3001\u3002\u3008-\u3011\uff01-\uff0f\uff1a-\uff20\u2018-\u201d]+")


def without_page_numbers(text: str) -> str:
    """`text` with whole lines that are only a page number removed."""
    return _PAGE_NUMBER_LINE.sub("", text)


def text_fingerprint(pages: list[PageText]) -> str:
    """sha256 hex of the CJK ideographs and ASCII digits of the body, page-number lines dropped.

    Read in NFKC form, so full-width digits (２０２３) and compatibility ideographs match their plain forms.
    """
    text = "\n".join(page.text for page in pages)
    body = _FIRST_HEADING.search(text)
    text = _NFKC_INERT.sub("", without_page_numbers(text[body.start():] if body else text))
    kept = _NOT_FINGERPRINTED.sub("", unicodedata.normalize("NFKC", text))
    return hashlib.sha256(kept.encode("utf-8")).hexdigest()
