"""Web-page and document-site chrome: what normalization removes, and what it keeps as evidence."""

from __future__ import annotations

import pytest

from perf_etl.models import PageText
from perf_etl.normalize import normalize_document
from perf_etl.text.chrome import is_chrome_line, publication_date, strip_chrome
from perf_etl.text.repairs import drop_pinyin_glosses, repair_line


def _staged(text: str) -> str:
    return normalize_document("doc", None, [PageText(1, text)]).text


@pytest.mark.parametrize(
    "line",
    [
        "您现在的位置: 首页 > 工作动态 > 通知公告 > 部门整体支出及项目支出绩效评价报告",
        "【字体: 】 【发布时间:2022-04-15 14:54】 【作者:县政协办】【阅读:",
        "- 索引号: zsjfzzx/2025-00002",
        "索引号 01526405-X/20240327-00014 发布机构 昌宁县教育体育局",  # fields with spaces only
        "[ 索引号 ] 115002300086862035/2023-00204 [ 发文字号 ]",
        "主题词 文化",
        "發(fā)布機(jī)構(gòu): 宣城市農業農村局 發文日期: 2024-04-15",  # traditional, glossed
        "《耒阳市第四中学专项资金绩效自评价报告.docx》由会员分享,可在线阅读,更多相关《耒阳市第四中学…》请在优知文库上搜索。",
        "ヽ|.Candy°,116 页 605.868 KB 访问 5422.97下载文档",
        ">政府信息公开>法定主动公开内容>预算决算>市级各群团组织、民主党派预算",
        "| 无障碍浏览 | 打开适老化模式",
    ],
)
def test_site_chrome_lines_are_chrome(line: str) -> None:
    assert is_chrome_line(drop_pinyin_glosses(line))


@pytest.mark.parametrize(
    "line",
    [
        "资金来源：财政拨款",  # a field of the report, not of the page
        "时间紧、任务重，我局按时完成了各项工作。",
        "来源于上级补助收入120万元。",
        "二、部门整体支出绩效目标",
        "红河州数据发展中心2024年度项目支出绩效单位自评报告",
    ],
)
def test_report_lines_are_not_chrome(line: str) -> None:
    assert not is_chrome_line(line)


def test_chrome_goes_and_the_title_stands_alone() -> None:
    text = (
        "预算绩效管理\n- 索引号: zsjfzzx/2025-00002\n- 发布机构: 红河州数据发展中心\n- 文号:\n"
        "- 发布日期: 2025-04-29\n- 时效性: 有效\n红河州数据发展中心2024年度项目支出绩效单位自评报告\n一、基本情况\n"
    )
    paragraphs = _staged(text).split("\n")
    # The publisher and the date stay as fields of their own, "label：value"; the title is not glued to them.
    assert "发布机构：红河州数据发展中心" in paragraphs
    assert "发布日期：2025-04-29" in paragraphs
    assert "红河州数据发展中心2024年度项目支出绩效单位自评报告" in paragraphs
    assert "索引号" not in _staged(text) and "时效性" not in _staged(text)


def test_labels_spaced_out_to_line_up_are_labels() -> None:
    text = (
        "本站已启用无障碍浏览系统,欢迎点击访问!\n"
        "索 引 号 640106-106/2018-28365 文  号 银金财发〔2018〕55号 生成日期 2018-06-12\n"
        "发布机构 金凤区财政局 责任部门 金凤区财政局 关 键 字 水利发展资金绩效\n"
        "公开方式 主动公开 公开时限 长期公开 是否有效 有效\n"
        "金凤区2017年度中央财政水利发展资金绩效自评报告\n"
        "保护视力色:              字体颜色: 【       绿 】        恢复默认\n"
        "一、基本情况\n"
    )
    assert _staged(text).split("\n") == [
        "发布机构：金凤区财政局",
        "金凤区2017年度中央财政水利发展资金绩效自评报告",
        "一、基本情况",
    ]


def test_a_bare_label_takes_its_value_from_the_next_line() -> None:
    lines = ["登录 | 注册", "  • 索引号", "    000014348/2020-02318", "  • 发布机构", "    泸西县财政局", "  • 文号",
             "  • 发布日期", "    2019-10-28", "", "泸西县妇女联合会2018年妇女儿童维权专项资金项目绩效评价报告"]
    cleaned, fields = strip_chrome(lines)
    kept = [line for line in cleaned if line]
    assert kept == ["发布机构：泸西县财政局", "发布日期：2019-10-28", lines[-1]]
    assert {cleaned.index("发布机构：泸西县财政局"), cleaned.index("发布日期：2019-10-28")} == fields


def test_a_title_repeated_by_the_site_is_left_once() -> None:
    title = "附件2:合肥市瑶海区农林水务局2022年度项目支出部门评价报告和绩效自评表(共15个).pdf"
    cleaned, _ = strip_chrome([title * 3, title, "一、项目基本情况"])
    assert cleaned == [title, "", "一、项目基本情况"]


def test_a_shared_file_name_is_kept_as_the_title() -> None:
    line = (
        "《部门整体绩效自评表.docx》由会员分享，可在线阅读，"
        "更多相关《部门整体绩效自评表.docx(4页珍藏版)》请在优知文库上搜索。"
    )
    assert strip_chrome([line])[0] == ["部门整体绩效自评表"]


def test_a_metadata_table_keeps_the_page_content_it_carries() -> None:
    line = (
        "信息名称 | 2023年绩效目标自评表 | 内容概述 | "
        "宣城市转移支付区域(项目)绩效目标自评表(2023年度)年度资金总额:148"
    )
    assert strip_chrome([line])[0] == ["宣城市转移支付区域(项目)绩效目标自评表(2023年度)年度资金总额:148"]


def test_pinyin_glosses_are_dropped_and_the_characters_kept() -> None:
    assert repair_line("2020年度項(xiàng)目支出績(jī)效自評(píng)表") == "2020年度項目支出績效自評表"
    # Markers in brackets are not glosses.
    assert repair_line("全年执行数(B) 执行率(B/A)") == "全年执行数(B)执行率(B/A)"


def test_publication_date_is_read_from_the_metadata() -> None:
    found = publication_date("发布时间:2023-12-05 15:04\n项目支出绩效自评表")
    assert found is not None and found[0].isoformat() == "2023-12-05"
    assert publication_date("2023年12月5日，我局召开会议。") is None
