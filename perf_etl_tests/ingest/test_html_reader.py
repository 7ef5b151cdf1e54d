"""Web pages (.html / .htm) and web archives (.mht): the article without the site's chrome, its 自评表 as
table cells with merged cells filled, the encodings sites use, and pages that show nothing rejected.

The page is a real report's (sample 001) inside a government site's chrome, with the indicators its text
states as an HTML 自评表 (perf_etl_tests/fixtures/html_pages.py).
"""

from __future__ import annotations

import base64
import json
import re
from dataclasses import asdict
from datetime import datetime
from email.message import EmailMessage
from pathlib import Path

import lxml.html
import pytest

from perf_etl.ingest.html_reader import decode_html
from perf_etl.ingest.ingest import ingest_file
from perf_etl.ingest.readers import ReadResult, read_document
from perf_etl.ingest.reasons import EmptyPageError, Reason
from perf_etl.models import IngestedFile, RejectedFile
from perf_etl.tables.html import table_grid
from perf_etl_tests.fixtures.html_pages import (
    CHROME,
    INDICATOR_ROWS,
    SAMPLE,
    TABLE_HEADER,
    TITLE,
    mht_of,
    report_page,
    report_paragraphs,
)
from perf_etl_tests.ingest.files import extracted as _extracted

from .factory import make_pdf

LABELS = json.loads((Path(__file__).resolve().parents[1] / "fixtures" / "labels.json").read_text(encoding="utf-8"))


def _write(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def _gbk_page(**options: object) -> bytes:
    # Sites declare gb2312 and save with the GBK (GB18030) encoder their CMS has.
    return report_page("gb2312", **options).encode("gb18030")  # type: ignore[arg-type]


def _lines(read: ReadResult) -> list[str]:
    assert len(read.pages) == 1
    return read.pages[0].text.split("\n")


def _one_spaced(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _without_id(fields: dict[str, object]) -> dict[str, object]:
    return {key: value for key, value in fields.items() if key not in ("report_id", "document_id")}


# ---------------------------------------------------------------- text


def test_gbk_page_reads_to_the_article_without_the_site_chrome(tmp_path: Path) -> None:
    read = read_document(_write(tmp_path / "report.html", _gbk_page()))
    assert read.source_format == "html"
    assert read.text_engine.startswith("readability-lxml ")
    assert read.text_engine.endswith("gb18030 declared)")
    text = read.pages[0].text
    assert [word for word in CHROME if word in text] == []
    assert "\ufffd" not in text
    lines = _lines(read)
    # The page's title heads the text, then every paragraph of the report, one a line and in order.
    assert lines[0] == TITLE
    paragraphs = [_one_spaced(paragraph) for paragraph in report_paragraphs()]
    assert lines[1:1 + len(paragraphs)] == paragraphs
    # The 自评表 follows as rows of cells joined by tabs (a merged cell once, as the Word reader writes it).
    assert "一级指标\t二级指标\t三级指标\t分值\t年度指标值\t实际完成值\t得分\t偏差原因" in lines
    assert "新开工项目\t10\t80宗\t22宗\t2.8\t项目前期手续办理周期长" in lines


def test_table_cells_come_back_with_merged_cells_filled(tmp_path: Path) -> None:
    read = read_document(_write(tmp_path / "report.html", _gbk_page()))
    indicator_tables = [grid for grid in read.tables if grid.rows and grid.rows[0][0] == "一级指标"]
    assert len(indicator_tables) == 1
    grid = indicator_tables[0]
    assert grid.rows == [list(TABLE_HEADER), *[list(row) for row in INDICATOR_ROWS]]
    assert grid.pages == [1] * len(grid.rows)
    assert TITLE in grid.caption
    # The 索引号 box is a table of the article's page too: it stays, as data.
    assert any(row[:2] == ["索引号：", "11441300MB2C6235XH/2021-00123"] for g in read.tables for row in g.rows)
    assert [grid.table_index for grid in read.tables] == list(range(len(read.tables)))


def test_page_laid_out_in_nested_tables_gives_the_same_text_and_only_data_tables(tmp_path: Path) -> None:
    flat = read_document(_write(tmp_path / "flat.html", _gbk_page()))
    nested = read_document(_write(tmp_path / "nested.htm", _gbk_page(layout_tables=True)))
    assert nested.pages[0].text == flat.pages[0].text
    # The layout tables (the page frame, the menu column) are no tables: the innermost data tables are.
    assert [grid.rows for grid in nested.tables] == [grid.rows for grid in flat.tables]


def test_report_from_the_page_has_its_figures_and_indicator_rows(tmp_path: Path, now: datetime) -> None:
    labels = LABELS[SAMPLE]["report"]
    extraction = _extracted(_write(tmp_path / "2020" / "report.html", _gbk_page()), tmp_path, now)
    report = extraction.report
    assert report["department_name"] == labels["department_name"]
    assert report["fiscal_year"] == labels["fiscal_year"]
    assert report["budget_wan"] == pytest.approx(labels["budget_wan"], abs=0.01)
    assert report["expenditure_wan"] == pytest.approx(labels["expenditure_wan"], abs=0.01)
    table_rows = [indicator for indicator in extraction.indicators if indicator.source == "table"]
    assert [(i.level1, i.level2, i.indicator_name, i.target_value, i.actual_value, i.weight, i.score)
            for i in table_rows] == [
        (level1, level2, name, float(target[:-1]), float(actual[:-1]), float(weight), float(score))
        for level1, level2, name, weight, target, actual, score, _ in INDICATOR_ROWS
    ]
    assert [i.met for i in table_rows] == [True, False, False, True, True, True]
    # Every indicator the labels list (read from the report's text) is among the table's rows.
    for label in LABELS[SAMPLE]["indicators"]:
        row = next(i for i in table_rows if label["name_contains"] in i.indicator_name)
        assert (row.target_value, row.actual_value) == (label["target_value"], label["actual_value"])


def test_ingested_page_is_recorded_as_html(tmp_path: Path, now: datetime) -> None:
    outcome = ingest_file(_write(tmp_path / "2020" / "report.htm", _gbk_page()), tmp_path, now)
    assert isinstance(outcome, IngestedFile)
    assert outcome.document.source_format == "html"
    assert outcome.document.text_engine.startswith("readability-lxml ")


# ---------------------------------------------------------------- MHT


def test_mht_of_the_page_reads_the_same(tmp_path: Path, now: datetime) -> None:
    page = read_document(_write(tmp_path / "page.html", _gbk_page()))
    archive = read_document(_write(tmp_path / "page.mht", mht_of(report_page("gb2312"))))
    assert archive.source_format == "html"
    assert archive.pages[0].text == page.pages[0].text
    assert [grid.rows for grid in archive.tables] == [grid.rows for grid in page.tables]
    assert archive.text_engine.endswith("gb18030 declared)")
    from_page = _extracted(tmp_path / "page.html", tmp_path, now)
    from_archive = _extracted(tmp_path / "page.mht", tmp_path, now)
    # The same fields; the files differ (their bytes make the document_id).
    assert _without_id(from_archive.report) == _without_id(from_page.report)
    assert [_without_id(asdict(i)) for i in from_archive.indicators] == [
        _without_id(asdict(i)) for i in from_page.indicators]


def test_mht_with_a_base64_utf8_part(tmp_path: Path) -> None:
    page = report_page("utf-8")
    message = EmailMessage()
    message["MIME-Version"] = "1.0"
    message.make_related()
    message.add_related(page.encode("utf-8"), maintype="text", subtype="html", cte="base64",
                        params={"charset": "utf-8"})
    data = message.as_bytes()
    assert base64.b64encode(page.encode("utf-8"))[:40] in data.replace(b"\n", b"")
    read = read_document(_write(tmp_path / "page.mhtml", data))
    assert read.pages[0].text == read_document(_write(tmp_path / "page.html", page.encode("utf-8"))).pages[0].text


# ---------------------------------------------------------------- encodings


@pytest.mark.parametrize(("codec", "label"), [("utf-8", "utf_8 detected"), ("gbk", "gb18030 detected")])
def test_undeclared_pages_decode(tmp_path: Path, codec: str, label: str) -> None:
    declared = read_document(_write(tmp_path / "declared.html", _gbk_page()))
    undeclared = read_document(_write(tmp_path / "undeclared.html", report_page(None).encode(codec)))
    assert undeclared.pages[0].text == declared.pages[0].text
    assert undeclared.text_engine.endswith(f"{label})")


def test_xhtml_page_declared_by_its_xml_declaration(tmp_path: Path) -> None:
    page = '<?xml version="1.0" encoding="gb2312"?>\n' + report_page(None)
    read = read_document(_write(tmp_path / "report.shtml", page.encode("gb18030")))
    assert read.pages[0].text == read_document(_write(tmp_path / "plain.html", _gbk_page())).pages[0].text
    assert read.text_engine.endswith("gb18030 declared)")


def test_gb2312_declared_page_with_gbk_characters_decodes_as_gb18030() -> None:
    # 堃 and 喆 (common in names) are GBK, not GB2312: a strict GB2312 decoder fails on them.
    data = '<html><head><meta charset="gb2312"></head><body><p>填报人：王堃、李喆</p></body></html>'.encode("gbk")
    with pytest.raises(UnicodeDecodeError):
        data.decode("gb2312")
    markup, encoding = decode_html(data)
    assert "填报人：王堃、李喆" in markup
    assert encoding == "gb18030 declared"


def test_page_declared_gbk_but_saved_as_utf8_reads_as_utf8(tmp_path: Path) -> None:
    read = read_document(_write(tmp_path / "resaved.html", report_page("gbk").encode("utf-8")))
    assert read.pages[0].text.split("\n")[0] == TITLE
    assert read.text_engine.endswith("utf-8, declared gb18030)")


# ---------------------------------------------------------------- rejections and sniffing

NO_BODY = {
    "script-rendered": b'<!DOCTYPE html><html><head><meta charset="utf-8"><title></title></head><body>'
                       b'<div id="app"></div><script src="/js/app.3f2a.js"></script>'
                       b"<script>window.__INITIAL_STATE__ = {};</script></body></html>",
    "empty-body": b"<html><head><title></title></head><body>\n  \xc2\xa0 </body></html>",
    "frameset": b'<html><frameset cols="20%,80%"><frame src="menu.html"><frame src="main.html"></frameset></html>',
    "whitespace": b"   \n\n  ",
    # The site's page around an article its script fills in when shown: chrome, a title, no report.
    "article-by-script": report_page("utf-8", body='<div id="content"></div><script src="/js/article.js"></script>')
    .encode("utf-8"),
}


@pytest.mark.parametrize("data", list(NO_BODY.values()), ids=list(NO_BODY))
def test_page_without_a_body_is_rejected_with_its_reason(tmp_path: Path, now: datetime, data: bytes) -> None:
    path = _write(tmp_path / "2023" / "page.html", data)
    with pytest.raises(EmptyPageError):
        read_document(path)
    outcome = ingest_file(path, tmp_path, now)
    assert isinstance(outcome, RejectedFile)
    assert outcome.reason_code == Reason.EMPTY_PAGE
    assert outcome.message.startswith("2023/page.html is a web page with no readable text")
    assert "save it again" in outcome.message


def test_mht_without_an_html_part_is_rejected(tmp_path: Path) -> None:
    message = EmailMessage()
    message["MIME-Version"] = "1.0"
    message.make_related()
    message.add_related(b"\x89PNG\r\n\x1a\n", maintype="image", subtype="png")
    with pytest.raises(EmptyPageError, match="without an HTML part"):
        read_document(_write(tmp_path / "page.mht", message.as_bytes()))


def test_html_source_named_txt_stays_text(tmp_path: Path) -> None:
    read = read_document(_write(tmp_path / "page.txt", report_page("utf-8").encode("utf-8")))
    assert read.source_format == "txt"
    assert read.pages[0].text.startswith("<!DOCTYPE html")


def test_pdf_named_html_is_read_as_pdf(tmp_path: Path) -> None:
    pdf = make_pdf(tmp_path / "report.pdf", ["部门整体支出绩效自评报告全年预算数36,628.61万元"])
    read = read_document(_write(tmp_path / "report.html", pdf.read_bytes()))
    assert read.source_format == "pdf"


def test_web_page_saved_as_doc_is_read_as_html(tmp_path: Path) -> None:
    # Office "save as web page" and many 政务 systems' exports write HTML under a .doc / .xls name.
    read = read_document(_write(tmp_path / "report.doc", _gbk_page()))
    assert read.source_format == "html"
    assert read.pages[0].text.split("\n")[0] == TITLE


# ---------------------------------------------------------------- table grid


def _grid(markup: str) -> list[list[str]]:
    return table_grid(lxml.html.fragment_fromstring(markup))


def test_grid_resolves_colspan_rowspan_and_rowspan_zero() -> None:
    markup = """<table>
      <thead><tr><th rowspan="2">项目</th><th colspan="2">预算执行</th></tr>
             <tr><th>全年预算数</th><th>全年执行数</th></tr></thead>
      <tfoot><tr><td>合计</td><td colspan="2">100</td></tr></tfoot>
      <tbody><tr><td rowspan="0">基本支出</td><td>60</td><td>58</td></tr><tr><td>40</td><td>39</td></tr></tbody>
    </table>"""
    assert _grid(markup) == [
        ["项目", "预算执行", "预算执行"],
        ["项目", "全年预算数", "全年执行数"],
        ["基本支出", "60", "58"],
        ["基本支出", "40", "39"],
        ["合计", "100", "100"],
    ]


def test_grid_caps_a_hostile_colspan_and_ignores_bad_spans() -> None:
    rows = _grid('<table><tr><td colspan="100000">一</td></tr><tr><td rowspan="x">二</td><td>三</td></tr></table>')
    assert len(rows[0]) == 100
    assert rows[1][:2] == ["二", "三"]
