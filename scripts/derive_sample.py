"""Derive the bundled sample of a department's second year, so that the year-over-year columns show.

The five real samples are five different departments: every year-over-year column of marts.department_year
would be empty on them. This writes data/samples/005_derived_from_003.txt and .pdf: sample 003 (广州市番禺区
投资促进中心, fiscal year 2021) moved one year on (every year +1) with every amount times 0.8777, so that its
expenditure falls 12.23 % — what the report itself says of its year before ("相比 2020 年度支出减少了
12.23%"). Shares and rates are unchanged, as they are under a common factor. The text ends with a line
saying it is derived; the file name says so too. It is not a published report and is not used to measure
extraction.

    .venv/bin/python scripts/derive_sample.py [--font PATH]
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "scripts"))

import render_sample_pdfs  # noqa: E402 - needs the path above

SAMPLES = REPO / "data" / "samples"
SOURCE = SAMPLES / "003_9525dc9db79afe20.txt"
DERIVED_NAME = "005_derived_from_003"
FACTOR = Decimal("0.8777")
AMOUNT = re.compile(r"(\d+(?:\.\d+)?)(\s*(?:亿元|万元|元))")
YEAR = re.compile(r"(?<!\d)(20\d\d)(?!\d)")
NOTE = ("说明：本文为演示用的派生样例，由本目录 003 号真实样本改写而成（年份均后移一年，金额均乘以 0.8777），"
        "并非真实发布的报告。")


def derive(text: str) -> str:
    """The text one year on, its amounts scaled, with the note at the end."""
    def scaled(match: re.Match[str]) -> str:
        value = (Decimal(match.group(1)) * FACTOR).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        return f"{value}{match.group(2)}"

    moved = YEAR.sub(lambda match: str(int(match.group(1)) + 1), text)
    return AMOUNT.sub(scaled, moved).rstrip() + "\n\n" + NOTE + "\n"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--font", type=Path, default=None, help="TrueType CJK font for the PDF")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as seeds:
        (Path(seeds) / f"{DERIVED_NAME}.txt").write_text(derive(SOURCE.read_text(encoding="utf-8")),
                                                         encoding="utf-8")
        render_sample_pdfs.main(["--seeds", seeds, "--out", str(SAMPLES),
                                 *(["--font", str(args.font)] if args.font else [])])


if __name__ == "__main__":
    main()
