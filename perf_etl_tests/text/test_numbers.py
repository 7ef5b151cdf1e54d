"""Number parsing: units to 万元, OCR repairs that keep offsets, Chinese numerals, the compact view."""

from __future__ import annotations

import pytest

from perf_etl.extract.money_context import DocContext, compact_view
from perf_etl.models import StagedDocument
from perf_etl.text.numbers import declared_unit_before, parse_number, scan_text, to_wan


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("15768.60", 15768.60),
        ("36,628.61", 36628.61),
        ("１２３．５", 123.5),
        ("八十九", 89.0),
        ("九十三点五", 93.5),
        ("良好", None),
        ("", None),
    ],
)
def test_parse_number(raw: str, expected: float | None) -> None:
    assert parse_number(raw) == expected


@pytest.mark.parametrize(
    ("value", "unit", "wan"),
    [(1234500.0, "元", 123.45), (1.2, "亿元", 12000.0), (80.0, "万元", 80.0), (5000.0, "千元", 500.0)],
)
def test_to_wan_converts_every_unit(value: float, unit: str, wan: float) -> None:
    assert to_wan(value, unit) == pytest.approx(wan)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("预算1O5.3O万元", "预算105.30万元"),  # letter O between digits
        ("支出2l55.61万元", "支出2155.61万元"),  # letter l between digits
        ("执行数80万兀", "执行数80万元"),  # 兀 misread for 元
        ("执行率９９．７１％", "执行率99.71%"),  # full-width digits and signs
        ("Office 2O23", "Office 2023"),
        ("ONE lOL", "ONE lOL"),  # letters away from digits are left alone
        ("完成50。2021年", "完成50。2021年"),  # a sentence may end in a number
        ("完成1,58O亩", "完成1,580亩"),  # letter O before a count unit
    ],
)
def test_scan_text_repairs_only_unambiguous_confusions(text: str, expected: str) -> None:
    repaired = scan_text(text)
    assert repaired == expected
    assert len(repaired) == len(text)


def test_declared_unit_applies_to_later_bare_numbers() -> None:
    text = "部门整体支出绩效自评表（金额单位：元）\n全年预算数 2155610"
    assert declared_unit_before(text, len(text)) == "元"
    assert declared_unit_before("全年预算数 2155.61", 10) is None


def test_compact_view_joins_wrapped_lines_and_keeps_paragraphs() -> None:
    text = (
        "（三）部门整体收支情况\n本单位本年度资金收支情况如下：全年预算\n\n数 36,628.61 万元。\n"
        "产出指标 40 38.5\n效益指标 30 28"
    )
    view, offsets = compact_view(text)
    assert "如下：全年预算数36,628.61万元。\n" in view
    assert view.startswith("（三）部门整体收支情况\n")  # a heading stays on its own line
    assert "产出指标40 38.5\n效益指标30 28" in view  # table cells keep their separating space
    # Every character maps to itself; a kept space or line break to whitespace of the run it stands for.
    assert all(text[o] == c or (c.isspace() and text[o].isspace()) for o, c in zip(offsets, view, strict=True))


def test_hit_raw_text_is_the_staging_text_as_written() -> None:
    text = "全年预算数 36,628.61\n万元"
    ctx = DocContext(StagedDocument("d", 2023, text, [0]))
    start = ctx.text.index("全年")
    hit = ctx.hit("budget_wan", 36628.61, start, len(ctx.text), "budget:全年预算数")
    assert hit.raw_text == text
    assert text[hit.char_start : hit.char_end] == hit.raw_text
