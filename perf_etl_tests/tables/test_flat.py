"""自评表 tables flattened into text (perf_etl/tables/flat.py), read back into the same indicator rows as a
ruled table gives. The snippets follow real published texts (perf_etl_tests/fixtures/real/): the layouts,
the merged level cells written once, the empty cells kept or dropped, the headers wrapped over lines."""

from pathlib import Path

import pytest

from perf_etl.extract.table_rows import read_reading
from perf_etl.ingest.readers import read_document
from perf_etl.models import PageText
from perf_etl.tables.columns import INDICATOR_COLUMNS
from perf_etl.tables.flat import align_rows, flattened_tables, header_columns, joined_fragments


def _indicators(text: str):
    grids = flattened_tables([PageText(1, text)])
    return read_reading("d", 2023, grids).indicators


def _row(indicator):
    return (indicator.level1, indicator.level2, indicator.indicator_name, indicator.target_text,
            indicator.actual_text, indicator.weight, indicator.score)


# A two-row header and the first row written on one line, as a web page's table saved as text gives it.
PIPE_ROWS = "\n".join([
    "绩效指标 | 年度指标值 | 实际完成值 | 分值 | 得分 | 偏差原因分析及改进措施 | 一级指标 | 二级指标 | 三级指标 | "
    "指标性质 | 指标值 | 度量单位 | 产出指标 | 数量指标 | 学生受资助人数 | ≧ | 735 | 人次 | 735 | 10 | 10 |",
    "| 质量指标 | 营养改善计划覆盖率 | ≧ | 100 | % | 100% | 10 | 10 |",
    "| 时效指标 | 资金到位及时率 | ═ | 100 | % | 98% | 10 | 7 | 资金拨付滞后 |",
    "| 效益指标 | 经济效益 指标 | 减轻贫困学生家庭经济负担 |",
    "| 有效 |",
    "| 有效 | 10 | 10 |",
    "| 满意度指标 | 服务对象满意度指标 | 学生满意度 | ≧ | 95 | % | 100% | 10 | 10 |",
    "| 其他需要说明事项 | 无 | 总分 | 100 | 96 | 优 |",
    "",
])


def test_pipe_rows_with_a_two_row_header_and_the_split_target_columns():
    rows = _indicators(PIPE_ROWS)
    assert [_row(i) for i in rows] == [
        ("产出指标", "数量指标", "学生受资助人数", "735", "735", 10, 10),
        ("产出指标", "质量指标", "营养改善计划覆盖率", "100", "100%", 10, 10),
        ("产出指标", "时效指标", "资金到位及时率", "100", "98%", 10, 7),
        ("效益指标", "经济效益 指标", "减轻贫困学生家庭经济负担", "有效", "有效", 10, 10),
        ("满意度指标", "服务对象满意度指标", "学生满意度", "95", "100%", 10, 10),
    ]
    first, timely = rows[0], rows[2]
    # 指标性质 gives the sign, 度量单位 the unit of a bare number on both sides.
    assert (first.comparison, first.target_unit, first.actual_value, first.actual_unit) == (">=", "人次", 735, "人次")
    assert (timely.comparison, timely.met, timely.deviation_reason) == ("=", False, "资金拨付滞后")
    assert rows[3].comparison == "qualitative" and rows[3].met is True


CELL_A_LINE_KEPT_EMPTIES = "\n".join(f"{cell} |" if cell else "|" for cell in [
    "绩效指标(90分)", "一级指标", "二级指标", "三级指标", "指标性质", "指标值", "度量单位", "完成值", "权重", "得分",
    "未完成原因分析",
    "产出指标", "数量指标", "发放(缴纳)覆盖率", "=", "100", "%", "", "60", "", "",
    "效益指标", "社会效益指标", "足额保障率(参保率)", "=", "100", "%", "", "30", "", "",
    "合计", "100", "", "",
    "评价结论", "结合自评情况,说明项目自评总分。",
])


def test_a_cell_a_line_with_empty_cells_kept_leaves_an_empty_result_empty():
    rows = _indicators(CELL_A_LINE_KEPT_EMPTIES)
    assert [_row(i) for i in rows] == [
        ("产出指标", "数量指标", "发放(缴纳)覆盖率", "100", None, 60, None),
        ("效益指标", "社会效益指标", "足额保障率(参保率)", "100", None, 30, None),
    ]
    assert all(i.actual_value is None and i.met is None for i in rows)


BAR_LINES = """年度绩效目标
(80分)
|
一级指标
|
二级指标
|
三级指标
|
年初目标值(A)
|
实际完成值(B)
|
得分
|
|||
产出指标(60分)
|
数量指标
|
指标1:慰问重点优抚对象
|
150人
|
150人
|
20
|
||||
质量指标
|
补助经费足额拨付率
|
100%
|
95%
|
15
|
|||||
总分(100分)
|
95
"""


def test_cells_closed_by_lines_of_bars_take_several_lines():
    rows = _indicators(BAR_LINES)
    assert [_row(i) for i in rows] == [
        ("产出指标", "数量指标", "慰问重点优抚对象", "150人", "150人", None, 20),
        ("产出指标", "质量指标", "补助经费足额拨付率", "100%", "95%", None, 15),
    ]


SPACED_WITH_WRAPPED_HEADER = """绩效指标 一级指标 二级指标 三级指标 年度 实际 分值 得分 偏差原因分析及改进措施
指标值 完成值
产出指标 数量指标 指标1:修缮建筑面积 6000平方米 6000平方米 7 7
指标2:修缮级别 市级保护单位 市级保护单位 7 7
质量指标 指标1:验收通过率 100% 95% 6 5
时效指标 项目设计、招标、施工 按时完成 按时完成 6 6
效益指标 社会效益指标 文物价值展示 明显提升 程度较高 15 15
总分 100 98
"""


def test_space_separated_cells_under_a_header_wrapped_over_two_lines():
    rows = _indicators(SPACED_WITH_WRAPPED_HEADER)
    assert [_row(i) for i in rows] == [
        ("产出指标", "数量指标", "修缮建筑面积", "6000平方米", "6000平方米", 7, 7),
        ("产出指标", "数量指标", "修缮级别", "市级保护单位", "市级保护单位", 7, 7),
        ("产出指标", "质量指标", "验收通过率", "100%", "95%", 6, 5),
        ("产出指标", "时效指标", "项目设计、招标、施工", "按时完成", "按时完成", 6, 6),
        ("效益指标", "社会效益指标", "文物价值展示", "明显提升", "程度较高", 15, 15),
    ]
    assert rows[2].met is False and rows[3].met is True


CELL_A_LINE = "\n\n".join([
    "一级指标", "二级指标", "三级指标", "年度", "指标值", "实际", "完成值", "分值", "得分",
    "偏差原因", "分析及", "改进措施",
    "产出指标", "(50)", "数量", "指标", "造林面积", "1.2万亩", "1.2万亩", "10", "10",
    "病虫害防治面积", "3.45万亩", "3.2万亩", "10", "8", "受降雨影响,防治作业延迟",
    "满意度指标", "服务对象满意度", "≥90%", "96%", "10", "10",
    "(三)存在的问题",
])


def test_a_cell_a_line_with_wrapped_header_and_level_cells_and_a_reason():
    rows = _indicators(CELL_A_LINE)
    assert [_row(i) for i in rows] == [
        ("产出指标", "数量指标", "造林面积", "1.2万亩", "1.2万亩", 10, 10),
        ("产出指标", "数量指标", "病虫害防治面积", "3.45万亩", "3.2万亩", 10, 8),
        ("满意度指标", None, "服务对象满意度", "≥90%", "96%", 10, 10),
    ]
    assert rows[1].deviation_reason == "受降雨影响,防治作业延迟" and rows[1].met is False


def test_a_traditional_character_repost_is_read_by_the_same_headers():
    text = ("| 一級指標 | 二級指標 | 三級指標 | 年度指標值 | 實際完成值 | 分值 | 得分 |\n"
            "| 產出指標 | 數量指標 | 衛片執法補助經費 | 72890元 | 72890元 | 10 | 9 |\n"
            "| 質量指標 | 項目驗收合格率 | 100% | 100% | 20 | 20 |\n")
    assert [_row(i) for i in _indicators(text)] == [
        ("產出指標", "數量指標", "衛片執法補助經費", "72890元", "72890元", 10, 9),
        ("產出指標", "質量指標", "項目驗收合格率", "100%", "100%", 20, 20),
    ]


@pytest.mark.parametrize("text", [
    # prose that names the columns is no table
    "本项目年度指标值与实际完成值对比如下：完成率100%，得分10分。",
    # a money block alone
    "| 年初预算数 | 全年预算数 | 全年执行数 | 分值 | 执行率 | 得分 |\n| 10 | 10 | 10 | 10 | 100% | 10 |\n",
    # a header with no rows under it
    "一级指标 二级指标 三级指标 年度指标值 实际完成值 分值 得分\n评价结论 本项目完成良好。\n",
])
def test_no_rows_are_invented(text):
    assert _indicators(text) == []


def test_wrapped_header_fragments_join_only_where_they_name_a_longer_column():
    assert joined_fragments(["一级指标", "三级指标", "年度", "指标值", "实际", "完成值", "分值"]) == [
        "一级指标", "三级指标", "年度指标值", "实际完成值", "分值"]
    # "实际" before "分值" is no 实际分值: the rests written at the end complete the fragments
    assert joined_fragments(["三级指标", "年度", "实际", "分值", "得分", "指标值", "完成值"]) == [
        "三级指标", "年度指标值", "实际完成值", "分值", "得分"]
    assert header_columns(["年度指标值", "实际完成值", "分值", "一级指标", "三级指标", "指标性质", "指标值"]) == [
        "一级指标", "三级指标", "指标性质", "指标值", "实际完成值", "分值"]


def test_alignment_skips_merged_level_cells_but_never_a_name():
    columns = ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分"]
    cells = ["产出指标", "数量指标", "培训人次", "≥500人次", "620人次", "10", "10",
             "举办场次", "≥20场", "24场", "10", "9"]
    assert [row for _, row in align_rows(columns, cells)] == [
        ["产出指标", "数量指标", "培训人次", "≥500人次", "620人次", "10", "10"],
        ["", "", "举办场次", "≥20场", "24场", "10", "9"],
    ]


def test_a_text_file_carries_its_flattened_table_through_the_reader(tmp_path: Path):
    path = tmp_path / "自评表.txt"
    path.write_text("2023年度项目支出绩效自评表\n" + PIPE_ROWS, encoding="utf-8")
    read = read_document(path)
    indicators = read_reading("d", 2023, read.tables).indicators
    assert [i.indicator_name for i in indicators][:2] == ["学生受资助人数", "营养改善计划覆盖率"]
    assert {i.page_number for i in indicators} == {1}


SCORED_ROWS_WITHOUT_VALUES = """二级指标 三级指标 年度指标值 实际完成值 分值 得分 偏差原因分析及改进措施
数量指标 指标1:完成中型灌区节水改造项目数量 1 1 10 10
指标2:完成农业综合水价改革项目 1 1 10 10
质量指标 指标1:工程质量合格 10 10
成本指标 指标1:资金执行在预算范围内 10 10
满意度指标 指标1:服务对象满意度 90% 100% 10 10
总分 100 100
"""


def test_two_bare_numbers_in_a_scored_table_are_the_rows_points_not_its_values():
    rows = _indicators(SCORED_ROWS_WITHOUT_VALUES)
    assert [_row(i) for i in rows] == [
        (None, "数量指标", "完成中型灌区节水改造项目数量", "1", "1", 10, 10),
        (None, "数量指标", "完成农业综合水价改革项目", "1", "1", 10, 10),
        (None, "质量指标", "工程质量合格", None, None, 10, 10),
        (None, "成本指标", "资金执行在预算范围内", None, None, 10, 10),
        (None, "满意度指标", "服务对象满意度", "90%", "100%", 10, 10),
    ]


def test_a_unit_written_before_the_number():
    text = "| 三级指标 | 年度指标值 | 实际完成值 | 分值 | 得分 |\n| 造林补助 | 每亩300 | 每亩300 | 6 | 6 |\n"
    (row,) = _indicators(text)
    assert (row.target_value, row.target_unit, row.actual_value, row.met) == (300, "每亩", 300, True)


def test_table_rows_have_evidence_on_their_page():
    from perf_etl.extract import extract_document
    from perf_etl.models import StagedDocument

    grids = flattened_tables([PageText(1, "项目支出绩效自评表"), PageText(2, PIPE_ROWS)])
    extraction = extract_document(StagedDocument("d", 2023, "项目支出绩效自评表", [0]), read_reading("d", 2023, grids))
    targets = [e for e in extraction.evidence if e.field == "indicator_target"]
    assert len(targets) == len(extraction.indicators) == 5
    assert targets[0].value == "学生受资助人数: 735" and targets[0].page_number == 2
    assert {e.rule for e in targets} == {"table:indicator"}


def test_a_header_run_into_the_text_before_it_and_levels_written_as_targets():
    text = ("详情见附件(注:以下内容为附件图片识别)一级指标 | 二级指标 | 指标名称 | 目标值 | 完成值 |\n"
            "产出指标 | 产出数量 | 完成护工培训任务 | 12500名 | 12166名 |\n"
            "| 产出质量 | 参训学员结业考核通过率 | 100% | 98.79% |\n"
            "效益目标 | 社会效益 | 参训学员就业率 | 60%及以上 | 53.53% |\n")
    assert [_row(i)[:5] for i in _indicators(text)] == [
        ("产出指标", "产出数量", "完成护工培训任务", "12500名", "12166名"),
        ("产出指标", "产出质量", "参训学员结业考核通过率", "100%", "98.79%"),
        ("效益目标", "社会效益", "参训学员就业率", "60%及以上", "53.53%"),
    ]


def test_a_figure_the_header_does_not_name_is_not_taken_for_the_next_name():
    cells = ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成指标值",
             "产出指标", "质量指标", "指标1:监管人员培训", "已完成", "已完成", "5",
             "指标2:违法案件查办率", "100%", "100%", "4"]
    rows = _indicators("\n\n".join(cells))
    assert [(i.indicator_name, i.target_text, i.actual_text) for i in rows] == [
        ("监管人员培训", "已完成", "已完成"), ("违法案件查办率", "100%", "100%")]


def test_cells_opened_by_a_bar_under_a_margin_label():
    lines = ["绩效", "指标", "| 一级指标", "| 二级指标", "| 三级指标", "| 指标值", "| 实施进度", "| ",
             "项目决策", "| 数量指标", "| 宣传次数", "| 至少全年完成2次宣传", "| 已完成100%", "| |",
             "质量指标", "| 创建质量", "| 按质按量完成", "| 已完成100%", "| ||"]
    rows = _indicators("\n".join("        " + line if line.startswith("|") else line for line in lines))
    assert [_row(i)[:5] for i in rows] == [
        ("项目决策", "数量指标", "宣传次数", "至少全年完成2次宣传", "已完成100%"),
        ("项目决策", "质量指标", "创建质量", "按质按量完成", "已完成100%"),
    ]


# 重庆's 部门整体绩效自评表: 计量单位 and 指标性质 (定量 / 定性指标) beside the name, an 调整指标值 column, and
# 得分系数(%) before 指标权重 and 指标得分: the coefficient is a share, not the row's points.
CHONGQING_HEADER = ["指标名称", "计量单位", "指标性质", "年初指标值", "调整指标值", "全年完成值", "得分系数(%)",
                    "指标权重(分)", "指标得分(分)", "是否核心指标"]
CHONGQING_ROWS = [
    ["财政供养人员控制率", "%", "定量指标", "100%", "", "92%", "100%", "2", "2", "否"],
    ["管理制度健全性", "", "定性指标", "高", "", "高", "100%", "3", "3", "否"],
    ["党性教育培训次数", "次", "定量指标", "26次", "", "12次", "50%", "5", "2.5", "是"],
]


def test_the_chongqing_template_as_a_grid_and_as_pipe_rows_gives_the_rows_points():
    from perf_etl.grid import TableGrid

    rows = [CHONGQING_HEADER, *CHONGQING_ROWS]
    grid = read_reading("d", 2023, [TableGrid(rows, [1] * len(rows))]).indicators
    text = _indicators("\n".join(" | ".join(row) for row in rows))
    expected = [
        (None, None, "财政供养人员控制率", "100%", "92%", 2.0, 2.0),
        (None, None, "管理制度健全性", "高", "高", 3.0, 3.0),
        (None, None, "党性教育培训次数", "26次", "12次", 5.0, 2.5),
    ]
    assert [_row(i) for i in grid] == [_row(i) for i in text] == expected


def test_spaced_rows_under_the_frameworks_bare_levels_keep_their_qualitative_texts():
    # The evaluation framework's 一级 决策 / 过程 and 二级 项目立项 / 绩效目标, written bare in a spaced table.
    text = "\n".join([
        "一级指标 二级指标 三级指标 年度指标值 实际完成值 分值 得分 偏差原因分析及改进措施",
        "决策 项目立项 预算编制科学性 科学合理 基本合理 10 8 部分测算依据不充分",
        "决策 绩效目标 绩效目标合理性 合理 基本合理 10 8",
        "产出指标 成本指标 项目成本控制 ≤批复概算 未超概算 10 10",
    ])
    assert [_row(i) for i in _indicators(text)] == [
        ("决策", "项目立项", "预算编制科学性", "科学合理", "基本合理", 10.0, 8.0),
        ("决策", "绩效目标", "绩效目标合理性", "合理", "基本合理", 10.0, 8.0),
        ("产出指标", "成本指标", "项目成本控制", "≤批复概算", "未超概算", 10.0, 10.0),
    ]


def test_a_table_run_together_with_wraps_inside_its_cells_as_spaces():
    # A document site's text of a Word 自评表: cells run together, each cell's own line breaks left as spaces.
    text = ("绩 效 指 标一级 指标二级 指标三级指标年度指标 值全年 完成值未完成原因和 改进措施产 出 指 标数量 "
            "指标库存数量真实率100%100%质量 指标储备粮管理专户管 理率100%98%")
    assert [(i.level2, i.indicator_name, i.target_text, i.actual_text) for i in _indicators(text)] == [
        ("数量指标", "库存数量真实率", "100%", "100%"),
        ("质量指标", "储备粮管理专户管理率", "100%", "98%"),
    ]


# A page that starts inside the split-column template's table: its header was on the page before.
CONTINUED_ROWS = "\n".join([
    "公益性讲座知晓率 | = | 100 | % | 100 | 5 | 5 |", "| |||",
    "可持续影响指标 | 图书馆管理机制健全性 | 定性 | 好坏 |", "| 好坏 | 5 | 5 |", "| ||",
    "满意度指标 | 服务对象满意度指标 | 活动参与人员满意度 | ≥ | 95 | % | 95 | 5 | 5 |", "| |",
    "合计 | 100 | 100 |", "评价结论 | 得到了读者的一致好评。 |",
])


def test_rows_of_the_split_column_template_are_read_without_their_header():
    rows = _indicators(CONTINUED_ROWS)
    assert [_row(i) for i in rows] == [
        (None, None, "公益性讲座知晓率", "100", "100", 5, 5),
        (None, "可持续影响指标", "图书馆管理机制健全性", "好坏", "好坏", 5, 5),
        ("满意度指标", "服务对象满意度指标", "活动参与人员满意度", "95", "95", 5, 5),
    ]
    assert [(i.comparison, i.target_unit, i.met) for i in rows] == [
        ("=", "%", True), ("qualitative", None, True), (">=", "%", True)]


def test_one_row_of_that_shape_is_no_table():
    # A sentence's figures are never three cells of sign, value and unit twice over.
    assert _indicators("公益性讲座知晓率 | = | 100 | % | 100 | 5 | 5 |\n评价结论 | 好 |") == []


def test_text_without_a_target_column_or_comparator_is_not_cut_into_cells():
    # flattened_tables skips text with neither 值 nor a comparator: that holds only while every wording of a
    # target column has 值 in it.
    assert all("值" in wording for wording in INDICATOR_COLUMNS["target"])
    table = "三级指标 | 年度指标值 | 实际完成值\n培训人次 | 500人次 | 620人次"
    assert flattened_tables([PageText(1, table.replace("值", "数"))]) == []
    assert [row[0] for row in flattened_tables([PageText(1, table)])[0].rows[1:]] == ["培训人次"]


def test_a_page_number_inside_a_table_continued_over_a_page_break_is_no_cell():
    text = ("三级指标\n年度指标值\n实际完成值\n分值\n得分\n项目成本控制\n≤486万元\n471.39万元\n5\n5\n"
            "疫苗配送成本\n合理\n合理\n5\n5\n第 3 页 共 4 页\n麻疹发病率\n≤1/10万\n0.12/10万\n5\n5\n")
    rows = [row[:3] for row in flattened_tables([PageText(1, text)])[0].rows[1:]]
    assert rows == [["项目成本控制", "≤486万元", "471.39万元"], ["疫苗配送成本", "合理", "合理"],
                    ["麻疹发病率", "≤1/10万", "0.12/10万"]]


def test_a_second_header_row_under_the_target_cell_takes_its_place():
    text = ("| 一级指标 | 二级指标 | 三级指标 | 年度指标值 | | | 实际完成值 | 分值 | 得分 | 偏差原因分析及改进措施 |\n"
            "| | | | 指标性质 | 指标值 | 度量单位 | | | | |\n"
            "| 产出指标 | 数量指标 | 门急诊人次 | ≥ | 38 | 万人次 | 41.26 | 7 | 7 | |\n"
            "| 三、四级手术占比 | ≥ | 22 | % | 24.8 | 5 | 5 | |\n")
    grid = flattened_tables([PageText(1, text)])[0]
    header = grid.rows[0]
    rows = [dict(zip(header, row, strict=True)) for row in grid.rows[1:]]
    assert [(r["三级指标"], r["指标性质"], r["指标值"], r["度量单位"], r["实际完成值"]) for r in rows] == [
        ("门急诊人次", "≥", "38", "万人次", "41.26"), ("三、四级手术占比", "≥", "22", "%", "24.8")]


def test_a_row_without_its_result_keeps_its_points_where_results_carry_units():
    text = ("三级指标\n年度指标值\n实际完成值\n分值\n得分\n偏差原因分析及改进措施\n"
            "食品安全监督抽检批次\n≥4800批次\n5016批次\n8\n8\n"
            "群众对食品安全满意度\n≥85%\n10\n8\n测评结果尚未发布，暂按上年度结果评分\n")
    grid = flattened_tables([PageText(1, text)])[0]
    assert grid.rows[2][:5] == ["群众对食品安全满意度", "≥85%", "", "10", "8"]


def test_a_form_one_row_a_line_after_a_form_of_cells_closed_by_bars():
    bars = ("三级指标\n|\n年度指标值\n|\n实际完成值\n|\n分值\n|\n得分\n|\n"
            "资助对象识别\n|\n精准\n|\n精准\n|\n10\n|\n10\n|\n总分\n|\n100\n|\n100\n|\n")
    rows = "三级指标 指标值 完成值 权重 评分\n送教上门学生 ≥45人 47人 10 10\n送教教案 规范完整 规范完整 10 10\n"
    grids = flattened_tables([PageText(1, bars + "\n附件2\n项目支出绩效自评表\n" + rows)])
    assert [row[0] for grid in grids for row in grid.rows[1:]] == ["资助对象识别", "送教上门学生", "送教教案"]


def test_a_qualitative_row_without_its_result_keeps_its_points():
    text = ("三级指标\n年度指标值\n实际完成值\n分值\n得分\n项目成本控制\n≤486万元\n471.39万元\n5\n5\n"
            "家长康复训练知识\n明显增强\n10\n")
    grid = flattened_tables([PageText(1, text)])[0]
    assert grid.rows[2][:5] == ["家长康复训练知识", "明显增强", "", "10", ""]


def test_the_department_frameworks_levels_are_levels_not_rows():
    text = ("| 一级指标 | 二级指标 | 三级指标 | 年初目标值 | 全年实际值 | 分值 | 自评得分 |\n"
            "| 部门管理 | 预算管理 | 预算编制科学性 | 科学合理 | 基本合理 | 4 | 3 |\n"
            "| 资产管理 | 资产管理安全性 | 账实相符 | 账实相符 | 3 | 3 |\n")
    rows = [row[:5] for row in flattened_tables([PageText(1, text)])[0].rows[1:]]
    assert rows == [["部门管理", "预算管理", "预算编制科学性", "科学合理", "基本合理"],
                    ["", "资产管理", "资产管理安全性", "账实相符", "账实相符"]]


def test_a_level_written_down_its_column_a_character_a_line_is_one_cell():
    # The 财政部 template saved as text: the merged 一级 cell's characters one a line, its points after them.
    text = "\n".join([
        "一级指标 二级指标 三级指标 年度指标值 实际完成值 分值 得分 偏差原因分析及改进措施",
        "产", "出", "指", "标", "(50分)",
        "数量指标 指标1:小型水库管护座数 86座 86座 8 8",
        "指标2:水库大坝安全鉴定 12座 10座 6 5 第三方机构进场延迟",
        "效", "益", "指", "标", "(30分)",
        "社会效益", "指标", "指标1:保护下游人口 ≥38万人 38.6万人 4 4",
        "总分 100 98.63",
    ])
    assert [_row(i) for i in _indicators(text)] == [
        ("产出指标", "数量指标", "小型水库管护座数", "86座", "86座", 8, 8),
        ("产出指标", "数量指标", "水库大坝安全鉴定", "12座", "10座", 6, 5),
        ("效益指标", "社会效益指标", "保护下游人口", "≥38万人", "38.6万人", 4, 4),
    ]


def test_a_row_of_slashes_is_no_indicator():
    # The 财政部 template's placeholder row filled with "/" for a class the project does not have.
    text = "\n".join(["一级指标 二级指标 三级指标 年度指标值 实际完成值 分值 得分 偏差原因分析及改进措施",
                      "产出指标 数量指标 指标1:新建供水管网 12公里 12.6公里 10 10",
                      "效益指标 经济效益指标 指标1:/ / /", "指标2:", "……",
                      "社会效益指标 指标1:农村人居环境 明显改善 明显改善 10 10"])
    assert [i.indicator_name for i in _indicators(text)] == ["新建供水管网", "农村人居环境"]


def test_a_document_sites_chunk_number_before_a_level_cell_is_no_cell():
    # A sharing site numbers the parts of a document ("1、", "2、"): the second part began at a level cell.
    text = "\n".join(["绩效指标 一级指标 二级指标 三级指标 年度指标值 实际完成值 分值 得分",
                      "偏差原因分析及改进措施 产出指标 数量指标 公务用车平台保障出车 ≥6000车次 6812车次 8 8 效益指标",
                      "2、经济效益指标 公务用车运行费用 较上年下降 下降4.2% 10 10 社会效益指标",
                      "机关食堂食品安全事故 零发生 零发生 7 7"])
    assert [(i.level2, i.indicator_name, i.target_text, i.actual_text) for i in _indicators(text)][1] == (
        "经济效益指标", "公务用车运行费用", "较上年下降", "下降4.2%")


def test_a_cell_of_a_row_of_bars_wrapped_over_a_line_break_is_one_cell():
    text = "\n".join([
        "| 一级指标 | 二级指标 | 三级指标 | 年度指标值 | 实际完成值 | 分值 | 得分 |",
        "| 产出指标 | 数量指标 | 孕产妇系统管理人数 | ≥1800人 | 1926人 | 10 | 10 |",
        "|  |  | 免费孕前优生健康检查目标人群",
        "覆盖率 | ≥80% | 76.4% | 10 | 8 |",
        "| 满意度指标 | 服务对象满意度指标 | 孕产妇及儿童家长",
        "满意度 | ≥90% | 95.6% | 10 | 10 |",
    ])
    assert [(i.indicator_name, i.target_text, i.actual_text) for i in _indicators(text)] == [
        ("孕产妇系统管理人数", "≥1800人", "1926人"), ("免费孕前优生健康检查目标人群覆盖率", "≥80%", "76.4%"),
        ("孕产妇及儿童家长满意度", "≥90%", "95.6%")]
