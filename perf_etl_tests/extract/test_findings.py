"""extract_findings on hand-written sections, one enumeration style per case."""

from __future__ import annotations

import pytest

from perf_etl.extract.findings import enumerate_items, extract_findings
from perf_etl.models import PageText
from perf_etl.normalize import normalize_document

HEAD = "某某局2023年部门整体支出绩效自评报告\n一、基本情况\n全年预算数100万元。\n"


def _findings(body: str) -> dict[str, list[str]]:
    doc = normalize_document("doc", 2023, [PageText(1, HEAD + body)])
    out: dict[str, list[str]] = {"problem": [], "improvement": []}
    for finding in extract_findings(doc):
        out[finding.kind].append(finding.text)
        assert finding.ordinal == len(out[finding.kind])
    return out


def test_separate_sections_with_inline_ordinals_and_numbered_paragraphs() -> None:
    got = _findings(
        "三、存在的主要问题\n预算执行过程中：一是部分资金无法科学列支。二是绩效目标设置不够细化。三是指标体系有待完善。\n"
        "四、下一步改进措施\n1.加强项目经费管理，做好绩效运行监控。\n2.进一步加强预算管理，规范财务管理行为。\n"
        "五、其他需说明的情况\n无。"
    )
    assert got["problem"] == ["部分资金无法科学列支。", "绩效目标设置不够细化。", "指标体系有待完善。"]
    assert got["improvement"] == ["加强项目经费管理，做好绩效运行监控。", "进一步加强预算管理，规范财务管理行为。"]


def test_combined_section_split_by_sub_headings() -> None:
    got = _findings(
        "（三）部门整体支出使用存在问题及改进意见。\n1.存在问题\n主要表现为：项目完成及时性不足；绩效目标管理仍需加强。\n"
        "2.改进意见\n实施改进措施如下：一是加强预算基础工作。二是加强绩效管理工作。\n三、其他自评情况\n无。"
    )
    assert got["problem"] == ["主要表现为：项目完成及时性不足；绩效目标管理仍需加强。"]
    assert got["improvement"] == ["加强预算基础工作。", "加强绩效管理工作。"]


def test_combined_section_split_by_inline_labels() -> None:
    got = _findings("四、存在问题和改进措施\n存在问题：资金支付进度偏慢。改进措施：加快支付进度。")
    assert got == {"problem": ["资金支付进度偏慢。"], "improvement": ["加快支付进度。"]}


def test_nothing_gives_no_rows() -> None:
    got = _findings("(三）部门整体支出绩效管理存在问题及改进意见\n无。\n三、其他自评情况\n无。")
    assert got == {"problem": [], "improvement": []}


@pytest.mark.parametrize(
    ("text", "items"),
    [
        ("（1）资金使用不够规范；\n（2）绩效监控不到位。", ["资金使用不够规范", "绩效监控不到位。"]),
        ("①预算编制不精准。②支出进度偏慢。", ["预算编制不精准。", "支出进度偏慢。"]),
        (
            "主要有：1.预算编制不精准；2.支出进度偏慢，共1.5亿元未支出。",
            ["预算编制不精准", "支出进度偏慢，共1.5亿元未支出。"],
        ),
        ("首先，加强学习。其次，完善制度。最后，强化考核。", ["加强学习。", "完善制度。", "强化考核。"]),
        ("采购力度还需加大。\n人员类经费出现少量结余。", ["采购力度还需加大。", "人员类经费出现少量结余。"]),
        ("暂无。", []),
    ],
)
def test_enumeration_styles(text: str, items: list[str]) -> None:
    assert enumerate_items(text) == items


def test_problem_rectification_section_is_not_a_finding() -> None:
    got = _findings("三、上年度问题整改情况\n已全部整改完毕。\n四、存在的问题\n支出进度偏慢。")
    assert got["problem"] == ["支出进度偏慢。"]


@pytest.mark.parametrize("text", ["存在问题：暂无。", "主要问题：无", "存在的主要问题：无。"])
def test_a_labelled_nothing_gives_no_rows(text: str) -> None:
    assert enumerate_items(text) == []


def test_circled_items_continued_inside_a_wrapped_paragraph() -> None:
    text = "①资金拨付偏慢；\n②台账不全，资料归档滞后；③绩效目标偏粗。"
    assert enumerate_items(text) == ["资金拨付偏慢", "台账不全，资料归档滞后", "绩效目标偏粗。"]
