"""Which texts are self-evaluation reports, and which text layers are garbage."""

from __future__ import annotations

import unicodedata

import pytest

from perf_etl.ingest import classify
from perf_etl.ingest.classify import garbage_text_reason
from perf_etl.ingest.genre import is_self_evaluation_report
from perf_etl.models import PageText

from .factory import BUDGET_DISCLOSURE, NOTICE, SAMPLE_NAMES, sample_text

FILLER = "本部门认真履行职责，加强预算管理，提高资金使用效益，按时完成各项工作任务。" * 4


@pytest.mark.parametrize("name", SAMPLE_NAMES)
def test_the_samples_are_reports(name: str) -> None:
    assert is_self_evaluation_report(sample_text(name))


@pytest.mark.parametrize(
    "text",
    [
        "2023年度项目支出绩效自评表\n项目名称：招商引资专项经费\n" + FILLER,
        "某区商务局2023年度部门整体支出绩效自评情况报告\n" + FILLER,
        "2023年度部门整体支出绩效自评\n" + FILLER,
        "附件2\n项目支出绩效自评报告\n" + FILLER,
        # Heading lost (the text starts in the body), but it reads like one.
        "一、基本情况\n" + FILLER + "二、绩效自评结论\n自评得分95分。三、存在的主要问题\n四、改进措施\n",
    ],
    ids=["project-table", "situation-report", "heading-without-report", "annex-marker", "no-heading"],
)
def test_self_evaluation_variants_are_reports(text: str) -> None:
    assert is_self_evaluation_report(text)


@pytest.mark.parametrize(
    "text",
    [
        BUDGET_DISCLOSURE,
        NOTICE,
        "关于印发《部门整体支出绩效自评工作指引》的通知\n" + FILLER,
        "2023年第三季度经济运行分析\n" + FILLER,
        "",
    ],
    ids=["budget-disclosure", "notice", "guideline-notice", "unrelated", "empty"],
)
def test_other_documents_are_not_reports(text: str) -> None:
    assert not is_self_evaluation_report(text)


def pages(*texts: str) -> list[PageText]:
    return [PageText(number, text) for number, text in enumerate(texts, start=1)]


def test_a_real_text_layer_is_fine() -> None:
    assert garbage_text_reason(pages(sample_text("004_3cc4b0b52db76508"), "- 2 -")) is None


def test_no_text_at_all() -> None:
    reason = garbage_text_reason(pages("", "  \n "))
    assert reason is not None and "no text on any of 2 page(s)" in reason


def test_cid_runs() -> None:
    text = "部门整体支出" + "(cid:1158)(cid:2762)(cid:4508)" * 100
    reason = garbage_text_reason(pages(text))
    assert reason is not None and "(cid:N)" in reason


def test_a_few_cid_codes_among_real_text_are_tolerated() -> None:
    text = sample_text("004_3cc4b0b52db76508") + "(cid:12)(cid:13)"
    assert garbage_text_reason(pages(text)) is None


def test_control_and_private_use_characters() -> None:
    text = FILLER * 2 + "\x01\x02\x03\ue000\ue001\ufffd" * 30
    reason = garbage_text_reason(pages(text))
    assert reason is not None and "control, private-use or replacement" in reason


def test_mostly_latin_letters() -> None:
    # Mojibake or a Latin-only font map: enough CJK in total, but not most of the letters.
    text = FILLER + "Ã¤Â¸Â­Ã¦â€“â€¡ budget report execution rate " * 40
    reason = garbage_text_reason(pages(text))
    assert reason is not None and "of the letters are Chinese" in reason


def test_too_little_chinese() -> None:
    reason = garbage_text_reason(pages("部门整体支出绩效自评报告 page 1"))
    assert reason is not None and "only 12 Chinese characters" in reason


def test_the_character_classes_match_their_unicode_definitions() -> None:
    # The counts use regexes for speed; they must mean what the Unicode categories say, for every code point.
    allowed = "\t\n\r\f\v"
    for code in range(0x110000):
        char = chr(code)
        broken = char == "\ufffd" or (unicodedata.category(char) in ("Cc", "Co", "Cs") and char not in allowed)
        assert bool(classify._BROKEN_CHAR.match(char)) is broken, hex(code)
        assert bool(classify._BROKEN_VISIBLE_CHAR.match(char)) is (broken and not char.isspace()), hex(code)
        assert bool(classify._CJK_RUN.match(char)) is classify.is_cjk(char), hex(code)
        if classify._LETTER_IDEOGRAPH_RUN.match(char):
            assert char.isalpha() and classify.is_cjk(char), hex(code)
