"""normalize_document on hand-written snippets (one damage pattern each) and on the sample reports."""

from __future__ import annotations

from pathlib import Path

import pytest

from perf_etl.models import PageText
from perf_etl.normalize import normalize_document
from perf_etl.text.page_numbers import is_page_number
from perf_etl.text.repairs import repair_line

SAMPLES = Path(__file__).resolve().parents[2] / "data" / "samples"


def _norm(*pages: str):
    return normalize_document("doc", 2023, [PageText(i, t) for i, t in enumerate(pages, start=1)])


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("本年年初预算数 15768.60 万元", "本年年初预算数15768.60万元"),
        ("全年预算数 36,628.61 万元", "全年预算数36628.61万元"),
        ("共计 1,234,567.8 元", "共计1234567.8元"),
        ("2024 年", "2024年"),
        ("支出进度１００％", "支出进度100%"),
        ("ＣＳＯ首席服务官", "CSO首席服务官"),
        ("（一）部门职能：负责，统筹；", "（一）部门职能：负责，统筹；"),  # Chinese punctuation kept
        ("**一是**强化理论学习", "一是强化理论学习"),
        ("预算数为 1 5768.60 万元", "预算数为15768.60万元"),
        ("项目 1,2,3 号", "项目1,2,3号"),  # not thousands groups: untouched
        ("Microsoft  Word 文档", "Microsoft Word文档"),
        ("增长１５．６％", "增长15.6%"),
    ],
)
def test_repair_line(raw: str, expected: str) -> None:
    assert repair_line(raw) == expected


@pytest.mark.parametrize("line", ["- 3 -", "—3—", "－ 12 －", "第 3 页", "第3页 共12页", "3/12", "共 9 页 第 2 页"])
def test_page_number_lines(line: str) -> None:
    assert is_page_number(repair_line(line))


@pytest.mark.parametrize("line", ["3月", "2.12万㎡", "一、基本情况", "-惠州智能制造"])
def test_not_page_number_lines(line: str) -> None:
    assert not is_page_number(repair_line(line))


def test_table_rows_keep_cells_and_lines() -> None:
    doc = _norm("二、综合评价分析\n一级指标\t分值\t得分\n履职效能 \t 50\t49.97\n管理效率\t50\t49.72\n合计\t100\t99.69")
    assert "一级指标\t分值\t得分\n履职效能\t50\t49.97\n管理效率\t50\t49.72\n合计\t100\t99.69" in doc.text


def test_blank_lines_inside_a_sentence_are_rejoined() -> None:
    doc = _norm("（一）自评结论\n\n本单位整体支出绩效自评较好，自评分数总计为\n\n93.69 分。\n")
    assert doc.text == "（一）自评结论\n本单位整体支出绩效自评较好，自评分数总计为93.69分。"


def test_number_split_from_unit_and_digits_across_lines() -> None:
    doc = _norm("（三）收支情况\n全年预算数 2,155.61\n万元，执行数 1\n5768.60 万元，进度为\n99.71%。")
    assert "全年预算数2155.61万元，执行数15768.60万元，进度为99.71%。" in doc.text


def test_sentence_rejoined_across_a_page_break_with_page_number_and_header() -> None:
    header = "某某局2023年部门整体支出绩效自评报告"
    page1 = f"{header}\n一、基本情况\n全年预算数 100 万元，实际\n- 1 -"
    page2 = f"{header}\n支出 90 万元。\n二、综合评价分析\n- 2 -"
    page3 = f"{header}\n自评得分 95 分。\n第 3 页"
    doc = _norm(page1, page2, page3)
    assert "全年预算数100万元，实际支出90万元。" in doc.text
    assert doc.text.count(header) == 1  # kept on page 1, where it is the title
    assert "- 1 -" not in doc.text and "第3页" not in doc.text
    assert doc.page_at(doc.text.index("支出90万元")) == 2
    assert doc.page_at(doc.text.index("实际")) == 1
    assert doc.page_at(doc.text.index("自评得分")) == 3


def test_sections_levels_and_run_in_headings() -> None:
    doc = _norm(
        "一、基本情况\n（一）部门职能。本局负责招商。\n1.主要职能\n区投资促进局负责全区招商引资，"
        "共引进资金1.5亿元。\n（1）项目情况\n① 完成签约\n二、存在的主要问题\n无。"
    )
    got = [(s.level, s.heading) for s in doc.sections]
    assert got == [
        (1, "一、基本情况"),
        (2, "（一）部门职能。"),
        (3, "1.主要职能"),
        (4, "（1）项目情况"),
        (4, "①完成签约"),
        (1, "二、存在的主要问题"),
    ]
    assert doc.sections[1].text == "本局负责招商。"
    assert doc.sections[-1].text == "无。"


def test_list_items_inside_a_paragraph_are_not_headings() -> None:
    doc = _norm("一、目标\n科学设定指标如下：1.\n引进产业项目 110 个。2.挖掘项目信息源 100 个。\n1.5亿元用于奖补。")
    assert [s.heading for s in doc.sections] == ["一、目标"]
    assert "科学设定指标如下：1.引进产业项目110个。2.挖掘项目信息源100个。" in doc.text


def test_long_numbered_sentence_is_a_list_item_not_a_heading() -> None:
    item = "1.贯彻落实党中央关于优化营商环境、“数字政府”改革建设、行政审批制度改革的方针政策和决策部署。"
    doc = _norm(f"一、职能\n{item}")
    assert [s.heading for s in doc.sections] == ["一、职能"]


def _sample(stem: str, fmt: str):
    from perf_etl.ingest.readers import read_document

    path = SAMPLES / f"{stem}.{fmt}"
    if not path.exists():
        pytest.skip(f"{path.name} not rendered yet")
    return normalize_document(stem, None, read_document(path).pages)


@pytest.mark.parametrize("fmt", ["txt", "pdf"])
@pytest.mark.parametrize(
    ("stem", "snippet"),
    [
        ("004_3cc4b0b52db76508", "全年预算数36628.61万元，执行数36628.61万元，支出进度100%"),
        ("000_c00e73963f41166b", "自评分数总计为93.69分"),
        ("000_c00e73963f41166b", "部门名称：惠州大亚湾经济技术开发区管理委员会营商环境和投资促进局（公章）"),
        ("002_fa04becc64be89b5", "绩效自评分值为99.69分。其中履职效能总分50分，自评得分49.97分"),
        ("003_9525dc9db79afe20", "区投资促进中心关于2022年部门整体支出绩效自评报告"),
        ("001_0b37341ce517e90b", "我局2020年整体支出绩效自评结果为89分，达到“良”等级。"),
    ],
)
def test_sample_snippets(stem: str, snippet: str, fmt: str) -> None:
    assert snippet in _sample(stem, fmt).text


@pytest.mark.parametrize("fmt", ["txt", "pdf"])
def test_sample_002_level_one_sections(fmt: str) -> None:
    doc = _sample("002_fa04becc64be89b5", fmt)
    level1 = [s.heading for s in doc.sections if s.level == 1]
    assert level1 == ["一、基本情况", "二、综合评价分析", "三、存在的主要问题", "四、下一步改进措施"]


def test_sample_pdf_page_mapping() -> None:
    doc = _sample("000_c00e73963f41166b", "pdf")
    assert len(doc.page_starts) == 9
    assert "- 1 -" not in doc.text
    assert doc.page_at(doc.text.index("16.完成区党工委")) == 3
    assert doc.page_at(doc.text.index("政务云平台和电子政务外网")) == 2  # first words of page 2
    assert doc.page_at(doc.text.index("自评分数总计为93.69分")) == 7


def test_table_cells_before_a_percentage_are_not_merged_into_it() -> None:
    # A flattened 自评表 row: 分值 then 执行率; only a short group after a word is a split number.
    assert repair_line("资金合计 500 480 20 96.00% 19.2") == "资金合计500 480 20 96.00% 19.2"
    assert repair_line("支出 1 5768.60万元") == "支出15768.60万元"


def test_page_breaks_marked_only_by_page_numbers_in_a_single_text() -> None:
    # A .txt export without form feeds: the printed page numbers still mark the pages, so the running
    # header repeated after each of them is furniture, and a sentence split by it is rejoined.
    header = "某某中心2022年度部门整体支出绩效自评报告"
    text = (
        f"{header}\n一、基本情况\n本中心全年预算数为600万元，全年实际支出为580万元，预算执\n\n- 1 -\n\n"
        f"{header}\n行率为96.67%。\n二、自评结论\n\n- 2 -\n\n{header}\n自评得分92分。\n- 3 -"
    )
    doc = _norm(text)
    assert "预算执行率为96.67%。" in doc.text
    assert doc.text.count(header) == 1


def test_a_table_row_wrapped_before_its_last_cell_keeps_the_cells_apart() -> None:
    doc = _norm(
        "单位：元\n项目 年初预算数 全年预算数 全年执行数 执行率\n"
        "年度资金总额 1,000,000.00 1,200,000.00\n1,150,000.00 95.83%"
    )
    assert "1000000.00 1200000.00 1150000.00 95.83%" in doc.text
