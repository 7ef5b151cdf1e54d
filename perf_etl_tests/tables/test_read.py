"""The readers return the fixture tables cell for cell."""

from __future__ import annotations

import pytest

from perf_etl.grid import cells_frame, clean_cell, fill_covered, grids_from_frame
from perf_etl.ingest.readers import read_document
from perf_etl.tables.find import candidate_pages, is_table_page
from perf_etl_tests.fixtures.table_pdfs import FIXTURES


@pytest.mark.parametrize("name", sorted(FIXTURES))
def test_fixture_tables_come_back_cell_for_cell(table_files, name):
    path = table_files[name]
    grids = read_document(path).tables
    assert [(g.rows, g.pages) for g in grids] == [(t.rows, t.pages) for t in FIXTURES[name].tables]


def test_only_pages_with_header_words_and_the_next_are_candidates():
    texts = ["一、基本情况 全年执行数1100万元", "一级指标 二级 指 标 年度指标值", "续表", "四、下一步"]
    assert not is_table_page(texts[0])
    assert candidate_pages(texts) == [1, 2]


def test_a_table_survives_the_warehouse_round_trip(table_files):
    path = table_files["merged"]
    grids = read_document(path).tables
    back = grids_from_frame(cells_frame("doc", 2023, grids))["doc"]
    assert [(g.rows, g.pages, g.caption) for g in back] == [(g.rows, g.pages, g.caption) for g in grids]


def test_cells_lose_layout_whitespace_but_keep_word_spaces():
    assert clean_cell("偏差原因分析\n及改进措施") == "偏差原因分析及改进措施"
    assert clean_cell("年 度 指 标 值") == "年度指标值"
    assert clean_cell("Word 2016") == "Word 2016"
    assert clean_cell(None) is None


def test_unattributed_covered_cells_take_the_text_above_then_left():
    assert fill_covered([["a", "b"], [None, "c"], ["d", None]]) == [["a", "b"], ["a", "c"], ["d", "c"]]
    assert fill_covered([["a", None]]) == [["a", "a"]]
