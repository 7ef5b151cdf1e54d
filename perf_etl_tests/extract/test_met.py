"""An indicator row's comparison and verdict (perf_etl/extract/met.py), and the 自评表 rows that carry them:
qualitative rows keep their words, merged level cells cover the rows below, ≤ targets are met below."""

import pytest

from perf_etl.extract.met import comparison_of, decide_met
from perf_etl.extract.table_rows import read_reading
from perf_etl.grid import TableGrid


@pytest.mark.parametrize(("target", "comparison"), [
    ("≥500人次", ">="), ("不少于120场", ">="), ("95%以上", ">="), ("≤10/10万", "<="), ("控制在5%以内", "<="),
    ("不超过3天", "<="), ("100%", "="), ("1800个", "="), ("科学合理", "qualitative"),
    ("≤批复概算", "qualitative"), ("按时完成", "qualitative"), ("", None), (None, None),
])
def test_comparison(target, comparison):
    assert comparison_of(target) == comparison


@pytest.mark.parametrize(("row", "met"), [
    ((">=", 500, 620, True, "≥500人次", "620人次", None, None, None), True),
    ((">=", 500, 480, True, "≥500人次", "480人次", None, None, None), False),
    (("<=", 10, 6.8, True, "≤10/10万", "6.8/10万", None, None, None), True),  # 孕产妇死亡率: lower is met
    (("=", 100, 95, True, "100%", "95%", None, None, None), False),
    (("=", 85, 84, True, "85%左右", "84%", None, None, None), None),  # near the target: the words don't say how near
    (("=", 85, 85, True, "85%左右", "85%", None, None, None), True),
    ((">=", 90, 93, False, "≥90%", "93分", None, None, None), None),  # units differ, no score: undecided
    (("qualitative", None, None, True, "科学合理", "科学合理", None, None, None), True),
    (("qualitative", None, None, True, "≤批复概算", "未超概算", None, None, None), True),
    (("qualitative", None, None, True, "按时完成", "部分未按时完成", 5, 3, "资金拨付滞后"), False),
    (("qualitative", None, None, True, "科学合理", "基本合理", None, None, None), None),  # the words do not decide
    (("qualitative", None, None, True, "科学合理", "基本合理", 10, 10, None), True),  # full marks, no deviation
    (("qualitative", None, None, True, "规范", "较规范", 10, 8, None), None),  # points lost, no reason given
    (("qualitative", None, None, True, "效果明显", "达成预期指标", None, None, None), True),
    ((">=", 95, None, True, "≥95%", "均大于年度指标值", None, None, None), True),  # above the target, in words
    (("qualitative", None, None, True, "不发生", "未发生", None, None, None), True),  # nothing was to happen
    (("qualitative", None, None, True, "零发生", "发生1起", None, None, None), None),
    (("qualitative", None, None, True, "持续增强", "显著增强", None, None, None), True),  # improvement reported
    (("qualitative", None, None, True, "按时完成", "基本按时完成", 3, 2, None), False),  # short of it, points lost
    (("qualitative", None, None, True, "按时完成", "基本按时完成", None, None, None), None),
    (("qualitative", None, None, True, "基本提高", "基本提高", None, None, None), True),  # the words said again
    (("qualitative", None, None, True, "及时考核", "1-2期未能及时培训", None, None, None), False),
    ((">=", 2, 100, False, "至少全年完成2次宣传", "已完成100%", None, None, None), True),  # units differ: words decide
])
def test_met(row, met):
    assert decide_met(*row) is met


def test_qualitative_rows_keep_their_words_and_merged_levels_cover_the_rows_below():
    rows = [["一级指标", "二级指标", "三级指标", "分值", "年度指标值", "实际完成值", "得分", "偏差原因分析及改进措施"],
            ["产出指标", "数量指标", "惠民演出场次", "20", "≥120场", "136场", "20", "无"],
            ["", "", "演出覆盖乡镇", "10", "≥12个", "11个", "8", "1个乡镇场地未落实"],
            ["", "质量指标", "预算编制科学性", "10", "科学合理", "基本合理", "8", ""],
            ["效益指标", "社会效益指标", "孕产妇死亡率", "20", "≤10/10万", "6.8/10万", "20", ""],
            ["", "", "项目成本控制", "10", "≤批复概算", "未超概算", "10", ""]]
    indicators = read_reading("0" * 64, 2023, [TableGrid(rows, [3] * len(rows))]).indicators
    assert [(i.level1, i.level2, i.indicator_name, i.target_text, i.actual_text, i.comparison, i.met,
             i.deviation_reason) for i in indicators] == [
        ("产出指标", "数量指标", "惠民演出场次", "≥120场", "136场", ">=", True, None),
        ("产出指标", "数量指标", "演出覆盖乡镇", "≥12个", "11个", ">=", False, "1个乡镇场地未落实"),
        # "基本" says it fell short, and points were lost: not met.
        ("产出指标", "质量指标", "预算编制科学性", "科学合理", "基本合理", "qualitative", False, None),
        ("效益指标", "社会效益指标", "孕产妇死亡率", "≤10/10万", "6.8/10万", "<=", True, None),
        ("效益指标", "社会效益指标", "项目成本控制", "≤批复概算", "未超概算", "qualitative", True, None),
    ]
    assert [(i.target_value, i.actual_value) for i in indicators][3] == (10.0, 6.8)


def test_a_cells_figure_behind_words_and_before_its_bound_is_read():
    rows = [["三级指标", "年度指标值", "实际完成值", "分值", "得分"],
            ["故障修复及时性", "24小时内修复", "平均修复时长6.2小时", "5", "5"],
            ["参训学员就业率", "60%及以上", "53.53%", "5", "3"]]
    indicators = read_reading("0" * 64, 2023, [TableGrid(rows, [3] * len(rows))]).indicators
    assert [(i.target_value, i.actual_value, i.actual_unit) for i in indicators] == [(24.0, 6.2, "小时"),
                                                                                      (60.0, 53.53, "%")]
    assert [i.target_unit for i in indicators][1] == "%" and indicators[1].met is False
