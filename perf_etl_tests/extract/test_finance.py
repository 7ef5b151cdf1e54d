"""Department budget, spending, execution rate and the basic/project spending split: one test per
wording variant and per distractor, on snippets written in the normalized form (one paragraph per
line) unless the test is about noise."""

from __future__ import annotations

import pytest

from perf_etl.extract.finance import FINANCE_FIELDS
from perf_etl.models import StagedDocument
from perf_etl_tests.extract.readings import extract_finance_hits


def _doc(text: str, fiscal_year: int | None = 2023) -> StagedDocument:
    return StagedDocument("doc", fiscal_year, text, [0])


def _values(text: str, fiscal_year: int | None = 2023) -> dict[str, object]:
    return {h.field: h.value for h in extract_finance_hits(_doc(text, fiscal_year))}


# --- budget_initial_wan -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("（四）部门整体支出情况\n本年年初预算数4521.30万元，全年执行数4400.00万元。", 4521.30),
        ("本局年初批复预算632.18万元，年中追加预算50万元。", 632.18),
        ("年初安排预算为1200万元，主要用于人员经费和日常运转。", 1200.0),
        ("2023年初预算批复875.4万元，比上年增加12.6万元。", 875.4),
        ("本年度预算批复数为88万元。", 88.0),
        ("年初预算数0.00万元，全年预算数120.00万元，全部为年中追加。", 0.0),
        ("年初预算数1,234,500.00元。", 123.45),
        ("年初预算数1.2亿元。", 12000.0),
    ],
)
def test_budget_initial_variants(text: str, expected: float) -> None:
    assert _values(text)["budget_initial_wan"] == pytest.approx(expected)


@pytest.mark.parametrize(
    "text",
    [
        # A named fund's initial budget is the fund's, not the department's.
        "（三）各重点任务项目支出完成情况分析\n办公场地租赁经费年初预算60万元，实际支出58.5万元，执行率97.5%。",
        "会展专项经费年初预算60万元，实际支出58.5万元，执行率97.5%。",
        # Asset figures are not budgets.
        "2023年资产年初数为704.99万元，本年增加3780.52万元。",
        # Last year's budget.
        "上年年初预算数900万元。",
        "2022年年初预算数900万元。",
    ],
)
def test_budget_initial_distractors(text: str) -> None:
    assert "budget_initial_wan" not in _values(text)


# --- budget_wan ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected", "rule"),
    [
        ("全年预算数512.30万元，执行数500.00万元。", 512.30, "budget:全年预算数"),
        ("调整后预算数为980.5万元。", 980.5, "budget:调整后预算数"),
        ("年初预算批复1000万元，压减经费20万元，实际下达预算资金980万元。", 980.0, "budget:实际下达预算资金"),
        ("2023年全年预算收入3,210.40万元，其中基本支出2000万元。", 3210.40, "budget:全年预算收入"),
        ("本年度财政资金总额450万元。", 450.0, "budget:财政资金总额"),
        ("年初预算数300万元，年中未调整。", 300.0, "budget:年初预算数(only budget stated)"),
    ],
)
def test_budget_variants(text: str, expected: float, rule: str) -> None:
    hits = {h.field: h for h in extract_finance_hits(_doc(text))}
    assert hits["budget_wan"].value == pytest.approx(expected)
    assert hits["budget_wan"].rule == rule


def test_budget_prefers_the_adjusted_budget_over_budget_income() -> None:
    text = "2023年我局预算收入1000万元。根据文件压减经费20万元，实际下达预算资金980万元。"
    values = _values(text)
    assert values["budget_wan"] == pytest.approx(980.0)


def test_flattened_table_row_with_a_unit_header() -> None:
    text = "部门整体支出绩效自评表\n（金额单位：万元）\n全年预算数 (A) 2155.61 全年执行数(B) 2149.56 执行率(B/A) 99.71%"
    values = _values(text)
    assert values["budget_wan"] == pytest.approx(2155.61)
    assert values["expenditure_wan"] == pytest.approx(2149.56)
    assert values["execution_rate_pct"] == pytest.approx(99.71)


def test_bare_numbers_without_any_unit_are_not_money() -> None:
    values = _values("全年预算数 (A) 2155.61 全年执行数(B) 2149.56")
    assert "budget_wan" not in values
    assert "expenditure_wan" not in values


def test_label_number_and_unit_split_by_ocr_whitespace() -> None:
    # A wrapped page: the break falls inside the label 执行数 and between number and unit.
    text = (
        "（三）部门整体收支情况\n本单位本年度全年预算数 36,628.61 \n万元，本年度各项财政资金按计划及时足额的执行\n"
        "数 36,628.61 万元，支出进度 100 %，较好完成。"
    )
    hits = {h.field: h for h in extract_finance_hits(_doc(text))}
    assert hits["budget_wan"].value == pytest.approx(36628.61)
    assert hits["budget_wan"].raw_text == "全年预算数 36,628.61 \n万元"
    assert hits["expenditure_wan"].raw_text == "执行\n数 36,628.61 万元"
    assert hits["expenditure_wan"].value == pytest.approx(36628.61)
    assert hits["execution_rate_pct"].value == pytest.approx(100.0)


def test_evidence_is_the_exact_slice_of_the_text() -> None:
    text = "一、基本情况\n（三）部门整体收支情况\n全年预算数9904.52万元，执行数9825.88万元，完成预算的99.21%。"
    doc = _doc(text)
    for hit in extract_finance_hits(doc):
        assert doc.text[hit.char_start : hit.char_end] == hit.raw_text


# --- expenditure_wan ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("全年预算数500万元，执行数488.2万元。", 488.2),
        ("全年预算数 (A) 500万元 全年执行数(B) 488.2万元", 488.2),
        ("2023年实际支出数612.5万元（含上级资金）。", 612.5),
        ("2023年我局预算支出1,487.77万元，预算执行率92.38%。", 1487.77),
        ("本年决算支出720万元。", 720.0),
        ("本年支出合计720万元。", 720.0),
        ("支出总额982.58万元，分别为基本支出82.59万元，项目支出899.99万元。", 982.58),
        ("全年完成支出410万元。", 410.0),
        ("资金已全部拨付使用3,500,000元。", 350.0),
        ("1.2部门支出描述\n2023年度支出5560.46万元，其中：基本支出2956.36万元，项目支出2604.1万元。", 5560.46),
    ],
)
def test_expenditure_variants(text: str, expected: float) -> None:
    assert _values(text)["expenditure_wan"] == pytest.approx(expected)


def test_execution_count_beats_total_spending() -> None:
    text = (
        "（四）部门整体支出情况\n本年年初预算数1000万元，全年执行数1200万元，总支出900万元。\n"
        "2.预算执行情况\n2023年实际支出数900万元。"
    )
    assert _values(text)["expenditure_wan"] == pytest.approx(1200.0)


def test_department_summary_beats_a_project_paragraph() -> None:
    text = (
        "（三）部门整体收支情况\n全年预算数800万元，执行数790万元。\n"
        "（三）重点项目支出情况\n信息化运维项目实际支出120万元。"
    )
    assert _values(text)["expenditure_wan"] == pytest.approx(790.0)


@pytest.mark.parametrize(
    "text",
    [
        # A split by fund source is not the total.
        "涉及一般公共预算支出980.6万元，其他收入预算支出1.98万元。",
        # Last year's spending.
        "上年支出总额900万元。",
        "2022年度支出总额900万元。",
        # Share and growth wording around a total.
        "财政拨款支出占支出总额99.78%。",
    ],
)
def test_expenditure_distractors(text: str) -> None:
    assert "expenditure_wan" not in _values(text)


# --- execution_rate_pct -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2023年我局预算支出148.7万元，预算执行率92.38%。", 92.38),
        ("全年预算数(A) 100万元 全年执行数(B) 95万元 执行率(B/A) 95.00%", 95.0),
        ("全年预算支出215万元，全年支出进度为99.71%。", 99.71),
        ("本年预算完成率为98.5%。", 98.5),
        ("全年预算数990.45万元，执行数982.59万元，完成预算的99.21%。", 99.21),
        ("全年支出进度 100 ％。", 100.0),
    ],
)
def test_execution_rate_variants(text: str, expected: float) -> None:
    assert _values(text)["execution_rate_pct"] == pytest.approx(expected)


@pytest.mark.parametrize(
    "text",
    [
        # A project's rate.
        "2023年会展工作经费预算收入数24.85万元，决算支出数24.85万元，项目执行率为100%。",
        "办公场地租赁经费年初预算60万元，实际支出58.5万元，执行率97.5%。",
        # Sub-rates of basic or project spending.
        "基本支出进度为99.61%，项目支出进度为100%。",
        "其中基本支出93.2万元，预算执行率99.90%；项目支出20.7万元，预算执行率83.27%。",
        # Last year's rate.
        "上年预算执行率95%。",
        "2022年我局预算支出148.7万元，预算执行率90.5%。",
        # Growth, decrease and shares.
        "支出总额比上年同比增长12%。",
        "相比2022年度支出减少了12.23%。",
        "财政拨款支出占支出总额99.78%。",
        # An indicator's completion, not the budget's.
        "完成全年招商引资任务85.64%。",
        # A row's points on the execution-rate line.
        "预算执行率（10分）：得分10分。",
        # A phone number.
        "联系电话：3278773",
    ],
)
def test_execution_rate_distractors(text: str) -> None:
    assert "execution_rate_pct" not in _values(text)


def test_total_rate_after_category_split_is_still_the_total() -> None:
    text = (
        "全年预算支出214.95万元，其中基本支出154.98万元，项目支出59.97万元，"
        "全年支出进度为99.71%，基本支出进度为99.61%。"
    )
    assert _values(text)["execution_rate_pct"] == pytest.approx(99.71)


def test_rate_above_200_is_not_a_rate() -> None:
    assert "execution_rate_pct" not in _values("预算执行率为250%。")


# --- basic / project spending -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "basic", "project"),
    [
        ("支出总额982.58万元，分别为基本支出82.59万元，项目支出899.99万元。", 82.59, 899.99),
        ("全年预算支出214.95万元，其中基本支出154.98万元，项目支出59.97万元。", 154.98, 59.97),
        # Spending split stated in the next sentence, after the rate.
        (
            "2023年我局预算支出1487.17万元，预算执行率92.38%。其中基本支出93.26万元，预算执行率99.90%；"
            "部门项目支出20.73万元，预算执行率83.27%；公共项目支出1373.18万元，预算执行率92.06%。",
            93.26,
            1393.91,
        ),
    ],
)
def test_spending_split(text: str, basic: float, project: float) -> None:
    values = _values(text)
    assert values["basic_expenditure_wan"] == pytest.approx(basic)
    assert values["project_expenditure_wan"] == pytest.approx(project)


def test_budget_split_is_not_spending() -> None:
    text = "2023年年初预算数1576.86万元，其中基本支出201.23万元、项目支出1375.63万元。年中追加项目资金95.9万元。"
    values = _values(text)
    assert "basic_expenditure_wan" not in values
    assert "project_expenditure_wan" not in values


def test_budget_split_and_spending_split_side_by_side() -> None:
    text = (
        "2023年全年预算收入215.56万元，其中基本支出155.58万元，项目支出59.98万元；"
        "全年预算支出214.95万元，其中基本支出154.98万元，项目支出59.97万元。"
    )
    values = _values(text)
    assert values["basic_expenditure_wan"] == pytest.approx(154.98)
    assert values["project_expenditure_wan"] == pytest.approx(59.97)


def test_budget_split_with_budget_suffix_and_in_brackets() -> None:
    text = (
        "2023年我局预算收入1614.17万元，其中基本支出预算95.32万元，部门项目支出预算27.3万元。\n"
        "实际下达预算资金1609.81万元（基本支出93.36万元、部门项目支出24.9万元、公共项目支出1491.55万元）。"
    )
    values = _values(text)
    assert "basic_expenditure_wan" not in values
    assert "project_expenditure_wan" not in values


def test_a_lone_project_sub_kind_is_not_all_project_spending() -> None:
    text = "支出总额500万元，其中基本支出100万元，公共项目支出380万元。"
    values = _values(text)
    assert values["basic_expenditure_wan"] == pytest.approx(100.0)
    assert "project_expenditure_wan" not in values


def test_nothing_stated_gives_no_hits() -> None:
    assert extract_finance_hits(_doc("一、基本情况\n本部门负责招商引资工作。")) == []


def test_hits_come_in_field_order_one_per_field() -> None:
    text = "全年预算数9904.52万元，执行数9825.88万元，完成预算的99.21%。自评得分为92分，自评等级为优。"
    fields = [h.field for h in extract_finance_hits(_doc(text))]
    assert fields == [f for f in FINANCE_FIELDS if f in fields]
    assert len(fields) == len(set(fields)) == 5


# --- more wordings and noise --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "field", "expected"),
    [
        ("全年预算数100万，执行数95万，预算执行率95%。", "budget_wan", 100.0),
        ("全年预算数100万，执行数95万，预算执行率95%。", "expenditure_wan", 95.0),
        ("本年支出决算数为86.5万元。", "expenditure_wan", 86.5),
        ("全年资金支付进度为97.2%。", "execution_rate_pct", 97.2),
        # Money carried over from last year is part of this year's budget.
        ("含上年结转资金的全年预算数为120万元。", "budget_wan", 120.0),
    ],
)
def test_more_wordings(text: str, field: str, expected: float) -> None:
    assert _values(text)[field] == pytest.approx(expected)


def test_bare_wan_before_another_word_is_not_money() -> None:
    assert "expenditure_wan" not in _values("全年实际支出3万人次的服务。")


def test_target_and_actual_percentages_in_one_row_are_not_read() -> None:
    assert "execution_rate_pct" not in _values("预算执行率 95% 99.71% 10 10")


# --- the 自评表's 年度资金总额 row --------------------------------------------------------------------

_TABLE = (
    "五、附件\n部门整体支出绩效自评表\n年度预算执行情况（万元）\n"
    "年初预算数 全年预算数（A） 全年执行数（B） 分值 执行率（B/A） 得分\n"
    "年度资金总额 100 120 110 10 91.67% 9\n其中：当年财政拨款 100 120 110 — — —"
)


def test_self_evaluation_table_row_is_mapped_by_column() -> None:
    hits = {h.field: h for h in extract_finance_hits(_doc(_TABLE))}
    assert {f: h.value for f, h in hits.items()} == {
        "budget_initial_wan": 100.0,
        "budget_wan": 120.0,
        "expenditure_wan": 110.0,
        "execution_rate_pct": 91.67,
    }
    assert hits["budget_wan"].rule == "table:全年预算数"


def test_table_row_with_a_missing_cell_is_read_when_one_reading_fits() -> None:
    # 分值 left out by the flattening: 110 / 120 = 91.67 % places every other cell.
    text = _TABLE.replace("10 91.67% 9", "91.67% 9")
    assert _values(text) == {
        "budget_initial_wan": 100.0, "budget_wan": 120.0, "expenditure_wan": 110.0, "execution_rate_pct": 91.67,
    }


def test_table_row_that_fits_several_ways_is_not_read() -> None:
    # Two amounts under three money columns, no rate to tell them apart: no figure rather than a wrong one.
    text = _TABLE.replace("100 120 110 10 91.67% 9", "100 110").replace("其中：当年财政拨款 100 120 110 — — —", "")
    assert extract_finance_hits(_doc(text)) == []


def test_table_row_without_a_unit_header_is_in_wan() -> None:
    # The templates' money block is in 万元 unless it says otherwise, as for tables read from cells.
    values = _values(_TABLE.replace("（万元）", ""))
    assert values["budget_wan"] == pytest.approx(120.0)


def test_prose_summary_beats_the_table() -> None:
    text = "（三）部门整体收支情况\n全年预算数125万元，执行数110万元。\n" + _TABLE
    assert _values(text)["budget_wan"] == pytest.approx(125.0)


def test_a_project_table_is_not_the_department_table() -> None:
    # A department report with a project's table appended (a project report's own table is its total).
    text = "某局2023年度部门整体支出绩效自评报告\n" + _TABLE.replace(
        "部门整体支出绩效自评表", "项目支出绩效自评表\n项目名称 招商推介活动经费"
    )
    assert extract_finance_hits(_doc(text)) == []


def test_a_project_reports_own_table_gives_its_totals() -> None:
    text = "某某补助资金项目支出绩效自评报告\n" + _TABLE.replace("部门整体支出绩效自评表", "项目支出绩效自评表")
    hits = {h.field: h.value for h in extract_finance_hits(_doc(text))}
    assert (hits["budget_wan"], hits["expenditure_wan"], hits["execution_rate_pct"]) == (120.0, 110.0, 91.67)


@pytest.mark.parametrize(
    "text",
    [
        "截至6月底，全年预算数100万元，执行数45万元，支出进度为45%。",
        "2023年1-6月实际支出数45万元，预算执行率45%。",
        "上半年预算执行率为48%。",
    ],
)
def test_mid_year_figures_are_not_the_year(text: str) -> None:
    values = _values(text)
    assert "execution_rate_pct" not in values
    assert "expenditure_wan" not in values


@pytest.mark.parametrize(
    "text",
    [
        "全区一般公共预算收入完成85.6亿元。",  # a region's revenue, in a finance bureau's report
        "上级下达资金50万元。",  # one transfer
    ],
)
def test_region_revenue_and_transfers_are_not_the_budget(text: str) -> None:
    assert "budget_wan" not in _values(text)


def test_a_section_on_the_whole_department_and_its_projects_is_not_a_project_section() -> None:
    text = "二、部门整体及项目绩效情况\n全年预算数800万元，执行数790万元，预算执行率98.75%。"
    assert _values(text) == {"budget_wan": 800.0, "expenditure_wan": 790.0, "execution_rate_pct": 98.75}


# --- held-out generalizations ---------------------------------------------------------------


def test_approved_department_budget_with_the_object_in_between() -> None:
    text = "三、预算执行情况\n市财政局批复本中心2023年度部门预算356.20万元，执行中追加20万元。"
    assert _values(text)["budget_initial_wan"] == pytest.approx(356.20)


def test_a_category_mentioned_in_an_earlier_clause_does_not_govern_a_total() -> None:
    text = "年中追加人员经费和专项经费，压减部分项目支出，实际下达预算资金2380.50万元，支出2300万元。"
    assert _values(text)["budget_wan"] == pytest.approx(2380.50)


def test_a_category_with_its_own_figure_still_governs_the_rate() -> None:
    text = "全年支出500万元，执行率95%。其中基本支出300万元，执行率99.00%。"
    assert _values(text)["execution_rate_pct"] == pytest.approx(95.0)


def test_project_report_figures_after_ben_xiangmu() -> None:
    text = (
        "2023年度乡村道路养护资金项目支出绩效自评报告\n二、项目资金情况\n"
        "该项目年初预算数0.00万元，全年预算数300.00万元，全年执行数240.00万元，执行率80.00%。"
    )
    values = _values(text)
    assert (values["budget_initial_wan"], values["budget_wan"], values["expenditure_wan"]) == (0.0, 300.0, 240.0)
    assert values["execution_rate_pct"] == pytest.approx(80.0)


def test_a_units_report_on_all_its_projects_states_their_totals() -> None:
    text = (
        "某市某局关于2023年度项目绩效自评工作的报告\n一、绩效自评工作组织开展情况\n"
        "2023年预算安排我局专项资金项目共计46个，财政资金1820.50万元。各科室重点检查项目支出进度，"
        "截至2023年底我局项目执行金额1638.45万元，执行率90.00%。\n二、绩效目标实现情况\n"
        "其中绩效自评“优”的项目30个财政资金1500.00万元。"
    )
    values = _values(text)
    assert (values["budget_wan"], values["expenditure_wan"]) == (1820.5, 1638.45)
    assert values["execution_rate_pct"] == pytest.approx(90.0)


def test_a_project_named_then_its_funds() -> None:
    text = (
        "2023年度农村饮水安全维修养护项目绩效自评报告\n三、项目绩效实现情况\n（一）项目资金情况\n"
        "2023年农村饮水安全维修养护项目80万元，实际到位80万元，到位率100%，涉及维修点12个。"
    )
    assert _values(text)["budget_wan"] == 80.0
    # In a department's report a project's funds are a part.
    assert "budget_wan" not in _values(text.replace("项目绩效自评报告", "部门整体支出绩效自评报告", 1))


def test_ben_xiangmu_in_a_department_report_stays_a_part() -> None:
    text = "某局2023年度部门整体支出绩效自评报告\n本项目年初预算数50万元，执行数45万元。"
    assert "budget_initial_wan" not in _values(text)


def test_spending_split_with_each_category_naming_its_spending() -> None:
    text = "全年预算数900万元，全年执行数850万元。其中基本支出全年执行数300万元，项目支出全年执行数550万元。"
    values = _values(text)
    assert (values["basic_expenditure_wan"], values["project_expenditure_wan"]) == (300.0, 550.0)


def test_spending_split_from_a_flattened_mini_table() -> None:
    text = (
        "全年支出执行数2000.50万元。\n类别 基本支出 项目支出 支出合计\n决算数（万元） 800.00 1200.50 2000.50\n"
        "项目 基本支出 项目支出 合计\n预算数（万元） 900 1300 2200\n"
    )
    values = _values(text)
    assert (values["basic_expenditure_wan"], values["project_expenditure_wan"]) == (800.0, 1200.5)


@pytest.mark.parametrize(
    "rows",
    [
        "项目 基本支出 项目支出 合计\n预算数（万元） 900 1300 2200\n",  # the budget's split
        "项目 基本支出 项目支出 支出合计\n金额（万元） 800 1200 2600\n",  # parts do not add up
        "项目 基本支出 项目支出 支出合计\n金额（万元） 800 1200\n",  # a cell missing
    ],
)
def test_mini_tables_that_are_not_the_spending_split(rows: str) -> None:
    values = _values("全年支出执行数2000万元。\n" + rows)
    assert "basic_expenditure_wan" not in values and "project_expenditure_wan" not in values


def test_approved_budget_of_another_year_named_inside_the_label() -> None:
    assert "budget_initial_wan" not in _values("区财政批复我局2024年部门预算1310.00万元。", fiscal_year=2023)


# --- extractor_version 3: wordings and noise of the second held-out set (snippets in other words) ---


@pytest.mark.parametrize(
    ("text", "field", "expected"),
    [
        # OCR letter l for the leading 1 of a thousands group, letter O for several zeros in a row.
        ("本年全年预算数l,520.00万元。", "budget_wan", 1520.0),
        ("调整后预算2,31O.OO万元。", "budget_wan", 2310.0),
        ("年初预算数l2O.5O万元。", "budget_initial_wan", 120.5),
    ],
)
def test_ocr_letters_inside_amounts(text: str, field: str, expected: float) -> None:
    assert _values(text)[field] == pytest.approx(expected)


def test_initial_budget_is_not_the_budget_when_an_adjusted_budget_is_stated_unreadably() -> None:
    # The adjusted budget is there but its figure cannot be read: the initial budget is not the
    # full-year budget then, so budget_wan stays null rather than taking the wrong figure.
    values = _values("年初预算数800.00万元，年中调整后全年预算数为捌佰陆拾万元，全年执行数850.00万元。")
    assert values["budget_initial_wan"] == 800.0
    assert "budget_wan" not in values


def test_project_reports_bare_xiangmu_is_the_report_subject() -> None:
    text = (
        "某县2023年农村公路养护项目支出绩效自评报告\n（二）资金情况。项目年初预算数300.00万元，全年预算数350.00万元。"
    )
    values = _values(text)
    assert (values["budget_initial_wan"], values["budget_wan"]) == (300.0, 350.0)


def test_spending_split_stated_as_shares_of_spending() -> None:
    text = "全年实际支出2.5亿元。\n从支出结构看，基本支出0.8亿元，占实际支出的32%；项目支出1.7亿元，占68%。"
    values = _values(text)
    assert (values["basic_expenditure_wan"], values["project_expenditure_wan"]) == (8000.0, 17000.0)


def test_a_share_of_the_budget_is_not_a_spending_split() -> None:
    values = _values("全年预算数1000万元。\n基本支出300万元，占预算总额的30%；项目支出700万元，占70%。")
    assert "basic_expenditure_wan" not in values and "project_expenditure_wan" not in values


_YUAN_TABLE = (
    "部门整体支出情况表\n金额单位：元\n项目 年初预算数 全年预算数 全年执行数 执行率\n"
    "年度资金总额 1000000.00 1200000.00 1150000.00 95.83%\n"
    "其中：基本支出 700000.00 720000.00 715000.00 99.31%\n"
    "项目支出 300000.00 480000.00 435000.00 90.63%\n"
)


def test_table_in_yuan_with_its_split_rows() -> None:
    values = _values(_YUAN_TABLE)
    assert (values["budget_initial_wan"], values["budget_wan"], values["expenditure_wan"]) == (100.0, 120.0, 115.0)
    assert values["execution_rate_pct"] == pytest.approx(95.83)
    assert (values["basic_expenditure_wan"], values["project_expenditure_wan"]) == (71.5, 43.5)


def test_table_split_rows_that_do_not_add_up_are_not_read() -> None:
    values = _values(_YUAN_TABLE.replace("435000.00 90.63%", "335000.00 69.79%"))
    assert "basic_expenditure_wan" not in values and "project_expenditure_wan" not in values


# --- the real texts' wordings (issue 14), each beside its distractor ------------------------------

_PROJECT_TITLE = "2023年度城区绿化养护资金项目支出绩效自评报告\n"


def test_payment_rate_is_the_execution_rate_and_a_fund_source_rate_is_not() -> None:
    text = _PROJECT_TITLE + "项目资金总额50万元，实际已支付48万元，资金支付率96%。其中：中央资金30万元，支付率100%。"
    values = _values(text)
    assert values["execution_rate_pct"] == pytest.approx(96.0)
    assert values["expenditure_wan"] == pytest.approx(48.0)


@pytest.mark.parametrize(
    ("text", "field", "expected"),
    [
        ("三、预算执行情况\n全年预算数200万元，执行金额180万元，执行率90%。", "expenditure_wan", 180.0),
        ("三、预算执行情况\n全年预算数200万元，实际使用资金190万元。", "expenditure_wan", 190.0),
        (_PROJECT_TITLE + "三、项目实施情况\n本项目计划投资额300万元，完成投资280万元。", "budget_wan", 300.0),
        (_PROJECT_TITLE + "2023年市财政下达绿化养护资金（城区部分）86万元，全部到位，"
            "已拨付使用80万元。", "budget_wan", 86.0),
        (_PROJECT_TITLE + "2023年市财政下达绿化养护资金（城区部分）86万元，全部到位，"
            "已拨付使用80万元。", "expenditure_wan", 80.0),
        # Amounts in 元 in prose and in a table.
        ("（二）部门整体支出情况\n全年预算数2,149,560.00元，实际支出2,100,000.00元。", "budget_wan", 214.956),
        (_PROJECT_TITLE + "项目资金（元）\n全年预算数 全年执行数 执行率\n年度资金总额 20490.00 20490.00 "
            "100%", "expenditure_wan", 2.049),
    ],
)
def test_real_wordings(text: str, field: str, expected: float) -> None:
    assert _values(text)[field] == pytest.approx(expected, abs=0.01)


def test_income_final_accounts_beside_spending_final_accounts() -> None:
    text = "（一）部门决算收支情况\n1、收入：792.22万元，其中财政拨款收入792.22万元。\n2、支出：799.12万元。"
    values = _values(text)
    assert values["expenditure_wan"] == pytest.approx(799.12)
    assert "budget_wan" not in values  # 决算 income is no budget


def test_a_transfer_in_a_department_report_is_still_not_its_budget() -> None:
    # "下达资金" is a project's own funds only in a report on that project.
    assert "budget_wan" not in _values("（三）部门整体收支情况\n上级下达资金50万元，用于设备购置。")


def test_a_listed_category_rate_is_not_the_total() -> None:
    text = ("2022年我单位项目支出绩效自评项目35个，分为七个方面，一是用于其他教育管理事务支出，合计75万元，"
            "已于本年度支出75万元，预算完成率100%。")
    assert "execution_rate_pct" not in _values(text)


def test_a_projects_funds_budget_and_their_use_completion_ratio() -> None:
    text = ("五指山市统计局2020年人口普查经费资金项目绩效自评报告\n一、基本情况\n（二）分解下达资金预算和绩效目标情况\n"
            "根据市财政局2020年预算安排，该项目2020年度资金预算253.7万元，支出253.66万元，余额404元，"
            "年度资金使用完成比率99.98 %。")
    hits = {h.field: h for h in extract_finance_hits(_doc(text, 2020))}
    assert (hits["budget_wan"].value, hits["budget_wan"].rule) == (pytest.approx(253.7), "budget:资金预算")
    assert hits["execution_rate_pct"].value == pytest.approx(99.98)
