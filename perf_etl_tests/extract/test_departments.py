"""department_key: one key per department across the ways its name is written."""

from __future__ import annotations

import pytest

from perf_etl.extract.departments import department_key


@pytest.mark.parametrize(
    "name",
    [
        "广州市海珠区投资促进局",
        "海珠区投资促进局",
        "广东省广州市海珠区投资促进局",
        " 广州市海珠区 投资促进局（公章）",
        "广州市海珠区投资促进局区投资促进局",
    ],
)
def test_forms_of_one_department_share_a_key(name: str) -> None:
    assert department_key(name) == "广东省广州市海珠区/投资促进局"


def test_same_district_name_in_two_cities_stays_apart() -> None:
    assert department_key("北京市朝阳区财政局") != department_key("长春市朝阳区财政局")


def test_truncated_name_completed_by_region_context() -> None:
    assert department_key("区投资促进中心", "广东省广州市番禺区") == department_key("广州市番禺区投资促进中心")


def test_name_without_region_is_its_cleaned_self() -> None:
    assert department_key("仲恺高新区 经济发展局") == "仲恺高新区经济发展局"
    assert department_key("仲恺高新区经济发展局", "广东省惠州市") == "广东省惠州市/仲恺高新区经济发展局"


def test_full_width_and_empty() -> None:
    assert department_key("５Ｇ产业发展中心") == department_key("5G产业发展中心")
    assert department_key(None) is None
    assert department_key("（公章）") is None
