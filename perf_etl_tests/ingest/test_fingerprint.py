"""The text fingerprint: what it keeps of a text, whatever the format wrote around it."""

from __future__ import annotations

import hashlib
import unicodedata

from perf_etl.ingest import fingerprint
from perf_etl.models import PageText


def test_characters_dropped_before_nfkc_hold_nothing_the_fingerprint_keeps() -> None:
    for code in range(0x110000):
        char = chr(code)
        if fingerprint._NFKC_INERT.match(char):
            assert not fingerprint._NOT_FINGERPRINTED.sub("", unicodedata.normalize("NFKC", char)), hex(code)


def test_dropping_them_first_keeps_what_nfkc_of_the_whole_text_keeps() -> None:
    # Combining marks after letters and digits, enclosed and squared forms, a compatibility ideograph.
    text = "ｅ\u0301A\u0301２\u0301①⑴㈠㍘\uf900，。（一）e\u0301\u3000½²\n第 2 页\n年度\u0301"
    kept = fingerprint._NOT_FINGERPRINTED.sub("", unicodedata.normalize("NFKC", fingerprint.without_page_numbers(text)))
    assert fingerprint.text_fingerprint([PageText(1, text)]) == hashlib.sha256(kept.encode("utf-8")).hexdigest()


def test_full_width_and_compatibility_forms_match_their_plain_forms() -> None:
    plain = [PageText(1, "2023年度部门整体支出绩效自评报告\n- 1 -\n收入合计1580.5万元，豈")]
    wide = [
        PageText(1, "２０２３年度部门整体支出绩效自评报告：\n第 1 页\n收入合计 1,580.5　万元\uf900"),
        PageText(2, "3 / 12"),
    ]
    assert fingerprint.text_fingerprint(wide) == fingerprint.text_fingerprint(plain)
