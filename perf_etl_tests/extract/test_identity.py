"""Identity fields on hand-written snippets, one wording variant per case."""

from __future__ import annotations

import pytest

from perf_etl.extract.identity import (
    clean_department_name,
    extract_identity_hits,
    normalize_phone,
    parse_date,
)
from perf_etl.models import PageText
from perf_etl.normalize import normalize_document

BODY = "\n一、基本情况\n（一）部门职能\n本局负责全市招商工作。\n"


def _fields(text: str, fiscal_year: int | None = None) -> dict[str, object]:
    doc = normalize_document("doc", fiscal_year, [PageText(1, text)])
    hits = extract_identity_hits(doc)
    for hit in hits:  # evidence must point at the words it was read from
        assert doc.text[hit.char_start : hit.char_end] == hit.raw_text
    return {hit.field: hit.value for hit in hits}


@pytest.mark.parametrize(
    ("cover", "title"),
    [
        (
            "广州市海珠区投资促进局2023年\n部门整体支出绩效自评报告",
            "广州市海珠区投资促进局2023年部门整体支出绩效自评报告",
        ),
        (
            "附件2：\n2023 年度广州市海珠区投资促进局\n整体支出绩效自评报告",
            "2023年度广州市海珠区投资促进局整体支出绩效自评报告",
        ),
        ("区投资促进中心关于 2022 年部门 整体支出绩效自评报告", "区投资促进中心关于2022年部门整体支出绩效自评报告"),
    ],
)
def test_title_whitespace_normalized(cover: str, title: str) -> None:
    assert _fields(cover + BODY)["report_title"] == title


@pytest.mark.parametrize(
    ("title", "report_type"),
    [
        ("某某局2023年部门整体支出绩效自评报告", "department_overall"),
        ("某某局2023年度整体支出绩效自评报告", "department_overall"),
        ("2023年度招商引资工作经费项目支出绩效自评报告", "project"),
        ("某某局2023年度项目绩效自评表", "project"),
    ],
)
def test_report_type(title: str, report_type: str) -> None:
    assert _fields(title + BODY)["report_type"] == report_type


def test_report_type_null_without_report_words() -> None:
    assert "report_type" not in _fields("某某局工作总结" + BODY)


@pytest.mark.parametrize(
    ("cover", "name"),
    [
        ("部门名称：广州市海珠区投资促进局（公章）", "广州市海珠区投资促进局"),
        ("部门（单位）名称：广州市海珠区投资促进局", "广州市海珠区投资促进局"),
        ("单位名称：广州市海珠区\n投资促进局(盖章)\n填报人：张三", "广州市海珠区投资促进局"),
        ("部门名称：\n广州市海珠区投资促进局\n填报人：张三", "广州市海珠区投资促进局"),
    ],
)
def test_department_name_from_cover_label(cover: str, name: str) -> None:
    text = "部门整体支出绩效自评报告\n" + cover + BODY
    assert _fields(text)["department_name"] == name


def test_department_name_from_title_without_year_or_guanyu() -> None:
    fields = _fields("附件1\n广州市海珠区投资促进局关于2023年度部门整体支出绩效自评报告" + BODY)
    assert fields["department_name"] == "广州市海珠区投资促进局"
    assert fields["region"] == "广东省广州市海珠区"


def test_truncated_title_name_completed_from_body() -> None:
    text = (
        "区投资促进中心2021年部门整体支出绩效自评报告\n一、基本情况\n"
        "本中心负责招商。广州市番禺区投资促进中心是财政补助事业单位。"
    )
    fields = _fields(text)
    assert fields["department_name"] == "广州市番禺区投资促进中心"
    assert fields["region"] == "广东省广州市番禺区"


def test_department_name_from_first_sentence_with_repeated_tail() -> None:
    text = (
        "部门整体支出绩效自评报告\n部门名称：（公章）\n填报人：徐敏\n一、部门基本情况\n（一）部门职能。\n"
        "仲恺高新区经济发展局区经济发展局负责工业和信息化、商务等方面工作。"
    )
    assert _fields(text)["department_name"] == "仲恺高新区经济发展局"


def test_department_name_rejoined_across_lines() -> None:
    text = (
        "部门整体支出绩效自评报告\n部门名称：惠州大亚湾经济技术开发区管理委员会营\n\n商环境和投资促进局（公章）\n填报人：邱嘉慧"
        + BODY
    )
    fields = _fields(text)
    assert fields["department_name"] == "惠州大亚湾经济技术开发区管理委员会营商环境和投资促进局"
    assert fields["region"] == "广东省惠州市"
    assert fields["filler_name"] == "邱嘉慧"


@pytest.mark.parametrize(
    ("raw", "name"),
    [
        ("广州市海珠区投资促进局2023年", "广州市海珠区投资促进局"),
        ("附件2：广州市海珠区投资促进局", "广州市海珠区投资促进局"),
        ("仲恺高新区经济发展局区经济发展局", "仲恺高新区经济发展局"),
        ("（公章）", None),
        ("部门整体", None),
    ],
)
def test_clean_department_name(raw: str, name: str | None) -> None:
    assert clean_department_name(raw) == name


def test_region_null_when_text_names_none() -> None:
    assert "region" not in _fields("某某局2023年部门整体支出绩效自评报告" + BODY)


@pytest.mark.parametrize(
    ("raw", "iso"),
    [
        ("2021.3.31", "2021-03-31"),
        ("2021年3月31日", "2021-03-31"),
        ("2021-03-31", "2021-03-31"),
        ("2021/3/1", "2021-03-01"),
        ("二〇二一年三月三十一日", "2021-03-31"),
        ("2021.2.30", None),
        ("", None),
    ],
)
def test_parse_date(raw: str, iso: str | None) -> None:
    assert parse_date(raw) == iso


@pytest.mark.parametrize(
    ("raw", "phone"),
    [
        ("3278773", "3278773"),
        ("0752-3278773", "0752-3278773"),
        ("（0752）3278773", "0752-3278773"),
        ("020－12345678", "020-12345678"),
        ("138 0013 8000", "13800138000"),
        ("无", None),
        ("12345", None),
    ],
)
def test_normalize_phone(raw: str, phone: str | None) -> None:
    assert normalize_phone(raw) == phone


def test_cover_block_fields_on_one_line_and_empty_values() -> None:
    text = "部门整体支出绩效自评报告\n填报人：张三 联系电话：(020)83333333 填报日期：2024年1月15日" + BODY
    fields = _fields(text)
    assert fields["filler_name"] == "张三"
    assert fields["contact_phone"] == "020-83333333"
    assert fields["fill_date"] == "2024-01-15"
    empty = _fields("部门整体支出绩效自评报告\n填报人：\n联系电话：\n" + BODY)
    assert "filler_name" not in empty and "contact_phone" not in empty


@pytest.mark.parametrize(
    ("sentence", "authorized", "actual"),
    [
        ("本部门财政核定编制在职人员为25人；年末实有在职人员为23人。", 25, 23),
        ("核定编制数15名，实有人数12名。", 15, 12),
        ("行政编制5名，事业编制10名，实有在职人员14人。", 15, 14),
        ("编制二十人，实际在职十八人。", 20, 18),
        ("独立编制机构数1个。", None, None),
    ],
)
def test_staff_counts(sentence: str, authorized: int | None, actual: int | None) -> None:
    fields = _fields("部门整体支出绩效自评报告\n一、基本情况\n" + sentence)
    assert fields.get("staff_authorized") == authorized
    assert fields.get("staff_actual") == actual


def test_fiscal_and_title_year_differ() -> None:
    text = (
        "区投资促进中心关于2022年部门整体支出绩效自评报告\n一、基本情况\n"
        "2021年度本单位收入总额9825.88万元，支出总额9825.88万元。"
    )
    fields = _fields(text, fiscal_year=2021)
    assert fields["fiscal_year"] == 2021
    assert fields["title_year"] == 2022


def test_fiscal_year_from_ingest_kept_when_text_has_none() -> None:
    fields = _fields("部门整体支出绩效自评报告" + BODY, fiscal_year=2020)
    assert fields["fiscal_year"] == 2020
    assert "title_year" not in fields


def test_other_province_cover_block() -> None:
    text = (
        "长沙市岳麓区财政局2022年度部门整体支出绩效自评报告\n单位名称（盖章）：长沙市岳麓区财政局\n"
        "填报人：李 四    联系方式：（0731）88888888\n填报日期：2023 年 3 月 5 日\n一、部门基本情况\n"
        "岳麓区财政局是区政府主管财政收支的工作部门。举报电话：12345678。"
    )
    fields = _fields(text)
    assert fields["department_name"] == "长沙市岳麓区财政局"
    assert fields["region"] == "湖南省长沙市岳麓区"
    assert fields["filler_name"] == "李四"
    assert fields["contact_phone"] == "0731-88888888"
    assert fields["fill_date"] == "2023-03-05"


@pytest.mark.parametrize(
    ("text", "unit"),
    [
        (
            "2023年度城区绿化养护资金项目支出绩效自评报告\n项目名称：城区绿化养护资金\n项目主管部门：芜湖市镜湖区林业局\n"
            "一、项目概况\n",
            "芜湖市镜湖区林业局",
        ),
        # The contract: a project table's unit is its 实施单位, not the department above it.
        (
            "2023年度城区绿化养护资金项目支出绩效自评报告\n一、项目概况\n项目支出绩效自评表\n"
            "主管部门芜湖市镜湖区林业局实施单位芜湖市镜湖区园林服务中心项目资金（万元）年初预算数 100",
            "芜湖市镜湖区园林服务中心",
        ),
    ],
)
def test_project_report_department_from_its_labels(text: str, unit: str) -> None:
    assert _fields(text)["department_name"] == unit


def test_a_bare_owner_word_in_prose_is_not_a_label() -> None:
    text = "某某项目支出绩效自评报告\n一、项目概况\n项目由主管部门牵头，会同财政部门组织实施，资金按进度拨付。\n"
    assert "department_name" not in _fields(text)


@pytest.mark.parametrize(
    ("raw", "iso"),
    [("2023年12月2l日", "2023-12-21"), ("2O24年1月5日", "2024-01-05"), ("2022.l1.3O", "2022-11-30")],
)
def test_parse_date_with_ocr_letters_for_digits(raw: str, iso: str) -> None:
    assert parse_date(raw) == iso


@pytest.mark.parametrize(
    ("sentence", "authorized", "actual"),
    [
        ("核定编制40名，在编在岗职工37名。", 40, 37),
        ("核定编制40名，年末在岗在编人员37名。", 40, 37),
    ],
)
def test_staff_counts_in_post(sentence: str, authorized: int, actual: int) -> None:
    fields = _fields("部门整体支出绩效自评报告\n一、基本情况\n" + sentence)
    assert (fields.get("staff_authorized"), fields.get("staff_actual")) == (authorized, actual)


def test_district_name_in_the_title_completed_with_its_city_from_the_body() -> None:
    text = (
        "西湖区城市管理局2023年度部门整体支出绩效自评报告\n一、基本情况\n"
        "杭州市西湖区城市管理局负责辖区市容环境卫生管理工作。\n"
    )
    assert _fields(text)["department_name"] == "杭州市西湖区城市管理局"
