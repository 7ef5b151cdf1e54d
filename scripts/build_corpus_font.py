"""Build perf_etl_tests/fixtures/fonts/NotoSansSC-corpus.ttf: the CJK TrueType font the benchmark corpus embeds.

The corpus (perf_etl_tests/fixtures/corpus.py) must be the same on every machine, so the font it embeds
comes with the project: Noto Sans CJK SC (SIL OFL 1.1, the face of the noto-cjk-sans-otc wheel the project
already depends on; its licence is fonts/OFL.txt beside the font) cut to the characters the corpus can
draw: every character of the generator's own text (its vocabulary and the literals around it), GB2312
level 1 (3,755 common hanzi, so that a new department name still renders), GB2312's punctuation, numbers and
full-width forms, and printable ASCII. reportlab embeds only TrueType (glyf) outlines, and Noto Sans CJK has
CFF ones, so the cubic outlines are converted to quadratic (cu2qu, fontTools' otf2ttf recipe). Layout tables
and hinting are dropped (neither reportlab nor fpdf2 uses them). The build is deterministic: the same
wheel gives the same bytes (the face's own head timestamps are kept, not set to the time of the build).

Run it again when the corpus generator gains characters (perf_etl_tests/bench/test_corpus.py checks that
the font covers them):

    .venv/bin/python scripts/build_corpus_font.py [--out PATH]
"""

from __future__ import annotations

import argparse
import ast
import io
from pathlib import Path

import noto_cjk_sans_otc
from fontTools import subset
from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTCollection, TTFont, newTable

REPO = Path(__file__).resolve().parents[1]
CORPUS_SOURCE = REPO / "perf_etl_tests" / "fixtures" / "corpus.py"
OUT = REPO / "perf_etl_tests" / "fixtures" / "fonts" / "NotoSansSC-corpus.ttf"
FACE = "NotoSansCJKsc-Regular"  # the PostScript name of the face in the collection
FAMILY = "Noto Sans SC Corpus"  # a modified version gets a name of its own
MAX_ERROR = 1.0  # font units (of 1000): the largest distance of a quadratic from its cubic
# GB2312 rows (first byte 0xA0 + row): 1 punctuation, 2 numbered forms, 3 full-width ASCII, 16–55 level 1.
GB2312_ROWS = (1, 2, 3, *range(16, 56))


def corpus_characters(source: Path = CORPUS_SOURCE) -> set[str]:
    """Every character of the string literals (f-string parts too) of the corpus generator's source."""
    tree = ast.parse(source.read_text(encoding="utf-8"))
    return {char for node in ast.walk(tree) if isinstance(node, ast.Constant) and isinstance(node.value, str)
            for char in node.value if char.isprintable()}


def gb2312_characters(rows: tuple[int, ...] = GB2312_ROWS) -> set[str]:
    chars: set[str] = set()
    for row in rows:
        for cell in range(1, 95):
            try:
                chars.add(bytes((0xA0 + row, 0xA0 + cell)).decode("gb2312"))
            except UnicodeDecodeError:  # an unassigned code point of the row
                continue
    return chars


def wanted_characters() -> set[str]:
    return corpus_characters() | gb2312_characters() | {chr(code) for code in range(0x20, 0x7F)}


def _face() -> TTFont:
    collection = TTCollection(str(noto_cjk_sans_otc.FONT_PATH))
    return next(font for font in collection.fonts if font["name"].getDebugName(6) == FACE)


def _subset(font: TTFont, chars: set[str]) -> None:
    options = subset.Options()
    options.layout_features = []
    options.hinting = False
    options.desubroutinize = True
    options.notdef_outline = True
    options.name_IDs = [0, 1, 2, 3, 4, 5, 6, 7, 11, 13, 14]  # keeps the copyright and licence entries
    options.drop_tables += ["GSUB", "GPOS", "GDEF", "BASE", "VORG", "vhea", "vmtx", "DSIG"]
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=sorted(ord(char) for char in chars))
    subsetter.subset(font)


def _to_truetype(font: TTFont) -> None:
    """Replace the CFF outlines by quadratic glyf ones (fontTools' otf2ttf snippet)."""
    order = font.getGlyphOrder()
    glyph_set = font.getGlyphSet()
    glyphs = {}
    for name in order:
        pen = TTGlyphPen(glyph_set)
        glyph_set[name].draw(Cu2QuPen(pen, MAX_ERROR, reverse_direction=True))
        glyphs[name] = pen.glyph()
    font["loca"] = newTable("loca")
    font["glyf"] = glyf = newTable("glyf")
    glyf.glyphOrder, glyf.glyphs = order, glyphs
    del font["CFF "]
    glyf.compile(font)
    hmtx = font["hmtx"]
    for name, glyph in glyphs.items():  # left side bearing = xMin of the new outline
        hmtx[name] = (hmtx[name][0], getattr(glyph, "xMin", 0))
    font["maxp"] = maxp = newTable("maxp")
    maxp.tableVersion = 0x00010000
    maxp.maxZones = 1
    for attribute in ("maxTwilightPoints", "maxStorage", "maxFunctionDefs", "maxInstructionDefs",
                      "maxStackElements", "maxSizeOfInstructions", "maxComponentElements"):
        setattr(maxp, attribute, 0)
    post = font["post"]
    post.formatType, post.extraNames, post.mapping = 3.0, [], {}  # no glyph names: smaller, not needed
    font.sfntVersion = "\x00\x01\x00\x00"


def _rename(font: TTFont) -> None:
    names = font["name"]
    postscript = FAMILY.replace(" ", "") + "-Regular"
    for name_id, value in ((1, FAMILY), (3, f"{postscript};perf-etl"), (4, FAMILY), (6, postscript)):
        names.setName(value, name_id, 3, 1, 0x409)
    names.names = [record for record in names.names if record.platformID == 3]  # the Windows records only


def build(chars: set[str] | None = None) -> bytes:
    font = _face()
    _subset(font, wanted_characters() if chars is None else chars)
    _to_truetype(font)
    _rename(font)
    buffer = io.BytesIO()
    font.recalcTimestamp = False
    font.save(buffer)
    return buffer.getvalue()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_bytes(build())
    covered = len(TTFont(args.out)["cmap"].getBestCmap())
    print(f"{args.out}: {args.out.stat().st_size} bytes, {covered} characters")


if __name__ == "__main__":
    main()
