"""Files that hold several reports (issue 19, perf_etl/extract/reports.py): where each starts, its own figures,
its own id; and that the repeated titles every real text carries do not split a report."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from perf_etl.commands import extract_file
from perf_etl.defs.definitions import build_definitions
from perf_etl.extract.real_corpus import load_corpus
from perf_etl.extract.reports import extract_reports, report_parts
from perf_etl.ingest.ingest import ingest_file
from perf_etl.models import PageText
from perf_etl.normalize import normalize_document
from perf_etl.settings import Settings
from perf_etl_tests.fixtures import bundles

REAL = Path(__file__).parents[1] / "fixtures" / "real"
# The overall report's fields (sample 000's labels) and each project table's, as the fixture writes them.
OVERALL = {"report_type": "department_overall", "project_name": None, "budget_wan": 15768.6,
           "expenditure_wan": 20158.74, "self_score": 93.69}
PROJECTS = [{"report_type": "project", "project_name": p.name, "budget_initial_wan": float(p.initial_wan),
             "budget_wan": float(p.budget_wan), "expenditure_wan": float(p.spent_wan),
             "execution_rate_pct": float(p.rate.rstrip("%")), "self_score": float(p.total_score)}
            for p in bundles.PROJECTS]


def _lines(path: Path) -> list[dict]:
    return extract_file(path, Settings())


def _write(kind: str, folder: Path) -> Path:
    if kind == "txt":
        path = folder / "bundle.txt"
        path.write_text(bundles.bundle_text(), encoding="utf-8")
        return path
    return {"docx": bundles.write_bundle_docx, "pdf": bundles.write_bundle_pdf}[kind](folder / f"bundle.{kind}")


@pytest.mark.parametrize("kind", ["txt", "docx", "pdf"])
def test_an_overall_report_and_three_project_tables_are_four_reports_with_their_own_figures(tmp_path, kind):
    lines = _lines(_write(kind, tmp_path))
    assert all(line["rejected"] is None for line in lines)
    document_id = lines[0]["document_id"]
    reports = [line["report"] for line in lines]
    assert [(r["report_id"], r["report_ordinal"]) for r in reports] == [
        (f"{document_id}:{n}", n) for n in range(1, 5)]
    for report, expected in zip(reports, [OVERALL, *PROJECTS], strict=True):
        assert {field: report[field] for field in expected} == expected
        assert report["fiscal_year"] == 2024


def _staging_text(path: Path) -> str:
    outcome = ingest_file(path, path.parent, datetime.now(timezone.utc))
    return normalize_document(outcome.document.document_id, 2024, outcome.pages).text


def test_each_reports_evidence_is_at_its_own_place_in_the_files_text(tmp_path):
    path = _write("txt", tmp_path)
    text = _staging_text(path)
    lines = _lines(path)
    starts = [text.index(p.name) for p in bundles.PROJECTS]
    for line, start, end in zip(lines[1:], starts, [*starts[1:], len(text)], strict=True):
        spans = [e for e in line["evidence"] if e["char_end"] > e["char_start"]]
        assert spans and {e["report_id"] for e in line["evidence"]} == {line["report"]["report_id"]}
        # The offsets are in the file's staging text, inside the report's part (its title lines start a
        # little before its 项目名称).
        assert all(start - 40 <= e["char_start"] < end for e in spans), line["report"]["project_name"]
        name = next(e for e in spans if e["field"] == "project_name")
        assert text[name["char_start"]:name["char_end"]] == line["report"]["project_name"]


def test_a_file_with_one_report_keeps_its_document_id(tmp_path):
    path = tmp_path / "overall.txt"
    path.write_text(bundles.overall_text(), encoding="utf-8")
    (line,) = _lines(path)
    assert (line["report"]["report_id"], line["report"]["report_ordinal"]) == (line["document_id"], 1)


def test_a_real_page_of_two_project_tables_is_two_reports():
    """b06-003: a document site's copy of a .docx holding several 项目支出绩效自评表; the labeller's notes: the first
    table lost its money cells (null), its 总分 100 | 99; the second (双随机抽查委托审计费) states 30 | 30."""
    (text,) = [t for t in load_corpus(REAL) if t.id == "b06-003"]
    parts = report_parts(normalize_document("b06-003", 2021, [PageText(1, text.text)]))
    assert [p.project_name.text for p in parts] == ["商品质量检测经费", "双随机抽查委托审计费"]


def test_repeated_titles_in_the_real_corpus_do_not_split_a_report():
    """Every real text repeats its title (site chrome, then the heading; a cover, then the text; a running
    header), and many follow a report with its own 自评表: of the labelled texts only b06-003 and b12-009 (two
    projects' 自评表 run together) hold two reports."""
    split = {text.id for text in load_corpus(REAL)
             if len(report_parts(normalize_document(text.id, None, [PageText(1, text.text)]))) > 1}
    assert split == {"b06-003", "b12-009"}


def _parts(text: str) -> list[str]:
    doc = normalize_document("d", 2023, [PageText(1, text)])
    return [doc.text[p.start:p.start + 12] for p in report_parts(doc)]


def _body(part: int) -> str:
    """A report's body: sentences of its own (normalization drops a paragraph repeated word for word)."""
    return "".join(f"（{n}）第{n}项工作按计划推进，使用资金{n * 12 + part}万元，完成年度目标。" for n in range(1, 7))


def test_a_report_followed_by_its_own_table_is_one_report():
    assert len(_parts(f"某县档案馆2023年度部门整体支出绩效自评报告\n{_body(1)}\n附件\n部门整体支出绩效自评表\n"
                      f"{_body(2)}")) == 1
    project = "某县2023年农村道路养护项目"
    assert len(_parts(f"{project}支出绩效自评报告\n{_body(1)}\n附件1\n项目支出绩效自评表\n"
                      f"项目名称 | 农村道路养护项目 | 主管部门 | 某县交通运输局\n{_body(2)}")) == 1


def test_a_summary_with_attached_project_reports_is_several():
    text = (f"某市司法局2023年度项目支出绩效单位自评报告\n{_body(1)}\n"
            f"附件1\n某市司法局2023年度法律援助项目支出绩效单位自评报告\n{_body(2)}\n"
            f"附件2\n某市司法局2023年度普法宣传项目支出绩效单位自评报告\n{_body(3)}")
    assert len(_parts(text)) == 3


def test_a_bundle_of_tables_without_titles_is_split_at_each_project():
    tables = "".join(f"项目名称 | {name} | \n主管部门 | 某县教育局 | 实施单位 | 某县第一中学 |\n{_body(n)}\n"
                     for n, name in enumerate(("学生资助经费", "校舍维修经费", "营养改善计划经费")))
    assert len(_parts(tables)) == 3


def test_the_marts_count_the_reports_of_a_bundle(tmp_path):
    """The bundle (PDF) through the Dagster job: four core.reports rows, told apart by report_type in
    marts.fiscal_year_summary; the department stands for itself once in marts.department_year, by its overall
    report."""
    landing = tmp_path / "landing" / "2024"
    landing.mkdir(parents=True)
    bundles.write_bundle_pdf(landing / "bundle.pdf")
    warehouse = tmp_path / "warehouse.duckdb"
    job = build_definitions(str(tmp_path / "landing"), str(warehouse)).resolve_job_def("fiscal_year_job")
    with dg.DagsterInstance.ephemeral() as instance:
        assert job.execute_in_process(partition_key="2024", instance=instance).success
    with duckdb.connect(str(warehouse), read_only=True) as conn:
        ordinals = conn.execute("SELECT report_ordinal FROM core.reports ORDER BY 1").fetchall()
        summary = conn.execute("SELECT reports, reports_department_overall, reports_project "
                               "FROM marts.fiscal_year_summary WHERE fiscal_year = 2024").fetchone()
        indicators = conn.execute("SELECT report_ordinal, count(*) FROM core.indicators JOIN core.reports "
                                  "USING (report_id) GROUP BY ALL ORDER BY 1").fetchall()
        department = conn.execute("SELECT report_id FROM marts.department_year").fetchall()
        overall = conn.execute("SELECT report_id FROM core.reports WHERE report_type = 'department_overall'").fetchall()
    assert ordinals == [(1,), (2,), (3,), (4,)]
    assert summary == (4, 1, 3)
    assert [n for n, _ in indicators if n > 1] == [2, 3, 4]  # each project's rows under its own report
    assert all(count == 4 for n, count in indicators if n > 1)
    assert department == overall and overall[0][0].endswith(":1")


def _project_table(project: str, rows: list[str]) -> str:
    head = "一级指标 二级指标 三级指标 年度指标值 实际完成值 分值 得分 偏差原因分析及改进措施"
    return (f"{project}项目支出绩效自评表\n（2022年度）\n项目名称 {project}\n"
            "主管部门 某区教育委员会 实施单位 某区特殊教育学校\n"
            f"年度总体目标 {project}按规定使用，资金足额按学期拨付到位，保障家庭经济困难的残疾学生和重度残疾儿童少年"
            f"顺利完成学业，项目管理规范，资金使用安全，服务对象满意度达到95%以上。\n"
            f"{head}\n" + "\n".join(rows) + "\n")


_AID = ["产出指标 数量指标 资助特殊教育学生 ≥210人次 216人次 50 50",
        "时效指标 资金发放及时性 按学期及时发放 按学期及时发放 20 20",
        "满意度指标 服务对象满意度指标 学生家长满意度 ≥95% 97.5% 20 20", "总分 90 90"]
_VISITS = ["产出指标 数量指标 送教上门学生 ≥45人 47人 50 50", "质量指标 送教教案 规范完整 规范完整 20 20",
           "满意度指标 服务对象满意度指标 送教家庭满意度 ≥95% 98% 20 20", "合计 90 90"]


def test_each_table_of_a_bundle_belongs_to_the_report_it_is_in(tmp_path):
    """Two tables of one unit share their header and their 主管部门 line (which normalization drops the second
    time): each is its own report's, found where its own rows are."""
    path = tmp_path / "bundle.txt"
    tables = f"{_project_table('特殊教育学生资助经费', _AID)}\n附件2\n{_project_table('送教上门服务经费', _VISITS)}"
    path.write_text(f"某区特殊教育学校2022年度部门整体支出绩效自评报告\n{_body(1)}\n附件1\n{tables}", encoding="utf-8")
    outcome = ingest_file(path, tmp_path, datetime.now(timezone.utc))
    staged = normalize_document(outcome.document.document_id, 2022, outcome.pages)
    reports = extract_reports(staged, outcome.tables)
    assert [[i.indicator_name for i in extraction.indicators] for extraction, _ in reports] == [
        [], ["资助特殊教育学生", "资金发放及时性", "学生家长满意度"], ["送教上门学生", "送教教案", "送教家庭满意度"]]


def test_a_department_reports_prose_restating_its_projects_row_is_that_row(tmp_path):
    path = tmp_path / "bundle.txt"
    overall = (f"某区特殊教育学校2022年度部门整体支出绩效自评报告\n{_body(1)}\n二、年度绩效目标\n"
               "资助特殊教育学生不少于210人次；送教上门学生不少于45人。\n")
    tables = f"{_project_table('特殊教育学生资助经费', _AID)}\n附件2\n{_project_table('送教上门服务经费', _VISITS)}"
    path.write_text(f"{overall}附件1\n{tables}", encoding="utf-8")
    outcome = ingest_file(path, tmp_path, datetime.now(timezone.utc))
    staged = normalize_document(outcome.document.document_id, 2022, outcome.pages)
    reports = extract_reports(staged, outcome.tables)
    names = [i.indicator_name for extraction, _ in reports for i in extraction.indicators]
    assert names.count("资助特殊教育学生") == 1 and names.count("送教上门学生") == 1


_TARGET_TABLE = "\n".join([
    "2019年度部门整体支出绩效目标表",
    "| 一级指标 | 二级指标 | 三级指标 | 指标值 |",
    "| 产出指标 | 数量指标 | 人工造林面积 | 1200亩 |",
    "|  | 质量指标 | 造林成活率 | ≥85% |",
    "|  |  | 林木种苗质量合格率 | 100% |",
    "|  | 成本指标 | 部门整体支出 | 控制在预算范围内 |",
    "| 效益指标 | 社会效益指标 | 林农护林防火意识 | 明显增强 |",
    "| 满意度指标 | 服务对象满意度指标 | 林农满意度 | ≥90% |",
])


def test_a_table_of_targets_alone_is_joined_to_the_results_the_prose_reports(tmp_path):
    path = tmp_path / "report.txt"
    path.write_text(
        f"某镇林业工作站2019年度部门整体支出绩效自评报告\n{_body(1)}\n二、部门整体支出绩效目标\n{_TARGET_TABLE}\n"
        "三、绩效目标完成情况\n（一）造林绿化。全镇完成人工造林1260亩，其中经济林440亩。新造林成活率达到89.6%。\n"
        "全年部门整体支出40.87万元，未超出年度预算。\n（二）社会效益。林农护林防火意识明显增强。\n（三）满意度。发放问卷120份，林农满意度为93%。\n",
        encoding="utf-8")
    outcome = ingest_file(path, tmp_path, datetime.now(timezone.utc))
    staged = normalize_document(outcome.document.document_id, 2019, outcome.pages)
    [(extraction, _)] = extract_reports(staged, outcome.tables)
    names = [i.indicator_name for i in extraction.indicators]
    rows = {i.indicator_name: (i.target_text, i.actual_text, i.met) for i in extraction.indicators}
    assert all(names.count(name) == 1 for name in names)  # a result joined to its row is no indicator of its own
    assert {name: rows[name] for name in names if name != "发放问卷"} == {
        "人工造林面积": ("1200亩", "1260亩", True),
        "造林成活率": ("≥85%", "89.6%", True),
        "林木种苗质量合格率": ("100%", None, None),  # the prose says nothing of it
        "部门整体支出": ("控制在预算范围内", "未超出年度预算", True),
        "林农护林防火意识": ("明显增强", "明显增强", True),
        "林农满意度": ("≥90%", "93%", True),
    }
    text = _staging_text(path)
    actual = {e["raw_text"]: text[e["char_start"]:e["char_end"]] for e in _lines(path)[0]["evidence"]
              if e["field"] == "indicator_actual"}
    # Each result has its evidence where the prose reports it; each target, its cell.
    assert {"1260亩", "89.6%", "93%"} <= actual.keys() and all(k == v for k, v in actual.items())
    targets = {e["value"] for e in _lines(path)[0]["evidence"] if e["field"] == "indicator_target"}
    assert {"人工造林面积: 1200亩", "林木种苗质量合格率: 100%", "林农满意度: ≥90%"} <= targets


def test_prose_restating_a_rows_two_figures_in_other_words_is_that_row(tmp_path):
    path = tmp_path / "report.txt"
    table = "\n".join(["一级指标 二级指标 三级指标 年度指标值 实际完成值 分值 得分",
                       "效益指标 社会效益指标 档案展览举办场次 2场 3场 10 10",
                       "满意度指标 服务对象满意度指标 档案利用者满意度 ≥90% 96% 10 10"])
    path.write_text(f"某州档案馆2021年度部门整体支出绩效自评报告\n{_body(1)}\n二、年度绩效目标\n举办档案展览2场。\n"
                    f"三、绩效目标完成情况\n举办党史档案展等3场展览。\n附件\n部门整体支出绩效自评表\n{table}\n",
                    encoding="utf-8")
    outcome = ingest_file(path, tmp_path, datetime.now(timezone.utc))
    staged = normalize_document(outcome.document.document_id, 2021, outcome.pages)
    reports = extract_reports(staged, outcome.tables)
    shows = [i for extraction, _ in reports for i in extraction.indicators if i.target_value == 2.0]
    assert [(i.indicator_name, i.source) for i in shows] == [("档案展览举办场次", "table")]
