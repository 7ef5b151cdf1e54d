"""A 自评表 run together with nothing between its cells (perf_etl/tables/run_together.py), as document-sharing
sites print them, read back into the same rows (through perf_etl/tables/flat.py)."""

from perf_etl.extract.table_rows import read_reading
from perf_etl.models import PageText
from perf_etl.tables.flat import flattened_tables
from perf_etl.tables.run_together import has_run_together_header, run_together_cells

RUN_TOGETHER = (
    "1、2020年度水土保持监测项目绩效自评表单位名称:黄冈市水土保持科研所预算执行情况(万元)(20分)预算数(A)执行数(B)"
    "执行率(B/A)得分年度财政资金总额1010100%20年度绩效目标1(40分)一级指标二级指标三级指标年初目标值(A)实际完成值(B)"
    "得分产出指标质量指标监测数据必须合格100%100%10进度指标取得2018-2022监测资料100%100%10效益指标社会效益指标"
    "资料整编审核合格合格20满意度指标服务对象满意度指标群众满意度≥95%98%19.6总分99.6偏差大或目标未完成原因分析"
)


def test_the_cells_of_a_run_together_table():
    cells = run_together_cells(RUN_TOGETHER[RUN_TOGETHER.index("一级指标"):])
    assert cells[:6] == ["一级指标", "二级指标", "三级指标", "年初目标值(A)", "实际完成值(B)", "得分"]
    # a name with a range of years stays whole; a target in words repeated as its result is two cells
    assert "取得2018-2022监测资料" in cells
    assert cells[cells.index("资料整编审核") + 1:][:3] == ["合格", "合格", "20"]


def test_a_run_together_table_gives_its_rows():
    grids = flattened_tables([PageText(1, RUN_TOGETHER)])
    rows = [(i.level1, i.level2, i.indicator_name, i.target_text, i.actual_text, i.score)
            for i in read_reading("d", 2020, grids).indicators]
    assert rows == [
        ("产出指标", "质量指标", "监测数据必须合格", "100%", "100%", 10),
        ("产出指标", "进度指标", "取得2018-2022监测资料", "100%", "100%", 10),
        ("效益指标", "社会效益指标", "资料整编审核", "合格", "合格", 20),
        ("满意度指标", "服务对象满意度指标", "群众满意度", "≥95%", "98%", 19.6),
    ]


def test_points_run_into_the_target_where_the_weight_column_comes_first():
    text = ("绩效指标一级指标二级指标三级指标分值年度指标值全年实际值得分产出指标(70分)数量指标"
            "安装坡面水标尺10≥266米≥266米10质量指标项目(工程)验收合格率20100%100%20成本指标项目计划总投资1020万元20万元10总分100100")
    rows = [(i.indicator_name, i.weight, i.target_text, i.actual_text, i.score)
            for i in read_reading("d", 2022, flattened_tables([PageText(1, text)])).indicators]
    assert rows == [
        ("安装坡面水标尺", 10, "≥266米", "≥266米", 10),
        ("项目(工程)验收合格率", 20, "100%", "100%", 20),
        ("项目计划总投资", 10, "20万元", "20万元", 10),
    ]


def test_prose_is_not_cut_up():
    prose = "本项目年度指标值为100%，实际完成值为98%，得分9分。"
    assert not has_run_together_header(prose)
    assert flattened_tables([PageText(1, prose)]) == []


def test_a_traditional_repost_with_pinyin_glosses_is_read_the_same():
    text = ("一級指標(biāo)二級指標(biāo)三級指標(biāo)年初目標(biāo)值(A)實(shí)際完成值(B)得分"
            "產(chǎn)出指標(biāo)質(zhì)量指標(biāo)監(jiān)測數(shù)據(jù)必須合格100%100%10")
    rows = [(i.level1, i.level2, i.indicator_name, i.target_text, i.actual_text, i.score)
            for i in read_reading("d", 2020, flattened_tables([PageText(1, text)])).indicators]
    assert rows == [("產出指標", "質量指標", "監測數據必須合格", "100%", "100%", 10)]
