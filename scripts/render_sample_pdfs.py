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
import sys
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))  # perf_etl_tests is not installed: import it from the checkout

from perf_etl_tests.fixtures.pdf_render import (  # noqa: E402 - needs the path above
    BODY_LEADING,
    PARAGRAPH_GAP,
    WQY_ZENHEI,
    Block,
    body_block,
    draw_pages,
    paginate,
    register_cjk_font,
    title_block,
    wrap_greedy,
)

DEFAULT_SEEDS = REPO.parent / "shared" / "seeds"
DEFAULT_OUT = REPO / "data" / "samples"
# A blank source line becomes a half-line gap: the seeds separate nearly every line with one, and full
# blank lines would double the page count without adding anything.
BLANK_GAP = PARAGRAPH_GAP
# The title is the first lines up to the one naming the report, never more than this many.
MAX_TITLE_LINES = 4


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


def source_blocks(lines: list[str], font: str) -> list[Block]:
    """Each source line as it is written, wrapped, with no gap after it; a blank line only a gap."""
    return [body_block(line, font, wrap_greedy, gap=0.0) if line.strip() else Block((), BLANK_GAP) for line in lines]


def layout(before: list[str], title: list[str], body: list[str], font: str) -> list[Block]:
    """The lines above the title, a half-line, the title centred, a full line, then the body."""
    title_rows = title_block([line.strip() for line in title], font, wrap_greedy)
    return [*source_blocks(before, font), Block((), BODY_LEADING / 2), title_rows, *source_blocks(body, font)]


def render(text: str, pdf_path: Path, font: str) -> int:
    """Render one report text to `pdf_path`; returns the page count."""
    before, title, body = split_title(text.splitlines())
    # invariant=1 fixes the creation date and document id, so the bytes depend only on the input.
    canvas = Canvas(str(pdf_path), pagesize=A4, invariant=1, pageCompression=1)
    canvas.setTitle("".join(line.strip() for line in title))
    pages = paginate(layout(before, title, body, font))
    draw_pages(canvas, font, pages)
    canvas.save()
    return len(pages)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=Path, default=DEFAULT_SEEDS, help="folder of seed .txt files")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="where .txt and .pdf go")
    parser.add_argument("--font", type=Path, default=None, help=f"TrueType CJK font (default {WQY_ZENHEI})")
    args = parser.parse_args(argv)
    seeds = sorted(args.seeds.glob("*.txt"))
    if not seeds:
        raise SystemExit(f"no .txt seeds in {args.seeds}")
    font = register_cjk_font(args.font)
    args.out.mkdir(parents=True, exist_ok=True)
    for seed in seeds:
        shutil.copyfile(seed, args.out / seed.name)
        pdf_path = args.out / f"{seed.stem}.pdf"
        pages = render(seed.read_text(encoding="utf-8"), pdf_path, font)
        print(f"{pdf_path}: {pages} pages, font {font}")


if __name__ == "__main__":
    main()
