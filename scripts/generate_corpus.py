"""Write N synthetic report PDFs and their true field values (truth.jsonl) to OUT_DIR.

The reports are drawn by perf_etl_tests/fixtures/corpus.py: departments of real provinces / cities /
districts, fiscal years 2018–2025, varied wording and units for the figures, 3–20 A4 pages, three font kinds
(embedded TrueType, embedded CID subset, non-embedded CID; the project's own font), some with a ruled 自评表
page. The same seed gives the same bytes on every machine.

    .venv/bin/python scripts/generate_corpus.py OUT_DIR --n 300 --seed 0 [--workers 2] [--truth FILE]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))  # perf_etl_tests is not installed: import it from the checkout

from perf_etl_tests.fixtures.corpus import generate  # noqa: E402 - needs the path above


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path, help="folder to write report_NNNNN.pdf and truth.jsonl to")
    parser.add_argument("--n", type=int, default=300, help="number of reports (default 300)")
    parser.add_argument("--seed", type=int, default=0, help="seed (default 0)")
    parser.add_argument("--workers", type=int, default=None, help="rendering processes (default: up to 2)")
    parser.add_argument("--truth", type=Path, default=None,
                        help="truth file (default OUT/truth.jsonl; put it elsewhere when OUT is a landing folder)")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    rows = generate(args.out, args.n, args.seed, workers=args.workers, truth_path=args.truth)
    seconds = time.perf_counter() - started
    pages = sum(row.page_count for row in rows)
    fonts = Counter(row.font for row in rows)
    print(f"{len(rows)} reports, {pages} pages in {args.out} ({seconds:.1f} s); fonts {dict(fonts)}, "
          f"{sum(row.has_table for row in rows)} with a 自评表, years "
          f"{min(row.fiscal_year for row in rows)}–{max(row.fiscal_year for row in rows)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
