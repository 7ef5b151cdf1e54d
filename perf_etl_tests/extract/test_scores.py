"""Total self-evaluation score, grade and score components: wording variants and distractors."""

from __future__ import annotations

import pytest

from perf_etl.models import StagedDocument
from perf_etl_tests.extract.readings import extract_finance_hits, extract_score_components


def _doc(text: str, fiscal_year: int | None = 2023) -> StagedDocument:
    return StagedDocument("doc", fiscal_year, text, [0])


def _hits(text: str, fiscal_year: int | None = 2023) -> dict[str, object]:
    return {h.field: h for h in extract_finance_hits(_doc(text, fiscal_year))}


# --- self_score ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("经综合评价，本部门自评得分为91.5分。", 91.5),
        ("本单位2023年整体支出绩效自评较好，自评分数总计为\n\n88.25 分。", 88.25),
        ("自评分数为90分。", 90.0),
        ("本部门自评总分96分，等级为优。", 96.0),
        ("综合评分为85.5分。", 85.5),
        ("经自评，评分为82分。", 82.0),
        ("我局2023年整体支出绩效自评结果为89分，达到“良”等级。", 89.0),
        ("2023年部门整体支出绩效自评等级为优，绩效自评分值为 97.3 分。", 97.3),
        ("自评得分为九十二分。", 92.0),
        ("自评得分：93.69", 93.69),
        ("自评结果显示，县消防救援大队部门绩效自评工作总体得分为84.47分，评级为“优”。", 84.47),
    ],
)
def test_self_score_variants(text: str, expected: float) -> None:
    assert _hits(text)["self_score"].value == pytest.approx(expected)


@pytest.mark.parametrize(
    "text",
    [
        # Sub-scores of a dimension.
        "其中履职效能总分50分，自评得分48.5分；管理效率总分50分，自评得分47分。",
        "产出指标满分40分，自评得分38分。",
        # Deductions and a row's points.
        "在履职效能方面，扣0.03分，主要扣分原因是执行率未达100%。",
        "预算执行率（10分）得分10分。",
        "预算执行率评分为10分。",
        # A project's score.
        "会展专项经费自评得分95分。",
        "部门整体支出绩效自评报告\n（三）重点项目支出情况\n信息化运维项目绩效自评得分为90分。",
        # Last year's score, and an impossible one.
        "上年自评得分为88分。",
        "2022年度自评得分为88分。",
        "自评得分105分。",
        # No score, only a judgement.
        "整体支出绩效自评较好。",
    ],
)
def test_self_score_distractors(text: str) -> None:
    assert "self_score" not in _hits(text)


def test_total_score_stated_before_its_components() -> None:
    text = "2023年部门整体支出绩效自评等级为优，绩效自评分值为99.69分。其中履职效能总分50分，自评得分49.97分。"
    hit = _hits(text)["self_score"]
    assert hit.value == pytest.approx(99.69)
    assert hit.raw_text == "绩效自评分值为99.69分"


def test_total_of_100_points_is_the_total() -> None:
    assert _hits("部门整体支出绩效总分100分，自评得分92分。")["self_score"].value == pytest.approx(92.0)


# --- grade --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2023年部门整体支出绩效自评等级为优，绩效自评分值为97分。", "优"),
        ("自评结果为89分，达到“良”等级。", "良"),
        ("评价等级：良好。", "良"),
        ("整体支出和项目绩效情况较为理想，自评良好。", "良"),
        ("本部门自评为优秀。", "优"),
        ("评价结果为“合格”。", "中"),
        ("绩效等级为不合格。", "差"),
        ("经评定，自评等级为“中”。", "中"),
        ("被评为优秀等级。", "优"),
        ("部门整体支出绩效评级为良。", "良"),
        ("四、评价结论\n项目实施效果，评价得分及绩效等级为(良)。", "良"),
    ],
)
def test_grade_variants(text: str, expected: str) -> None:
    assert _hits(text)["grade"].value == expected


@pytest.mark.parametrize(
    "text",
    [
        "本单位2024年整体支出绩效自评较好，自评分数总计为93.69分。",
        "评价等级：优（90分以上）、良（80-89分）、中（60-79分）、差（60分以下）。",
        "绩效等级分为(优)90分以上、(良)80-89分。",
        "评价等级分为优、良、中、差四个等级。",
        "持续优化营商环境，建设优良的服务体系。",
        "会展专项经费自评等级为优。",
        "2022年度自评等级为优。",
        "我局预算支出效益良好。",
    ],
)
def test_grade_distractors(text: str) -> None:
    assert "grade" not in _hits(text)


def test_grade_evidence_names_the_rule() -> None:
    hit = _hits("达到“良”等级。")["grade"]
    assert hit.rule == "grade:达到等级"
    assert hit.raw_text == "达到“良”等级"


# --- score components ---------------------------------------------------------------------------


def test_components_from_prose() -> None:
    text = "绩效自评分值为97.3分。其中履职效能总分60分，自评得分58.5分；管理效率总分40分，自评得分38.8分。"
    comps = extract_score_components(_doc(text))
    assert [(c.component, c.max_score, c.score) for c in comps] == [("履职效能", 60.0, 58.5), ("管理效率", 40.0, 38.8)]


def test_components_from_flattened_table_rows() -> None:
    text = "一级指标 分值 得分\n投入指标 20 19\n产出指标 40 38.5\n效益指标 30分 28分\n合计 90 85.5"
    comps = extract_score_components(_doc(text))
    assert [(c.component, c.max_score, c.score) for c in comps] == [
        ("投入指标", 20.0, 19.0),
        ("产出指标", 40.0, 38.5),
        ("效益指标", 30.0, 28.0),
    ]


@pytest.mark.parametrize(
    "text",
    [
        "部门整体支出绩效自评分值为99分。",  # a total only
        "产出指标 40 45",  # score above its maximum: not a score row
        "新开工项目 80 22",  # counts, not a scoring dimension
    ],
)
def test_no_components(text: str) -> None:
    assert extract_score_components(_doc(text)) == []


def test_grade_used_as_an_attribute_is_not_the_grade() -> None:
    assert "grade" not in _hits("所属项目中自评等级为优的项目有5个。")


def test_table_total_row_gives_the_score_not_the_maximum() -> None:
    # The total row of a flattened scoring table: maximum 100 first, then the score.
    assert _hits("绩效自评总分 100 93.69")["self_score"].value == 93.69
    assert _hits("指标名称 分值 得分\n年度资金执行 10 9.2\n合计 100 91.5\n")["self_score"].value == 91.5


@pytest.mark.parametrize("text", ["产出指标 总分 40 38.5", "合计 100 91.5 88.0", "总计 120 96"])
def test_table_rows_that_are_not_the_total_row(text: str) -> None:
    # A dimension's row (maximum below 100), a row with more cells, or a non-score total.
    assert "self_score" not in _hits(text)


def test_components_with_the_maximum_in_brackets() -> None:
    text = (
        "部门整体支出绩效评价结果为良好，综合得分88.6分。其中，投入指标得分18分（满分20分），"
        "过程指标得分19.5分（满分20分）；产出指标（40分），得分35分。"
    )
    comps = extract_score_components(_doc(text))
    assert [(c.component, c.max_score, c.score) for c in comps] == [
        ("投入指标", 20.0, 18.0),
        ("过程指标", 20.0, 19.5),
        ("产出指标", 40.0, 35.0),
    ]
    assert _hits(text)["self_score"].value == pytest.approx(88.6)


def test_an_indicator_row_score_is_not_a_component() -> None:
    assert extract_score_components(_doc("预算执行率（10分）得分10分。")) == []


def test_components_with_bracketed_maximum_and_bare_de() -> None:
    text = "综合得分85分。其中部门决策（15分）得12.5分，部门管理（35分）得30分，部门绩效（50分）得42.5分。"
    comps = extract_score_components(_doc(text))
    assert [(c.component, c.max_score, c.score) for c in comps] == [
        ("部门决策", 15.0, 12.5),
        ("部门管理", 35.0, 30.0),
        ("部门绩效", 50.0, 42.5),
    ]


@pytest.mark.parametrize(
    "text",
    [
        "其中“资金到位率”指标（分值5分）得分4.5分。",
        "其中项目完成率指标得分8分（满分10分）。",
    ],
)
def test_a_rate_indicator_row_is_not_a_component(text: str) -> None:
    assert extract_score_components(_doc(text)) == []


def test_project_report_score_after_ben_xiangmu() -> None:
    text = "某某专项资金项目支出绩效自评报告\n四、自评结论\n经自评，该项目绩效自评得分为61.5分。"
    assert _hits(text)["self_score"].value == 61.5


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # The total row of a flattened scoring table whose 分值 cell is empty.
        ("一级指标 分值 得分\n投入 20 18\n产出 80 70.5\n得分合计 88.5\n", 88.5),
        ("合计得分：88.5分。", 88.5),
        # The department's overall performance score named as such.
        ("本单位2023年度部门整体支出绩效得分88分，等级为良。", 88.0),
    ],
)
def test_self_score_total_row_and_overall_wording(text: str, expected: float) -> None:
    assert _hits(text)["self_score"].value == pytest.approx(expected)


def test_a_dimensions_performance_score_is_not_the_total() -> None:
    assert "self_score" not in _hits("其中产出指标绩效得分30分。")


def test_components_named_by_budget_stage_and_duty() -> None:
    text = "自评得分90分。其中部门履职（40分）得分36分，预算编制（10分）得9分，预算执行（20分）得18.5分。"
    comps = extract_score_components(_doc(text))
    assert [(c.component, c.max_score, c.score) for c in comps] == [
        ("部门履职", 40.0, 36.0),
        ("预算编制", 10.0, 9.0),
        ("预算执行", 20.0, 18.5),
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("一、自评结论\n（一）自评得分\n因此评价分100分，自评等级为优秀。\n（二）绩效目标完成情况\n"
         "1.年初目标值≥90%，实际完成值≥90%，自评得分20分；", 100.0),
        ("对南县财政局2023年度机关整体支出开展了绩效评价，综合评分为97分。", 97.0),
        ("部门整体绩效自评表 主管部门 财政处室 自评总分(分)97.6 部门联系人", 97.6),
        # A flattened total row: the maximum 100, then the score, with or without separators.
        ("三级指标 分值 得分\n满意度 10 10\n总分100100注：1.一级指标分值统一设置", 100.0),
        ("|家长满意度|≧|95|%|100%|10|10||总分| 100 | 96 |优||", 96.0),
        ("满意度指标 服务对象满意度 98% 98% 19.6\n总分99.6偏差大或目标未完成原因分析", 99.6),
    ],
)
def test_real_score_wordings(text: str, expected: float) -> None:
    assert _hits(text)["self_score"].value == pytest.approx(expected)


def test_an_indicator_score_and_the_weight_total_are_not_the_score() -> None:
    assert "self_score" not in _hits("1.重大动物免疫密度，年初目标值≥90%，实际完成值≥90%，自评得分20分；")
    assert "self_score" not in _hits("合计 |\n100 |\n|\n评价结论 |")


def test_a_grade_cell_after_the_total_row() -> None:
    assert _hits("|其他需要说明事项|无|总分| 100 | 96 |优||")["grade"].value == "优"
