"""Build perf_etl/ingest/fonts/metrics.ttf: the substitute font pdfium is given for fonts a PDF does not embed.

One glyph, a full-em box, mapped to every code point from U+0020 to U+2FFFF by a single cmap format 13
group (many code points to one glyph: 640 bytes, where a CJK font is 20 MB). Text extraction needs a
substitute only for its metrics (character boxes); with none at all pdfium gives CJK characters zero-height
boxes and drops some (docs/performance.md). The build is deterministic: fixed timestamps.

    .venv/bin/python scripts/build_metrics_font.py [--out PATH]
"""

from __future__ import annotations

import argparse
import io
from pathlib import Path

from fontTools.fontBuilder import FontBuilder
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib.tables._c_m_a_p import CmapSubtable

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "perf_etl" / "ingest" / "fonts" / "metrics.ttf"
UNITS_PER_EM, ASCENT, DESCENT = 1000, 880, -120
FIRST, LAST = 0x20, 0x2FFFF
TIMESTAMP = 0  # seconds since 1904-01-01 in the head table: fixed, so the bytes are reproducible


def _box():
    pen = TTGlyphPen(None)
    for point in ((0, DESCENT), (0, ASCENT), (UNITS_PER_EM, ASCENT), (UNITS_PER_EM, DESCENT)):
        (pen.lineTo if pen.points else pen.moveTo)(point)
    pen.closePath()
    return pen.glyph()


def build() -> bytes:
    builder = FontBuilder(UNITS_PER_EM, isTTF=True)
    builder.setupGlyphOrder([".notdef", "box"])
    builder.setupCharacterMap({FIRST: "box"})
    builder.setupGlyf({".notdef": TTGlyphPen(None).glyph(), "box": _box()})
    builder.setupHorizontalMetrics({".notdef": (UNITS_PER_EM // 2, 0), "box": (UNITS_PER_EM, 0)})
    builder.setupHorizontalHeader(ascent=ASCENT, descent=DESCENT)
    builder.setupNameTable({"familyName": "perf-etl metrics", "styleName": "Regular"})
    builder.setupOS2(sTypoAscender=ASCENT, sTypoDescender=DESCENT, usWinAscent=ASCENT, usWinDescent=-DESCENT)
    builder.setupPost()
    builder.setupHead(created=TIMESTAMP, modified=TIMESTAMP)
    many_to_one = CmapSubtable.newSubtable(13)
    many_to_one.platformID, many_to_one.platEncID, many_to_one.language = 3, 10, 0
    many_to_one.cmap = dict.fromkeys(range(FIRST, LAST + 1), "box")
    builder.font["cmap"].tables = [many_to_one]
    buffer = io.BytesIO()
    builder.font.recalcTimestamp = False
    builder.font.save(buffer)
    return buffer.getvalue()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    args.out.write_bytes(build())
    print(f"{args.out}: {args.out.stat().st_size} bytes")


if __name__ == "__main__":
    main()
