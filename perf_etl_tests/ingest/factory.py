"""Small input files for the ingestion tests, made on the fly in tmp_path.

PDFs use reportlab's built-in STSong-Light CID font, which every machine with reportlab has (the sample
renderer's embedded TrueType font may be missing on CI) and which pdfplumber maps back to Unicode.
"""

from __future__ import annotations

import random
from pathlib import Path

import docx
from reportlab.lib import pdfencrypt
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen.canvas import Canvas

REPO = Path(__file__).resolve().parents[2]
SAMPLES = REPO / "data" / "samples"
SAMPLE_NAMES = (
    "000_c00e73963f41166b",
    "001_0b37341ce517e90b",
    "002_fa04becc64be89b5",
    "003_9525dc9db79afe20",
    "004_3cc4b0b52db76508",
)
FONT = "STSong-Light"
_LINES_PER_PAGE = 40

pdfmetrics.registerFont(UnicodeCIDFont(FONT))

# A budget disclosure: Chinese government text about money and years, but not a self-evaluation.
BUDGET_DISCLOSURE = """广州市某区投资促进局2023年部门预算公开说明
一、部门主要职责
负责统筹协调全区招商引资工作，拟订年度招商目标任务，组织实施招商引资具体工作。
二、部门预算单位构成
本部门预算仅包括本级预算，没有下属预算单位，机构设置为办公室、投资促进科。
三、收支预算总体情况
2023年收入预算总计2155.61万元，其中一般公共预算拨款收入2155.61万元，比上年增加12.3万元。
2023年支出预算总计2155.61万元，其中基本支出1907.5万元，项目支出248.11万元。
四、政府采购预算情况
本部门政府采购预算为零，没有安排政府采购项目，也没有安排国有资产购置预算。
五、名词解释
基本支出是指为保障机构正常运转、完成日常工作任务而发生的人员支出和公用支出。"""

# A notice that names the report in its title but is a notice.
NOTICE = """关于报送2023年度部门整体支出绩效自评报告的通知
各区直部门：
为做好2023年度预算绩效管理工作，请各部门对照部门整体支出绩效评价指标体系，认真开展绩效自评，
于2024年3月31日前将部门整体支出绩效自评报告及自评表报送区财政局预算绩效管理科。
自评报告应包括部门基本情况、绩效自评结论、存在的主要问题和下一步改进措施等内容，数据应真实准确。
联系人：张三，联系电话：12345678。
区财政局
2024年2月1日"""


def sample_text(name: str) -> str:
    return (SAMPLES / f"{name}.txt").read_text(encoding="utf-8")


def make_pdf(
    path: Path,
    lines: list[str],
    *,
    encrypt: pdfencrypt.StandardEncryption | None = None,
    fake_bold: bool = False,
    char_space: float = 0.0,
) -> Path:
    """A PDF with `lines` at 12 pt, 40 a page. fake_bold draws every line twice, 0.3 pt apart."""
    path.parent.mkdir(parents=True, exist_ok=True)
    canvas = Canvas(str(path), pagesize=A4, invariant=1, encrypt=encrypt)
    for page_start in range(0, max(len(lines), 1), _LINES_PER_PAGE):
        for row, line in enumerate(lines[page_start : page_start + _LINES_PER_PAGE]):
            y = 800 - row * 18
            for dx in (0.0, 0.3) if fake_bold else (0.0,):
                _draw(canvas, 60 + dx, y, line, char_space)
        canvas.showPage()
    canvas.save()
    return path


def _draw(canvas: Canvas, x: float, y: float, text: str, char_space: float) -> None:
    text_object = canvas.beginText(x, y)
    text_object.setFont(FONT, 12)
    text_object.setCharSpace(char_space)
    text_object.textLine(text)
    canvas.drawText(text_object)


def make_image_only_pdf(path: Path, pages: int = 2) -> Path:
    """A "scan": pages with drawn shapes and no text at all."""
    path.parent.mkdir(parents=True, exist_ok=True)
    canvas = Canvas(str(path), pagesize=A4, invariant=1)
    for _ in range(pages):
        canvas.rect(60, 400, 300, 200, fill=1)
        canvas.showPage()
    canvas.save()
    return path


def make_docx(
    path: Path, paragraphs: list[str], table: list[list[str]] | None = None, closing: str | None = None
) -> Path:
    """A .docx with `paragraphs`, then `table` (rows of cells), then a `closing` paragraph."""
    path.parent.mkdir(parents=True, exist_ok=True)
    document = docx.Document()
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    if table:
        grid = document.add_table(rows=len(table), cols=len(table[0]))
        for row_cells, values in zip(grid.rows, table, strict=True):
            for cell, value in zip(row_cells.cells, values, strict=True):
                cell.text = value
    if closing is not None:
        document.add_paragraph(closing)
    document.save(str(path))
    return path


def random_bytes(size: int, seed: int = 7) -> bytes:
    """Deterministic noise: a "PDF" or ".txt" that is neither."""
    return random.Random(seed).randbytes(size)
