"""The gate: a real report is never turned away; a page that sits beside the reports is, with what it
looks like in the message. Snippets written for these tests in the genre's wordings."""

from __future__ import annotations

import pytest

from perf_etl.ingest.genre import is_self_evaluation_report, not_a_report_reason

BODY = "一、基本情况\n本单位认真履行职责，加强预算管理，提高资金使用效益，按时完成各项工作任务。\n"


@pytest.mark.parametrize(
    "text",
    [
        # Titles of the genre, after site chrome, split over two lines, in traditional characters.
        "您现在的位置：首页 > 通知公告\n【发布时间：2022-04-15】\n部门整体支出及项目支出绩效评价报告\n" + BODY,
        "区营商环境和投资促进局 2024 年\n\n部门整体支出绩效自评报告\n" + BODY,
        "南县财政局2020年度 机关整体支出绩效评价报告\n" + BODY,
        "霍邱县教育局2022年部门绩效自评工作情况总结\n" + BODY,
        "2020年度項目支出績效自評表\n項目名稱 衛片執法補助經費\n" + BODY,
        "XX市红十字会2021年度绩效自评总报告\n" + BODY,
        # A notice cited in the first lines does not make the page a notice.
        "2024年南县自然资源局部门整体支出绩效自评报告\n"
        "根据《南县财政局关于做好2024年度预算绩效自评工作的通知》要求，" + BODY,
        # A 决算 page whose opening carries a 自评表's own heading is the table.
        "2024年度某分局决算公开报告\n项目支出绩效自评表（2024年度）\n项目名称 业务支出项目\n",
        # No title: the 自评表's columns, the stock sentence, the template outline.
        "项目资金（万元） 年初预算数 全年预算数 全年执行数 分值 执行率 得分\n年度资金总额 10 10 10 10 100% 10\n",
        "对2020年度支持学前教育发展资金项目进行了绩效自评。现将有关情况报告如下：\n" + BODY,
        "一、绩效目标分解下达情况\n下达资金20万元。\n二、绩效目标完成情况分析\n资金已全部拨付。\n",
        # An excerpt that starts inside the 绩效指标 table: targets with their results.
        "绩效\n指标\n| 一级指标\n| 二级指标\n| 三级指标\n| 指标值\n| 实施进度\n项目决策\n| 数量指标\n| 宣传次数\n"
        "| 至少全年完成2次宣传\n| 已完成100%\n",
        "一级指标 | 二级指标 | 指标名称 | 目标值 | 完成值 |\n"
        "产出指标 | 产出数量 | 完成护工培训任务 | 12500名 | 12166名 |\n",
        # An opening that cites its grounds is a sentence, whatever the cited rules end with (…有关规定).
        "根据《财政部关于开展2024年度转移支付预算执行情况绩效自评工作的通知》(财监〔2025〕1号)、《关于印发〈补助资金"
        "管理办法〉的通知》(财综〔2024〕15号)有关规定,住房和城乡建设厅开展了绩效自评工作,自评情况如下:\n"
        "一、住房保障绩效自评\n",
        # The Hunan outline of a unit's overall spending: 资金使用及绩效情况 / 整体支出绩效情况.
        "一、预算单位基本情况\n本部门共有编制人数23人。\n二、预算收支出情况\n2020年支出4816.24万元。\n"
        "三、资金使用及绩效情况\n(一)整体支出绩效情况\n一是慢病监测工作稳步推进。\n",
    ],
)
def test_reports_are_let_in(text: str) -> None:
    assert not_a_report_reason(text) is None


@pytest.mark.parametrize(
    ("text", "looks_like"),
    [
        ("关于开展2023年度部门整体支出绩效自评工作的通知\n各有关单位：\n" + BODY, "notice"),
        ("关于开展2022年度专项资金绩效评价工作的紧急通知\n各相关部门：\n" + BODY, "notice"),
        ("某县部门整体支出绩效自评工作实施细则\n第一条 为规范绩效自评工作，制定本细则。\n", "rules"),
        ("某县卫生健康局2023年度部门决算\n目录\n第一部分 部门概况\n第二部分 2023年度部门决算表\n"
         "四、部门绩效自评情况\n（一）部门整体支出绩效自评报告\n", "final-accounts"),
        ("目录 第一部分单位概况……1 第二部分2022年度部门决算情况说明……2 一、"
            "部门预算项目支出绩效自评表……13\n", "final-accounts"),
        ("广水市教育局2023年整体绩效目标申报.pdf\n附件 2: 部门整体支出绩效目标申报表 填报日期:2022 年 12 月 18 "
            "日\n", "target"),
        # Targets without results: a 绩效目标表, even without its title.
        ("一级指标 | 二级指标 | 三级指标 | 指标值 |\n产出指标 | 数量指标 | 培训人次 | ≥500人次 |\n",
         "nothing of the genre"),
        ("某县卫生院2023年上半年工作总结\n今年上半年，我院坚持…\n", "work summary"),
        ("某县高标准农田建设专项资金绩效评价报告\n湖南天行会计师事务所受某县财政局委托，对该专项资金开展绩效评价。"
            "\n", "third party"),
        ("隆回县乡村振兴项目资金\n绩效评价报告\n上会湘报字(2022)第0001号\n", "third party"),
        ("我局委托第三方评价机构，对2021年市级预算执行的8个项目开展了绩效评价工作。\n", "third party"),
        ("2023年第三季度经济运行分析\n本季度全县经济平稳运行。\n", "nothing of the genre"),
    ],
)
def test_pages_beside_the_reports_are_turned_away_for_what_they_are(text: str, looks_like: str) -> None:
    reason = not_a_report_reason(text)
    assert reason is not None
    wording = {
        "notice": "通知", "rules": "办法", "final-accounts": "决算", "target": "绩效目标", "work summary": "工作总结",
        "third party": "third-party", "nothing of the genre": "no self-evaluation title",
    }[looks_like]
    assert wording in reason


def test_a_section_heading_cannot_outweigh_another_kind_of_title() -> None:
    # A 决算's contents list its 绩效自评 sections: the title says what the page is.
    text = "某乡人民政府2023年度部门决算\n四、部门绩效自评情况\n（一）部门整体支出绩效自评报告\n"
    assert not is_self_evaluation_report(text)
    # Without a title of another kind, a section heading of the genre is a page of a report.
    assert is_self_evaluation_report("3.部门整体支出绩效自评开展情况\n本部门对2017年整体支出开展绩效自评，"
        "自评得分90分。")


def test_a_label_and_its_text_is_no_title() -> None:
    text = "项目支出绩效自评报告\n下一步改进措施：进一步完善项目年度指标体系，规范评价标准。\n"
    assert is_self_evaluation_report(text)


def test_news_about_evaluations_is_not_a_report() -> None:
    text = (
        "近日，某县财政局印发了《关于开展财政支出绩效评价工作的通知》，安排部署绩效评价工作：\n"
        "一是做深做细做实，全覆盖做好绩效自评工作，要求各部门5月底前完成部门整体支出绩效自评工作。\n"
    )
    assert not is_self_evaluation_report(text)


# The tail of a report as a document site shows it: indicators judged, then the conclusion; no title, year or money.
TAIL = ("(二)项目效益情况。\n社会效益指标道路完好率均达到100%;服务对象满意度指标群众满意度均大于等于95%。\n"
        "五、评价结论及建议\n(一)评价结论。\n项目决策程序严密,执行有效,预算完成100%。我局坚持规划引领。\n"
        "(二)存在的问题。\n1.项目管理机制不够完善。")


def test_a_tail_that_judges_its_indicators_and_concludes_is_a_report() -> None:
    assert is_self_evaluation_report(TAIL)


def test_indicator_classes_without_a_conclusion_are_no_report() -> None:
    # A target declaration or a budget disclosure lists the classes, in the unit's voice, and concludes nothing.
    declaration = ("我局2024年项目绩效目标:产出指标:养护公路159公里;效益指标:道路完好率不低于95%;"
                   "满意度指标:群众满意度不低于90%。")
    assert not is_self_evaluation_report(declaration)
    assert not is_self_evaluation_report(TAIL.replace("我局", "该局"))  # nobody speaks of itself


def test_a_units_own_report_may_have_commissioned_a_third_party_for_part_of_its_work() -> None:
    body = ("一、部门基本情况\n我办是区政府工作部门。\n二、绩效目标完成情况\n"
            "全年委托第三方机构对412件信访事项办理质量开展评估，评估合格率98.5%；委托第三方开展满意度测评，满意度为93%。\n")
    assert is_self_evaluation_report(f"闵行区信访办公室2024年度部门整体支出绩效自评报告\n{body}")
    # Without the unit's own title, the same words are news of a third party's evaluation.
    assert "third-party" in (not_a_report_reason(body) or "")
