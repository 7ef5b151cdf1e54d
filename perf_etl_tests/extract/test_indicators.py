"""Prose indicators: the three ways targets and results are written, pairing, and what stays unpaired."""

from __future__ import annotations

from perf_etl.extract.indicators import clean_name
from perf_etl.models import Indicator, StagedDocument
from perf_etl_tests.extract.readings import extract_prose_indicators


def _indicators(text: str, page_starts: list[int] | None = None) -> list[Indicator]:
    return extract_prose_indicators(StagedDocument("doc", 2023, text, page_starts or [0]))


def _rows(text: str) -> list[tuple]:
    return [
        (i.indicator_name, i.target_value, i.target_unit, i.actual_value, i.actual_unit, i.completion_rate_pct)
        for i in _indicators(text)
    ]


def test_explicit_target_and_result() -> None:
    text = "(2)规上企业培育\n目标：新增规上工业企业60家。完成情况：新增规上工业企业72家。"
    assert _rows(text) == [("新增规上工业企业", 60.0, "家", 72.0, "家", None)]


def test_explicit_pairs_by_name_and_unit() -> None:
    text = "目标：固定资产投资目标80.5亿元，增长10%。完成情况：固定资产投资85.2亿元，增长12.5%；新增就业300人。"
    # "，增长10%" right after a quantity is that quantity's growth, its own indicator.
    assert _rows(text) == [
        ("固定资产投资", 80.5, "亿元", 85.2, "亿元", None),
        ("固定资产投资增长", 10.0, "%", 12.5, "%", None),
    ]


def test_explicit_pair_with_different_wording() -> None:
    text = "目标：充电桩建设任务数120座。完成情况：建成充电桩131座。"
    rows = _rows(text)
    # The name as the target writes it: 任务数 is part of what the report names (labels keep it).
    assert rows == [("充电桩建设任务数", 120.0, "座", 131.0, "座", None)]


def test_ambiguous_results_stay_unpaired() -> None:
    # Two results could be the 外资 result: no guess.
    text = "目标：市下达利用外资目标6亿元。完成情况：合同外资9.1亿元；实际外资完成5.2亿元。"
    assert _rows(text) == []


def test_assigned_list_then_results_in_order() -> None:
    text = (
        "年初，区政府下达了新签约项目120宗、新开工项目60宗、新投产项目30宗的年度招商任务。"
        "全年，我局完成新签约项目130宗（完成率108%）、新开工45宗（完成率75%）、新投产31宗（完成率103%）。"
    )
    assert _rows(text) == [
        ("新签约项目", 120.0, "宗", 130.0, "宗", 108.0),
        ("新开工项目", 60.0, "宗", 45.0, "宗", 75.0),
        ("新投产项目", 30.0, "宗", 31.0, "宗", 103.0),
    ]


def test_result_with_rate_and_bracketed_target() -> None:
    text = (
        "2023年1-10月完成标准厂房招商面积3.6万㎡，完成全年目标任务120%【区下达我局2023年任务目标为完成"
        "标准厂房招商面积3万㎡】。"
    )
    assert _rows(text) == [("标准厂房招商面积", 3.0, "万㎡", 3.6, "万㎡", 120.0)]


def test_bracket_with_two_targets_gives_the_rate_to_the_pair_it_belongs_to() -> None:
    text = (
        "全年新过会项目40宗，计划投资金额150亿元，完成全年招商引资任务75%【市下达任务目标为完成招商引资项目"
        "30宗，投资总额200亿元】。"
    )
    assert _rows(text) == [
        ("招商引资项目", 30.0, "宗", 40.0, "宗", None),
        ("投资总额", 200.0, "亿元", 150.0, "亿元", 75.0),
    ]


def test_page_number_comes_from_the_document() -> None:
    text = "第一页内容。\n目标：新增规上工业企业60家。完成情况：新增规上工业企业72家。"
    (indicator,) = _indicators(text, page_starts=[0, 7])
    assert indicator.page_number == 2
    assert indicator.source == "prose"
    assert indicator.fiscal_year == 2023


def test_no_indicators_in_plain_prose() -> None:
    assert _indicators("2023年，我区新洽谈336个重点招商项目，推动170个项目注册落地。") == []


def test_clean_name_strips_periods_subjects_and_verbs() -> None:
    assert clean_name("2023年1-8月完成工业厂房招商面积") == "工业厂房招商面积"
    assert clean_name("我局完成全年新过会项目") == "新过会项目"
    assert clean_name("下达了过会新签约项目") == "过会新签约项目"
    assert clean_name("实际外资完成") == "外资"
    assert clean_name("小升规任务") == "小升规任务"


def test_planned_against_actual() -> None:
    assert _rows("全年计划举办投资推介会10场，实际举办12场。") == [("投资推介会", 10.0, "场", 12.0, "场", None)]


def test_planned_against_actual_with_other_units_is_not_paired() -> None:
    assert _rows("计划举办投资推介会10场，实际参会企业300家。") == []


# --- held-out generalizations ---------------------------------------------------------------


def test_target_and_result_on_separate_lines_with_other_figures() -> None:
    text = "1.送戏下乡\n目标：全年开展送戏下乡80场。\n完成情况：完成86场，完成率107.5%，观众3.2万人次。"
    assert _rows(text) == [("送戏下乡", 80.0, "场", 86.0, "场", 107.5)]


def test_name_after_the_number_when_only_a_verb_precedes_it() -> None:
    text = "目标：完成5座农村公厕改造。完成情况：完成5座，完成率100%。"
    assert _rows(text) == [("农村公厕改造", 5.0, "座", 5.0, "座", 100.0)]


def test_assigned_target_then_result_in_the_next_clause() -> None:
    text = "（二）河长制\n下达河道巡查任务300次，实际巡查326次（完成率108.7%），发现问题42个。"
    assert _rows(text) == [("河道巡查", 300.0, "次", 326.0, "次", 108.7)]


def test_percentage_target_with_a_comparison_then_the_result() -> None:
    assert _rows("3.污水处理：城镇污水处理率目标≥90%，实际达到93.5%。") == [
        ("城镇污水处理率", 90.0, "%", 93.5, "%", None)
    ]


def test_a_funds_figures_are_not_an_indicator() -> None:
    assert _rows("（2）临时救助资金：下达500万元，实际支出480万元，执行率96%。") == []


def test_result_followed_by_its_bracketed_target() -> None:
    assert _rows("全年适龄儿童疫苗接种率96.5%（目标值≥95%），完成年度任务。") == [
        ("适龄儿童疫苗接种率", 95.0, "%", 96.5, "%", None)
    ]


def test_a_change_from_one_value_to_another_is_not_read_against_the_bracketed_target() -> None:
    assert _rows("全区自来水普及率由80.1%提高至82.3%（目标值≥85%）。") == []


def test_flattened_indicator_table_rows() -> None:
    text = (
        "一级指标 二级指标 三级指标 年度指标值 实际完成值 分值 得分\n"
        "产出指标 数量指标 技能培训人次 ≥500人次 620人次 20 20\n"
        "年度资金总额 100 120 110 10 91.67% 9\n"
        "满意度指标 服务对象满意度指标 学员满意度 ≥85% 90.1% 10 9.5\n总分 100 95"
    )
    rows = [(i.indicator_name, i.target_value, i.actual_value, i.actual_unit, i.source) for i in _indicators(text)]
    assert rows == [("技能培训人次", 500.0, 620.0, "人次", "table"), ("学员满意度", 85.0, 90.1, "%", "table")]


def test_flattened_table_with_numbered_rows_and_a_header_over_two_lines() -> None:
    # An Excel 自评表 printed to PDF: "年度/实际" above "指标值/完成值", rows numbered "指标N:", names with
    # figures of their own (0-6岁).
    text = (
        "一级 指标 二级指标 三级指标 年度 实际 指标值 完成值 分值 得分\n"
        "数量指标 指标1:建立预防接种证 221人 221人 2 2 指标2:0-6岁儿童健康管理数 2089人 2010人 2 1.9 "
        "任务3:适龄儿童疫苗接种率 100.00% 97.30% 2 1.9"
    )
    rows = [(i.indicator_name, i.target_value, i.actual_value, i.actual_unit) for i in _indicators(text)]
    assert rows == [("建立预防接种证", 221.0, 221.0, "人"), ("0-6岁儿童健康管理数", 2089.0, 2010.0, "人"),
                    ("适龄儿童疫苗接种率", 100.0, 97.3, "%")]


def test_result_then_the_target_it_completed() -> None:
    text = (
        "（二）绩效目标完成情况\n全年开展文化惠民演出136场，超额完成120场的年度目标。"
        "已有4182家企业登录使用平台，超额完成了2021年实现重点企业使用数达3800家的目标任务。"
        "全年接待游客12万人次，完成年度计划。"
    )
    rows = [(i.indicator_name, i.target_value, i.actual_value, i.actual_unit, i.met) for i in _indicators(text)]
    assert rows == [("文化惠民演出", 120.0, 136.0, "场", True), ("重点企业使用数", 3800.0, 4182.0, "家", True)]


def test_list_item_titled_before_a_colon_with_target_and_result_clauses() -> None:
    text = (
        "（二）绩效目标完成情况\n1.农村危房改造：目标1,200户，实际完成1,260户，完成率105%。\n"
        "2.污水处理达标率：目标值≥90%，实际值93.5%。\n3.技能培训：计划培训2.5万人次，实际完成2.6万人次。"
    )
    rows = {(i.indicator_name, i.target_value, i.actual_value, i.completion_rate_pct) for i in _indicators(text)}
    assert ("农村危房改造", 1200.0, 1260.0, 105.0) in rows
    assert ("污水处理达标率", 90.0, 93.5, None) in rows
    assert ("技能培训", 2.5, 2.6, None) in rows


# --- the account of the indicators (绩效指标完成情况), item by item --------------------------------


def _full(text: str) -> list[tuple]:
    return [
        (
            i.level1,
            i.level2,
            i.indicator_name,
            i.target_text,
            i.target_value,
            i.actual_text,
            i.actual_value,
            i.comparison,
            i.met,
        )
        for i in _indicators(text)
    ]


def test_target_word_then_actual_completed_value() -> None:
    text = (
        "（二）绩效目标完成情况\n1.病虫害防治覆盖率，年初目标值≥85%，实际完成值92.3%，自评得分20分；\n"
        "2.补助对象满意率，年初目标值≥90%，实际完成值88%，自评得分15分；"
    )
    assert _full(text) == [
        (None, None, "病虫害防治覆盖率", "≥85%", 85.0, "92.3%", 92.3, ">=", True),
        (None, None, "补助对象满意率", "≥90%", 90.0, "88%", 88.0, ">=", False),
    ]


def test_indicator_value_with_words_and_levels_from_the_headings() -> None:
    text = (
        "（四）绩效指标完成情况分析。\n1、产出数量指标：第一，资助托养服务人次数年初指标值为不低于60人，全年实际完成值"
        "72人。\n2、产出时效指标：项目完成时间年初指标值为2024年6月底，实际在规定时间内完成。"
    )
    assert _full(text) == [
        ("产出指标", "数量指标", "资助托养服务人次数", "不低于60人", 60.0, "72人", 72.0, ">=", True),
        ("产出指标", "时效指标", "项目完成时间", "2024年6月底", None, "实际在规定时间内完成", None, "=", True),
    ]


def test_signed_target_then_actual_clause() -> None:
    text = "4.绩效指标完成情况分析。\n数量指标：无人机数量≥3架，实际投入3架；巡护时长≥500小时，实际巡护468.5小时。"
    rows = [(i.indicator_name, i.target_value, i.actual_value, i.actual_unit, i.met) for i in _indicators(text)]
    assert rows == [("无人机数量", 3.0, 3.0, "架", True), ("巡护时长", 500.0, 468.5, "小时", False)]


def test_due_count_against_actual_count() -> None:
    text = "①数量指标：2023年，我校应资助学生人数356人，实际资助学生人数356人。"
    assert _rows(text) == [("资助学生人数", 356.0, "人", 356.0, "人", None)]


def test_result_said_to_exceed_the_stated_target() -> None:
    text = "（3）满意度指标（服务对象满意度指标）：家长满意度大于年度指标值≥90%。"
    # Above the target, in words: met.
    assert _full(text) == [(None, None, "家长满意度", "≥90%", 90.0, "大于年度指标值", None, ">=", True)]


def test_results_without_targets_under_the_level_headings() -> None:
    text = (
        "（三）绩效指标完成情况分析\n1.产出指标完成情况分析\n（1）数量指标。\n"
        "开展业务培训：每半年开展业务培训一次，共2次。\n（2）质量指标。\n资金拨付准确率100%，项目验收合格率≥95%。\n"
        "（三）存在的问题和原因分析\n项目验收合格率100%。"
    )
    assert _full(text) == [
        ("产出指标", "数量指标", "业务培训", None, None, "每半年开展业务培训一次，共2次", 2.0, None, None),
        ("产出指标", "质量指标", "资金拨付准确率", None, None, "100%", 100.0, None, None),
        ("产出指标", "质量指标", "项目验收合格率", None, None, "≥95%", 95.0, None, None),
    ]


def test_standards_restated_with_actual() -> None:
    text = (
        "2.完成的绩效目标。\n③成本指标：生活补助资金小学生均补助标准为650元/生.年，初中生均补助标准为850元/生.年。"
        "实际小学生均补助标准为650元/生.年，初中生均补助标准为850元/生.年。"
    )
    assert _rows(text) == [
        ("小学生均补助标准", 650.0, "元/生.年", 650.0, "元/生.年", None),
        ("初中生均补助标准", 850.0, "元/生.年", 850.0, "元/生.年", None),
    ]


def test_no_result_only_indicators_outside_the_account_or_from_money_or_cut_results() -> None:
    # A rate in the budget paragraph, a fund received, a target whose result the excerpt cuts: no pair,
    # and no result invented for the target.
    assert _indicators("1.执行率情况。全年预算16.2万元，执行率100%，项目验收合格率100%。") == []
    text = (
        "2.完成的绩效目标。\n（1）产出指标\n①数量指标：2023年，我校收到专项工作经费资金16.20万元。\n"
        "质量指标：飞行小时完成率≥80%，实际完"
    )
    assert _indicators(text) == []


def test_table_cells_in_the_account_are_left_to_the_tables() -> None:
    text = "（二）绩效目标完成情况\n产出指标 | 质量指标 | 奖助政策学生知晓率 | 100% | 100% |"
    assert _indicators(text) == []


def test_results_in_the_paragraph_of_a_heading_without_levels() -> None:
    text = (
        "（三）绩效指标完成情况分析。项目验收合格率100%，资金在规定时间下达≥90%，按时公告项目实施情况100%。\n"
        "（四）其他情况。全年培训覆盖率100%。"
    )
    rows = [(i.indicator_name, i.target_value, i.actual_text, i.actual_value) for i in _indicators(text)]
    assert rows == [
        ("项目验收合格率", None, "100%", 100.0),
        ("资金在规定时间下达", None, "≥90%", 90.0),
        ("按时公告项目实施情况", None, "100%", 100.0),
    ]


def test_a_flattened_self_evaluation_table_in_the_account_is_not_prose() -> None:
    text = (
        "四、年度绩效指标完成情况 一级指标 二级指标 三级指标 预期指标值 实际完成值\n"
        "产出指标 质量指标 补贴发放率 高龄补贴发放完成率 >= 75 %(百分比) 100% 完成 30.00 30.00"
    )
    assert [i for i in _indicators(text) if i.source == "prose"] == []


def test_each_side_of_a_prose_indicator_has_its_evidence():
    from perf_etl.extract import extract_document

    text = "绩效指标完成情况\n（1）数量指标：培训人次，年初目标值≥500人次，实际完成值620人次。\n"
    extraction = extract_document(StagedDocument("doc", 2023, text, [0]))
    rows = {e.field: e for e in extraction.evidence if e.field.startswith("indicator_")}
    assert set(rows) == {"indicator_target", "indicator_actual"}
    target, actual = rows["indicator_target"], rows["indicator_actual"]
    assert text[target.char_start:target.char_end] == target.raw_text and "500" in target.raw_text
    assert text[actual.char_start:actual.char_end] == actual.raw_text and "620" in actual.raw_text
    assert target.value.startswith("培训人次") and actual.rule.startswith("indicator:")


# --- a target stated in the part on the year's targets, its result pages later ---------------

_TARGETS_PART = (
    "某县文化和卫生健康局2023年度部门整体支出绩效自评报告\n"
    "一、部门基本情况\n"
    "（一）部门职能\n"
    "负责全县文化、卫生健康事业的管理和服务。\n"
    "（二）年度绩效目标\n"
    "全年组织开展“送戏下乡”文化惠民演出120场，孕产妇死亡率控制在10/10万以下，培训基层干部不少于500人次，"
    "引进社会投资1.5亿元。2023年年初预算资金1200万元。\n"
    "（三）预算执行情况\n"
    "全年预算1250万元，执行1180万元，执行率94.4%。\n"
)
_RESULTS_PART = (
    "二、绩效目标完成情况\n"
    "（一）主要工作成效\n"
    "惠民演出136场，超额完成120场的年度目标；孕产妇死亡率6.8/10万；共培训基层干部620人次；"
    "引进社会投资1.8亿元；预算资金执行1180万元。\n"
    "三、存在的问题\n"
    "部分乡镇演出场地不足。\n"
)


def test_targets_and_results_stated_in_parts_pages_apart() -> None:
    from perf_etl.extract import extract_document

    text = _TARGETS_PART + _RESULTS_PART
    extraction = extract_document(StagedDocument("doc", 2023, text, [0, len(_TARGETS_PART)]))
    rows = [
        (i.indicator_name, i.target_text, i.target_value, i.actual_value, i.actual_unit, i.comparison, i.met)
        for i in extraction.indicators
    ]
    assert rows == [
        ("“送戏下乡”文化惠民演出", "120场", 120.0, 136.0, "场", "=", True),
        ("孕产妇死亡率", "控制在10/10万以下", 10.0, 6.8, "/10万", "<=", True),
        ("培训基层干部", "不少于500人次", 500.0, 620.0, "人次", ">=", True),
        ("引进社会投资", "1.5亿元", 1.5, 1.8, "亿元", "=", True),
    ]  # the budget's money (年初预算资金1200万元, 执行1180万元) is no indicator
    evidence = [e for e in extraction.evidence if e.value.startswith("孕产妇死亡率")]
    target = next(e for e in evidence if e.field == "indicator_target")
    actual = next(e for e in evidence if e.field == "indicator_actual")
    assert (target.raw_text, target.page_number) == ("控制在10/10万以下", 1)
    assert (actual.raw_text, actual.page_number) == ("6.8/10万", 2)
    assert text[target.char_start : target.char_end] == target.raw_text


def test_a_result_named_like_two_targets_or_a_target_like_two_results_stays_unpaired() -> None:
    text = (
        "一、年度绩效目标\n新建村级文化活动室30个，培训基层干部不少于500人次。\n"
        "二、绩效目标完成情况\n建成村级文化活动室32个，改建村级文化活动室12个；开展培训25次。\n"
    )
    # Each target is kept, its result null: two results could be the first's (neither of its very name), none
    # is the second's.
    assert [(i.indicator_name, i.target_value, i.actual_value) for i in _indicators(text)] == [
        ("新建村级文化活动室", 30.0, None),
        ("培训基层干部", 500.0, None),
    ]


def test_a_target_without_its_result_gets_none() -> None:
    text = (
        "一、年度绩效目标\n培训基层干部不少于500人次，孕产妇死亡率控制在10/10万以下。\n"
        "二、绩效目标完成情况\n孕产妇死亡率6.8/10万；完成乡村道路养护120公里。\n"
    )
    assert [(i.indicator_name, i.target_value, i.actual_value) for i in _indicators(text)] == [
        ("培训基层干部", 500.0, None),  # its result is not stated: null, not the nearest number
        ("孕产妇死亡率", 10.0, 6.8),
    ]


def test_the_budget_in_the_targets_part_is_no_indicator_target() -> None:
    text = (
        "（一）年度绩效目标\n2023年部门年初预算1200万元，全年预算1250万元，预算执行率达到95%以上。\n"
        "（二）绩效目标完成情况\n全年预算执行1180万元，预算执行率94.4%。\n"
    )
    assert _indicators(text) == []


def test_a_plans_figures_are_no_targets_without_results() -> None:
    text = (
        "一、年度绩效目标\n力争新培育70家规模以上工业企业，新增国家绿色工厂1~2家，筹集配租型保障性住房40422套(间)、"
        "发放租赁补贴22492户。\n二、绩效目标完成情况\n各项工作按期推进。\n"
    )
    # Only the targets stated as such (a name, its figure ending the item) are kept, their results null.
    assert [(i.indicator_name, i.target_value, i.actual_value) for i in _indicators(text)] == [
        ("筹集配租型保障性住房", 40422.0, None),
        ("发放租赁补贴", 22492.0, None),
    ]


def test_a_result_before_the_targets_part_is_not_its_result() -> None:
    text = (
        "一、年度主要工作\n全年举办惠民演出136场。\n"
        "二、年度绩效目标\n全年举办惠民演出120场。\n"
        "三、绩效目标完成情况\n各项工作按期推进。\n"
    )
    assert [(i.indicator_name, i.target_value, i.actual_value) for i in _indicators(text)] == [
        ("惠民演出", 120.0, None)
    ]


def test_results_under_a_heading_naming_targets_and_indicators() -> None:
    text = (
        "三、绩效目标及指标完成情况（自评得分90分）\n（一）完成绩效产出指标（自评得分50分）\n"
        "1.数量指标（自评得分20分）：完成新建农村公共厕所50座。\n2.质量指标（自评得分10分）：项目验收合格率为100%。"
    )
    rows = [(i.level2, i.indicator_name, i.target_value, i.actual_value, i.actual_unit) for i in _indicators(text)]
    assert rows == [("数量指标", "新建农村公共厕所", None, 50.0, "座"),
                    ("质量指标", "项目验收合格率", None, 100.0, "%")]


def test_a_numbered_target_with_a_result_word_is_a_target_not_a_results_heading() -> None:
    # "1.完成高标准农田建设2.5万亩" is a list item under the targets, though it says 完成.
    text = (
        "二、部门整体支出绩效目标\n1.完成高标准农田建设2.5万亩。\n2.开展健身活动不少于50场次。\n"
        "三、绩效目标完成情况\n1.建成高标准农田2.6万亩。\n2.年内开展健身活动62场次。"
    )
    rows = [(i.indicator_name, i.target_text, i.actual_text, i.comparison) for i in _indicators(text)]
    assert rows == [("高标准农田建设", "2.5万亩", "2.6万亩", "="), ("健身活动", "不少于50场次", "62场次", ">=")]


def test_a_level_name_that_is_the_whole_name_names_the_indicator() -> None:
    text = "三、绩效指标完成情况\n（三）满意度指标\n服务对象满意度目标值≥90%，实际完成值96%。"
    rows = [(i.level2, i.indicator_name, i.target_text, i.actual_text, i.comparison) for i in _indicators(text)]
    assert rows == [("服务对象满意度", "服务对象满意度", "≥90%", "96%", ">=")]


def test_results_under_level_words_said_as_aspects_and_a_result_in_words() -> None:
    # "一是产出指标方面，…" opens a level; "打造2部…作品" is named after its figure; "达到了设定的指标值" is a
    # result in words, met.
    text = (
        "项目绩效目标完成情况：一是产出指标方面，开展活动130场，线下观众达到13万人次、线上观众72万人次，"
        "打造2部精品参赛作品；三是满意度指标方面，观众满意度达到了设定的指标值。发现的主要问题及原因：无。"
    )
    assert _full(text) == [
        ("产出指标", None, "开展活动", None, None, "130场", 130.0, None, None),
        ("产出指标", None, "线下观众", None, None, "13万人次", 13.0, None, None),
        ("产出指标", None, "线上观众", None, None, "72万人次", 72.0, None, None),
        ("产出指标", None, "精品参赛作品", None, None, "2部", 2.0, None, None),
        ("满意度指标", None, "观众满意度", None, None, "达到了设定的指标值", None, None, True),
    ]


def test_a_result_named_exactly_as_its_target_wins_the_tie_and_a_qualifier_leaves_the_name() -> None:
    text = (
        "目标：市下达外资目标11亿元\n完成情况：合同外资32.69亿元；实际外资完成8.2亿元\n"
        "目标：完成区内工业厂房招商面积2万㎡\n完成情况：工业厂房招商面积2.12万㎡\n"
        "目标：小升规任务75家\n完成情况：小升规任务141家\n"
    )
    assert _rows(text) == [
        ("外资", 11.0, "亿元", 8.2, "亿元", None),
        ("工业厂房招商面积", 2.0, "万㎡", 2.12, "万㎡", None),
        ("小升规任务", 75.0, "家", 141.0, "家", None),
    ]


def test_a_traditional_report_keeps_its_indicators_as_written() -> None:
    from perf_etl.extract import extract_document

    text = (
        "二、績效目標完成情況\n(1)數量目標：當年人才驛站組織活動數量績效目標值是28次,實際完成值為40次,目標完成率為143%。\n"
    )
    rows = [(i.indicator_name, i.target_text, i.target_value, i.actual_text, i.actual_value)
            for i in extract_document(StagedDocument("doc", 2023, text, [0])).indicators]
    # Read through the simplified twin; the name and the texts as the report writes them, without 績效.
    assert rows == [("當年人才驛站組織活動數量", "28次", 28.0, "40次", 40.0)]


def test_the_completion_rate_stated_after_a_result_is_its_own() -> None:
    text = ("二、绩效目标完成情况\n(1)数量目标：当年人才驿站组织活动数量绩效目标值是28次,实际完成值为40次,"
            "目标完成率为143%。\n")
    rows = [(i.indicator_name, i.completion_rate_pct) for i in _indicators(text)]
    assert rows == [("当年人才驿站组织活动数量", 143.0)]


def test_a_target_stated_in_prose_and_in_the_table_is_the_tables_row() -> None:
    from perf_etl.extract.real_corpus import RealText, run_texts

    text = (
        "某县文化馆2023年度部门整体支出绩效自评报告\n一、年度绩效目标\n培训基层干部人次不少于500人次，"
        "新建村级文化活动室30个。\n二、绩效目标完成情况\n"
        "| 一级指标 | 二级指标 | 三级指标 | 年度指标值 | 实际完成值 |\n"
        "| 产出指标 | 数量指标 | 培训基层干部人次 | ≥500人次 | 620人次 |\n"
    )
    (outcome,) = run_texts([RealText("test", "t1", None, None, True, text)])
    rows = [(i.source, i.indicator_name, i.target_value, i.actual_value) for i in outcome.extraction.indicators]
    # The table's row once (its cells are not paired again as prose); the prose target the table lacks stays.
    assert rows == [("prose", "新建村级文化活动室", 30.0, None), ("table", "培训基层干部人次", 500.0, 620.0)]


def test_the_paragraph_under_completed_targets_lists_results() -> None:
    text = ("(二)绩效目标完成情况\n1.执行率情况。\n预算执行率100%。\n2.完成的绩效目标。\n年度绩效目标已全部完成,"
            "具体为:完成了市直养护里程1180.5公里,完成了市直桥梁养护67座,延长了公路使用寿命。\n3.未完成的绩效目标。\n"
            "无。\n(三)存在的问题和原因\n养护定额低于市场标准。")
    assert _rows(text) == [("市直养护里程", None, None, 1180.5, "公里", None),
                           ("市直桥梁养护", None, None, 67.0, "座", None)]


# --- qualitative targets across the parts, and targets of a report cut before its results ------------


def test_qualitative_targets_joined_to_the_results_that_repeat_their_names() -> None:
    text = (
        "二、部门整体支出绩效目标\n（二）效益目标\n基层社会治理能力有效提升；辖区人居环境明显改善；全年不发生重大"
        "文物安全事故；确保家庭经济困难学生应助尽助。\n"
        "四、绩效目标完成情况\n（1）社会效益：全面推行网格化管理，基层社会治理能力有效提升。\n"
        "（2）安全：全年未发生文物安全事故。\n（3）资助：家庭经济困难学生实现应助尽助。"
    )
    rows = [(i.indicator_name, i.target_text, i.actual_text, i.comparison, i.met) for i in _indicators(text)]
    assert rows == [
        ("基层社会治理能力", "有效提升", "有效提升", "qualitative", True),
        ("重大文物安全事故", "不发生", "未发生", "qualitative", True),
        ("家庭经济困难学生", "应助尽助", "应助尽助", "qualitative", True),
    ]  # 辖区人居环境: the results do not say it again, so nothing is paired


def test_signed_targets_of_a_report_without_its_results_keep_a_null_result() -> None:
    text = (
        "（二）项目年度预算绩效目标和绩效指标设定情况\n2.绩效指标设定情况\n（1）各年龄段人群接种率≥90%;\n"
        "（2）全省接种点数量≥400个。\n（3）全年完成接种120万剂次。\n二、项目决策及资金使用管理情况\n资金按规定拨付。"
    )
    rows = [(i.indicator_name, i.target_text, i.actual_text) for i in _indicators(text)]
    # The bare figure may be a plan's: only the targets a sign marks.
    assert rows == [("各年龄段人群接种率", "≥90%", None), ("接种点数量", "≥400个", None)]


def test_a_target_in_ten_thousands_is_joined_to_its_result_in_ones() -> None:
    text = ("一、年度绩效目标\n完成农村适龄妇女“两癌”免费筛查1.2万人；为不少于60人提供托养服务。\n"
            "二、绩效目标完成情况\n全年完成农村适龄妇女“两癌”免费筛查12,650人，为65名重度残疾人提供托养服务。")
    rows = [(i.indicator_name, i.target_value, i.target_unit, i.actual_value, i.actual_unit, i.met)
            for i in _indicators(text)]
    assert ("农村适龄妇女“两癌”免费筛查", 1.2, "万人", 12650.0, "人", True) in rows


def test_run_in_headings_of_a_page_whose_lines_were_run_together() -> None:
    filler = "学校严格执行预算管理制度，资金使用规范。" * 12
    text = (f"（三）年度目标 学校设定部门整体支出绩效目标如下：1.高考本科上线率不低于75%，"
            f"学生体质健康测试合格率达到95%以上。{filler} （二）绩效目标完成情况 1.教育教学。"
            f"2021年高考本科上线2,046人，上线率78.3%。学生体质健康测试合格率96.4%。{filler}")
    rows = [(i.indicator_name, i.target_value, i.actual_value) for i in _indicators(text)]
    assert ("学生体质健康测试合格率", 95.0, 96.4) in rows


def test_a_result_of_the_very_name_is_chosen_over_one_that_ends_the_same() -> None:
    text = ("一、年度绩效目标\n孕产妇系统管理率达到92%以上，3岁以下儿童系统管理率不低于90%；"
            "欺诈骗保行为得到有效遏制。\n二、绩效目标完成情况\n孕产妇系统管理率94.6%，3岁以下儿童系统管理率93.8%。欺诈骗保行为得到有效遏制。")
    rows = [(i.indicator_name, i.target_value, i.actual_value, i.actual_text) for i in _indicators(text)]
    assert ("孕产妇系统管理率", 92.0, 94.6, "94.6%") in rows
    assert ("3岁以下儿童系统管理率", 90.0, 93.8, "93.8%") in rows
    assert ("欺诈骗保行为", None, None, "得到有效遏制") in rows


def test_a_promise_in_words_the_results_say_again_is_paired_whatever_the_words() -> None:
    text = ("一、年度绩效目标\n1.救灾物资储备管理规范有序；光荣牌悬挂应挂尽挂；生产安全事故死亡人数较上年下降。\n"
            "二、绩效目标完成情况\n全年盘点两次，救灾物资储备管理规范有序。生产安全事故死亡人数较上年下降33.3%。")
    rows = [(i.indicator_name, i.target_text, i.actual_text, i.actual_value, i.met) for i in _indicators(text)]
    assert rows == [("救灾物资储备管理", "规范有序", "规范有序", None, True),
                    ("生产安全事故死亡人数", "较上年下降", "较上年下降33.3%", 33.3, True)]  # 光荣牌悬挂: not said again


def test_a_qualitative_target_after_its_items_label_is_named_without_it() -> None:
    text = ("二、绩效目标\n（1）社会效益指标：统计服务决策能力有效提升。\n"
            "（2）可持续影响指标：统计基层基础建设持续加强。\n三、绩效目标完成情况\n1.统计服务决策能力明显提升。全年报送专题分析26篇。\n2.统计基层基础建设持续加强。")
    rows = [(i.indicator_name, i.target_text, i.actual_text, i.met) for i in _indicators(text)]
    assert ("统计服务决策能力", "有效提升", "明显提升", True) in rows
    assert ("统计基层基础建设", "持续加强", "持续加强", True) in rows


def test_a_result_said_again_after_an_earlier_mention_of_its_name_is_found() -> None:
    # The name first opens an item ("统计调查任务全面完成。"), and is said again with the promise later.
    text = ("一、年度绩效目标\n（3）时效指标：统计调查任务在规定时限内完成。\n二、绩效目标完成情况\n"
            "1.统计调查任务全面完成。全年承担统计调查项目45项。\n3.各项统计调查任务均在规定时限内完成。")
    rows = [(i.indicator_name, i.target_text, i.actual_text) for i in _indicators(text)]
    assert ("统计调查任务", "在规定时限内完成", "在规定时限内完成") in rows


def test_a_heading_repeated_in_both_parts_is_no_indicator() -> None:
    text = ("一、年度绩效目标\n（四）重点职业病监测与尘肺病防治。重点职业病监测覆盖率100%。\n"
            "二、绩效目标完成情况\n（三）重点职业病监测与尘肺病防治攻坚\n监测工作覆盖全省107个县（区），覆盖率100%。")
    assert not [i for i in _indicators(text) if "防治" in (i.target_text or "") + i.indicator_name]


def test_the_whole_figure_is_the_result_and_not_its_part() -> None:
    text = ("一、年度绩效目标\n发布统计信息和统计分析报告不少于60篇。\n二、绩效目标完成情况\n"
            "全年编发统计信息和统计分析报告71篇，其中《统计分析》28篇。")
    rows = [(i.target_value, i.actual_value) for i in _indicators(text) if "报告" in i.indicator_name]
    assert rows == [(60.0, 71.0)]


def test_a_cue_in_an_items_title_makes_the_item_targets() -> None:
    text = ("（二）项目绩效目标\n1.总体目标：落实全县86座小型水库管护责任和经费，完成12座水库大坝安全鉴定。\n"
            "2.年度目标：培训管护员170人次，实际培训182人次。")
    rows = [(i.target_value, i.actual_value) for i in _indicators(text)]
    assert (86.0, 12.0) not in rows
    assert (170.0, 182.0) in rows


def test_a_verb_one_character_before_the_names_end_is_part_of_it() -> None:
    assert clean_name("抽查任务完成率") == "抽查任务完成率"
    assert clean_name("我局完成全年新过会项目") == "新过会项目"
    assert clean_name("农资商品抽检合格率保持") == "农资商品抽检合格率"


def test_a_numbered_item_of_the_targets_is_no_heading_of_the_results() -> None:
    # "（八）完成…；" opens with 完成 but ends as an item of a list: it stays in the targets part.
    text = ("二、部门整体支出绩效目标\n（七）农产品质量安全抽检合格率98%以上；\n（八）完成土地承包经营权流转合同备案，"
            "土地流转行为规范有序；\n（九）服务对象满意度达到90%以上。\n四、绩效指标完成情况\n全镇土地承包经营权流转合同全部"
            "备案，土地流转行为规范有序。农产品质量安全抽检合格率99.1%。")
    rows = [(i.indicator_name, i.target_text, i.actual_text) for i in _indicators(text)]
    assert ("土地流转行为", "规范有序", "规范有序") in rows


def test_a_promise_said_again_under_the_ending_of_its_name() -> None:
    text = ("一、年度绩效目标\n2.质量指标。救灾物资储备管理规范有序；应急预案体系进一步健全。\n二、绩效目标完成情况\n"
            "年终对县级救灾物资储备库进行了全面盘点，账实相符，储备管理规范有序。")
    rows = [(i.indicator_name, i.target_text, i.actual_text) for i in _indicators(text)]
    assert rows == [("救灾物资储备管理", "规范有序", "规范有序")]


def test_what_came_in_is_not_the_result_of_what_was_done() -> None:
    text = ("一、绩效目标\n1.审判执行：全年审结各类案件不少于9500件。\n二、绩效目标完成情况\n"
            "全年受理各类案件10,382件，审结9,874件，结案率95.11%。")
    rows = [(i.indicator_name, i.target_value, i.actual_value) for i in _indicators(text)]
    assert ("审结各类案件", 9500.0, 10382.0) not in rows


def test_the_one_satisfaction_target_takes_the_one_satisfaction_result_whoever_it_names() -> None:
    text = ("一、绩效目标\n服务对象满意度指标：人民群众对检察工作满意度不低于90%。\n二、绩效目标完成情况\n"
            "通过回访、发放问卷等方式开展满意度调查，群众满意度达96.1%。")
    rows = [(i.indicator_name, i.target_text, i.actual_text) for i in _indicators(text)]
    assert ("人民群众对检察工作满意度", "不低于90%", "96.1%") in rows


def test_a_count_of_funded_projects_is_an_indicator_not_the_budgets_figure() -> None:
    text = ("二、部门整体支出绩效目标\n（1）实施少数民族发展资金项目12个，项目受益群众不少于3000人。\n"
            "四、绩效目标完成情况\n全年共实施少数民族发展资金项目12个，其中产业发展项目7个，项目区受益群众3460人。")
    rows = [(i.indicator_name, i.target_value, i.actual_value) for i in _indicators(text)]
    assert ("实施少数民族发展资金项目", 12.0, 12.0) in rows


def test_a_target_and_a_result_alone_in_their_unit_with_a_word_in_common_are_one_indicator() -> None:
    text = ("二、部门整体支出绩效目标\n（三）全年教师授课不低于1600课时；\n（四）开设课程不少于36门。\n"
            "四、绩效目标完成情况\n全年完成授课1,652课时。开展送教活动14场次。")
    rows = [(i.target_value, i.actual_value) for i in _indicators(text)]
    assert (1600.0, 1652.0) in rows
    assert not [r for r in rows if r[0] == 36.0 and r[1] is not None]  # 门: no result in that unit


def test_two_targets_in_one_unit_are_not_joined_by_a_shared_word() -> None:
    text = ("二、绩效目标\n开展安全培训不少于6场次；开展安全检查不少于20场次。\n"
            "四、绩效目标完成情况\n全年组织安全生产宣传18场次。")
    assert [(i.target_value, i.actual_value) for i in _indicators(text) if i.actual_value is not None] == []


def test_a_count_of_people_per_head_is_joined_to_its_count_per_visit() -> None:
    text = ("二、部门整体支出绩效目标\n1.全年开展群众应急救护普及培训不少于20万人；\n2.新增入库志愿者血样8000人份。\n"
            "三、绩效目标完成情况\n全年共开展群众应急救护普及培训23.6万人次。全年新增入库血样7,426人份。")
    rows = [(i.target_text, i.actual_text, i.met) for i in _indicators(text)]
    assert ("不少于20万人", "23.6万人次", None) in rows  # heads against visits: the figures do not decide met
    assert ("8000人份", "7,426人份", False) in rows


def test_a_cap_in_words_is_joined_to_the_result_that_says_it_held() -> None:
    text = ("一、部门整体支出绩效目标\n5.经费保障：严格控制一般性支出，“三公”经费支出控制在预算以内。\n"
            "四、绩效目标完成情况\n4.经费管理规范有序。严格执行中央八项规定精神，全年“三公”经费支出未超出预算。")
    rows = [(i.indicator_name, i.target_text, i.actual_text, i.met) for i in _indicators(text)]
    assert ("“三公”经费支出", "控制在预算以内", "未超出预算", True) in rows


def test_a_purchases_saving_rate_is_an_indicator_not_the_budgets_rate() -> None:
    text = ("二、绩效目标\n政府采购资金节约率≥5%；预算执行率≥95%。\n三、绩效目标完成情况\n"
            "全年政府采购成交金额9.24亿元，资金节约率6.29%。")
    rows = [(i.target_value, i.actual_value) for i in _indicators(text)]
    assert (5.0, 6.29) in rows


def test_a_part_is_the_result_only_of_a_target_named_as_it_ends() -> None:
    text = ("一、绩效目标\n全年培训各级领导干部和公务员1200人次以上；培训新型职业农民不少于200人次。\n"
            "二、绩效目标完成情况\n全年培训学员1386人次，其中县处级领导干部217人次。开展农业技术培训500人次，其中新型职业农民230人次。")
    rows = [(i.target_value, i.actual_value) for i in _indicators(text)]
    assert (1200.0, 217.0) not in rows
    assert (200.0, 230.0) in rows


def test_a_parts_title_run_into_the_sentence_after_it_makes_no_figure_a_target() -> None:
    # A page whose lines were run together: the title 三、绩效目标完成情况 opens the first result's sentence.
    filler = "我局围绕数字政府建设，统筹推进政务信息化项目集约建设和政务数据共享开放工作。" * 6
    text = (f"{filler}二、部门整体支出绩效目标2024年，我局绩效指标为：政务信息系统整合接入不少于85个，"
            f"政务数据共享交换量不少于1.2亿条。{filler}三、绩效目标完成情况（一）产出指标完成情况全年新增整合接入"
            f"市直部门政务信息系统92个；全年交换政务数据1.46亿条。{filler}")
    rows = [(i.target_value, i.target_unit, i.actual_value) for i in _indicators(text)]
    assert (85.0, "个", 92.0) in rows
    assert (1.2, "亿条", 1.46) in rows
