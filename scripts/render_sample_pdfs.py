"""Render the seed report texts to PDFs that look like the published ones.

The seeds in ../shared/seeds are texts already pulled out of real PDFs. Ingestion is built for PDFs, so
this script turns each seed back into an A4 PDF (title in a bigger font, body about 35 CJK characters a
line, "- n -" page numbers) and copies the text beside it: data/samples/<name>.txt and <name>.pdf.

The text is drawn as written, markdown `**` included: that damage is what the normalizer must repair.
Output is deterministic (reportlab invariant mode), so re-running gives identical bytes on a machine
with the same font.

    .venv/bin/python scripts/render_sample_pdfs.py [--seeds DIR] [--out DIR] [--font PATH]
"""

from __future__ import annotations

import argparse
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

REPO = Path(__file__).resolve().parents[1]
DEFAULT_SEEDS = REPO.parent / "shared" / "seeds"
DEFAULT_OUT = REPO / "data" / "samples"
# Debian's fonts-wqy-zenhei. Embedded TrueType is what real reports carry; the built-in CID font is
# only referenced by name (not embedded), which is less realistic but always available.
WQY_ZENHEI = Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc")
FALLBACK_CID_FONT = "STSong-Light"

PAGE_WIDTH, PAGE_HEIGHT = A4
BODY_SIZE = 12.0
TITLE_SIZE = 18.0
PAGE_NUMBER_SIZE = 10.5
CHARS_PER_LINE = 35  # CJK characters; sets the text width
TEXT_WIDTH = CHARS_PER_LINE * BODY_SIZE
LEFT = (PAGE_WIDTH - TEXT_WIDTH) / 2
TOP = PAGE_HEIGHT - 72.0
BOTTOM = 72.0
PAGE_NUMBER_Y = 40.0
BODY_LEADING = BODY_SIZE * 1.7
TITLE_LEADING = TITLE_SIZE * 1.5
# A blank source line becomes a half-line gap: the seeds separate nearly every line with one, and full
# blank lines would double the page count without adding anything.
BLANK_GAP = BODY_LEADING / 2
# The title is the first lines up to the one naming the report, never more than this many.
MAX_TITLE_LINES = 4


def register_font(font_path: Path | None) -> str:
    """Register the CJK font to draw with and return its name."""
    path = font_path or WQY_ZENHEI
    if path.exists():
        pdfmetrics.registerFont(TTFont("CJKBody", str(path), subfontIndex=0))
        return "CJKBody"
    pdfmetrics.registerFont(UnicodeCIDFont(FALLBACK_CID_FONT))
    return FALLBACK_CID_FONT


def split_title(lines: list[str]) -> tuple[list[str], list[str], list[str]]:
    """(lines before the title, title lines, body lines).

    Lines such as "附件 2" sit above the title in normal type. The title runs from the next non-blank
    line to the first line containing 报告 (the report's own name), at most MAX_TITLE_LINES lines.
    """
    start = 0
    while start < len(lines) and (not lines[start].strip() or lines[start].strip().startswith("附件")):
        start += 1
    title: list[str] = []
    index = start
    while index < len(lines) and len(title) < MAX_TITLE_LINES:
        if lines[index].strip():
            title.append(lines[index])
            if "报告" in lines[index]:
                break
        index += 1
    if not any("报告" in line for line in title):
        # No report name near the top: only the first line is the title.
        title, index = title[:1], start
    return lines[:start], title, lines[index + 1 :]


def _tokens(line: str) -> Iterator[str]:
    """Split a line into wrap units: each CJK/punctuation char alone, ASCII words kept whole."""
    word = ""
    for char in line:
        if char.isascii() and not char.isspace():
            word += char
            continue
        if word:
            yield word
            word = ""
        yield char
    if word:
        yield word


def wrap(line: str, font: str, size: float, width: float) -> list[str]:
    """Greedy wrap to `width` points; ASCII words (numbers) move whole to the next line when they fit."""
    rows: list[str] = []
    current = ""
    for token in _tokens(line):
        candidate = current + token
        if current and pdfmetrics.stringWidth(candidate, font, size) > width:
            rows.append(current)
            current = token
        else:
            current = candidate
        while pdfmetrics.stringWidth(current, font, size) > width:  # a word longer than a line
            cut = _fit(current, font, size, width)
            rows.append(current[:cut])
            current = current[cut:]
    rows.append(current)
    return rows


def _fit(text: str, font: str, size: float, width: float) -> int:
    """How many leading chars of `text` fit in `width` (at least one)."""
    count = 1
    while count < len(text) and pdfmetrics.stringWidth(text[: count + 1], font, size) <= width:
        count += 1
    return count


@dataclass
class PageWriter:
    """Draws lines top to bottom, starting a new numbered page when the current one is full."""

    canvas: Canvas
    font: str
    y: float = TOP
    page: int = 1

    def line(self, text: str, size: float, leading: float, centred: bool = False) -> None:
        if self.y - leading < BOTTOM:
            self.new_page()
        self.y -= leading
        self.canvas.setFont(self.font, size)
        if centred:
            self.canvas.drawCentredString(PAGE_WIDTH / 2, self.y, text)
        else:
            self.canvas.drawString(LEFT, self.y, text)

    def gap(self, height: float) -> None:
        self.y -= height

    def new_page(self) -> None:
        self.finish_page()
        self.canvas.showPage()
        self.page += 1
        self.y = TOP

    def finish_page(self) -> None:
        self.canvas.setFont(self.font, PAGE_NUMBER_SIZE)
        self.canvas.drawCentredString(PAGE_WIDTH / 2, PAGE_NUMBER_Y, f"- {self.page} -")


def draw_body(writer: PageWriter, lines: list[str]) -> None:
    for source_line in lines:
        if not source_line.strip():
            writer.gap(BLANK_GAP)
            continue
        for row in wrap(source_line, writer.font, BODY_SIZE, TEXT_WIDTH):
            writer.line(row, BODY_SIZE, BODY_LEADING)


def render(text: str, pdf_path: Path, font: str) -> int:
    """Render one report text to `pdf_path`; returns the page count."""
    before, title, body = split_title(text.splitlines())
    # invariant=1 fixes the creation date and document id, so the bytes depend only on the input.
    canvas = Canvas(str(pdf_path), pagesize=A4, invariant=1, pageCompression=1)
    canvas.setTitle("".join(line.strip() for line in title))
    writer = PageWriter(canvas, font)
    draw_body(writer, before)
    writer.gap(BODY_LEADING / 2)
    for title_line in title:
        for row in wrap(title_line.strip(), font, TITLE_SIZE, TEXT_WIDTH):
            writer.line(row, TITLE_SIZE, TITLE_LEADING, centred=True)
    writer.gap(BODY_LEADING)
    draw_body(writer, body)
    writer.finish_page()
    canvas.save()
    return writer.page


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=Path, default=DEFAULT_SEEDS, help="folder of seed .txt files")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="where .txt and .pdf go")
    parser.add_argument("--font", type=Path, default=None, help=f"TrueType CJK font (default {WQY_ZENHEI})")
    args = parser.parse_args(argv)
    seeds = sorted(args.seeds.glob("*.txt"))
    if not seeds:
        raise SystemExit(f"no .txt seeds in {args.seeds}")
    font = register_font(args.font)
    args.out.mkdir(parents=True, exist_ok=True)
    for seed in seeds:
        shutil.copyfile(seed, args.out / seed.name)
        pdf_path = args.out / f"{seed.stem}.pdf"
        pages = render(seed.read_text(encoding="utf-8"), pdf_path, font)
        print(f"{pdf_path}: {pages} pages, font {font}")


if __name__ == "__main__":
    main()
