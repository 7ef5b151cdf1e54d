"""department_name where the genre states it, in the flattenings the real texts show; traditional names
kept as written with a simplified key. Snippets written for these tests."""

from __future__ import annotations

import pytest

from perf_etl.extract import extract_document
from perf_etl.models import PageText
from perf_etl.normalize import normalize_document


def _report(text: str) -> dict[str, object]:
    staged = normalize_document("doc", 2023, [PageText(1, text)])
    return extract_document(staged).report


def _name(text: str) -> object:
    return _report(text)["department_name"]


@pytest.mark.parametrize(
    ("text", "unit"),
    [
        # A project table's 实施单位, whatever the flattening, before its 主管部门.
        ("项目支出绩效自评表（2023年度）\n项目名称 |\n工资性支出 |\n主管部门 |\n青神县发展和改革局本级 |\n实施单位 "
            "(盖章) |\n"
         "青神县发展和改革局 |\n", "青神县发展和改革局"),
        ("绩效目标自评表(2022年度)项目名称水标尺制作安装项目主管部门中江县水利局实施单位中江县水利局资金情况(万元)全年预算数",
         "中江县水利局"),
        ("项目支出绩效自评表\n项目名称 水旱灾害防御经费\n主管部门 实施单位 天长市水利局\n"
            "项目资金（万元）\n", "天长市水利局"),
        # Unit codes of budget systems before the name.
        ("项目支出绩效自评表\n主管部门 219-池州市贵池区棠溪镇人民政府 实施单位 219001-池州市贵池区棠溪镇人民政府 "
            "项目资金",
         "池州市贵池区棠溪镇人民政府"),
        ("绩效目标自评表|项目名称|临时救助|主管部门|[155]濉溪县民政局|资金情况(万元)|", "濉溪县民政局"),
        # A seal note before the colon.
        ("项目支出绩效自评报告\n评价年度：2022\n预算部门单位（公章）：遂溪县水务局\n"
            "填报日期：2023年4月25日\n", "遂溪县水务局"),
        # The title's unit, after its year; a sharing site's file name before the real title.
        ("2021年茂名市发展和改革局部门整体支出绩效自评报告.pdf\n根据通知要求，我单位及时布置自评任务。"
            "\n", "茂名市发展和改革局"),
        ("天长市水利局水旱灾害防御股项目支出绩效自评\n项目支出绩效自评表\n", "天长市水利局"),
        # A site's word run into the title before the unit and its project.
        ("要闻\n临沧市广播电视台新闻节目制作经费项目绩效自评报告\n一、项目基本情况\n", "临沧市广播电视台"),
        ("中国共产主义青年团2021年度部门整体支出绩效评价报告.docx中国共产主义青年团邵阳市北塔区委员会2021年度部门整体支出绩效评价报告"
         "一、部门概况", "中国共产主义青年团邵阳市北塔区委员会"),
        # The unit under its seal; introduced as such; a regional subject of a body clause.
        ("2019年度部门整体支出绩效自评报告衡山县妇幼保健计划生育服务中心（盖章）为进一步规范财政资金管理，现将情况报告如下。",
         "衡山县妇幼保健计划生育服务中心"),
        ("项目支出绩效自评报告\n一、基本情况\n2024年，红河州数据发展中心（以下简称“州数据发展中心”）实施项目共15个。\n",
         "红河州数据发展中心"),
        ("部门整体支出绩效自评报告\n一、基本情况\n（一）单位基本概况\n衡山县供销合作社联合社成立于1951年6月，系县政府直属单位。\n",
         "衡山县供销合作社联合社"),
    ],
)
def test_the_unit_where_the_genre_states_it(text: str, unit: str) -> None:
    assert _name(text) == unit


@pytest.mark.parametrize(
    "text",
    [
        # Site chrome is never a department: the page's publisher is used only when nothing else names one.
        "- 发布日期: 2025-04-29\n- 时效性: 有效\n2024年度项目支出绩效单位自评报告\n一、基本情况\n资金执行率100%。\n",
        # A ministry above the project, a cited notice's issuer, a title's project words.
        "转移支付绩效自评表\n中央主管部门|国家卫生健康委|地方主管部门|\n一、绩效目标分解下达情况\n",
        "根据《四川省财政厅关于开展2020年度绩效自评工作的通知》要求，现将情况报告如下。\n一、基本情况\n",
        "健全现代医院管理制度项目绩效自评报告\n一、基本情况\n项目资金已全部到位。\n",
    ],
)
def test_no_unit_is_made_up(text: str) -> None:
    assert _name(text) is None


def test_the_publisher_stands_in_last() -> None:
    text = "发布机构:红河州数据发展中心\n2024年度项目支出绩效单位自评报告\n一、基本情况\n"
    assert _name(text) == "红河州数据发展中心"
    titled = "发布机构:昌宁县教育体育局\n昌宁县第一示范小学2023年度项目支出绩效自评报告\n"
    assert _name(titled) == "昌宁县第一示范小学"


def test_a_traditional_name_is_kept_as_written_and_keyed_in_simplified() -> None:
    text = (
        "| 2020年度項(xiàng)目支出績效自評表 |\n| 主管部門 | 麗江市自然資源和規劃局 | 實施單位 | "
        "麗江市古城區自然資源局 |\n"
    )
    report = _report(text)
    assert report["department_name"] == "麗江市古城區自然資源局"
    simplified = _report(text.replace("麗江市古城區自然資源局", "丽江市古城区自然资源局"))
    assert report["department_key"] == simplified["department_key"]
    assert "丽江" in str(report["department_key"])
