"""OCR number/unit confusions: repaired where only one reading exists, left alone everywhere else."""

from __future__ import annotations

import pytest

from perf_etl.text.ocr_repairs import repair_ocr_text

REPAIRED = [
    ("年初预算数15768.60万兀", "年初预算数15768.60万元"),
    ("实际支出14871.77 万兀。", "实际支出14871.77 万元。"),
    ("经费300兀", "经费300元"),
    ("总额2.5亿兀", "总额2.5亿元"),
    ("支出15.6万无，", "支出15.6万元，"),
    ("支出15.6 万无", "支出15.6 万元"),
    ("完成1O5.3%", "完成105.3%"),
    ("执行率为98.5O%", "执行率为98.50%"),
    ("得分2l.5分", "得分21.5分"),
    ("共计1l5项", "共计115项"),
    ("3.l4", "3.14"),
    ("2O23年度", "2023年度"),
    ("2〇23年", "2023年"),
    ("l0项", "10项"),
    ("O.5个百分点", "0.5个百分点"),
    ("5O万元", "50万元"),
    ("金额为1O,5O万元", "金额为10.50万元"),
    ("15768,60万元", "15768.60万元"),
    ("执行率92·38%", "执行率92.38%"),
    ("新峻工33宗", "新竣工33宗"),
    ("联网直报企业l,215家", "联网直报企业1,215家"),
    ("招商面积2.12万m² ,完成", "招商面积2.12万㎡ ,完成"),
    ("面积2万㎡²】", "面积2万㎡】"),
    ("用房120 m2，", "用房120㎡，"),
]

UNCHANGED = [
    "万无一失",  # 无 after 万 with no number is a word
    "ISO9001质量认证",  # a code: O and I touch letters
    "PM2.5浓度",
    "Olympic",
    "分别为95，98%",  # a list, not a decimal comma
    "增加100。60万元用于",  # a sentence ends in a number
    "36,628.61万元",  # a thousands separator (three digits follow)
    "25,100",
    "100|98.5",  # a table rule between two cells
    "二〇二三年",  # Chinese zero between Chinese numerals
    "OCR识别",
    "第Ⅰ类",
    "5ml",
    "元旦",
    "险峻",
    "各项自评工作",  # 项自 is not repaired to 项目: it can be meant
    "型号m2",  # not after a number
    "1m23",
]


@pytest.mark.parametrize(("raw", "expected"), REPAIRED)
def test_repairs(raw: str, expected: str) -> None:
    assert repair_ocr_text(raw) == expected


@pytest.mark.parametrize("text", UNCHANGED)
def test_leaves_words_alone(text: str) -> None:
    assert repair_ocr_text(text) == text


def test_is_idempotent() -> None:
    text = "\n".join(raw for raw, _ in REPAIRED) + "\n" + "\n".join(UNCHANGED)
    once = repair_ocr_text(text)
    assert repair_ocr_text(once) == once


def test_keeps_length_except_for_square_metres() -> None:
    for raw, _ in REPAIRED:
        if "m" not in raw and "㎡" not in raw:
            assert len(repair_ocr_text(raw)) == len(raw), raw
