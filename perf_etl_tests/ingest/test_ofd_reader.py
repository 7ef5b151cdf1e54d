"""OFD (GB/T 33190): each page's text in reading order from its text objects' positions, the 自评表's cells
a row a line (read back into rows by the flattened-table reading), and broken or image-only packages
rejected with their reasons.

The package is sample 001's report laid out on A4 pages, its 自评表 on a page of its own, each page's
objects written in shuffled order (perf_etl_tests/fixtures/legacy_formats.py).
"""

from __future__ import annotations

import json
import re
import zipfile
from datetime import datetime
from pathlib import Path

import pytest

from perf_etl.ingest.ofd_reader import read_ofd
from perf_etl.ingest.readers import read_document, sniffed_format, source_format_of
from perf_etl.ingest.reasons import Reason, TooLargeError
from perf_etl.settings import IngestSettings
from perf_etl_tests.fixtures.legacy_formats import (
    CAPTION,
    LINES_PER_PAGE,
    OFD_NS,
    SAMPLE,
    TABLE,
    TextObject,
    ofd_pages,
    write_ofd,
)
from perf_etl_tests.ingest.files import extracted as _extracted
from perf_etl_tests.ingest.files import rejected as _rejected

_GOOD_OFD = (f'<ofd:OFD xmlns:ofd="{OFD_NS}"><ofd:DocBody><ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot>'
             '</ofd:DocBody></ofd:OFD>')
LABELS = json.loads((Path(__file__).resolve().parents[1] / "fixtures" / "labels.json").read_text(encoding="utf-8"))


def _expected_page_lines() -> list[list[str]]:
    """Each page's lines as laid out: a line's objects joined, the table's cells one row a line."""
    lines: list[list[str]] = []
    for objects in ofd_pages():
        by_baseline: dict[float, list[TextObject]] = {}
        for obj in objects:
            by_baseline.setdefault(obj.baseline, []).append(obj)
        lines.append([_joined(sorted(row, key=lambda o: o.x)) for _, row in sorted(by_baseline.items())])
    return lines


def _joined(row: list[TextObject]) -> str:
    # A label and its value touch (no space); the table's columns stand apart (a space).
    text = row[0].text
    for obj in row[1:]:
        text += obj.text if text.endswith("：") else " " + obj.text
    return text


def _zip(path: Path, members: dict[str, bytes | str]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


# ---------------------------------------------------------------- what an OFD gives


def test_ofd_pages_read_in_reading_order_whatever_the_xml_order(tmp_path: Path) -> None:
    read = read_document(write_ofd(tmp_path / "report.ofd"))
    assert read.source_format == "ofd"
    assert re.fullmatch(r"lxml \d[.\d]* \(OFD text objects\)", read.text_engine)
    expected = _expected_page_lines()
    assert len(read.pages) == len(expected) >= 3
    assert [page.text.split("\n") for page in read.pages] == expected
    assert read.pages[0].text.split("\n")[:4] == ["部门整体支出绩效自评报告", "部门名称：（公章）", "填报人：徐敏",
                                                "联系电话：3278773"]
    assert len(expected[0]) == LINES_PER_PAGE
    # Another shuffle of the same objects reads the same.
    again = read_document(write_ofd(tmp_path / "again.ofd", seed=7))
    assert [page.text for page in again.pages] == [page.text for page in read.pages]


def test_ofd_table_cells_come_back_as_rows(tmp_path: Path) -> None:
    read = read_document(write_ofd(tmp_path / "report.ofd"))
    last = read.pages[-1].text.split("\n")
    assert last[0] == CAPTION
    assert last[4] == "一级指标 二级指标 三级指标 年度指标值 实际完成值"
    assert last[5] == "产出指标 数量指标 过会新签约项目 160宗 174宗"
    # No grid is drawn from an OFD: the flattened-table reading gives the indicator rows.
    rows = [row[:5] for grid in read.tables for row in grid.rows]
    assert rows[0] == TABLE[3]
    assert [row[2:5] for row in rows[1:]] == [row[2:5] for row in TABLE[4:]]


def test_report_from_the_ofd_has_its_figures_and_indicators(tmp_path: Path, now: datetime) -> None:
    labels = LABELS[SAMPLE]["report"]
    extraction = _extracted(write_ofd(tmp_path / "2020" / "report.ofd"), tmp_path, now)
    report = extraction.report
    for field in ("department_name", "fiscal_year", "filler_name", "contact_phone", "grade", "report_type"):
        assert report[field] == labels[field], field
    assert str(report["fill_date"]) == labels["fill_date"]
    for field in ("budget_initial_wan", "budget_wan", "expenditure_wan", "execution_rate_pct", "self_score",
                  "basic_expenditure_wan", "project_expenditure_wan"):
        assert report[field] == pytest.approx(labels[field], abs=0.01), field
    table_rows = [i for i in extraction.indicators if i.source == "table"]
    assert [(i.level1, i.indicator_name, i.target_value, i.actual_value) for i in table_rows] == [
        ("产出指标", row[2], float(re.sub(r"\D", "", row[3])), float(re.sub(r"\D", "", row[4]))) for row in TABLE[4:]
    ]
    for label in LABELS[SAMPLE]["indicators"]:
        row = next(i for i in table_rows if label["name_contains"] in i.indicator_name)
        assert (row.target_value, row.actual_value) == (label["target_value"], label["actual_value"])


def test_template_pages_absolute_locations_and_ctm(tmp_path: Path) -> None:
    """A page drawing on a template (a running header), located by an absolute path, with a text object
    moved by its CTM: all placed where they are drawn."""
    ofd = _GOOD_OFD.replace(">Doc_0/", ">/Doc_0/")
    document = (
        f'<ofd:Document xmlns:ofd="{OFD_NS}"><ofd:CommonData><ofd:MaxUnitID>9</ofd:MaxUnitID>'
        '<ofd:TemplatePage ID="1" BaseLoc="Tpls/Tpl_0/Content.xml"/></ofd:CommonData>'
        '<ofd:Pages><ofd:Page ID="2" BaseLoc="/Doc_0/Pages/Page_0/Content.xml"/></ofd:Pages></ofd:Document>'
    )
    template = (f'<ofd:Page xmlns:ofd="{OFD_NS}"><ofd:Content><ofd:Layer ID="3"><ofd:TextObject ID="4" '
                'Boundary="20 5 100 5" Font="1" Size="3"><ofd:TextCode X="0" Y="3">广州市番禺区投资促进中心'
                '</ofd:TextCode></ofd:TextObject></ofd:Layer></ofd:Content></ofd:Page>')
    page = (f'<ofd:Page xmlns:ofd="{OFD_NS}"><ofd:Template TemplateID="1"/><ofd:Content><ofd:Layer ID="5">'
            '<ofd:TextObject ID="6" Boundary="0 0 100 10" CTM="1 0 0 1 20 40" Font="1" Size="3">'
            '<ofd:TextCode X="0" Y="3">第二行</ofd:TextCode></ofd:TextObject>'
            '<ofd:TextObject ID="7" Boundary="20 20 100 10" Font="1" Size="3">'
            '<ofd:TextCode X="0" Y="3" DeltaX="g 3 3">第一行文字</ofd:TextCode></ofd:TextObject>'
            '</ofd:Layer></ofd:Content></ofd:Page>')
    path = _zip(tmp_path / "t.ofd", {"OFD.xml": ofd, "Doc_0/Document.xml": document,
                                     "Doc_0/Tpls/Tpl_0/Content.xml": template, "Doc_0/Pages/Page_0/Content.xml": page})
    assert [p.text for p in read_document(path).pages] == ["广州市番禺区投资促进中心\n第一行文字\n第二行"]


# ---------------------------------------------------------------- telling an OFD from other zips


def test_an_ofd_is_recognized_by_its_root_whatever_its_name(tmp_path: Path) -> None:
    ofd = write_ofd(tmp_path / "report.ofd")
    head = ofd.read_bytes()[:4096]
    assert sniffed_format(head) == "ofd"
    renamed = tmp_path / "report.zip"
    renamed.write_bytes(ofd.read_bytes())
    assert source_format_of(renamed) == "ofd"


def test_a_zip_holding_an_ofd_or_its_parts_in_a_folder_is_no_ofd(tmp_path: Path) -> None:
    ofd = write_ofd(tmp_path / "report.ofd")
    holding = _zip(tmp_path / "reports.zip", {"2020/report.ofd": ofd.read_bytes()})
    unpacked = _zip(tmp_path / "unpacked.zip", {"report/OFD.xml": "<OFD/>"})
    for path in (holding, unpacked):
        assert sniffed_format(path.read_bytes()[:4096]) != "ofd"


# ---------------------------------------------------------------- packages that cannot be read




@pytest.mark.parametrize(
    ("members", "detail"),
    [
        (None, "not a zip package"),
        ({"Doc_0/Document.xml": "<Document/>"}, "no OFD.xml at the root"),
        ({"OFD.xml": "<ofd:OFD><ofd:DocBody>"}, "OFD.xml: XMLSyntaxError"),
        ({"OFD.xml": f'<ofd:OFD xmlns:ofd="{OFD_NS}"/>'}, "names no document"),
        ({"OFD.xml": _GOOD_OFD}, "Doc_0/Document.xml is named by the package but missing"),
    ],
    ids=["not-zip", "no-root", "bad-xml", "no-docroot", "missing-document"],
)
def test_corrupt_ofd_is_rejected_with_what_is_wrong(tmp_path: Path, now: datetime,
                                                    members: dict[str, str] | None, detail: str) -> None:
    path = tmp_path / "2020" / "report.ofd"
    if members is None:
        path.parent.mkdir(parents=True)
        path.write_bytes(b"%OFD not a zip" * 50)
    else:
        _zip(path, members)
    rejected = _rejected(path, tmp_path, now)
    assert rejected.reason_code == Reason.CORRUPT_OFD
    assert detail in rejected.message
    assert "export it as PDF" in rejected.message


def test_ofd_of_scanned_images_has_no_text_layer(tmp_path: Path, now: datetime) -> None:
    document = (f'<ofd:Document xmlns:ofd="{OFD_NS}"><ofd:Pages><ofd:Page ID="1" BaseLoc="Pages/Page_0/Content.xml"/>'
                '</ofd:Pages></ofd:Document>')
    page = (f'<ofd:Page xmlns:ofd="{OFD_NS}"><ofd:Content><ofd:Layer ID="2"><ofd:ImageObject ID="3" '
            'Boundary="0 0 210 297" CTM="210 0 0 297 0 0" ResourceID="4"/></ofd:Layer></ofd:Content></ofd:Page>')
    path = _zip(tmp_path / "2020" / "scan.ofd", {"OFD.xml": _GOOD_OFD, "Doc_0/Document.xml": document,
                                                 "Doc_0/Pages/Page_0/Content.xml": page,
                                                 "Doc_0/Res/image_4.jpg": b"\xff\xd8\xff\xe0 not really"})
    rejected = _rejected(path, tmp_path, now)
    assert rejected.reason_code == Reason.NO_TEXT_LAYER
    assert "a scan or images only" in rejected.message


def test_ofd_over_the_page_limit_is_too_large(tmp_path: Path) -> None:
    data = write_ofd(tmp_path / "report.ofd").read_bytes()
    pages = len(ofd_pages())
    assert len(read_ofd(data, IngestSettings(max_pages=pages)).pages) == pages
    with pytest.raises(TooLargeError, match=rf"{pages} pages, over the limit of {pages - 1}"):
        read_ofd(data, IngestSettings(max_pages=pages - 1))
